"""Random streams of their own for every researcher and every idea: common random numbers.

The speedup is a ratio of two noisy labs, the lab and its humans-only twin. Its noise cancels only
if the humans of both labs draw the same numbers for the same events: the k-th idea researcher h
thinks of in week w, the run noise of that idea's experiment at rung r, and so on. One shared
generator cannot give that (a single extra draw in one lab shifts every later draw), so every
draw of the human part comes from a counter-based stream: a 64-bit key per researcher (and per
idea), and a counter that names the event. The draw is the SplitMix64 output at ``key +
counter * golden``, a bijective mix of 64 bits (Steele, Lea and Flood 2014), so a stream is
addressed by what it is for, never by how many draws came before.

The base keys are spawned from the run's seed with :class:`numpy.random.SeedSequence` (one child
per purpose); a researcher's key is its identity (the h-th human hired) mixed into its purpose's
base key. The AI part of the lab has no twin to match, so it draws from the model's generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 2.0**-53

# Purposes, the spawn keys of the base streams.
HUMANS, HIRING, NETWORK, AI_IDEAS = 1, 2, 3, 4

# A counter names an event: (week + WEEK_OFFSET) << 24 | purpose << 18 | index.
WEEK_OFFSET = 1 << 16  # burn-in weeks are negative
COUNT, IDEA, PARENT, TRAITS = 0, 1, 2, 3  # researcher events
RUN, READ, DUPLICATE, SPLIT, REVIEW, FAKE = 0, 8, 16, 24, 32, 40  # idea events (+ rung for
# RUN, READ and FAKE)
DRAWS_PER_IDEA = 4  # class, effect, taste noise, quirk


def base_key(seed: int, purpose: int) -> np.uint64:
    """The base key of one purpose's streams, spawned from the run's seed."""
    state = np.random.SeedSequence(seed, spawn_key=(purpose,)).generate_state(2, np.uint64)
    return np.uint64(state[0] ^ (state[1] << np.uint64(1)))


@njit(cache=True, nogil=True, inline="always")
def mix(x):  # pragma: no cover - compiled
    """SplitMix64's finaliser: a bijection of 64-bit integers that scatters nearby inputs."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit(cache=True, nogil=True, inline="always")
def uniform(key, counter):  # pragma: no cover - compiled
    """The uniform draw of stream ``key`` at ``counter``, in (0, 1)."""
    x = mix(key + np.uint64(counter) * GOLDEN)
    return (np.float64(x >> _S11) + 0.5) * _UNIT


@njit(cache=True, nogil=True, inline="always")
def event(week, purpose, index):  # pragma: no cover - compiled
    """The counter of a researcher's event: ``index``-th draw for ``purpose`` in ``week``."""
    return ((np.int64(week) + WEEK_OFFSET) << 24) | (np.int64(purpose) << 18) | np.int64(index)


@njit(cache=True, nogil=True)
def derive(base, ids):  # pragma: no cover - compiled
    """Keys of the streams numbered ``ids`` under ``base`` (a researcher's from its identity)."""
    out = np.empty(ids.size, dtype=np.uint64)
    for i in range(ids.size):
        out[i] = mix(base ^ mix(np.uint64(ids[i]) * GOLDEN + GOLDEN))
    return out


