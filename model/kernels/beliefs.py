"""Compiled arithmetic of a researcher's belief about one idea: two classes, effect and quirk.

A researcher knows that most ideas are ordinary and a few bold (``model.idea_draws.IdeaQuality``),
and that a small experiment shows an idea's frontier effect ``z`` mixed with a quirk ``q`` the
frontier never sees, the same at every rung: a rung at correlation rho shows
``rho * z + sqrt(1 - rho^2) * q`` plus run and reading noise. So its belief about an idea is, for
each class, a two-dimensional normal over (z, q), and the chance the idea is bold. A taste
estimate or a collaborator's opinion is a signal of ``z`` alone (researchers do not know that
their intuition leans toward what looks good small); a result is a signal of that mix. Each
signal updates each class's normal (a Kalman step) and the odds of the classes (by how likely
the signal was under each). The mean effect, what decisions use, rises with a signal of ``z``,
so "clears the bar" is a threshold on the estimate.

Belief layout, per idea: ``[pb, then for bold and for ordinary: mz, mq, Vzz, Vzq, Vqq]``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LOG_2PI = np.log(2.0 * np.pi)
FIELDS = 11


@njit(cache=True, nogil=True, inline="always")
def _log_normal(x, mean, var):  # pragma: no cover - compiled
    d = x - mean
    return -0.5 * (_LOG_2PI + np.log(var) + d * d / var)


@njit(cache=True, nogil=True, inline="always")
def _odds(pb, lb, lo):  # pragma: no cover - compiled
    if pb <= 0.0:
        return 0.0
    if pb >= 1.0:
        return 1.0
    odds = np.log(pb) - np.log(1.0 - pb) + lb - lo
    return 1.0 / (1.0 + np.exp(-min(max(odds, -700.0), 700.0)))


@njit(cache=True, nogil=True, inline="always")
def _kalman(b, at, a, c, signal, noise2):  # pragma: no cover - compiled
    """Update the class normal at ``b[at:at + 5]`` with ``signal = a z + c q + noise``.

    Returns the log likelihood of the signal under this class.
    """
    mz, mq, vzz, vzq, vqq = b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4]
    pz = vzz * a + vzq * c  # covariance of (z, q) with the signal
    pq = vzq * a + vqq * c
    s = max(a * pz + c * pq + noise2, 1e-300)  # (a belief already certain, a perfect signal)
    ll = _log_normal(signal, a * mz + c * mq, s)
    r = (signal - a * mz - c * mq) / s
    b[at], b[at + 1] = mz + pz * r, mq + pq * r
    b[at + 2], b[at + 3], b[at + 4] = vzz - pz * pz / s, vzq - pz * pq / s, vqq - pq * pq / s
    return ll


@njit(cache=True, nogil=True, inline="always")
def observe(b, a, c, signal, noise2):  # pragma: no cover - compiled
    """One signal ``a z + c q + noise`` (variance ``noise2``) updates belief ``b`` in place."""
    lb = _kalman(b, 1, a, c, signal, noise2)
    lo = _kalman(b, 6, a, c, signal, noise2)
    b[0] = _odds(b[0], lb, lo)


@njit(cache=True, nogil=True, inline="always")
def mean_of(b):  # pragma: no cover - compiled
    """The belief's mean effect."""
    return b[0] * b[1] + (1.0 - b[0]) * b[6]


@njit(cache=True, nogil=True, inline="always")
def prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord):  # pragma: no cover - compiled
    """Write the belief about an idea not yet looked at into ``b``: the classes as they are."""
    b[0] = p_bold
    b[1], b[2], b[3], b[4], b[5] = mu_bold, 0.0, var_bold, 0.0, var_bold
    b[6], b[7], b[8], b[9], b[10] = mu_ord, 0.0, var_ord, 0.0, var_ord


@njit(cache=True, nogil=True)
def first_beliefs(est, noise, p_bold, mu_bold, var_bold, mu_ord,
                  var_ord):  # pragma: no cover - compiled
    """Beliefs about ideas from their owners' estimates alone (``noise`` per idea).

    Returns:
        (FIELDS, ideas) beliefs.

    """
    out = np.empty((FIELDS, est.size))
    b = np.empty(FIELDS)
    for t in range(est.size):
        prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord)
        observe(b, 1.0, 0.0, est[t], noise[t] * noise[t])
        out[:, t] = b
    return out


@njit(cache=True, nogil=True)
def means(est, noise, p_bold, mu_bold, var_bold, mu_ord, var_ord):  # pragma: no cover - compiled
    """The mean of the belief each estimate gives alone (``noise`` per estimate; -inf stays)."""
    out = np.empty(est.size)
    b = np.empty(FIELDS)
    for t in range(est.size):
        if est[t] == -np.inf:
            out[t] = -np.inf
            continue
        prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord)
        observe(b, 1.0, 0.0, est[t], noise[t] * noise[t])
        out[t] = mean_of(b)
    return out


@njit(cache=True, nogil=True)
def bars(noise, threshold, p_bold, mu_bold, var_bold, mu_ord,
         var_ord):  # pragma: no cover - compiled
    """Least estimate whose belief's mean clears ``threshold``, for each taste noise.

    The mean rises with the estimate, so bisection finds it; an estimate no amount of which
    clears the bar gets +inf, one that always does -inf.
    """
    out = np.empty(noise.size)
    b = np.empty(FIELDS)
    for i in range(noise.size):
        v = noise[i] * noise[i]
        lo, hi = -1.0e3, 1.0e3
        prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord)
        observe(b, 1.0, 0.0, hi, v)
        if mean_of(b) < threshold:
            out[i] = np.inf
            continue
        prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord)
        observe(b, 1.0, 0.0, lo, v)
        if mean_of(b) >= threshold:
            out[i] = -np.inf
            continue
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            prior(b, p_bold, mu_bold, var_bold, mu_ord, var_ord)
            observe(b, 1.0, 0.0, mid, v)
            if mean_of(b) >= threshold:
                hi = mid
            else:
                lo = mid
        out[i] = hi
    return out
