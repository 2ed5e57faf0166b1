"""The lineage in the mean field: the window of merged ideas, and the parent it offers.

In the agent model (``model/lineage.py``) a researcher's new ideas vary, with probability
``ideas.build_on_shipped``, a merged idea chosen greedily: a softmax (temperature ``GREED``
spreads of idea effects) over what the lab believes of its last ``ideas.lineage_window`` merged
ideas, their claims (the top rung's reading over its rho) until a frontier run reveals them,
their true effects after. A child inherits ``ideas.heritability`` of its parent's standardised
effect (clipped at ``ZCLIP`` spreads) and of its quirk. The claims of the ideas waiting for a run
are wider than the revealed effects, by the quirk the small scale shows, so the greedy choice
often takes a pending idea with a large quirk, and children inherit it: how much depends on how
much of the window is pending, which follows the frontier cadence.

The mean field keeps the window as tails: for ideas read by their effect (revealed, and pending
ones as they will be once revealed) and by their claim (pending), the mass of ideas believed at
least each level of ``funnel.LEVELS``, with their summed belief, clipped standardised effect and
quirk. Merges add the tails the funnel gives for the class's selection (``funnel._tabulate``),
a frontier run moves the pending ideas to the revealed, and the window forgets in proportion
once it holds more than its size (the agents' forget the oldest). The parent is the softmax over
the window read as equal-mass quantile bins from the top, as a window of that many ideas would
offer (:func:`parent`). An AI group counts once in the window however many ideas it stands for,
as a row does in the agents.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

PENDING_CLAIM, PENDING_EFFECT, REVEALED = 0, 1, 2  # the window's parts (``window[part]``)
TOP_BINS = 64  # quantile bins from the top read for the softmax (beyond, weights are nil)


@njit(cache=True, nogil=True)
def add(window, tail, entries):  # pragma: no cover - compiled
    """``entries`` merged ideas join the window as pending, with per-idea ``tail`` (2, L, 4)."""
    if entries <= 0.0:
        return
    for lev in range(window.shape[1]):
        for s in range(4):
            window[PENDING_CLAIM, lev, s] += entries * tail[1, lev, s]
            window[PENDING_EFFECT, lev, s] += entries * tail[0, lev, s]


@njit(cache=True, nogil=True)
def forget(window, size):  # pragma: no cover - compiled
    """Keep the window at ``size`` ideas: beyond it, every part shrinks alike."""
    held = window[PENDING_EFFECT, 0, 0] + window[REVEALED, 0, 0]
    if held > size > 0.0:
        window *= size / held


@njit(cache=True, nogil=True)
def reveal(window):  # pragma: no cover - compiled
    """A frontier run: the pending ideas are believed at their effects from now on."""
    window[REVEALED] += window[PENDING_EFFECT]
    window[PENDING_CLAIM] = 0.0
    window[PENDING_EFFECT] = 0.0


@njit(cache=True, nogil=True)
def _at(mass, sums, m):  # pragma: no cover - compiled
    """The sums over the ``m`` ideas believed most, from tails by level (linear in between)."""
    n_lev = mass.size
    if m <= 0.0:
        return 0.0
    last = mass[n_lev - 1]
    if m <= last:  # within the top level: the top's mean
        return sums[n_lev - 1] * m / last if last > 0.0 else 0.0
    for lev in range(n_lev - 2, -1, -1):
        if mass[lev] >= m:
            span = mass[lev] - mass[lev + 1]
            frac = (m - mass[lev + 1]) / span if span > 0.0 else 1.0
            return sums[lev + 1] + frac * (sums[lev] - sums[lev + 1])
    return sums[0]


@njit(cache=True, nogil=True)
def parent(window, temperature):  # pragma: no cover - compiled
    """Expected clipped standardised effect and quirk of the greedily chosen parent.

    The window's believed ideas (pending by their claims, revealed by their effects) in
    quantile bins of one idea from the top: each bin's mean belief, effect and quirk; the
    softmax over the bins (a window of that many ideas). Returns (0, 0) for an empty window.
    """
    n_lev = window.shape[1]
    mass = np.empty(n_lev)
    sums = np.empty((3, n_lev))
    for lev in range(n_lev):
        mass[lev] = window[PENDING_CLAIM, lev, 0] + window[REVEALED, lev, 0]
        for s in range(3):
            sums[s, lev] = window[PENDING_CLAIM, lev, s + 1] + window[REVEALED, lev, s + 1]
    total = mass[0]
    if total <= 1e-12:
        return 0.0, 0.0
    first = 0.0
    weight = 0.0
    u_sum = 0.0
    q_sum = 0.0
    before = np.zeros(3)
    for k in range(1, TOP_BINS + 1):
        hi = min(float(k), total)
        lo = float(k - 1)
        if hi <= lo:
            break
        width = hi - lo
        now = np.empty(3)
        for s in range(3):
            now[s] = _at(mass, sums[s], hi)
        belief = (now[0] - before[0]) / width
        if k == 1:
            first = belief
        w = width * math.exp(min((belief - first) / temperature, 0.0))
        weight += w
        u_sum += w * (now[1] - before[1]) / width
        q_sum += w * (now[2] - before[2]) / width
        before[:] = now
        if belief < first - 40.0 * temperature:
            break
    return u_sum / weight, q_sum / weight
