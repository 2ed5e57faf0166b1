"""The aggregate (mean-field) counterpart of the agent model: the same lab as a few equations.

No agents and no random draws: the state is log software efficiency ``ln S``, capability,
compute and researcher counts, plus the ideas in flight as a fluid. Every week, in the order of
``TakeoffModel.step``:

1. compute grows, ``C(t) = initial * growth^(t/52)``, split by the shares;
2. AI copies are ``inference * (1 - synthetic share) * S / copy_cost``, their taste and speed
   ``ai.taste * taste_per_oom^capability`` and ``ai.speed * speed_per_oom^capability``, the
   autonomous share ``t^4 / (t^4 + autonomy_taste^4)``; copilots speed humans up as in
   ``Workforce.update``;
3. each group of researchers opens the share of its new ideas that the binding resource allows
   (``model.aggregate.flow``), and the funnel in expectation (``model.aggregate.funnel``) says how
   many reach each rung, merge, and what they are worth at the frontier;
4. openings leave the pipeline after their sojourn; merges count once per idea by the same
   Zipf/Heaps occupancy law as ``model.duplication`` (draws this epoch -> distinct ideas);
5. every ``frontier.interval_weeks`` a run adds the merged ideas' effects, each at the effect
   scale ``ideas.effect_scale * S^(phi - 1)`` of the week it was opened, to ``ln S``, sets
   capability from the run's effective compute and teaches humans (``humans.learning_rate``).

So ``d ln S / dt = effect_scale * S^(phi - 1) * sum_groups opened * E[z merged] * distinct share``
with the openings set by ideas, researcher time or compute, and the explosion condition of
semi-endogenous growth (returns ``r = lambda / (1 - phi)`` above 1) is what these equations do
when AI copies grow with ``S``.

What the mean field approximates, by design (see ``docs/calibration.md``): a researcher's
backlog picks its best ideas by order statistics, the mean field by a sharp selection threshold;
the scheduler's fair share makes waits for compute lumpy, the mean field spreads them evenly
over a turn; a lineage follows one parent at a time, the mean field a typical parent; AI cohorts
choose in blocks of ideas, the mean field continuously; and there is no run-to-run noise.
``simulate_aggregate`` returns a :class:`model.run.RunResult` with ``model=None`` and the agent
model's columns and summary keys.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from model import metrics
from model.aggregate import outputs
from model.aggregate.flow import Flow, Group, solve
from model.aggregate.funnel import FunnelSpec, FunnelTable, build_table
from model.aggregate.lineage import ZCLIP, typical_parent
from model.duplication import expected_distinct
from model.run import RunResult
from model.scenario import Scenario, load_scenario

LN10 = math.log(10.0)
NOISE_STEPS = 32  # taste noise is tabulated on a lattice of 1/32 decade around the week-0 value
TASTE_NODES = 3  # quadrature nodes over the human taste spread
SPEED_NODES = 2
AUTONOMY_STEEPNESS = 4.0  # as model.workforce


def _nodes(spread: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Lognormal quadrature: multipliers exp(spread * x) and their probabilities."""
    if spread <= 0 or count <= 1:
        return np.ones(1), np.ones(1)
    x, w = hermegauss(count)
    return np.exp(spread * x), w / w.sum()