@njit(cache=True, nogil=True)
def ndtri(p):  # pragma: no cover - compiled
    """The standard normal quantile of ``p`` in (0, 1): Wichura's AS241 (PPND16), ~1e-16."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                    + 67265.770927008700853) * r + 45921.953931549871457) * r
                  + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
        den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r
                    + 39307.89580009271061) * r + 21213.794301586595867) * r
                  + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
        return q * num / den
    r = p if q < 0.0 else 1.0 - p
    r = np.sqrt(-np.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                    + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                  + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
        den = (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                  + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                  + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
        den = (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                  + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
    val = num / den
    return -val if q < 0.0 else val


@njit(cache=True, nogil=True)
def poisson(lam, u):  # pragma: no cover - compiled
    """The Poisson(``lam``) count at uniform ``u``, by inversion (a normal quantile past 200).

    Inversion keeps the count a monotone function of one uniform, so two labs whose rates differ
    a little draw counts that differ a little.
    """
    if not lam > 0.0:
        return 0
    if lam > 200.0:
        return max(0, int(np.floor(lam + np.sqrt(lam) * ndtri(u) + 0.5)))
    p = np.exp(-lam)
    total = p
    k = 0
    while u > total and k < 10000:
        k += 1
        p *= lam / k
        total += p
    return k


@njit(cache=True, nogil=True)
def normals(keys, counters):  # pragma: no cover - compiled
    """Normal draws of streams ``keys`` at ``counters`` (one each)."""
    out = np.empty(keys.size)
    for i in range(keys.size):
        out[i] = ndtri(uniform(keys[i], counters[i]))
    return out


@njit(cache=True, nogil=True)
def uniforms(keys, counters):  # pragma: no cover - compiled
    """Uniform draws of streams ``keys`` at ``counters`` (one each)."""
    out = np.empty(keys.size)
    for i in range(keys.size):
        out[i] = uniform(keys[i], counters[i])
    return out


@njit(cache=True, nogil=True)
def week_uniforms(keys, week, purpose, index):  # pragma: no cover - compiled
    """Each researcher's ``index``-th uniform for ``purpose`` in ``week``."""
    out = np.empty(keys.size)
    c = event(week, purpose, index)
    for i in range(keys.size):
        out[i] = uniform(keys[i], c)
    return out


@njit(cache=True, nogil=True)
def idea_uniforms(keys, base, rung):  # pragma: no cover - compiled
    """Each idea's uniform for event ``base + rung`` (its run or reading at that rung)."""
    out = np.empty(keys.size)
    for i in range(keys.size):
        out[i] = uniform(np.uint64(keys[i]), base + rung[i])
    return out


@njit(cache=True, nogil=True)
def idea_normals(keys, base, rung):  # pragma: no cover - compiled
    """Each idea's normal draw for event ``base + rung``."""
    out = np.empty(keys.size)
    for i in range(keys.size):
        out[i] = ndtri(uniform(np.uint64(keys[i]), base + rung[i]))
    return out


@njit(cache=True, nogil=True)
def human_ideas(keys, week, rate):  # pragma: no cover - compiled
    """What each researcher thinks of this week: counts, each idea's four draws and its key.

    Researcher i's count is Poisson(``rate[i]``) at its COUNT draw; its k-th idea takes draws
    ``DRAWS_PER_IDEA * k + 0..3`` of its IDEA stream (class, effect, taste noise, quirk) and is
    keyed by that event, so the same idea in the lab and its twin has the same key.

    Returns:
        Counts per researcher; per idea (researcher by researcher) the class uniform, three
        normals and the idea's key (as int64 bits).

    """
    n = keys.size
    counts = np.empty(n, dtype=np.int64)
    c_count = event(week, COUNT, 0)
    total = 0
    for i in range(n):
        counts[i] = poisson(rate[i], uniform(keys[i], c_count))
        total += counts[i]
    cls = np.empty(total)
    normal = np.empty((3, total))
    idea_key = np.empty(total, dtype=np.int64)
    j = 0
    for i in range(n):
        key = keys[i]
        for k in range(counts[i]):
            first = event(week, IDEA, DRAWS_PER_IDEA * k)
            cls[j] = uniform(key, first)
            for d in range(3):
                normal[d, j] = ndtri(uniform(key, first + 1 + d))
            idea_key[j] = np.int64(mix(key ^ mix(np.uint64(first) * GOLDEN)))
            j += 1
    return counts, cls, normal, idea_key


@njit(cache=True, nogil=True)
def split_key(key):  # pragma: no cover - compiled
    """The key of the ideas split off a group (the rest keep ``key``)."""
    return np.int64(mix(np.uint64(key) + GOLDEN * np.uint64(SPLIT)))
