"""What the model measures, per week (reporters) and per run (summary).

Research speed is the rate of true software progress, d ln S / dt per year, over a trailing window
(``metrics.speed_window_weeks``). Speedup is research speed over that of the humans-only twin: the
same scenario, seed and compute with AI researchers switched off. Both speeds are floored at
``SPEED_FLOOR`` before dividing, so a stalled lab reads 1 against a stalled twin, never 0/0; a
twin that barely progresses makes the ratio large however little the lab does, so the twin's own
software efficiency is reported beside it, and compression reads against a fixed yardstick.

Compression, the takeoff literature's headline: how many years of progress at the humans-only
pace the lab makes in one calendar year. The yardstick is the lab's humans-only pace at week 0
(ln S a year over the last year of its burn-in, which lab and twin share; with a burn-in under
two years, still warming up, the twin's pace over its first year, and compression is 0 until
then). The
lab's progress over the trailing 52 weeks (since week 0 before week 52) over that pace.
Idea counts are cumulative, and count every idea a row stands for.
"""

from __future__ import annotations

import math
from copy import deepcopy

import mesa
import numpy as np

from agents.ai import AICopilot, AIResearcher
from model.milestones import MULTIPLIERS, automated_researcher_week, sustained_crossing

SPEED_FLOOR = 0.01  # per year: 1% progress a year
MAX_LN_REPORTED = 300 * math.log(10)  # the proxy has no cap of its own; keep it finite
YEAR = 52
MIN_BURN_IN = 104  # weeks of history below which the burn-in is still warming up


def research_speed(model) -> float:
    """D ln S / dt per year over the trailing window."""
    hist = model.ln_s_history
    t = len(hist) - 1
    if t == 0:
        return 0.0
    window = getattr(model, "_window", None) or model.settings.metrics.speed_window_weeks
    span = min(t, window)
    return (hist[t] - hist[t - span]) * 52.0 / span


def speed_at_start_difficulty(model, start: int, end: int) -> float:
    """Research speed over weeks (start, end] had ideas stayed as hard as at week 0.

    The brief measures the compute elasticity "on the humans-only start": at week-0 difficulty.
    A faster lab makes ideas harder sooner (``ideas.phi``), which would otherwise hide part of
    what extra compute buys. Per year, in ln S.
    """
    quality = sum(q for week, _, q in model.frontier.log if start < week <= end)
    return model.settings.ideas.effect_scale * quality * 52.0 / (end - start)


def yardstick(model) -> float | None:
    """The humans-only pace at week 0, ln S a year (None while not yet known)."""
    pace = getattr(model, "_pace0", None)
    if pace is not None:
        return pace
    if model.settings.run.burn_in_weeks >= MIN_BURN_IN:
        pace = model.frontier.pace0
    else:
        ref = model.twin if model.twin is not None else model
        hist = ref.ln_s_history
        if len(hist) <= YEAR:
            return None
        pace = hist[YEAR] - hist[0]
    model._pace0 = pace
    return pace


def compression(model) -> float:
    """Years of progress at the humans-only pace made in the trailing year (0 if unknown)."""
    pace = yardstick(model)
    hist = model.ln_s_history
    if not pace or pace <= 0.0:
        return 0.0
    t = len(hist) - 1
    return (hist[t] - hist[max(t - YEAR, 0)]) / pace


def speedup(model) -> float:
    """Research speed over the humans-only twin's (1 for a humans-only run)."""
    if model.twin is None:
        return 1.0
    return max(model.research_speed, SPEED_FLOOR) / max(model.twin.research_speed, SPEED_FLOOR)


def ai_agents(model) -> int:
    """AI agents (autonomous cohorts and copilot cohorts), not copies."""
    return sum(len(model.agents_by_type.get(t, ())) for t in (AIResearcher, AICopilot))


def ai_taste_percentile(model) -> float:
    """Where AI taste sits in the week-0 human taste distribution, in percent."""
    wf = model.workforce
    if not wf.ai_enabled:
        return 0.0
    spread = wf.taste_spread
    if spread == 0:
        return 100.0 if model.workforce.ai_taste > 1 else 0.0
    return 50.0 * (1.0 + math.erf(math.log(model.workforce.ai_taste) / (spread * math.sqrt(2))))


