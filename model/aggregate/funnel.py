"""The idea funnel in expectation: what the agent model's research cycle does to a new idea.

The agent model draws ideas, lets taste pick which to test, runs them up the experiment ladder
with imperfect transfer, updates beliefs after each rung and merges what clears the top. Every
step is a rule applied to Gaussian draws, so for one researcher class (its taste noise and its
skill at reading results) the share of new ideas that reach each rung, that merge, and the mean
frontier effect, small-scale claim and helpful/harmful shares of the merged ones are integrals
over those draws. This module evaluates them once per class on a fixed quasi-Monte Carlo sample
(deterministic: the same scenario always gives the same numbers) and tabulates them against the
one thing that varies week to week, how selective the class is: the share ``f`` of new ideas it
opens, best estimates first.

The integrals follow ``model/ideas.py`` and ``model/pipelines.py`` rule for rule:

* a new idea is ordinary or bold, fresh or a variation on a merged parent (``ideas.heritability``,
  ``ideas.build_on_shipped``); its estimate is ``z + noise * a``, its small-scale quirk
  ``h q_parent + sqrt(1 - h^2) sd_class (bias a + sqrt(1 - bias^2) e)``;
* it is opened when its estimate is among the best ``f`` and its posterior mean clears
  ``ideas.promote_threshold`` (the same bar as ``ResearchCycle.open``);
* at rung ``k`` the result is ``rho_k z + sqrt(1 - rho_k^2) q + run noise``, read with reading
  noise over skill, and the posterior is updated as if the result were an independent signal;
  the idea goes on while the posterior mean clears the bar, and merges after the top rung with
  the claim ``read / rho_top``.

The estimate is sampled by its tail quantile, three quarters uniformly and a quarter
log-uniformly down to 1e-12 (weights by the balance heuristic), so the best one-in-a-billion
ideas an AI cohort opens are resolved as well as a human's best one-in-five.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtri
from scipy.stats import qmc

TAIL = 12.0  # decades of tail quantile the sample covers
SAMPLE_LOG2 = 14  # 2^14 points per stratum (class x fresh/child): about 1% precision
GRID = np.concatenate([np.logspace(-TAIL, -0.0001, 480)])  # selection shares tabulated
QMC_SEED = 20250101


@dataclass(frozen=True)
class FunnelSpec:
    """Everything about an idea's path that does not change week to week.

    Built from a scenario by :meth:`from_settings`; hashable so tables are cached per spec.
    """

    p_bold: float
    mu: tuple[float, float]  # ordinary, bold
    sd: tuple[float, float]
    prior_mean: float
    prior_var: float
    threshold: float
    bias: float
    heritability: float
    build: float
    parent_u: float
    parent_q: float
    rho: tuple[float, ...]
    run_noise: float
    reading_noise: float
    material: float

    @classmethod
    def from_settings(cls, s, parent_u: float = 0.0, parent_q: float = 0.0) -> FunnelSpec:
        """The spec of scenario ``s`` with the lineage's typical parent (effect, quirk)."""
        i, e = s.ideas, s.experiments
        p = i.bold_share
        mean = p * i.bold_mean + (1 - p) * i.ordinary_mean
        second = (p * (i.bold_sd**2 + i.bold_mean**2)
                  + (1 - p) * (i.ordinary_sd**2 + i.ordinary_mean**2))
        rho = tuple(float(np.exp(-np.log10(1.0 / x) / e.transfer_decades)) for x in e.scales)
        return cls(p, (i.ordinary_mean, i.bold_mean), (i.ordinary_sd, i.bold_sd), mean,
                   second - mean**2, i.promote_threshold, i.small_scale_bias, i.heritability,
                   i.build_on_shipped, float(parent_u), float(parent_q), rho, e.noise,
                   e.reading_noise, i.material_effect)

    @property
    def sd_all(self) -> float:
        """Spread of true effects of new ideas: the unit of taste noise."""
        return float(np.sqrt(self.prior_var))

    def bar(self, noise: float) -> float:
        """Lowest estimate an idea may be opened with (``ResearchCycle.open``)."""
        gain = self.prior_var / (self.prior_var + noise**2)
        return self.prior_mean + (self.threshold - self.prior_mean) / gain


