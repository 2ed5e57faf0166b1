"""Stepping on toes: researchers who draw the same idea duplicate each other's work.

Ideas differ in how obvious they are: the j-th most obvious idea is drawn with probability
proportional to (j + pool)^(-exponent), a Zipf law with an offset. While a lab draws far fewer ideas
than ``pool`` per epoch, almost every draw is new; beyond that, distinct ideas grow like
draws^(1/exponent) (Heaps' law), so doubling researchers no longer doubles output. The
parallelisation exponent lambda of the takeoff literature is not set here: it emerges from who
draws what, and ``validate`` measures it.

Duplication is settled when an idea clears the top of the ladder: two researchers who carried
the same idea all the way both spent the compute, and it ships once. An epoch is the time between
frontier runs: each run changes what the lab builds on, so the landscape of candidate ideas is
redrawn.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_LOG_D = np.linspace(-3.0, 24.0, 271)  # log10 of draws per epoch covered by the table


@lru_cache(maxsize=32)
def distinct_table(pool: float, exponent: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected distinct ideas among D draws, tabulated on a log grid of D.

    Ranks are grouped in log-spaced bins (about 2% apart in probability), and the tail beyond the
    last bin is counted as all-new, which is exact while each tail idea is drawn far less than once.

    Returns:
        (log10 D, expected distinct ideas) as two arrays.

    """
    edges = np.unique(np.floor(np.logspace(0, 30, 3001)).astype(np.float64))
    lo, hi = edges[:-1], edges[1:]
    count = hi - lo
    mid = np.sqrt(lo * hi) + pool
    weight = mid ** (-exponent)
    tail = (hi[-1] + pool) ** (1.0 - exponent) / (exponent - 1.0)
    norm = np.sum(count * weight) + tail
    p = weight / norm
    draws = 10.0**_LOG_D
    distinct = np.sum(count * -np.expm1(-np.outer(draws, p)), axis=1) + draws * tail / norm
    return _LOG_D, np.minimum(distinct, draws)


@lru_cache(maxsize=32)
def _log_table(pool: float, exponent: float) -> tuple[np.ndarray, np.ndarray]:
    log_d, distinct = distinct_table(pool, exponent)
    return log_d, np.log10(distinct)


def expected_distinct(draws: np.ndarray, pool: float, exponent: float) -> np.ndarray:
    """Expected number of distinct ideas among ``draws`` draws (vectorised)."""
    log_d, log_distinct = _log_table(float(pool), float(exponent))
    draws = np.asarray(draws, dtype=np.float64)
    small = draws < 10.0 ** log_d[0]
    out = np.interp(np.log10(np.maximum(draws, 1e-300)), log_d, log_distinct)
    return np.where(small, draws, 10.0**out)


def distinct_shares(before: float, weights: np.ndarray, pool: float, exponent: float) -> np.ndarray:
    """Share of each new pick that is not a duplicate, picks taken in the given order.

    Args:
        before: Draws already made this epoch.
        weights: Ideas each pick stands for (1 for a human's idea).
        pool: Zipf offset (``ideas.duplication_pool``).
        exponent: Zipf exponent (``ideas.duplication_exponent``).

    """
    cum = before + np.cumsum(weights)
    edges = expected_distinct(np.concatenate(([before], cum)), pool, exponent)
    new = np.diff(edges)
    return np.clip(new / np.maximum(weights, 1e-300), 0.0, 1.0)
