"""The aggregate (mean-field) counterpart of the agent model: the same lab, in expectation.

No agents and no random draws. The lab's researchers are a few classes (three nodes of the human
taste spread, or one when there is none, and the AI cohorts); the ideas each class has in flight
are amounts in stocks by rung and stage, moved week by week by the agents' rules in expectation
(``model.aggregate.week``, compiled); what becomes of the ideas a class starts comes from tables
of the agents' funnel (``model.aggregate.funnel``), built once per set of parameters and kept on
disk. ``ln S`` moves at frontier runs by the merged ideas' effects, each at the effect scale
``ideas.effect_scale * S^(phi - 1)`` of the week it was started.

Approximations, by design (``docs/calibration.md`` says what they cost):

* selection: a class's started ideas are the best share ``f`` of its new ideas by estimate, the
  review vetoing those it leaves below the threshold, ``f`` being starts over ideas thought of;
  the agents pick from a backlog of the last shelf life's ideas and reorder a shortlist by the
  review. The reservation bar is the belief of the median best estimate among a shelf life's
  ideas, counting those started or not as the class is patient or not;
* the startable backlog forgets a shelf life's share a week (the agents forget at the shelf life);
* human heterogeneity is three quadrature nodes of taste (speed and reading skill at their means);
  a node's collaborators are of median taste; hires join a node's mean taste noise;
* the queue: a human's queued requests at each rung are spread evenly over its class, for
  whether it is patient (``experiments.queue_weeks``); within a class, requests are served
  oldest first in the mean, and classes share compute by their shares, elastically; the track
  record moves shares between classes, not between lucky and unlucky researchers of a class;
* researcher time: a stage's ideas are kept in weekly cohorts that need the same work, and a
  human's time is shared as if its other pipelines were in work independently (binomial), where
  an agent's ideas started together are in work together; work that fits in the week finishes in
  it and the next stage starts on what is left, as in the agents;
* AI cohorts choose continuously, not in blocks of ideas; selection beyond the top 1e-15 of
  ideas is read at 1e-15;
* lineage (``model.aggregate.lineage``): the window of merged ideas kept as tails of belief
  that forget in proportion (the agents forget the oldest), the parent the softmax over its
  quantiles; duplication per week's merges by the same occupancy law as ``model.duplication``;
  taste learning by Poisson lessons per node.

``simulate_aggregate`` returns a :class:`model.run.RunResult` with ``model=None`` and the agent
model's columns and summary keys.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from model import metrics
from model.aggregate import funnel, outputs
from model.aggregate import week as wk
from model.explosion import DoublingClock
from model.lineage import GREED
from model.run import RunResult
from model.scenario import Scenario, load_scenario
from model.scheduler import FRONTIER_WEEKS

LN10 = math.log(10.0)
AI_DECADES = (0.25, 5.0)  # AI taste grid: from a quarter decade below ai.taste to 10^5
AI_STEP = 0.25  # decades between AI grid points
LEARNING_POINTS = 5  # human taste-noise multipliers tabulated between the floor and 1


def _taste_nodes(spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes of the lognormal taste spread: multipliers and weights."""
    if spread <= 0:
        return np.ones(1), np.ones(1)
    x = np.array([-math.sqrt(3.0), 0.0, math.sqrt(3.0)])
    return np.exp(spread * x), np.array([1.0, 4.0, 1.0]) / 6.0