class AggregateModel:
    """The mean-field lab: deterministic, weekly, with the agent model's columns.

    Args:
        settings: The scenario; the shipped ``baseline`` when None.
        twin: Step a humans-only twin alongside, for the speedup (ignored when AI is off).
        follow: Internal: the model whose compute split a twin copies.

    """

    def __init__(self, settings: Scenario | None = None, twin: bool = True,
                 follow: AggregateModel | None = None):
        s = settings if settings is not None else load_scenario("baseline")
        self.settings = s
        self.follow = follow
        self.rungs = len(s.experiments.scales)
        self.ladder = {"implement": np.array(s.experiments.implement_weeks),
                       "interpret": np.array(s.experiments.interpret_weeks),
                       "run": np.array(s.experiments.run_weeks),
                       "per_week": s.ideas.per_week, "shelf": s.ideas.shelf_life_weeks}
        self.shares = np.array([s.compute.shares.inference, s.compute.shares.experiments,
                                s.compute.shares.training])
        self.ln_ref = math.log(s.compute.shares.training * s.compute.initial
                               * s.frontier.interval_weeks + 1e-300)
        self.ln_cap = s.explosion.max_log10_efficiency * LN10
        self.horizon = s.run.weeks + s.run.burn_in_weeks + 8 * 52 + 64
        self._tables: dict[tuple, FunnelTable] = {}
        self._flow_key: tuple = ()
        self._hints: dict = {}
        self._flows: list[Flow] = []
        self.spec = FunnelSpec.from_settings(s)
        self.sd = self.spec.sd_all
        self.noise0 = s.humans.taste_noise * self.sd
        self.taste_x, self.taste_w = _nodes(s.humans.taste_spread, TASTE_NODES)
        self.speed_x, self.speed_w = _nodes(s.humans.speed_spread, SPEED_NODES)
        # Reading skill enters as reading noise / skill: one node with the same mean square.
        self.skill = math.exp(-s.humans.interpretation_spread**2)
        self.spec = self._lineage_fixed_point()
        self._reset_state()
        self.twin = (AggregateModel(s.humans_only(), twin=False, follow=self)
                     if twin and s.ai.enabled else None)
        self._burn_in(s.run.burn_in_weeks)
        self.ln_s_history = [0.0]
        self.data: dict[str, list] = {c: [] for c in metrics.reporters(self.rungs)}
        self.research_speed, self.speedup = 0.0, 1.0
        self._record()

    # --- state --------------------------------------------------------------------------
    def _reset_state(self) -> None:
        s = self.settings
        self.week = 0
        self.ln_s = self.ln_proxy = self.capability = self.capability_synthetic = 0.0
        self.exploded, self.explosion_week, self.running = False, None, True
        self.training = self.synthetic_data = 0.0
        self.pending = 0.0  # sum of merged effects (ln S) waiting for the next run
        self.pending_quality = 0.0  # the same in effect units
        self.log: list[tuple[int, float, float]] = []  # per run: week, gain, quality
        self.pending_human = 0.0  # distinct human ideas waiting (lessons)
        self.pending_shipped = np.zeros(3)  # merged, helpful, harmful ideas waiting
        self.epoch_draws = 0.0
        self.runs = 0
        self.learned = 0.0  # log of the human taste-noise multiplier (learning)
        self.total = s.compute.initial
        self.budget = self.inference = 0.0
        self.humans = float(s.humans.count)
        self.ai_copies = self.ai_autonomy = self.copilot_copies = 0.0
        self.ai_taste, self.ai_speed = s.ai.taste, s.ai.speed
        self.utilisation = self.queue = self.cycle = 0.0
        self.counts = {k: 0.0 for k in ("generated", "started", "promoted", "merged", "shipped",
                                        "shipped_harmful", "shipped_helpful", "duplicated")}
        self.tested = np.zeros(self.rungs)
        # Ideas in flight, by the week they leave the pipeline (offset from week 0 of history).
        fields = ("merged", "z", "quality", "claim", "helpful", "harmful", "human", "promoted")
        self.future = {k: np.zeros(self.horizon) for k in fields}
        self.future_tested = np.zeros((self.rungs, self.horizon))
        self.offset = s.run.burn_in_weeks + 1

    def _burn_in(self, weeks: int) -> None:
        """The lab's humans-only history, then week-0 values, as ``TakeoffModel.burn_in``."""
        if weeks <= 0:
            return
        for week in range(-weeks + 1, 1):
            self.week = week
            self.research_week(history=True, learning=0.0)
        rescale = math.exp(-(self.settings.ideas.phi - 1.0) * self.ln_s)
        for key in ("z", "claim"):
            self.future[key] *= rescale
        self.pending *= rescale
        self.week = 0
        self.ln_s = self.ln_proxy = self.capability = self.capability_synthetic = 0.0
        self.exploded, self.explosion_week = False, None
        self.runs = 0
        self.log.clear()
        for key in self.counts:
            self.counts[key] = 0.0
        self.tested[:] = 0.0
        self.pending_human = 0.0

    # --- one week -------------------------------------------------------------------------
    def step(self) -> None:
        """One week: the research cycle, the twin, the measurements."""
        self.week += 1
        self.research_week()
        self.ln_s_history.append(self.ln_s)
        if self.twin is not None:
            self.twin.step()
        self.research_speed = self._speed(self.ln_s_history)
        if self.twin is not None:
            self.speedup = (max(self.research_speed, metrics.SPEED_FLOOR)
                            / max(self.twin.research_speed, metrics.SPEED_FLOOR))
        self._record()
        if self.exploded or self.week >= self.settings.run.weeks:
            self.running = False

    def _speed(self, hist: list[float]) -> float:
        t = len(hist) - 1
        span = min(t, self.settings.metrics.speed_window_weeks)
        return (hist[t] - hist[t - span]) * 52.0 / span if t else 0.0

    def research_week(self, history: bool = False, learning: float | None = None) -> None:
        """The week's research in expectation; ``history`` runs no AI (the burn-in)."""
        s, w = self.settings, self.week
        self.total = s.compute.initial * s.compute.growth_per_year ** (w / 52.0)
        if self.follow is not None:
            self.shares = self.follow.shares.copy()
        self.budget = self.total * self.shares[1] * s.compute.experiment_boost
        self.inference = self.total * self.shares[0]
        self._workforce(w, ai=s.ai.enabled and not history)
        prices = (np.array(s.experiments.scales) * max(self.shares[2], 0.01) * self.total
                  * s.frontier.interval_weeks
                  * math.exp(-(1.0 - s.experiments.frontier_coupling) * self.ln_s))
        groups, kinds = self._groups(prices)
        flows = self._solve(groups, prices)
        scale = s.ideas.effect_scale * math.exp((s.ideas.phi - 1.0) * self.ln_s)
        for flow, kind, g in zip(flows, kinds, groups, strict=True):
            self.counts["generated"] += s.ideas.per_week * g.speed * g.count
            self._schedule(flow, scale, kind)
        used = sum(f.compute for f in flows) * self.total
        self.utilisation = min(used / max(self.budget, 1e-300), 1.0)
        self.queue = sum(f.queued for f in flows)
        opened = sum(f.opened for f in flows)
        self.cycle = (sum(f.opened * f.sojourn for f in flows) / opened / self.rungs
                      if opened > 0 else 0.0)
        self._arrivals()
        self.training += self.total * self.shares[2]
        if self.frontier_synthetic:
            self.synthetic_data += self.inference * s.synthetic.share * math.exp(self.ln_s)
        if w % s.frontier.interval_weeks == 0:
            self.epoch_draws = 0.0
            if s.frontier.enabled:
                self._frontier_run(w, s.humans.learning_rate if learning is None else learning)
            self.training = self.synthetic_data = 0.0

    @property
    def frontier_synthetic(self) -> bool:
        """Whether the synthetic-data channel runs (AI on and the channel on)."""
        return bool(self.settings.synthetic.enabled and self.settings.ai.enabled)

    def _solve(self, groups: list[Group], prices: np.ndarray) -> list[Flow]:
        """The groups' flows, in compute units of this week's total compute.

        Budget and prices both scale with total compute, so between frontier runs a lab without
        AI faces the same problem every week: the last solution is reused when nothing changed.
        """
        self.ladder["prices"] = prices / self.total
        key = (tuple((id(g.table), g.count, g.speed, g.implement_boost, g.interpret_boost,
                      g.pipelines, g.claim) for g in groups),
               self.budget / self.total, tuple(self.ladder["prices"]))
        if key != self._flow_key:
            self._flow_key = key
            self._flows = solve(groups, self.budget / self.total, self.ladder, self._hints)
        return self._flows

    def _workforce(self, week: int, ai: bool) -> None:
        s = self.settings
        h = s.humans
        if h.hiring_per_year != 1.0:
            self.humans = float(max(int(h.count * h.hiring_per_year ** (week / 52.0)), h.count))
        if not ai:
            self.ai_copies = self.ai_autonomy = self.copilot_copies = 0.0
            return
        a = s.ai
        syn = s.synthetic.share if self.frontier_synthetic else 0.0
        self.ai_taste = a.taste * a.taste_per_oom**self.capability
        self.ai_speed = a.speed * a.speed_per_oom**self.capability
        self.ai_copies = self.inference * (1.0 - syn) * math.exp(self.ln_s) / a.copy_cost
        ratio = (self.ai_taste / a.autonomy_taste) ** AUTONOMY_STEEPNESS
        self.ai_autonomy = ratio / (1.0 + ratio)
        self.copilot_copies = self.ai_copies * (1.0 - self.ai_autonomy) / self.humans

    def _table(self, noise: float, skill: float) -> FunnelTable:
        """The funnel of a class, its noise snapped to the 1/64-decade lattice around week 0."""
        k = round(math.log10(noise / self.noise0) * NOISE_STEPS)
        j = round(math.log10(skill) * NOISE_STEPS)
        key = (k, j)
        if key not in self._tables:
            self._tables[key] = build_table(self.spec,
                                            float(self.noise0 * 10.0 ** (k / NOISE_STEPS)),
                                            float(10.0 ** (j / NOISE_STEPS)))
        return self._tables[key]

    def _groups(self, prices: np.ndarray) -> tuple[list[Group], list[str]]:
        s = self.settings
        groups, kinds = [], []
        labour = self.copilot_copies * self.ai_speed
        noise_mult = math.exp(self.learned)
        for tx, tw in zip(self.taste_x, self.taste_w, strict=True):
            noise = self.noise0 * noise_mult / tx
            table = self._table(noise, self.skill)
            share = min(1.0, self.ai_taste / (tx / noise_mult)) if self.ai_copies > 0 else 0.0
            implement = 1.0 + labour
            interpret = 1.0 / ((1.0 - share) + share / (1.0 + labour))
            for vx, vw in zip(self.speed_x, self.speed_w, strict=True):
                n = self.humans * tw * vw
                groups.append(Group(table, n, float(vx), implement, interpret,
                                    float(s.humans.pipelines), n))
                kinds.append("human")
        autonomous = self.ai_copies * self.ai_autonomy
        if autonomous > 0:
            a = s.ai
            affordable = s.frontier.interval_weeks * self.budget / max(prices.sum(), 1e-300)
            pipelines = min(float(s.humans.pipelines), max(affordable / a.cohorts, 1.0)
                            * a.cohorts / autonomous)
            table = self._table(s.humans.taste_noise * self.sd / self.ai_taste, self.ai_taste)
            groups.append(Group(table, autonomous, self.ai_speed, 1.0, 1.0, pipelines,
                                autonomous / a.copies_per_share))
            kinds.append("ai")
        return groups, kinds

    def _schedule(self, flow: Flow, scale: float, kind: str) -> None:
        """Openings of this week leave the pipeline after their sojourn: tests, merges."""
        st = flow.stats
        n = flow.new  # the flow's stats are per new idea
        self.counts["started"] += flow.opened
        base = self.week + self.offset
        for k in range(self.rungs):
            self._put(self.future_tested[k], base, flow.sojourn * flow.stage[k],
                      n * st["reach"][k])
        self._put(self.future["promoted"], base, flow.sojourn * 0.5,
                  n * float(np.sum(st["reach"][1:])))
        values = {"merged": n * st["merge"], "z": n * st["z"] * scale, "quality": n * st["z"],
                  "claim": n * st["claim"] * scale, "helpful": n * st["helpful"],
                  "harmful": n * st["harmful"], "human": n * st["merge"] * (kind == "human")}
        for key, v in values.items():
            self._put(self.future[key], base, flow.sojourn, v)

    def _put(self, arr: np.ndarray, base: int, delay: float, value: float) -> None:
        d = max(delay, 0.0)
        lo = int(math.floor(d))
        frac = d - lo
        i = min(base + lo, arr.size - 2)
        arr[i] += value * (1.0 - frac)
        arr[i + 1] += value * frac

    def _arrivals(self) -> None:
        """Ideas leaving the pipeline this week: results read, merges settled for duplicates."""
        i = self.week + self.offset
        self.tested += self.future_tested[:, i]
        self.counts["promoted"] += self.future["promoted"][i]
        merged = self.future["merged"][i]
        if merged <= 0:
            return
        s = self.settings.ideas
        before = float(expected_distinct(np.array([self.epoch_draws]), s.duplication_pool,
                                         s.duplication_exponent)[0])
        self.epoch_draws += merged
        after = float(expected_distinct(np.array([self.epoch_draws]), s.duplication_pool,
                                        s.duplication_exponent)[0])
        distinct = min(max((after - before) / merged, 0.0), 1.0)
        self.counts["merged"] += merged * distinct
        self.counts["duplicated"] += merged * (1.0 - distinct)
        self.pending += self.future["z"][i] * distinct
        self.pending_quality += self.future["quality"][i] * distinct
        self.ln_proxy += self.future["claim"][i] * distinct
        self.pending_human += self.future["human"][i] * distinct
        self.pending_shipped += np.array([merged, self.future["helpful"][i],
                                          self.future["harmful"][i]]) * distinct

    def _frontier_run(self, week: int, learning: float) -> None:
        s = self.settings
        self.runs += 1
        gain = self.pending
        self.log.append((week, gain, self.pending_quality))
        self.pending_quality = 0.0
        self.ln_s += gain
        shipped = self.pending_shipped
        self.counts["shipped"] += shipped[0]
        self.counts["shipped_helpful"] += shipped[1]
        self.counts["shipped_harmful"] += shipped[2]
        self.pending_shipped = np.zeros(3)
        self.pending = 0.0
        if gain / s.frontier.interval_weeks >= math.log(2.0) or self.ln_s >= self.ln_cap:
            self.ln_s = min(self.ln_s, self.ln_cap)
            self.exploded, self.explosion_week = True, week
        if self.training > 0:
            ln_effective = math.log(self.training) + self.ln_s
            if self.frontier_synthetic:
                ratio = self.synthetic_data / math.exp(min(ln_effective, 700.0))
                self.capability_synthetic += s.synthetic.efficiency * math.log10(1.0 + ratio)
            self.capability = (ln_effective - self.ln_ref) / LN10 + self.capability_synthetic
        if learning > 0 and self.humans > 0:
            lessons = self.pending_human / self.humans
            degree = min(s.humans.network_degree, int(self.humans) - 1)
            degree = degree if degree >= 2 else 0
            cut = lessons * (math.log1p(-learning)
                             + degree * math.log1p(-learning * s.humans.learning_spillover))
            self.learned = max(self.learned + cut, math.log(s.humans.taste_floor))
        self.pending_human = 0.0

    def research_rate(self, ln_s: float, capability: float, week: int = 0) -> float:
        """The right-hand side of the equation for ln S: d ln S / dt per week, in steady state.

        Openings, funnel and duplication of a lab at software efficiency ``ln_s`` and
        capability ``capability`` with week ``week``'s compute, ideas valued at the effect scale
        of ``ln_s`` and duplicates settled over a whole frontier interval. No state changes.
        """
        s = self.settings
        saved = (self.ln_s, self.capability, self.week)
        self.ln_s, self.capability, self.week = ln_s, capability, week
        try:
            self.total = s.compute.initial * s.compute.growth_per_year ** (week / 52.0)
            self.budget = self.total * self.shares[1] * s.compute.experiment_boost
            self.inference = self.total * self.shares[0]
            self._workforce(week, ai=s.ai.enabled)
            prices = (np.array(s.experiments.scales) * max(self.shares[2], 0.01) * self.total
                      * s.frontier.interval_weeks
                      * math.exp(-(1.0 - s.experiments.frontier_coupling) * ln_s))
            groups, _ = self._groups(prices)
            flows = self._solve(groups, prices)
        finally:
            self.ln_s, self.capability, self.week = saved
        merged = sum(f.new * f.stats["merge"] for f in flows)
        quality = sum(f.new * f.stats["z"] for f in flows)
        if merged <= 0:
            return 0.0
        interval = s.frontier.interval_weeks
        distinct = float(expected_distinct(np.array([merged * interval]),
                                           s.ideas.duplication_pool,
                                           s.ideas.duplication_exponent)[0]) / (merged * interval)
        scale = s.ideas.effect_scale * math.exp((s.ideas.phi - 1.0) * ln_s)
        return scale * quality * distinct

    # --- lineage ------------------------------------------------------------------------
    def _lineage_fixed_point(self) -> FunnelSpec:
        """The typical parent a new idea varies: greedy choice among recent merged ideas.

        Parents are chosen by softmax (temperature ``GREED`` spreads) over the beliefs of the
        last ``ideas.lineage_window`` merged ideas; the window is represented by that many
        quantiles of what the median human of the week-0 humans-only lab merges. The parent's
        clipped standardised effect and its quirk shift every child; iterated to a fixed point.
        """
        s = self.settings
        spec = self.spec
        if s.ideas.build_on_shipped == 0 or s.ideas.heritability == 0:
            return spec
        spec = FunnelSpec.from_settings(s, ZCLIP, 0.0)  # start from the best parent possible
        for _ in range(3):
            self.spec = spec
            self._tables.clear()
            self._flow_key = ()
            f, merges = self._week0_share()
            table = build_table(spec, float(self.noise0), float(self.skill), merged=True)
            u, q = typical_parent(table, s, spec, f, merges)
            spec = FunnelSpec.from_settings(s, u, q)
        self._tables.clear()
        self._flow_key = ()
        return spec

    def _week0_share(self) -> tuple[float, float]:
        """Share of new ideas the median human opens, and merges a week, in the week-0 lab."""
        self._reset_state()
        s = self.settings
        self.budget = self.total * self.shares[1] * s.compute.experiment_boost
        prices = (np.array(s.experiments.scales) * max(self.shares[2], 0.01) * self.total
                  * s.frontier.interval_weeks)
        groups, _ = self._groups(prices)
        flows = self._solve(groups, prices)
        merges = sum(fl.new * fl.stats["merge"] for fl in flows)
        return flows[len(flows) // 2].f, merges

    # --- outputs --------------------------------------------------------------------------
    def _record(self) -> None:
        values = outputs.row(self)
        for key, column in self.data.items():
            column.append(values[key])

    def run(self) -> dict:
        """Step to the horizon (or the explosion) and return the summary."""
        while self.running:
            self.step()
        return self.summary()

    def summary(self) -> dict:
        """The agent model's per-run summary keys, from the mean-field trajectory."""
        return outputs.summary(self)


def simulate_aggregate(scenario: Scenario) -> RunResult:
    """Run the mean-field counterpart of ``scenario`` to its horizon or its explosion."""
    model = AggregateModel(scenario)
    summary = model.run()
    columns = list(model.data)
    rows = list(zip(*(model.data[c] for c in columns), strict=True))
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            if isinstance(value, float) and not math.isfinite(value):
                raise FloatingPointError(f"non-finite {name}={value} in week {row[0]}")
    return RunResult(scenario, columns, rows, summary, None)
