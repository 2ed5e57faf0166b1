"""Returns to research: where the lab explodes, and the lambda and r the runs imply.

**Explosion boundary.** With experiment compute not binding (a thousandfold experiment budget,
experiments that need fixed effective compute: ``frontier_coupling = 0``) and no exogenous compute
growth, the only thing that grows is what software progress buys: AI copies in proportion to
``S``, their taste and speed with capability. Semi-endogenous growth then says the lab explodes
when returns ``r = lambda / (1 - phi)`` exceed 1, lambda being how research output scales with
research input. ``ideas.phi`` is swept; the agents' boundary (smallest phi from which most seeds
explode within the horizon) is set beside the aggregate's (bisection on the same equations, same
horizon, the same doubling clock) and beside ``phi = 1 - lambda`` from the aggregate's own
lambda.

**Implied lambda and r.** A designed set of humans-only labs of different sizes, experiment
compute not binding: the research speed of each 26-week block is regressed on the number of
researchers and software efficiency, ``ln speed = c + lambda ln N - beta ln S``; ``r = lambda /
X
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.aggregate import AggregateModel
from model.model import TakeoffModel
from model.scenario import Scenario, load_scenario

BOUNDARY = {"compute.experiment_boost": 1000.0, "experiments.frontier_coupling": 0.0,
            "compute.growth_per_year": 1.0}
LN10 = math.log(10.0)


def boundary_scenario(phi: float, weeks: int) -> Scenario:
    """The baseline with experiment compute not binding and no compute growth, at ``phi``."""
    return load_scenario("baseline").replace({**BOUNDARY, "ideas.phi": float(phi),
                                              "run.weeks": weeks})


def explosion_in_horizon(m) -> int | None:
    """The week a finished run exploded: its clock's, or the cap's if reached accelerating.

    Near the boundary doublings shorten slowly, by a few percent each (at phi 0.45 from 3.5 weeks
    to 0.4 over 35 doublings): growth that diverges in finite time, but whose doublings never
    halve within the clock's window before S reaches the cap. Such a run counts from the whole
    of its doublings: its last ``explosion.doublings`` took at most half as long as its first.
    """
    if m.explosion_week is not None:
        return m.explosion_week
    d, n = m.frontier.clock.doubling_weeks, m.settings.explosion.doublings
    if m.stop == "cap" and len(d) >= 2 * n and sum(d[-n:]) <= 0.5 * sum(d[:n]):
        return m.week
    return None


def agents_explode(phi: float, seeds: list[int], weeks: int) -> list[int | None]:
    """Explosion week of each seed's agent run at ``phi`` (None: no explosion)."""
    out = []
    for seed in seeds:
        m = TakeoffModel(boundary_scenario(phi, weeks).replace({"run.seed": seed}), twin=False,
                         lineage_graph=False)
        m.run()
        out.append(explosion_in_horizon(m))
    return out


def aggregate_explodes(phi: float, weeks: int) -> tuple[int | None, float]:
    """Explosion week (None: none) and final ln S of the aggregate at ``phi``.

    The aggregate's doubling clock is the agents' (``model.explosion``), read as for the agents
    (:func:`explosion_in_horizon`).
    """
    m = AggregateModel(boundary_scenario(phi, weeks), twin=False)
    m.run()
    return explosion_in_horizon(m), m.ln_s