class AggregateModel:
    """The mean-field lab: deterministic, weekly, with the agent model's columns and summary.

    Args:
        settings: The scenario; the shipped ``baseline`` when None.
        twin: Run a humans-only twin alongside, for the speedup (ignored when AI is off).
        follow: Internal: the lab whose history (to week 0) and compute split this twin shares.

    """

    def __init__(self, settings: Scenario | None = None, twin: bool = True,
                 follow: AggregateModel | None = None):
        s = settings if settings is not None else load_scenario("baseline")
        self.settings = s
        self.rungs = len(s.experiments.scales)
        self.running = True
        self.stop: str | None = None
        self.exploded, self.explosion_week = False, None
        self._ran = False
        if follow is not None:
            self._copy_from(follow)
        else:
            self._setup(s)
            self._burn_in(s.run.burn_in_weeks)
        self.twin = (AggregateModel(s, twin=False, follow=self)
                     if twin and s.ai.enabled and follow is None else None)
        self._follow = follow
        self.week = 0
        self.ln_s = 0.0
        self._week0 = self._row0.copy()
        self.ln_s_history = [0.0]
        self._data: dict | None = None
        self.log: list[tuple[int, float, float]] = []
        self.frontier = SimpleNamespace(clock=DoublingClock(s.explosion.doublings), runs=0,
                                        log=self.log, pace0=self.pace0)
        self.research_speed, self.speedup = 0.0, 1.0

    @property
    def data(self) -> dict[str, list]:
        """The time series, the agent model's columns (week 0 only before :meth:`run`)."""
        if self._data is None:
            self._data = outputs.columns(self, self._row0[None, :], np.zeros(1), np.zeros(1),
                                         np.ones(1))
        return self._data

    # --- construction ---------------------------------------------------------------------
    def _setup(self, s: Scenario) -> None:
        self.spec = spec = funnel.spec_of(s)
        taste, weight = _taste_nodes(s.humans.taste_spread)
        n_h = taste.size
        self.par = _params(s, spec)
        self.rung = np.array([s.experiments.scales, s.experiments.run_weeks,
                              s.experiments.implement_weeks, s.experiments.interpret_weeks,
                              np.maximum(np.array(s.experiments.implement_weeks), 0.05)],
                             dtype=np.float64)
        t = self._tables(s, spec, taste)
        self.tab, self.tails, self.fmax, self.xg = t["tab"], t["tails"], t["fmax"], t["xg"]
        self.qgrid = funnel.quirk_grid(spec)
        self.g0, self.ng = t["g0"].astype(np.int64), t["ng"].astype(np.int64)
        self.dup_d, self.dup_n = t["dup_d"], t["dup_n"]
        self.grids = np.array([math.log10(funnel.F_GRID[0]),
                               math.log10(funnel.F_GRID[1] / funnel.F_GRID[0]),
                               math.log10(funnel.N_GRID[0]),
                               math.log10(funnel.N_GRID[1] / funnel.N_GRID[0])])
        m = self.rungs + 10
        c_n = n_h + 1
        self.cls = np.zeros((c_n, wk.N_CLS))
        ai_share = s.policy.newcomer_share if s.ai.enabled else 0.0
        for c in range(n_h):
            self.cls[c, wk.C_N] = s.humans.count * weight[c]
            self.cls[c, wk.C_MERIT] = 1.0
            self.cls[c, wk.C_LAMBDA] = 1.0
            self.cls[c, wk.C_TASTE] = taste[c]
            self.cls[c, wk.C_WEIGHT] = weight[c]
        ai = self.cls[n_h]
        ai[wk.C_N] = s.ai.cohorts if s.ai.enabled else 0.0
        ai[wk.C_LAMBDA] = ai[wk.C_TASTE] = 1.0
        k = self.rungs
        self.que = np.zeros((c_n, k, m))
        self.imp, self.itp = (np.zeros((c_n, k, wk.COHORTS, m)) for _ in range(2))
        self.run_ring = np.zeros((c_n, k, wk.RING, m))
        self.draw = np.zeros((c_n, k, wk.RING))
        self.pend = np.zeros((c_n, 5))
        self.tally = np.zeros((3, k))
        self.window = np.zeros((3, funnel.LEVELS.size, 4))
        self.ctail = np.zeros((c_n, 2, funnel.LEVELS.size, 4))
        st = self.st = np.zeros(wk.N_ST)
        st[wk.S_AI_SHARE] = ai_share
        wk.set_shares(self.cls, st, n_h)
        st[wk.S_SH_INF] = s.compute.shares.inference
        st[wk.S_SH_EXP] = s.compute.shares.experiments
        st[wk.S_SH_TRAIN] = s.compute.shares.training
        st[wk.S_LAST_RUN] = -s.run.burn_in_weeks
        st[wk.S_LEARNED] = -1e18
        st[wk.S_NH] = s.humans.count
        st[wk.S_AI_TASTE], st[wk.S_AI_SPEED] = s.ai.taste, s.ai.speed
        runs = s.run.weeks + s.run.burn_in_weeks + 2
        self.runlog = np.zeros((runs + 1, 4))

    def _tables(self, s: Scenario, spec: funnel.Spec, taste: np.ndarray) -> dict:
        """The funnel tables of every class (built once per set of parameters, kept on disk)."""
        sd = spec.sd_all
        h = s.humans
        learns = h.learning_rate > 0 and h.taste_floor < 1
        lambdas = (np.geomspace(max(h.taste_floor, 1e-3), 1.0, LEARNING_POINTS) if learns
                   else np.ones(1))
        reading_h = spec.reading_noise * math.exp(h.interpretation_spread**2)
        classes = [[(float(lam * h.taste_noise * sd / t), reading_h,
                     float(lam * h.taste_noise * sd), True, float(math.log(lam)))
                    for lam in lambdas] for t in taste]
        if s.ai.enabled:
            lo, hi = math.log10(s.ai.taste) - AI_DECADES[0], AI_DECADES[1]
            grid = np.arange(lo, max(hi, lo + AI_STEP) + 1e-9, AI_STEP)
            classes.append([(float(h.taste_noise * sd / 10.0**g), spec.reading_noise / 10.0**g,
                             0.0, False, float(g * LN10)) for g in grid])
        else:
            classes.append(classes[0][:1])
        parts = {"spec": [repr(spec)], "classes": classes,
                 "dup": [s.ideas.duplication_pool, s.ideas.duplication_exponent]}

        def build() -> dict:
            draws = funnel.sample(self.rungs)
            tabs, tails, fmax, xg, g0, ng = [], [], [], [], [], []
            for points in classes:
                g0.append(len(tabs))
                ng.append(len(points))
                for noise, reading, review, reviewed, x in points:
                    t, tail, f_max = funnel.point(spec, draws, noise, reading, review, reviewed)
                    tabs.append(t)
                    tails.append(tail)
                    fmax.append(f_max)
                    xg.append(x)
            dup_d, dup_n = funnel.duplication_table(s.ideas.duplication_pool,
                                                    s.ideas.duplication_exponent)
            return {"tab": np.array(tabs), "tails": np.array(tails), "fmax": np.array(fmax),
                    "xg": np.array(xg), "g0": np.array(g0), "ng": np.array(ng),
                    "dup_d": dup_d, "dup_n": dup_n}

        return funnel.load_or_build(parts, build)

    def _simulate(self, week0: int, week1: int, history: bool, ai: bool, follow: bool,
                  shares: np.ndarray, rec: np.ndarray) -> int:
        return wk.simulate(self.par, self.rung, self.cls, self.imp, self.que, self.itp,
                           self.run_ring, self.draw, self.pend, self.st, self.tab, self.tails,
                           self.fmax, self.xg, self.g0, self.ng, self.qgrid, self.grids,
                           self.dup_d, self.dup_n, self.window, self.ctail, week0, week1,
                           history, ai, follow, shares, rec, self.runlog, self.tally)

    def _burn_in(self, weeks: int) -> None:
        """The lab's humans-only history, then week-0 values, as ``TakeoffModel.burn_in``."""
        s = self.settings
        rec = np.zeros((max(weeks, 1), wk.N_REC + self.rungs))
        empty = np.zeros((1, 3))
        if weeks > 0:
            self._simulate(-weeks + 1, 0, True, False, False, empty, rec)
        st = self.st
        rescale = math.exp(-(s.ideas.phi - 1.0) * st[wk.S_LN_S])
        k = self.rungs
        for stock in (self.imp, self.que, self.itp, self.run_ring):
            stock[..., k + 2] *= rescale
            stock[..., k + 3] *= rescale
        self.pend[:, wk.Q_ZS] *= rescale
        st[wk.S_CLAIMED] *= rescale
        n = int(self.runlog[0, 0])
        log = self.runlog[1:n + 1]
        year = log[log[:, 0] > -52, 2].sum()
        span = min(52, weeks)
        self.pace0 = s.ideas.effect_scale * year * 52.0 / max(span, 1)
        factor = s.frontier.early_factor
        if factor > 0.0 and self.pace0 > 0.0:  # as FrontierRun.restart
            self.par[wk.P_EARLY_GAIN] = factor * self.pace0 * s.frontier.interval_weeks / 52.0
        self.runlog[:] = 0.0
        for i in (wk.S_LN_S, wk.S_PROXY, wk.S_CAP, wk.S_CAP_SYN, wk.S_RUNS, wk.S_STOP,
                  wk.S_GENERATED, wk.S_STARTED, wk.S_PROMOTED, wk.S_MERGED, wk.S_SHIPPED,
                  wk.S_HARMFUL, wk.S_HELPFUL, wk.S_DUPLICATED, wk.S_EXP_COMPUTE,
                  wk.S_REC_USED, wk.S_REC_OFFERED, wk.S_REC_WAITING):
            st[i] = 0.0
        st[wk.S_CYCLE_LOG:wk.S_CYCLE_LOG + 8] = 0.0
        self.tally[:] = 0.0
        st[wk.S_TOTAL] = s.compute.initial
        st[wk.S_BUDGET] = st[wk.S_TOTAL] * st[wk.S_SH_EXP] * s.compute.experiment_boost
        row = np.zeros((1, wk.N_REC + self.rungs))
        wk._record(row[0], st, self.cls, self.cls.shape[0] - 1, self.tally, 0)
        self._row0 = row[0]

    def _copy_from(self, lab: AggregateModel) -> None:
        """A twin: the lab's state at week 0 (its history is the lab's), its own from then."""
        for name in ("spec", "par", "rung", "tab", "tails", "fmax", "xg", "g0", "ng", "qgrid",
                     "dup_d", "dup_n", "grids", "pace0"):
            setattr(self, name, getattr(lab, name))
        for name in ("cls", "imp", "que", "itp", "run_ring", "draw", "pend", "tally", "window",
                     "ctail", "st", "runlog", "_row0"):
            setattr(self, name, getattr(lab, name).copy())

    # --- running ------------------------------------------------------------------------------
    def run(self) -> dict:
        """Run to the horizon (or the cap) and return the summary."""
        if not self._ran:
            self._run()
        return self.summary()

    def _run(self) -> None:
        s = self.settings
        horizon = s.run.weeks
        rec = np.zeros((horizon + 1, wk.N_REC + self.rungs))
        rec[0] = self._week0
        last = self._simulate(1, horizon, False, s.ai.enabled, False, np.zeros((1, 3)), rec[1:])
        self._finish(rec[:last + 1])
        if self.twin is not None:
            t = self.twin
            shares = np.ascontiguousarray(rec[1:last + 1, wk.R_SH_INF:wk.R_SH_TRAIN + 1])
            trec = np.zeros((last + 1, wk.N_REC + self.rungs))
            trec[0] = t._week0
            t._simulate(1, last, False, False, True, shares, trec[1:])
            t._finish(trec)
        self._columns(rec[:last + 1])
        self._ran = True

    def _finish(self, rec: np.ndarray) -> None:
        """Read a lab's record: its ln S history, its frontier log and clock, its state."""
        st = self.st
        self.week = int(rec[-1, wk.R_WEEK])
        self.ln_s_history = [0.0] + rec[1:, wk.R_LN_S].tolist()
        self.ln_s = float(st[wk.S_LN_S])
        self.ln_proxy = float(st[wk.S_PROXY])
        self.capability = float(st[wk.S_CAP])
        self.stop = {0.0: None, 1.0: "horizon", 2.0: "cap"}[float(st[wk.S_STOP])]
        if self.stop is None and self._follow is None:
            self.stop = "horizon"
        n = int(self.runlog[0, 0])
        self.log = [(int(w), float(g), float(q)) for w, g, q, _ in self.runlog[1:n + 1]]
        clock = DoublingClock(self.settings.explosion.doublings)
        for w, _, _, ln_s in self.runlog[1:n + 1]:
            if clock.ship(int(w), float(ln_s)) and not self.exploded:
                self.exploded, self.explosion_week = True, clock.explosion_week
        self.frontier = SimpleNamespace(clock=clock, runs=n, log=self.log, pace0=self.pace0)
        self.counts = {"shipped": float(st[wk.S_SHIPPED]), "shipped_helpful": float(
            st[wk.S_HELPFUL]), "shipped_harmful": float(st[wk.S_HARMFUL]),
            "duplicated": float(st[wk.S_DUPLICATED]), "merged": float(st[wk.S_MERGED]),
            "started": float(st[wk.S_STARTED]), "dropped": self.tally[1].copy(),
            "tested": self.tally[0].copy()}
        self.scheduler = SimpleNamespace(longest_wait=self.tally[2].copy())
        self.workforce = SimpleNamespace(ai_copies=float(st[wk.S_AI_COPIES]),
                                         ai_taste=float(st[wk.S_AI_TASTE]))
        self.research_speed = float(_speeds(self.ln_s_history,
                                            self.settings.metrics.speed_window_weeks)[-1])

    def _columns(self, rec: np.ndarray) -> None:
        window = self.settings.metrics.speed_window_weeks
        speed = _speeds(self.ln_s_history, window)
        twin_ln = self.twin.ln_s_history if self.twin is not None else self.ln_s_history
        twin_speed = _speeds(twin_ln, window) if self.twin is not None else speed
        speedup = (np.maximum(speed, metrics.SPEED_FLOOR)
                   / np.maximum(twin_speed, metrics.SPEED_FLOOR)) if self.twin else np.ones(
            speed.size)
        speedup[0] = 1.0
        self.speedup = float(speedup[-1])
        self._data = outputs.columns(self, rec, speed, twin_speed, speedup, twin_ln)
        self.datacollector = SimpleNamespace(model_vars=self._data)

    def summary(self) -> dict:
        """The agent model's per-run summary keys (``model.metrics.summary``), from this run."""
        return metrics.summary(self)

    # --- the equation for ln S ---------------------------------------------------------------
    def research_rate(self, ln_s: float, capability: float, week: int = 0,
                      weeks: int = 104) -> float:
        """Steady d ln S / dt per week of this lab held at ``ln_s`` and ``capability``.

        The lab (from its week-0 state) runs ``weeks`` weeks of ``week``'s compute with S and
        capability frozen and its frontier runs shipping nothing, and the merged ideas' effect
        (at the effect scale of ``ln_s``) over its second half is the rate. No state changes.
        """
        lab = AggregateModel.__new__(AggregateModel)
        lab.settings = self.settings
        lab._copy_from(self)
        lab.par = self.par.copy()
        s = self.settings
        lab.par[wk.P_INITIAL] = s.compute.initial * s.compute.growth_per_year ** (week / 52.0)
        lab.par[wk.P_GROWTH] = 1.0
        lab.par[wk.P_FRONTIER] = 0.0
        lab.par[wk.P_LN_CAP] = float("inf")
        lab.par[wk.P_HORIZON] = float(weeks)
        lab.st[wk.S_LN_S] = ln_s
        lab.st[wk.S_CAP] = capability
        rec = np.zeros((weeks, wk.N_REC + self.rungs))
        half = weeks // 2
        lab._simulate(1, half, False, s.ai.enabled, False, np.zeros((1, 3)), rec)
        before = lab.pend[:, wk.Q_Z].sum()
        lab._simulate(half + 1, weeks, False, s.ai.enabled, False, np.zeros((1, 3)), rec)
        quality = (lab.pend[:, wk.Q_Z].sum() - before) / (weeks - half)
        return float(s.ideas.effect_scale * math.exp((s.ideas.phi - 1.0) * ln_s) * quality)