def mean_cycle_weeks(model) -> float:
    """Mean weeks from submitting a request to deciding on its result, over the last 4 weeks."""
    recent = model.cycle_log[-4:]
    total = sum(w for _, w in recent)
    return sum(c for c, _ in recent) / total if total > 0 else 0.0


def human_taste(model) -> float:
    """Mean human taste relative to the week-0 median."""
    wf = model.workforce
    return float(np.mean(wf.taste_noise / wf.noise[wf.kind == 0]))


def reporters(rungs: int) -> dict:
    """Model reporters for the DataCollector, in timeseries column order."""
    wf = lambda m: m.workforce  # noqa: E731
    cols = {
        "week": lambda m: m.week,
        "compute_total": lambda m: m.compute.total,
        "share_inference": lambda m: float(m.compute.shares[0]),
        "share_experiments": lambda m: float(m.compute.shares[1]),
        "share_training": lambda m: float(m.compute.shares[2]),
        "experiment_compute": lambda m: m.compute.experiments,
        "utilisation": lambda m: m.scheduler.used / max(m.scheduler.offered, 1e-300),
        "humans": lambda m: wf(m).humans,
        "ai_agents": ai_agents,
        "ai_copies": lambda m: wf(m).ai_copies,
        "ai_human_equivalents": lambda m: wf(m).ai_copies * wf(m).ai_speed,
        "ai_autonomous_share": lambda m: wf(m).autonomy,
        "ai_taste": lambda m: wf(m).ai_taste if wf(m).ai_enabled else 0.0,
        "ai_taste_percentile": ai_taste_percentile,
        "ai_speed": lambda m: wf(m).ai_speed if wf(m).ai_enabled else 0.0,
        "human_taste": human_taste,
        "software_efficiency": lambda m: math.exp(m.ln_s),
        "twin_software_efficiency": lambda m: math.exp(m.twin.ln_s if m.twin else m.ln_s),
        "proxy_efficiency": lambda m: math.exp(min(m.ln_proxy, MAX_LN_REPORTED)),
        "capability": lambda m: m.capability,
        "research_speed": lambda m: m.research_speed,
        "twin_research_speed": lambda m: m.twin.research_speed if m.twin else m.research_speed,
        "speedup": lambda m: m.speedup,
        "compression": compression,
        "ideas_generated": lambda m: m.counts["generated"],
        "ideas_started": lambda m: m.counts["started"],
        "ideas_tested": lambda m: float(m.counts["tested"].sum()),
    }
    for k in range(rungs):
        cols[f"ideas_tested_rung{k + 1}"] = lambda m, k=k: float(m.counts["tested"][k])
    cols.update({
        "ideas_promoted": lambda m: m.counts["promoted"],
        "ideas_dropped": lambda m: float(m.counts["dropped"].sum()),
        "ideas_merged": lambda m: m.counts["merged"],
        "ideas_shipped": lambda m: m.counts["shipped"],
        "ideas_shipped_harmful": lambda m: m.counts["shipped_harmful"],
        "ideas_duplicated": lambda m: m.counts["duplicated"],
        "queue_length": lambda m: float(np.sum(m.pipelines.weight[m.pipelines.state == 1])),
        "waiting_after_allocation": lambda m: m.scheduler.waiting,
        "mean_cycle_weeks": mean_cycle_weeks,
        "frontier_runs": lambda m: m.frontier.runs,
    })
    return cols


