"""Compiled arithmetic of a researcher's belief about one idea: a two-class mixture.

A researcher knows that most ideas are ordinary and a few bold (``model.idea_draws.IdeaQuality``),
so its belief about an idea is a mixture: the chance the idea is bold, and a normal belief about
its effect under each class. Every signal (its own estimate, a collaborator's, an experiment's
result read as a signal of the frontier effect) is normal around the effect with a variance that
may differ by class; it updates each class's normal belief (Gaussian conditioning) and the odds
of the classes (by how likely the signal was under each). The posterior mean, what decisions
use, rises with the signal, so "clears the bar" is a threshold on the signal.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LOG_2PI = np.log(2.0 * np.pi)


@njit(cache=True, nogil=True, inline="always")
def _log_normal(x, mean, var):  # pragma: no cover - compiled
    d = x - mean
    return -0.5 * (_LOG_2PI + np.log(var) + d * d / var)


@njit(cache=True, nogil=True, inline="always")
def update(pb, mb, vb, mo, vo, signal, var_b, var_o):  # pragma: no cover - compiled
    """One signal's update of a belief; returns the updated (pb, mb, vb, mo, vo).

    The belief: ``pb`` the chance the idea is bold, ``mb``, ``vb`` the mean and variance of its
    effect if bold, ``mo``, ``vo`` if ordinary. The signal is normal around the effect with
    variance ``var_b`` if the idea is bold and ``var_o`` if ordinary.
    """
    lb = _log_normal(signal, mb, vb + var_b)
    lo = _log_normal(signal, mo, vo + var_o)
    if pb <= 0.0:
        pb_new = 0.0
    elif pb >= 1.0:
        pb_new = 1.0
    else:
        odds = np.log(pb) - np.log(1.0 - pb) + lb - lo
        pb_new = 1.0 / (1.0 + np.exp(-min(max(odds, -700.0), 700.0)))
    kb = vb / (vb + var_b)
    ko = vo / (vo + var_o)
    return (pb_new, mb + kb * (signal - mb), vb * (1.0 - kb), mo + ko * (signal - mo),
            vo * (1.0 - ko))


@njit(cache=True, nogil=True, inline="always")
def mean_of(pb, mb, mo):  # pragma: no cover - compiled
    """The belief's mean effect."""
    return pb * mb + (1.0 - pb) * mo


@njit(cache=True, nogil=True)
def first_beliefs(est, noise, p_bold, mu_bold, var_bold, mu_ord,
                  var_ord):  # pragma: no cover - compiled
    """Beliefs about ideas from their owners' estimates alone (``noise`` per idea).

    Returns:
        Five arrays: bold chance, mean and variance if bold, mean and variance if ordinary.

    """
    n = est.size
    out = np.empty((5, n))
    for t in range(n):
        v = noise[t] * noise[t]
        pb, mb, vb, mo, vo = update(p_bold, mu_bold, var_bold, mu_ord, var_ord, est[t], v, v)
        out[0, t], out[1, t], out[2, t], out[3, t], out[4, t] = pb, mb, vb, mo, vo
    return out


@njit(cache=True, nogil=True)
def bars(noise, threshold, p_bold, mu_bold, var_bold, mu_ord,
         var_ord):  # pragma: no cover - compiled
    """Least estimate whose belief's mean clears ``threshold``, for each taste noise.

    The mean rises with the estimate, so bisection finds it; an estimate no amount of which
    clears the bar (the bar above both classes' reach) gets +inf, one that always does -inf.
    """
    out = np.empty(noise.size)
    for i in range(noise.size):
        v = noise[i] * noise[i]
        lo, hi = -1.0e3, 1.0e3
        pb, mb, vb, mo, vo = update(p_bold, mu_bold, var_bold, mu_ord, var_ord, hi, v, v)
        if mean_of(pb, mb, mo) < threshold:
            out[i] = np.inf
            continue
        pb, mb, vb, mo, vo = update(p_bold, mu_bold, var_bold, mu_ord, var_ord, lo, v, v)
        if mean_of(pb, mb, mo) >= threshold:
            out[i] = -np.inf
            continue
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            pb, mb, vb, mo, vo = update(p_bold, mu_bold, var_bold, mu_ord, var_ord, mid, v, v)
            if mean_of(pb, mb, mo) >= threshold:
                hi = mid
            else:
                lo = mid
        out[i] = hi
    return out


@njit(cache=True, nogil=True)
def means(est, noise, p_bold, mu_bold, var_bold, mu_ord, var_ord):  # pragma: no cover - compiled
    """The mean of the belief each estimate gives alone (``noise`` per estimate; -inf stays)."""
    out = np.empty(est.size)
    for t in range(est.size):
        if est[t] == -np.inf:
            out[t] = -np.inf
            continue
        v = noise[t] * noise[t]
        pb, mb, vb, mo, vo = update(p_bold, mu_bold, var_bold, mu_ord, var_ord, est[t], v, v)
        out[t] = mean_of(pb, mb, mo)
    return out
