"""What the aggregate model reports: the agent model's time-series columns, in its order.

Columns are read off the weekly record of ``model.aggregate.week`` and computed as
``model.metrics`` computes them (research speed over the trailing window, speedup with both
speeds floored, compression against the yardstick of ``metrics.yardstick``). Columns without a
mean-field meaning hold what the agent model would show for the same lab: ``ai_agents`` is the
number of Mesa agents it would hold (its cohorts and one copilot per human). The summary is
``model.metrics.summary`` itself, read from the same attributes as the agent model's.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from model import metrics
from model.aggregate import week as wk


def columns(m, rec: np.ndarray, speed, twin_speed, speedup, twin_ln=None) -> dict[str, list]:
    """The agent model's columns (``metrics.reporters``) from the record ``rec`` (week rows)."""
    s = m.settings
    ai = s.ai.enabled
    n = rec.shape[0]
    ln_s = rec[:, wk.R_LN_S]
    twin_ln = ln_s if twin_ln is None else np.asarray(twin_ln)[:n]
    taste = rec[:, wk.R_AI_TASTE]
    spread = s.humans.taste_spread
    if not ai:
        pct = np.zeros(n)
    elif spread == 0:
        pct = np.where(taste > 1, 100.0, 0.0)
    else:
        pct = 50.0 * (1.0 + _erf(np.log(taste) / (spread * math.sqrt(2))))
    humans = rec[:, wk.R_HUMANS].astype(np.int64)
    pace = metrics.yardstick(m)
    if pace and pace > 0:
        back = np.maximum(np.arange(n) - metrics.YEAR, 0)
        compression = (ln_s - ln_s[back]) / pace
    else:
        compression = np.zeros(n)
    cap_ln = metrics.MAX_LN_REPORTED
    values = {
        "week": rec[:, wk.R_WEEK].astype(np.int64),
        "compute_total": rec[:, wk.R_TOTAL],
        "share_inference": rec[:, wk.R_SH_INF],
        "share_experiments": rec[:, wk.R_SH_EXP],
        "share_training": rec[:, wk.R_SH_TRAIN],
        "experiment_compute": rec[:, wk.R_BUDGET],
        "utilisation": rec[:, wk.R_UTIL],
        "humans": humans,
        "ai_agents": (s.ai.cohorts + humans) if ai else np.zeros(n, dtype=np.int64),
        "ai_copies": rec[:, wk.R_AI_COPIES],
        "ai_human_equivalents": rec[:, wk.R_AI_COPIES] * rec[:, wk.R_AI_SPEED],
        "ai_autonomous_share": rec[:, wk.R_AUTONOMY],
        "ai_taste": taste if ai else np.zeros(n),
        "ai_taste_percentile": pct,
        "ai_speed": rec[:, wk.R_AI_SPEED] if ai else np.zeros(n),
        "human_taste": rec[:, wk.R_HUMAN_TASTE],
        "software_efficiency": np.exp(ln_s),
        "twin_software_efficiency": np.exp(twin_ln),
        "proxy_efficiency": np.exp(np.minimum(rec[:, wk.R_PROXY], cap_ln)),
        "capability": rec[:, wk.R_CAP],
        "research_speed": np.asarray(speed, dtype=np.float64),
        "twin_research_speed": np.asarray(twin_speed, dtype=np.float64),
        "speedup": np.asarray(speedup, dtype=np.float64),
        "compression": compression,
        "ideas_generated": rec[:, wk.R_GENERATED],
        "ideas_started": rec[:, wk.R_STARTED],
        "ideas_tested": rec[:, wk.N_REC:].sum(axis=1),
    }
    for k in range(m.rungs):
        values[f"ideas_tested_rung{k + 1}"] = rec[:, wk.N_REC + k]
    values.update({
        "ideas_promoted": rec[:, wk.R_PROMOTED],
        "ideas_dropped": rec[:, wk.R_DROPPED],
        "ideas_merged": rec[:, wk.R_MERGED],
        "ideas_shipped": rec[:, wk.R_SHIPPED],
        "ideas_shipped_harmful": rec[:, wk.R_HARMFUL],
        "ideas_duplicated": rec[:, wk.R_DUPLICATED],
        "queue_length": rec[:, wk.R_QUEUE],
        "waiting_after_allocation": rec[:, wk.R_WAITING],
        "mean_cycle_weeks": rec[:, wk.R_CYCLE],
        "frontier_runs": rec[:, wk.R_RUNS].astype(np.int64),
    })
    return {name: values[name].tolist() for name in _names(m.rungs)}


@lru_cache(maxsize=8)
def _names(rungs: int) -> tuple[str, ...]:
    """The agent model's column names, in order (``metrics.reporters``)."""
    return tuple(metrics.reporters(rungs))


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf
    return erf(x)
