"""The aggregate (mean-field) equations against the mean of many seeded agent runs.

Each regime is a configuration of the lab where one resource binds, with identical researchers
(no taste, speed or reading spread, no taste learning) so the mean field has one researcher to
describe. The measure is the worst relative difference in ``ln S`` between the aggregate and the
mean of the agent runs, at every frontier run from the end of the first year to the horizon
(with AI, until the aggregate's speedup over its humans-only twin reaches 2x and never later
than two runs before the first agent run explodes: in the takeoff itself the timing of a run,
which differs by quarters between seeds, dominates ``ln S``, so the explosion week is compared
instead). Each regime states its tolerance and
why it is that wide; ``docs/calibration.md`` explains the differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.aggregate import AggregateModel
from model.model import TakeoffModel
from model.scenario import Scenario, load_scenario

IDENTICAL = {"humans.taste_spread": 0.0, "humans.speed_spread": 0.0,
             "humans.interpretation_spread": 0.0, "humans.learning_rate": 0.0}
FIRST_WEEK = 52
TAKEOFF_SPEEDUP = 2.0  # with AI, ln S is compared until the aggregate's speedup reaches this


@dataclass(frozen=True)
class Regime:
    """A lab configuration in which to compare the aggregate with the agents."""

    key: str
    title: str
    base: str
    over: dict
    weeks: int
    tolerance: float | None  # None: reported, not judged
    why: str
    explosion_weeks: int | None = None  # allowed distance of the explosion week from the median


REGIMES = (
    Regime("ideas", "ideas bind: 1,000 identical humans, experiment compute not binding",
           "humans_only", {**IDENTICAL, "humans.count": 1000, "compute.experiment_boost": 1000.0,
                           "humans.pipelines": 64, "ideas.per_week": 0.5}, 156, 0.05,
           "every idea above the bar is tested, so selection is exact; the lineage's typical "
           "parent is its only mean-field approximation"),
    Regime("time", "researcher time binds: 400 identical humans, experiment compute not binding",
           "humans_only", {**IDENTICAL, "humans.count": 400, "compute.experiment_boost": 100.0},
           260, 0.10,
           "a researcher's four pipelines are a closed queueing network solved by mean value "
           "analysis in continuous time, the agents spend time in weekly budgets; backlog order "
           "statistics are a sharp selection threshold in the mean field"),
    Regime("compute", "compute binds: the default lab with 100 identical humans",
           "humans_only", {**IDENTICAL}, 260, 0.20,
           "requests wait for compute and are abandoned after the shelf life; the mean field "
           "spreads every rung's waits evenly over a fair-share turn, while the agents' "
           "scheduler lets small experiments through (backfill) and starves the top rung, so "
           "the aggregate opens more ideas in the first year and selects them less sharply; the "
           "gap compounds as a lower S keeps experiments dearer (frontier_coupling 0.7)"),
    Regime("ai", "AI researchers: the baseline with 100 identical humans, up to the explosion",
           "baseline", {**IDENTICAL}, 520, 0.20,
           "the compute-bound queue as above, plus AI cohorts choosing in blocks of ideas (a "
           "block is represented by its middle order statistic) and the explosion's timing "
           "amplifying any difference", explosion_weeks=26),
    Regime("default", "the default humans-only lab (taste, speed and reading spread, learning)",
           "humans_only", {}, 520, None,
           "reported, not judged: heterogeneous researchers are nodes of a quadrature in the "
           "mean field, and taste learning follows the mean researcher"),
)


@dataclass
class Agreement:
    """Aggregate against the agents' mean in one regime."""

    regime: Regime
    seeds: list[int]
    weeks: np.ndarray  # weeks compared (every run week from FIRST_WEEK)
    agents: np.ndarray  # ln S per seed (rows) up to the last compared week
    aggregate: np.ndarray  # ln S of the aggregate, same weeks as ``agents`` columns
    explosions: list = field(default_factory=list)  # agents' explosion weeks (None: none)
    aggregate_explosion: int | None = None

    @property
    def mean(self) -> np.ndarray:
        """Mean ln S of the agent runs, week by week."""
        return self.agents.mean(axis=0)

    @property
    def relative(self) -> np.ndarray:
        """Relative difference of the aggregate at the compared weeks."""
        m = self.mean[self.weeks]
        return (self.aggregate[self.weeks] - m) / np.maximum(np.abs(m), 1e-12)

    @property
    def worst(self) -> float:
        """Worst relative difference over the compared weeks."""
        return float(np.max(np.abs(self.relative))) if self.weeks.size else float("inf")

    @property
    def worst_week(self) -> int:
        """Week of the worst difference."""
        return int(self.weeks[int(np.argmax(np.abs(self.relative)))]) if self.weeks.size else 0

    @property
    def explosion_gap(self) -> float | None:
        """Aggregate's explosion week minus the agents' median (None if either does not)."""
        weeks = [e for e in self.explosions if e is not None]
        if not weeks or self.aggregate_explosion is None:
            return None
        return float(self.aggregate_explosion - np.median(weeks))

    @property
    def passed(self) -> bool | None:
        """Within the regime's tolerance (and its explosion-week tolerance, if it has one)."""
        if self.regime.tolerance is None:
            return None
        if self.worst > self.regime.tolerance:
            return False
        if self.regime.explosion_weeks is None:
            return True
        gap = self.explosion_gap
        exploded = sum(e is not None for e in self.explosions) * 2 > len(self.explosions)
        if gap is None:  # both must agree on whether the lab explodes at all
            return not exploded and self.aggregate_explosion is None
        return abs(gap) <= self.regime.explosion_weeks


def scenario_of(regime: Regime) -> Scenario:
    """The regime's scenario."""
    return load_scenario(regime.base).replace({**regime.over, "run.weeks": regime.weeks})


def compare(regime: Regime, seeds: list[int]) -> Agreement:
    """Run the aggregate and the agents on ``seeds``; line their ``ln S`` up week by week."""
    s = scenario_of(regime)
    agg = AggregateModel(s, twin=regime.explosion_weeks is not None)
    agg.run()
    runs, explosions = [], []
    for seed in seeds:
        m = TakeoffModel(s.replace({"run.seed": seed}), twin=False, lineage_graph=False)
        m.run()
        runs.append(np.asarray(m.ln_s_history))
        explosions.append(m.explosion_week)
    last = min(len(r) for r in runs) - 1
    if any(e is not None for e in explosions):  # up to two runs before the first explosion
        last = min(e for e in explosions if e is not None) - 2 * s.frontier.interval_weeks
    last = min(last, len(agg.ln_s_history) - 1)
    if regime.explosion_weeks is not None:
        past = np.nonzero(np.asarray(agg.data["speedup"]) >= TAKEOFF_SPEEDUP)[0]
        last = min(last, int(past[0])) if past.size else last
    interval = s.frontier.interval_weeks
    weeks = np.arange(FIRST_WEEK - FIRST_WEEK % interval, last + 1, interval)
    weeks = weeks[weeks >= FIRST_WEEK]
    return Agreement(regime, list(seeds), weeks, np.array([r[:last + 1] for r in runs]),
                     np.asarray(agg.ln_s_history[:last + 1]), explosions, agg.explosion_week)
