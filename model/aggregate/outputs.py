"""What the aggregate model reports: the agent model's time-series columns and summary keys.

Columns without a mean-field meaning are filled with what the agent model would show for the
same lab: ``ai_agents`` is the number of Mesa agents the agent model would hold (its cohorts and
one copilot per human), ``queue_length`` the ideas waiting for compute in the mean field, and
``mean_cycle_weeks`` an opened idea's sojourn per rung. Everything is finite.
"""

from __future__ import annotations

import math

import numpy as np

from model import metrics


def row(m) -> dict:
    """One week of the time series: the agent model's columns, in its order."""
    s = m.settings
    ai = s.ai.enabled
    spread = s.humans.taste_spread
    human_taste = math.exp(-m.learned) * float(np.sum(m.taste_w * m.taste_x))
    if not ai:
        pct = 0.0
    elif spread == 0:
        pct = 100.0 if m.ai_taste > 1 else 0.0
    else:
        pct = 50.0 * (1.0 + math.erf(math.log(m.ai_taste) / (spread * math.sqrt(2))))
    twin_speed = m.twin.research_speed if m.twin else m.research_speed
    row = {
        "week": m.week, "compute_total": m.total,
        "share_inference": float(m.shares[0]), "share_experiments": float(m.shares[1]),
        "share_training": float(m.shares[2]), "experiment_compute": m.budget,
        "utilisation": m.utilisation, "humans": int(m.humans),
        "ai_agents": (s.ai.cohorts + int(m.humans)) if ai else 0,
        "ai_copies": m.ai_copies, "ai_human_equivalents": m.ai_copies * m.ai_speed,
        "ai_autonomous_share": m.ai_autonomy, "ai_taste": m.ai_taste if ai else 0.0,
        "ai_taste_percentile": pct, "ai_speed": m.ai_speed if ai else 0.0,
        "human_taste": human_taste, "software_efficiency": math.exp(m.ln_s),
        "proxy_efficiency": math.exp(min(m.ln_proxy, metrics.MAX_LN_REPORTED)),
        "capability": m.capability, "research_speed": m.research_speed,
        "twin_research_speed": twin_speed, "speedup": m.speedup,
        "ideas_generated": m.counts["generated"], "ideas_started": m.counts["started"],
        "ideas_tested": float(m.tested.sum()),
    }
    for k in range(m.rungs):
        row[f"ideas_tested_rung{k + 1}"] = float(m.tested[k])
    row.update({
        "ideas_promoted": m.counts["promoted"], "ideas_merged": m.counts["merged"],
        "ideas_shipped": m.counts["shipped"],
        "ideas_shipped_harmful": m.counts["shipped_harmful"],
        "ideas_duplicated": m.counts["duplicated"], "queue_length": m.queue,
        "mean_cycle_weeks": m.cycle, "frontier_runs": m.runs,
    })
    return row


def summary(m) -> dict:
    """The agent model's per-run summary keys, from the mean-field trajectory."""
    s, d, c = m.settings, m.data, m.counts
    years = max(m.week, 1) / 52.0
    twin_ln = m.twin.ln_s_history if m.twin else m.ln_s_history
    shipped = c["shipped"]
    return {
        "scenario": s.name, "seed": s.run.seed, "weeks": m.week,
        "horizon_weeks": s.run.weeks, "exploded": m.exploded,
        "explosion_week": m.explosion_week,
        "software_efficiency": math.exp(m.ln_s),
        "proxy_efficiency": math.exp(min(m.ln_proxy, metrics.MAX_LN_REPORTED)),
        "capability": m.capability,
        "progress_per_year": math.exp(m.ln_s / years),
        "twin_progress_per_year": math.exp(twin_ln[-1] / years),
        "weeks_to_10x": metrics.first_week_reaching(d["week"], m.ln_s_history, 10.0),
        "weeks_to_100x": metrics.first_week_reaching(d["week"], m.ln_s_history, 100.0),
        "weeks_to_1000x": metrics.first_week_reaching(d["week"], m.ln_s_history, 1000.0),
        "peak_speedup": max(d["speedup"]), "final_speedup": d["speedup"][-1],
        "final_research_speed": m.research_speed, "frontier_runs": m.runs,
        "ideas_shipped": shipped,
        "shipped_helpful_share": c["shipped_helpful"] / shipped if shipped else 0.0,
        "shipped_harmful_share": c["shipped_harmful"] / shipped if shipped else 0.0,
        "ideas_duplicated": c["duplicated"],
        "final_ai_copies": m.ai_copies,
        "final_ai_taste": m.ai_taste if s.ai.enabled else 0.0,
    }