def aggregate_boundary(weeks: int, lo: float = -1.0, hi: float = 0.95, tol: float = 0.005
                       ) -> float:
    """Smallest phi at which the aggregate explodes within ``weeks`` (bisection)."""
    if aggregate_explodes(lo, weeks)[0] is not None:
        return lo
    if aggregate_explodes(hi, weeks)[0] is None:
        return float("inf")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if aggregate_explodes(mid, weeks)[0] is None:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def effective_lambda(phi: float = 0.8, decades: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Elasticity of the aggregate's research output to S when S is what grows (boundary lab).

    Research output is d ln S / dt over the effect scale (ideas' value at constant difficulty);
    with fixed compute, S sets the AI copies, and capability (log10 of the run's effective
    compute over week 0's) is log10 S. Returns log10 S at the middle of each decade and lambda.
    """
    m = AggregateModel(boundary_scenario(phi, 52), twin=False)
    out = []
    for d in range(decades + 1):
        ln_s = d * LN10
        out.append(m.research_rate(ln_s, float(d)) / math.exp((phi - 1.0) * ln_s))
    out = np.maximum(np.array(out), 1e-300)
    return np.arange(decades) + 0.5, np.diff(np.log(out)) / LN10


@dataclass
class Boundary:
    """The explosion boundary in phi, measured and predicted."""

    phis: list[float]
    agents: dict  # phi -> explosion week per seed
    aggregate: dict  # phi -> (explosion week, final ln S)
    agents_phi: float  # smallest grid phi from which most seeds explode
    agents_below: float  # the grid phi just below it (no majority explosion)
    aggregate_phi: float
    tolerance: float
    weeks: int
    lambda_s: np.ndarray
    lambda_eff: np.ndarray

    @property
    def passed(self) -> bool:
        """The agents' boundary is bracketed and the aggregate's lies within tolerance of it.

        Bracketed: no explosion at one phi tried, explosions from a larger one on.
        """
        if not (math.isfinite(self.agents_below) and math.isfinite(self.agents_phi)):
            return False
        return (self.agents_below - self.tolerance < self.aggregate_phi
                <= self.agents_phi + self.tolerance)


def boundary(phis: list[float], seeds: list[int], weeks: int, tolerance: float) -> Boundary:
    """Sweep ``phis`` for the agents and locate both boundaries."""
    agents = {phi: agents_explode(phi, seeds, weeks) for phi in phis}
    aggregate = {phi: aggregate_explodes(phi, weeks) for phi in phis}
    explode = [sum(e is not None for e in agents[p]) * 2 > len(seeds) for p in phis]
    first = len(phis)
    for i in range(len(phis) - 1, -1, -1):  # smallest phi from which every larger one explodes
        if not explode[i]:
            break
        first = i
    agents_phi = phis[first] if first < len(phis) else float("inf")
    below = phis[first - 1] if first > 0 else -float("inf")
    s, lam = effective_lambda()
    return Boundary(list(phis), agents, aggregate, agents_phi, below, aggregate_boundary(weeks),
                    tolerance, weeks, s, lam)


@dataclass
class Returns:
    """Regression estimates of lambda, gamma, beta and r.

    Research speed is the effect scale ``S^(phi - 1)`` (by construction: ``beta = 1 - phi``)
    times the rate of shipped idea quality. The quality rate is regressed on researchers and S:
    ``ln quality = c + lambda ln N + gamma ln S`` (``gamma`` is what S does to research besides
    making ideas harder, e.g. cheaper experiments), so speed goes as ``N^lambda S^-(beta -
    gamma)`` and ``r = lambda / (beta - gamma)``.
    """

    lam: float
    gamma: float
    lam_se: float
    gamma_se: float
    beta: float
    n: int
    points: np.ndarray  # columns: ln N, ln S, ln quality per week
    aggregate_lam: float
    aggregate_gamma: float

    @property
    def r(self) -> float:
        """Returns to research, lambda / (beta - gamma)."""
        return _ratio(self.lam, self.beta - self.gamma)

    @property
    def aggregate_r(self) -> float:
        """The same from the aggregate's runs."""
        return _ratio(self.aggregate_lam, self.beta - self.aggregate_gamma)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def _points(log: list, ln_s: list[float], count: float) -> list[tuple[float, float, float]]:
    """Per frontier run after the first two: ln N, ln S before it, ln quality per week."""
    out = []
    for j in range(2, len(log)):
        week, _, quality = log[j]
        previous = log[j - 1][0]
        if quality > 0:
            out.append((math.log(count), ln_s[previous], math.log(quality / (week - previous))))
    return out


def _ols(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.column_stack([np.ones(len(points)), points[:, 0], points[:, 1]])
    coef, *_ = np.linalg.lstsq(x, points[:, 2], rcond=None)
    resid = points[:, 2] - x @ coef
    dof = max(len(points) - 3, 1)
    cov = np.linalg.pinv(x.T @ x) * float(resid @ resid) / dof
    return coef, np.sqrt(np.maximum(np.diag(cov), 0.0))


def returns_design(counts: list[int], seeds: list[int], weeks: int = 156,
                   over: dict | None = None) -> Returns:
    """Humans-only labs of ``counts`` researchers, experiment compute not binding by default.

    ``over`` replaces that lab's settings, e.g. ``{}`` for the default (compute-bound) lab.
    """
    points, agg_points = [], []
    phi = load_scenario("humans_only")["ideas.phi"]
    for n in counts:
        lab = BOUNDARY if over is None else over
        s = load_scenario("humans_only").replace({**lab, "humans.count": n, "run.weeks": weeks})
        for seed in seeds:
            m = TakeoffModel(s.replace({"run.seed": seed}), twin=False, lineage_graph=False)
            m.run()
            points += _points(m.frontier.log, m.ln_s_history, n)
        a = AggregateModel(s, twin=False)
        a.run()
        agg_points += _points(a.log, a.ln_s_history, n)
    pts, apts = np.array(points), np.array(agg_points)
    coef, se = _ols(pts)
    acoef, _ = _ols(apts)
    return Returns(float(coef[1]), float(coef[2]), float(se[1]), float(se[2]), 1.0 - phi,
                   len(pts), pts, float(acoef[1]), float(acoef[2]))