class Recorder(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that return numbers, without deep copies.

    Mesa deep-copies every reported value in case it is mutable; a number is not, so after the
    first collection (Mesa's own, which validates the reporters) values are appended as they
    are. Anything that is not a number is still deep-copied. ``model_vars`` is Mesa's.
    """

    _SCALARS = (float, int, bool, np.generic)

    def collect(self, model) -> None:
        """Record every model reporter's value for this step."""
        if not self._validated or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        for name, reporter in self.model_reporters.items():
            value = reporter(model)
            self.model_vars[name].append(value if isinstance(value, self._SCALARS)
                                         else deepcopy(value))


def first_week_reaching(weeks: list[int], ln_s: list[float], factor: float) -> int | None:
    """First week S reached ``factor`` times its start, or None."""
    target = math.log(factor)
    for w, v in zip(weeks, ln_s, strict=True):
        if v >= target - 1e-12:
            return int(w)
    return None


def first_week_above(weeks: list[int], values: list[float], level: float) -> int | None:
    """First week a series reaches ``level``, or None."""
    for w, v in zip(weeks, values, strict=True):
        if v >= level:
            return int(w)
    return None


def progress_per_year(ln_s: float, weeks: int) -> float:
    """The yearly factor of progress ``ln_s`` over ``weeks`` (kept finite: at most 1e300)."""
    return math.exp(min(ln_s * YEAR / max(weeks, 1), 690.0))


def summary(model) -> dict:
    """Per-run results: progress, speedup, compression, milestones, explosion and stop.

    ``progress_per_year`` and ``twin_progress_per_year`` are measured over the weeks the run
    ran (to ``stop_week``), so a run that stopped at the cap reports its pace until then.
    """
    data = model.datacollector.model_vars
    weeks = data["week"]
    ln_s = model.ln_s_history
    twin_ln = model.twin.ln_s_history if model.twin else ln_s
    speedups = data["speedup"]
    squeeze = data["compression"]
    c = model.counts
    shipped = c["shipped"]
    ended = model.stop == "cap"
    hold = model.settings.frontier.interval_weeks
    top = int(np.argmax(squeeze)) if squeeze else 0
    milestone = {f"week_speedup_{level:g}x": sustained_crossing(weeks, speedups, level, hold,
                                                                  ended)
                 for level in MULTIPLIERS.values()}
    return {
        "scenario": model.settings.name,
        "seed": model.settings.run.seed,
        "weeks": model.week,
        "horizon_weeks": model.settings.run.weeks,
        "stop": model.stop or "horizon",
        "stop_week": model.week,
        "exploded": model.exploded,
        "explosion_week": model.explosion_week,
        "doubling_weeks": [round(d, 3) for d in model.frontier.clock.doubling_weeks],
        "software_efficiency": math.exp(model.ln_s),
        "proxy_efficiency": math.exp(min(model.ln_proxy, MAX_LN_REPORTED)),
        "capability": model.capability,
        "progress_per_year": progress_per_year(model.ln_s, model.week),
        "twin_progress_per_year": progress_per_year(twin_ln[-1], model.week),
        "weeks_to_10x": first_week_reaching(weeks, ln_s, 10.0),
        "weeks_to_100x": first_week_reaching(weeks, ln_s, 100.0),
        "weeks_to_1000x": first_week_reaching(weeks, ln_s, 1000.0),
        "peak_speedup": max(speedups),
        "final_speedup": speedups[-1],
        "final_research_speed": model.research_speed,
        "compression_max": float(squeeze[top]) if squeeze else 0.0,
        "compression_max_week": int(weeks[top]) if squeeze else None,
        "compression_3_week": first_week_above(weeks, squeeze, 3.0),
        "compression_10_week": first_week_above(weeks, squeeze, 10.0),
        **milestone,
        "week_automated_researcher": automated_researcher_week(data),
        "frontier_runs": model.frontier.runs,
        "longest_wait_weeks": [float(w) for w in model.scheduler.longest_wait],
        "ideas_started": c["started"],
        "ideas_dropped": float(c["dropped"].sum()),
        "ideas_merged": c["merged"],
        "ideas_shipped": shipped,
        "shipped_helpful_share": c["shipped_helpful"] / shipped if shipped else 0.0,
        "shipped_harmful_share": c["shipped_harmful"] / shipped if shipped else 0.0,
        "ideas_duplicated": c["duplicated"],
        "final_ai_copies": model.workforce.ai_copies,
        "final_ai_taste": model.workforce.ai_taste if model.settings.ai.enabled else 0.0,
    }
