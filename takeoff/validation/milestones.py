"""The baseline's speedup against the AI 2027 takeoff forecast's milestone multipliers.

AI 2027 names research-speed multipliers for its milestones: a superhuman coder makes AI research
5x faster, a superhuman AI researcher 25x (a superintelligent AI researcher 250x). The model's
speedup is research speed (d ln S / dt over a trailing year) over the humans-only twin's, so a
multiplier is crossed when the speedup passes it. One run's speedup is noisy (two equal labs
differ by up to about 13% at week 104, the calibration's noise floor), so a crossing counts only
when it is sustained: the speedup stays at or above the multiplier for a whole frontier interval
(13 weeks) after it, or until the run ends in an explosion. Because the trailing year lags a
takeoff, the same crossings are also read off the speedup over the last frontier interval (the
quarter's gain in ln S over the twin's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.aggregate import AggregateModel
from model.metrics import SPEED_FLOOR
from model.milestones import MULTIPLIERS, automated_researcher_week, sustained_crossing
from model.model import TakeoffModel
from model.scenario import load_scenario

MILESTONES = MULTIPLIERS


def quarter_speedup(ln_s: list[float], twin_ln_s: list[float], interval: int) -> list[float]:
    """Speedup over the last ``interval`` weeks (both speeds floored as in ``model.metrics``)."""
    out = []
    for t in range(len(ln_s)):
        span = min(t, interval)
        if span == 0:
            out.append(1.0)
            continue
        main = (ln_s[t] - ln_s[t - span]) * 52.0 / span
        twin = (twin_ln_s[t] - twin_ln_s[t - span]) * 52.0 / span
        out.append(max(main, SPEED_FLOOR) / max(twin, SPEED_FLOOR))
    return out


@dataclass
class Milestones:
    """Weeks the baseline's speedup crosses each multiplier, per seed and in the aggregate."""

    seeds: list[int]
    crossings: dict  # milestone -> list of weeks (None: not crossed) per seed
    explosions: list
    aggregate: dict  # milestone -> week or None
    aggregate_explosion: int | None
    series: list  # (seed, weeks, speedup) per agent run
    aggregate_series: tuple
    automated: list  # Forethought's automated-AI-researcher week per seed (None: not reached)
    aggregate_automated: int | None
    quarter: dict  # milestone -> crossing week per seed, by the quarter's speedup
    aggregate_quarter: dict

    def median(self, name: str) -> float | None:
        """Median crossing week over seeds that crossed (None if fewer than half did)."""
        w = [x for x in self.crossings[name] if x is not None]
        return float(np.median(w)) if 2 * len(w) >= len(self.seeds) else None


def milestones(seeds: list[int], weeks: int = 520) -> Milestones:
    """Run the baseline on ``seeds`` (and the aggregate) and find the sustained crossings."""
    s = load_scenario("baseline").replace({"run.weeks": weeks})
    hold = s.frontier.interval_weeks
    crossings = {k: [] for k in MILESTONES}
    explosions, series, automated = [], [], []
    quarter = {k: [] for k in MILESTONES}
    for seed in seeds:
        m = TakeoffModel(s.replace({"run.seed": seed}), lineage_graph=False)
        m.run()
        data = m.datacollector.model_vars
        series.append((seed, list(data["week"]), list(data["speedup"])))
        explosions.append(m.explosion_week)
        automated.append(automated_researcher_week(data))
        q = quarter_speedup(m.ln_s_history, m.twin.ln_s_history, hold)
        for name, level in MILESTONES.items():
            crossings[name].append(sustained_crossing(data["week"], data["speedup"], level, hold,
                                                      m.exploded))
            quarter[name].append(sustained_crossing(data["week"], q, level, hold, m.exploded))
    a = AggregateModel(s)
    a.run()
    agg = {name: sustained_crossing(a.data["week"], a.data["speedup"], level, hold, a.exploded)
           for name, level in MILESTONES.items()}
    aq = quarter_speedup(a.ln_s_history, a.twin.ln_s_history, hold)
    agg_quarter = {name: sustained_crossing(a.data["week"], aq, level, hold, a.exploded)
                   for name, level in MILESTONES.items()}
    return Milestones(list(seeds), crossings, explosions, agg, a.explosion_week, series,
                      (list(a.data["week"]), list(a.data["speedup"])), automated,
                      automated_researcher_week(a.data), quarter, agg_quarter)
