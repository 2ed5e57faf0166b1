"""Compiled loops of the experiment scheduler (``model/scheduler.py``)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def fair_starts(queued, owner, submitted, rung, weight, prices, history,
                shares):  # pragma: no cover - compiled
    """Virtual start time of each queued request under fair share.

    A claimant's requests are taken oldest first (ties by position); a request starts once its
    claimant's recent use plus its earlier requests (each its rung's price times its weight)
    are served, per share. The same as a stable sort by (owner, submitted), a running sum of
    the compute wanted over that order, and each claimant's sum before its first request taken
    off, in that order of operations.

    Args:
        queued: Pipeline rows of the queued requests.
        owner: Claimant (researcher row) of each pipeline row.
        submitted: Week each pipeline row was queued.
        rung: Rung of each pipeline row.
        weight: Ideas each pipeline row stands for.
        prices: Compute of one experiment at each rung.
        history: Recent use per claimant.
        shares: Fair-share claim per claimant.

    Returns:
        The start of each queued request, aligned with ``queued``.

    """
    n = queued.size
    own = np.empty(n, dtype=np.int64)
    week = np.empty(n)
    count = np.zeros(history.size + 1, dtype=np.int64)
    for t in range(n):
        i = queued[t]
        own[t] = owner[i]
        week[t] = submitted[i]
        count[own[t] + 1] += 1
    for o in range(history.size):
        count[o + 1] += count[o]
    # Counting sort by owner (stable), then each owner's few requests by week (insertion, stable).
    order = np.empty(n, dtype=np.int64)
    fill = count[:-1].copy()
    for t in range(n):
        o = own[t]
        pos = fill[o]
        while pos > count[o] and week[order[pos - 1]] > week[t]:
            order[pos] = order[pos - 1]
            pos -= 1
        order[pos] = t
        fill[o] += 1
    start = np.empty(n)
    cum = 0.0
    before = 0.0  # running sum before the current claimant's first request
    last = -1
    for s in range(n):
        t = order[s]
        o = own[t]
        if o != last:
            before = cum
            last = o
        i = queued[t]
        want = prices[rung[i]] * weight[i]
        cum += want
        start[t] = (history[o] + cum - want - before) / shares[o]
    return start


@njit(cache=True, nogil=True)
def walkable_requests(queued, rung, weight, owner, prices, discount, run_weeks, budget, shares,
                      claim):  # pragma: no cover - compiled
    """What each queued request needs from this week's budget.

    A request needs its rung's price (cut by the engineering spent on it, ``discount``) spread
    over its run weeks per idea (``unit``); a group (weight above 1) wants that for all its
    ideas, a single at most the whole budget. Under a share policy (``claim`` above 0) a group
    runs whole only within its claimant's share of the budget (``quantum``).

    Returns:
        Unit, want, group and quantum of each request, aligned with ``queued``.

    """
    n = queued.size
    unit = np.empty(n)
    want = np.empty(n)
    group = np.empty(n, dtype=np.bool_)
    quantum = np.empty(n)
    for t in range(n):
        i = queued[t]
        k = rung[i]
        u = prices[k] * discount[t] / max(run_weeks[k], 1.0)
        g = weight[i] > 1.0
        unit[t] = u
        # (A row left with part of an idea, after splits, wants only that part.)
        want[t] = u * weight[i] if g else min(u * weight[i], budget)
        group[t] = g
        quantum[t] = budget * shares[owner[i]] / claim if claim > 0 else np.inf
    return unit, want, group, quantum


@njit(cache=True, nogil=True)
def walk_queue(unit, want, group, quantum, free, rest_min):  # pragma: no cover - compiled
    """Walk ordered requests, granting what fits and skipping what does not (backfill).

    A single request is granted whole if it fits. A group that does not fit whole runs the whole
    number of its ideas that fit (at most ``max(quantum, unit)`` of compute). The first request
    that gets nothing is the head of the line: whatever compute is left when the walk ends is
    its, so no compute idles while a request waits and no request starves behind smaller ones.
    The walk ends as soon as nothing left, here or after these requests (the least of which
    needs ``rest_min``), fits.

    Returns:
        Positions granted in walk order, the ideas each runs (0 where granted whole), the compute
        still free, whether the walk would go on past these requests, how far it went, and the
        head of the line (-1 if every request walked got compute).

    """
    n = want.size
    smallest = np.empty(n + 1)  # least compute any request from position i on can run with
    smallest[n] = rest_min
    for i in range(n - 1, -1, -1):
        smallest[i] = min(smallest[i + 1], min(want[i], unit[i]))
    granted = np.empty(n, dtype=np.int64)
    split = np.zeros(n)
    g = 0
    head = -1
    for i in range(n):
        if free < smallest[i]:
            if head < 0:
                head = i
            return granted[:g], split[:g], free, False, i, head
        if want[i] <= free and (not group[i] or want[i] <= quantum[i]):
            granted[g] = i
            g += 1
            free -= want[i]
            continue
        if group[i]:
            fits = np.floor(min(free, max(quantum[i], unit[i])) / unit[i])
            if fits >= 1.0:
                granted[g] = i
                split[g] = fits
                g += 1
                free -= fits * unit[i]
                continue
        if head < 0:
            head = i
    return granted[:g], split[:g], free, free >= rest_min, n, head


@njit(cache=True, nogil=True)
def _kth_smallest(values, at, k):  # pragma: no cover - compiled
    """The ``k``-th smallest of ``values[at]`` (NaN compares as largest), in one pass.

    A max-heap of the k smallest so far: after the first few thousand values, few enter it.
    """
    heap = np.empty(k)
    for t in range(k):
        heap[t] = values[at[t]]
    for start in range(k // 2 - 1, -1, -1):
        _sift_down(heap, start, k)
    for t in range(k, at.size):
        x = values[at[t]]
        if x < heap[0] or np.isnan(heap[0]):
            heap[0] = x
            _sift_down(heap, 0, k)
    return heap[0]


@njit(cache=True, nogil=True, inline="always")
def _sift_down(heap, j, k):  # pragma: no cover - compiled
    """Restore the max-heap below position ``j`` (NaN counts as the largest)."""
    while True:
        c = 2 * j + 1
        if c >= k:
            return
        if c + 1 < k and (heap[c + 1] > heap[c] or np.isnan(heap[c + 1])):
            c += 1
        if heap[c] > heap[j] or (np.isnan(heap[c]) and not np.isnan(heap[j])):
            heap[c], heap[j] = heap[j], heap[c]
            j = c
        else:
            return


@njit(cache=True, nogil=True)
def order_and_walk(minor, major, unit, want, group, quantum, free,
                   reach):  # pragma: no cover - compiled
    """Order the requests by (``major``, ``minor``, position) and walk them (``walk_queue``).

    The budget usually runs out within the first few hundred requests of a queue of thousands,
    so the queue is ordered in prefixes: the requests whose major key is among the ``reach``
    smallest (ties included, so a prefix is exactly the start of the whole order), then the next
    ones only if the walk gets past them. What is granted is the same as walking the whole
    ordered queue.

    Returns:
        Positions granted in walk order, the ideas each runs (0 where granted whole), how many
        requests the walk passed, the compute left, and the head of the line (-1: none).

    """
    n = major.size
    left = np.arange(n)
    granted = np.empty(n, dtype=np.int64)
    split = np.zeros(n)
    g = walked = 0
    head = -1
    while left.size:
        cut = np.inf
        if left.size > 2 * reach:
            cut = _kth_smallest(major, left, reach)
        # Split in one pass: the prefix (ascending) and the rest, with the least it could use.
        ahead = np.empty(left.size, dtype=np.int64)
        rest = np.empty(left.size, dtype=np.int64)
        n_ahead = n_rest = 0
        rest_min = np.inf
        for i in left:
            if major[i] <= cut:
                ahead[n_ahead] = i
                n_ahead += 1
            else:
                rest[n_rest] = i
                n_rest += 1
                rest_min = min(rest_min, min(want[i], unit[i]))
        if n_ahead == 0:  # keys that do not compare (NaN): order all that is left
            ahead, n_ahead, n_rest, rest_min = left, left.size, 0, np.inf
        ahead, left = ahead[:n_ahead], rest[:n_rest]
        # Stable sorts, least significant key first: position, then minor, then major.
        ahead = ahead[np.argsort(minor[ahead], kind="mergesort")]
        ahead = ahead[np.argsort(major[ahead], kind="mergesort")]
        at, fits, free, more, passed, first = walk_queue(unit[ahead], want[ahead], group[ahead],
                                                         quantum[ahead], free, rest_min)
        for t in range(at.size):
            granted[g] = ahead[at[t]]
            split[g] = fits[t]
            g += 1
        if head < 0 and 0 <= first < ahead.size:
            head = ahead[first]
        walked += passed
        if not more:
            break
    if head < 0 and left.size and free > 0:  # the walk stopped before the rest: its first
        head = left[0]
        for i in left:
            if (major[i] < major[head] or (major[i] == major[head] and (
                    minor[i] < minor[head] or (minor[i] == minor[head] and i < head)))):
                head = i
    return granted[:g], split[:g], walked, free, head


@njit(cache=True, nogil=True)
def queue_now(state, draw, running, queued):  # pragma: no cover - compiled
    """The compute drawn by each running experiment, and the rows queued, in row order."""
    n = state.size
    drawn = np.empty(n)
    waiting = np.empty(n, dtype=np.int64)
    n_drawn = n_waiting = 0
    for i in range(n):
        if state[i] == running:
            drawn[n_drawn] = draw[i]
            n_drawn += 1
        elif state[i] == queued:
            waiting[n_waiting] = i
            n_waiting += 1
    return drawn[:n_drawn], waiting[:n_waiting]


@njit(cache=True, nogil=True)
def start_runs(idx, rung, weight, draw, nominal, run_left, state, prices, discount, run_weeks,
               budget, running):  # pragma: no cover - compiled
    """Start the granted experiments ``idx``: their draw on the budget and weeks to run.

    An experiment costs its rung's price per idea (cut by ``discount``, the engineering spent
    on it), spread over the rung's run weeks; one whose spread cost exceeds the whole budget
    draws the budget and runs longer.
    """
    for t in range(idx.size):
        i = idx[t]
        weeks = run_weeks[rung[i]]
        cost = prices[rung[i]] * discount[t] * weight[i]
        nominal[i] = cost / max(weeks, 1.0)
        d = min(nominal[i], budget)
        draw[i] = d
        run_left[i] = cost / d if d < nominal[i] else weeks
        state[i] = running


@njit(cache=True, nogil=True)
def start_partial(i, rung, weight, draw, nominal, run_left, state, prices, discount, run_weeks,
                  free, running):  # pragma: no cover - compiled
    """Start the head of the line ``i`` on the ``free`` compute left.

    It runs slower than it could until more compute frees up (``top_up``).
    """
    weeks = run_weeks[rung[i]]
    cost = prices[rung[i]] * discount * weight[i]
    nominal[i] = cost / max(weeks, 1.0)
    draw[i] = min(free, nominal[i])
    run_left[i] = cost / draw[i] if draw[i] < nominal[i] else weeks
    state[i] = running


@njit(cache=True, nogil=True)
def top_up(state, draw, nominal, run_left, free, running):  # pragma: no cover - compiled
    """Give compute that is free to experiments running below their full draw, oldest first.

    An experiment started on what was left runs slower than it could; as compute frees up it
    draws more, up to its full rate, and its weeks left shrink to match. Returns what is still
    free.
    """
    for i in range(state.size):
        if free <= 0.0:
            break
        if state[i] == running and draw[i] < nominal[i]:
            add = min(nominal[i] - draw[i], free)
            left = run_left[i] * draw[i]  # compute still to run
            draw[i] += add
            run_left[i] = left / draw[i]
            free -= add
    return free


@njit(cache=True, nogil=True)
def tally_queue(state, draw, owner, rung, weight, prices, run_weeks, history, decay, spent,
                cost, memory, running, queued):  # pragma: no cover - compiled
    """After the week's grants: what runs, what waits, and each claimant's decayed use.

    ``history`` decays by ``decay`` and ``spent`` by ``memory``; both gain each claimant's
    compute drawn this week (summed in row order). ``cost``, each idea's own compute so far,
    decays as ``spent`` does, so ``spent`` less its live ideas' ``cost`` is what the claimant
    spent on ideas that have ended. Returns the compute drawn by each running
    experiment and the compute per week each waiting request wants, in row order, for the
    caller to sum.
    """
    n = state.size
    drawn = np.empty(n)
    wanted = np.empty(n)
    gained = np.zeros(history.size)
    n_drawn = n_wanted = 0
    for i in range(n):
        cost[i] *= memory
        if state[i] == running:
            cost[i] += draw[i]
            drawn[n_drawn] = draw[i]
            n_drawn += 1
            gained[owner[i]] += draw[i]
        elif state[i] == queued:
            k = rung[i]
            wanted[n_wanted] = prices[k] * weight[i] / max(run_weeks[k], 1.0)
            n_wanted += 1
    for o in range(history.size):
        history[o] = history[o] * decay + gained[o]
        spent[o] = spent[o] * memory + gained[o]
    return drawn[:n_drawn], wanted[:n_wanted]