@lru_cache(maxsize=8)
def _normals(dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed scrambled-Sobol sample: a tail-quantile column and ``dims`` standard normals."""
    u = qmc.Sobol(dims + 1, scramble=True, seed=QMC_SEED).random_base2(SAMPLE_LOG2)
    u = np.clip(u, 1e-15, 1 - 1e-15)
    return u[:, 0], ndtri(u[:, 1:])


def _tail_quantiles(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tail quantiles (three quarters uniform, a quarter log-uniform) and importance weights."""
    n = v.size
    split = 3 * n // 4
    u = np.concatenate([v[:split], 10.0 ** (-TAIL * v[split:])])
    density = 0.75 + 0.25 / (u * TAIL * np.log(10.0))  # balance heuristic of both proposals
    return u, 1.0 / density / n  # weights sum to ~1 over [1e-12, 1]


@dataclass
class FunnelTable:
    """Expected funnel of one researcher class, per new idea, against the share opened.

    Attributes:
        noise: Taste noise in effect units; skill: reading skill.
        f: Shares of new ideas opened (best estimates first), increasing.
        stats: Per new idea, at each share: ``reach`` (rungs x len(f)) ideas that run rung k,
            ``merge``, ``z`` (sum of frontier effects of merged ideas), ``claim``, ``helpful``,
            ``harmful``; divide by ``f`` for per-opened values.
        f_bar: Share of new ideas whose estimate clears the bar.

    """

    noise: float
    skill: float
    f: np.ndarray
    stats: dict[str, np.ndarray]
    f_bar: float
    merged_z: np.ndarray  # merged ideas opened at the bar: effects, claims, quirks, weights
    merged_claim: np.ndarray
    merged_q: np.ndarray
    merged_w: np.ndarray
    merged_rank: np.ndarray  # share of new ideas with a better estimate (selection cut)

    def at(self, f: float) -> dict[str, np.ndarray | float]:
        """Expected funnel per new idea when the best ``f`` of new ideas are opened."""
        f = float(max(min(f, self.f_bar), self.f[0]))
        return {k: _interp_log(f, self.f, v) for k, v in self.stats.items()}


def _interp_log(f: float, grid: np.ndarray, values: np.ndarray) -> np.ndarray | float:
    x = np.log(f)
    xs = np.log(grid)
    if values.ndim == 1:
        return float(np.interp(x, xs, values))
    return np.array([np.interp(x, xs, row) for row in values])


@lru_cache(maxsize=512)
def build_table(spec: FunnelSpec, noise: float, skill: float, merged: bool = False
                ) -> FunnelTable:
    """Tabulate the funnel of a class with taste ``noise`` (effect units) and reading ``skill``.

    Cached: runs of the same scenario (and a run and its twin) share their tables. With
    ``merged``, the table also keeps the sample of merged ideas at the bar (for the lineage).
    """
    rungs = len(spec.rho)
    v, normal = _normals(2 + 2 * rungs)
    u_tail, w_tail = _tail_quantiles(v)
    eps_z, eps_q = normal[:, 0], normal[:, 1]
    eps_run, eps_read = normal[:, 2:2 + rungs], normal[:, 2 + rungs:]
    parts = []
    h = spec.heritability
    for cls, p_cls in ((0, 1.0 - spec.p_bold), (1, spec.p_bold)):
        for child, p_lin in ((False, 1.0 - spec.build), (True, spec.build)):
            weight = p_cls * p_lin
            if weight <= 0:
                continue
            hh = h if child else 0.0
            keep = np.sqrt(1.0 - hh**2)
            mu = spec.mu[cls] + hh * spec.sd[cls] * (spec.parent_u if child else 0.0)
            sd = spec.sd[cls] * keep
            spread = np.sqrt(sd**2 + noise**2)
            est = mu - spread * ndtri(u_tail)  # tail quantile u -> estimate
            shrink = sd**2 / spread**2
            z = mu + (est - mu) * shrink + np.sqrt(sd**2 * (1.0 - shrink)) * eps_z
            appeal = (est - z) / noise
            fresh = spec.sd[cls] * (spec.bias * appeal + np.sqrt(1.0 - spec.bias**2) * eps_q)
            q = hh * (spec.parent_q if child else 0.0) + keep * fresh
            parts.append((est, z, q, weight * w_tail))
    est, z, q, w = (np.concatenate(x) for x in zip(*parts, strict=True))
    eps_run = np.tile(eps_run, (len(parts), 1))
    eps_read = np.tile(eps_read, (len(parts), 1))
    w = w / w.sum()
    order = np.argsort(-est, kind="stable")
    est, z, q, w = est[order], z[order], q[order], w[order]
    eps_run, eps_read = eps_run[order], eps_read[order]
    # The ladder: every opened idea runs rung 1; it goes on while its posterior clears the bar.
    sd_all = spec.sd_all
    gain = spec.prior_var / (spec.prior_var + noise**2)
    mean = spec.prior_mean + gain * (est - spec.prior_mean)
    var = spec.prior_var * (1.0 - gain)
    alive = np.ones(est.size, dtype=bool)
    reach = np.zeros((rungs, est.size))
    reading = spec.reading_noise / skill
    read = np.zeros(est.size)
    for k, rho in enumerate(spec.rho):
        reach[k] = alive
        obs = rho * z + np.sqrt(1.0 - rho**2) * q + spec.run_noise * eps_run[:, k]
        read = obs + reading * eps_read[:, k]
        var_obs = ((1.0 - rho**2) * sd_all**2 + spec.run_noise**2 + reading**2) / rho**2
        precision = 1.0 / var + 1.0 / var_obs
        mean = (mean / var + (read / rho) / var_obs) / precision
        var = 1.0 / precision
        alive &= mean >= spec.threshold
    merge = alive.astype(np.float64)
    claim = read / spec.rho[-1]
    per = {
        "reach": reach * w,
        "merge": merge * w,
        "z": merge * z * w,
        "claim": merge * claim * w,
        "helpful": merge * (z > spec.material) * w,
        "harmful": merge * (z < -spec.material) * w,
    }
    cum_w = np.cumsum(w)
    bar = spec.bar(noise)
    n_bar = int(np.searchsorted(-est, -bar, side="right"))  # ideas with est >= bar
    f_bar = float(cum_w[n_bar - 1]) if n_bar > 0 else 0.0
    grid = GRID[GRID < max(f_bar, GRID[0] * 1.0001)]
    grid = np.append(grid, max(f_bar, GRID[0]))
    idx = np.minimum(np.searchsorted(cum_w, grid, side="left"), est.size - 1)
    stats = {}
    for key, arr in per.items():
        cum = np.cumsum(arr, axis=-1)
        stats[key] = cum[..., idx] if arr.ndim > 1 else cum[idx]
    keep = (merge > 0) & (np.arange(est.size) < n_bar) if merged else np.zeros(0, dtype=bool)
    return FunnelTable(noise, skill, grid, stats, f_bar, z[keep], claim[keep], q[keep], w[keep],
                       cum_w[keep])
