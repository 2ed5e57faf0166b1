"""Samples of beliefs: quasi-Monte Carlo points through a Gaussian copula, one seed per sample.

Unit points come from :mod:`scipy.stats.qmc` (a Latin hypercube, or a scrambled Sobol'
sequence), seeded from the file's ``run.seed``: the same file gives the same samples anywhere.
Rank correlations are induced with a Gaussian copula: the unit points are mapped to normal
scores, mixed by the Cholesky factor of the copula's correlation matrix and mapped back, so each
key keeps its distribution exactly and pairs get the asked-for Spearman correlation. Each
sample is then read off each belief's (truncated) quantile function. Keys without correlations
keep the sampler's stratification untouched.

Every sample also gets its own run seed, so the forecast averages over the model's own chance
as well as over the beliefs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.stats import qmc

from takeoff.forecast.beliefs import Beliefs, check_samples, normal_correlation
from takeoff.sweep.design import complete_shares
from takeoff.sweep.spec import POINTS, SEED_MODULUS, Axis, SweepSpec

QMC_STREAM, SEED_STREAM = 0xBE11EF, 0x5EED5  # the samples' streams, apart from any run's
EDGE = 1e-12  # unit coordinates are kept off 0 and 1, where normal scores are infinite


@dataclass(frozen=True)
class Samples:
    """Draws from beliefs.

    Attributes:
        unit: Each sample's quantile under each belief, shape (N, D).
        points: Each sample's values of the uncertain keys (shares completed to sum to 1).
        seeds: Each sample's ``run.seed``.

    """

    unit: np.ndarray
    points: list[dict]
    seeds: list[int]


def unit_points(beliefs: Beliefs, n: int) -> np.ndarray:
    """``n`` points in (0, 1)^D: the sampler's, with the beliefs' rank correlations."""
    d = len(beliefs.beliefs)
    check_samples("--samples", n, beliefs.sampler)
    rng = np.random.default_rng(np.random.SeedSequence([beliefs.seed, QMC_STREAM]))
    if beliefs.sampler == "sobol":
        u = qmc.Sobol(d, scramble=True, rng=rng).random_base2(int(np.log2(n)))
    else:
        u = qmc.LatinHypercube(d, rng=rng).random(n)
    u = np.clip(u, EDGE, 1.0 - EDGE)
    corr = normal_correlation(beliefs.rank)
    mixed = np.flatnonzero(np.any(corr != np.eye(d), axis=0))
    if mixed.size:
        z = special.ndtri(u[:, mixed]) @ np.linalg.cholesky(corr[np.ix_(mixed, mixed)]).T
        u[:, mixed] = np.clip(special.ndtr(z), EDGE, 1.0 - EDGE)
    return u


def draw(beliefs: Beliefs, n: int) -> Samples:
    """``n`` samples of the beliefs, each with its own seed."""
    u = unit_points(beliefs, n)
    columns = [b.ppf(u[:, j]) for j, b in enumerate(beliefs.beliefs)]
    base = beliefs.base
    points = [complete_shares({b.key: col[i] for b, col in zip(beliefs.beliefs, columns,
                                                                strict=True)}, base)
              for i in range(n)]
    state = np.random.SeedSequence([beliefs.seed, SEED_STREAM]).generate_state(n, np.uint64)
    seeds = [int(s) % SEED_MODULUS for s in state]
    return Samples(u, points, seeds)


def forecast_spec(beliefs: Beliefs, n: int) -> SweepSpec:
    """The sweep engine's spec of a forecast: one run per sample, at the sample's seed."""
    samples = draw(beliefs, n)
    axes = []
    for b in beliefs.beliefs:
        if b.family == "categorical":
            axes.append(Axis(b.key, values=b.values))
        else:
            lo, hi = b.support()
            axes.append(Axis(b.key, lo=lo, hi=hi, integer=b.integer))
    return SweepSpec(name=beliefs.name, description=beliefs.description, origin=beliefs.origin,
                     text=beliefs.text, base=beliefs.base, design=POINTS, replicates=1,
                     samples=n, levels=0, axes=tuple(axes), points=tuple(samples.points),
                     point_seeds=tuple(samples.seeds), unit=samples.unit,
                     file_name="beliefs.toml", command="forecast")