def _speeds(ln_s: list[float], window: int) -> np.ndarray:
    """``metrics.research_speed`` at every week of a history: d ln S / dt per year."""
    h = np.asarray(ln_s)
    t = np.arange(h.size)
    span = np.minimum(t, window)
    out = np.zeros(h.size)
    ok = span > 0
    out[ok] = (h[ok] - h[t[ok] - span[ok]]) * 52.0 / span[ok]
    return out


def _params(s: Scenario, spec: funnel.Spec) -> np.ndarray:
    """The scalar parameters of the weekly update (``model.aggregate.week.P_*``)."""
    p = np.zeros(wk.N_PAR)
    c, pol, h, a, e, i = s.compute, s.policy, s.humans, s.ai, s.experiments, s.ideas
    syn = s.synthetic.enabled and a.enabled
    values = {
        wk.P_INITIAL: c.initial, wk.P_GROWTH: c.growth_per_year, wk.P_BOOST: c.experiment_boost,
        wk.P_ADAPTIVE: float(pol.allocation == "adaptive"), wk.P_REVIEW_WEEKS: pol.review_weeks,
        wk.P_ADAPT_STEP: pol.adapt_step, wk.P_MIN_SHARE: pol.min_share,
        wk.P_INTERVAL: s.frontier.interval_weeks, wk.P_COUPLING: e.frontier_coupling,
        wk.P_QUEUE_WEEKS: e.queue_weeks, wk.P_SUBST: e.labour_substitution,
        wk.P_PER_WEEK: i.per_week, wk.P_SHELF: i.shelf_life_weeks, wk.P_PHI: i.phi,
        wk.P_EFFECT_SCALE: i.effect_scale, wk.P_HUMANS: h.count, wk.P_HIRING: h.hiring_per_year,
        wk.P_PIPELINES: h.pipelines, wk.P_SPEED_H: math.exp(h.speed_spread**2 / 2.0),
        wk.P_AI_ENABLED: float(a.enabled), wk.P_AI_TASTE: a.taste,
        wk.P_AI_TASTE_OOM: a.taste_per_oom, wk.P_AI_SPEED: a.speed,
        wk.P_AI_SPEED_OOM: a.speed_per_oom, wk.P_COPY_COST: a.copy_cost,
        wk.P_AUTONOMY_TASTE: a.autonomy_taste, wk.P_SETUP_TASTE: a.setup_taste,
        wk.P_CPS: a.copies_per_share, wk.P_COHORTS: a.cohorts, wk.P_MAX_PIPES: a.max_pipelines,
        wk.P_POLICY: wk.POLICIES.index(pol.scheduler), wk.P_NEWCOMER: pol.newcomer_share,
        wk.P_MEMORY: 0.5 ** (1.0 / pol.memory_weeks), wk.P_RATE: pol.track_record_rate,
        wk.P_PRIOR: pol.track_record_prior, wk.P_EXPLORATION: pol.exploration,
        wk.P_SYN: float(syn), wk.P_SYN_SHARE: s.synthetic.share if syn else 0.0,
        wk.P_SYN_EFF: s.synthetic.efficiency, wk.P_FRONTIER: float(s.frontier.enabled),
        wk.P_EARLY_GAIN: math.inf,  # set from the week-0 pace after the burn-in
        wk.P_MIN_INTERVAL: s.frontier.min_interval_weeks,
        wk.P_LN_CAP: s.explosion.max_log10_efficiency * LN10,
        wk.P_LN_REF: math.log(c.shares.training * c.initial * s.frontier.interval_weeks
                              + 1e-300),
        wk.P_LEARNING: h.learning_rate, wk.P_SPILL: h.learning_spillover,
        wk.P_FLOOR: h.taste_floor, wk.P_REVIEWERS: spec.reviewers, wk.P_BACKLOG: i.backlog,
        wk.P_HORIZON: s.run.weeks, wk.P_FRONTIER_WEEKS: FRONTIER_WEEKS,
        wk.P_WINDOW: i.lineage_window, wk.P_GREED_T: GREED * spec.sd_all,
    }
    for key, value in values.items():
        p[key] = float(value)
    return p


def simulate_aggregate(scenario: Scenario) -> RunResult:
    """Run the mean-field counterpart of ``scenario`` to its horizon or its cap."""
    model = AggregateModel(scenario)
    summary = model.run()
    columns = list(model.data)
    for name, values in model.data.items():
        bad = np.flatnonzero(~np.isfinite(np.asarray(values, dtype=np.float64)))
        if bad.size:
            raise FloatingPointError(f"non-finite {name}={values[bad[0]]} in week "
                                     f"{model.data['week'][bad[0]]}")
    rows = list(zip(*(model.data[c] for c in columns), strict=True))
    return RunResult(scenario, columns, rows, summary, None)
