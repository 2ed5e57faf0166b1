"""Compiled inner loops of the research cycle (numba), over the model's own arrays.

Each kernel does, row by row, what a chain of numpy calls did over whole arrays, with the same
result to the bit: the numpy calls' fixed cost (a few microseconds each, hundreds a week) was most
of a week at 1,000 researchers, and sorting whole backlogs to merge a few new ideas was most of it
at 10,000. No kernel draws random numbers: draws stay with the model's generator, in the same
order. Kernels are compiled on first use and cached next to this file (``make`` compiles them at
install, ``python -m model.kernels``); ``NUMBA_DISABLE_JIT=1`` runs them as plain Python.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def merge_backlogs(est, ids, head, local, new_est, pick, first, pool,
                   new):  # pragma: no cover - compiled
    """Merge new estimates into sorted backlog rows, keeping each row's best ``width``.

    The same as a stable descending sort of each row's old entries followed by its new ones
    (old first on ties), cut to the row's width, with empty slots last. Only the part of a row
    from its first change on (an empty slot, or a new idea better than the old one there) is
    rewritten: new ideas mostly land near the bottom of a full backlog.

    Args:
        est: (rows, width) estimates of a shelf, best first after each row's taken head; -inf
            marks an empty slot. Written in place for the merged rows.
        ids: (rows, width) pool entries aligned with ``est``. Written in place; a new idea that
            survives the cut gets entry ``first``, ``first + 1``, ... in row-major order.
        head: Taken entries at the front of each row: reset to 0 for the merged rows.
        local: Shelf rows to merge, ascending.
        new_est: (m, k) new estimates in draw order, -inf past each row's ideas; ideas are
            numbered row-major over all m rows.
        pick: Row of ``new_est`` for each of ``local``.
        first: Pool entry of the first new idea kept.
        pool: The pool's fields z, q, block, parent, scale, born (room reserved): a kept idea's
            are written at its entry.
        new: The new ideas' z, q, block and row, each's parent by row, and the scale and birth
            week of them all.

    Returns:
        How many new ideas were kept.

    """
    pool_z, pool_q, pool_block, pool_parent, pool_scale, pool_born = pool
    new_z, new_q, new_block, new_row, new_parent, scale, born = new
    m, k = new_est.shape
    width = est.shape[1]
    number = np.empty(m, dtype=np.int64)  # number of the first idea of each new row
    count = 0
    for r in range(m):
        number[r] = count
        for c in range(k):
            if new_est[r, c] > -np.inf:
                count += 1
    n_kept = 0
    old_e, old_i = np.empty(width), np.empty(width, dtype=ids.dtype)
    new_e, new_j = np.empty(k), np.empty(k, dtype=np.int64)
    for t in range(local.size):
        row, r = local[t], pick[t]
        # The row's new ideas, stably best first: a handful by insertion, a cohort's by sort.
        n_new = 0
        j = number[r]
        for c in range(k):
            x = new_est[r, c]
            if x > -np.inf:
                pos = n_new
                while pos > 0 and new_e[pos - 1] < x and n_new < 16:
                    new_e[pos] = new_e[pos - 1]
                    new_j[pos] = new_j[pos - 1]
                    pos -= 1
                new_e[pos] = x
                new_j[pos] = j
                n_new += 1
                j += 1
        if n_new > 16:  # the first 16 are in order, the rest as drawn: sort them all, stably
            order = np.argsort(-new_e[:n_new], kind="mergesort")
            new_e[:n_new] = new_e[:n_new][order]
            new_j[:n_new] = new_j[:n_new][order]
        best_new = new_e[0] if n_new else -np.inf
        start = 0  # the row is unchanged before its first empty slot or first new idea
        while start < width and est[row, start] > -np.inf and est[row, start] >= best_new:
            start += 1
        n_old, last = 0, start - 1
        for c in range(start, width):
            if est[row, c] > -np.inf:
                old_e[n_old] = est[row, c]
                old_i[n_old] = ids[row, c]
                n_old += 1
                last = c
        a = b = 0
        for c in range(start, width):
            if a < n_old and (b >= n_new or old_e[a] >= new_e[b]):
                est[row, c] = old_e[a]
                ids[row, c] = old_i[a]
                a += 1
            elif b < n_new:
                est[row, c] = new_e[b]
                at, j = first + n_kept, new_j[b]
                ids[row, c] = at
                pool_z[at], pool_q[at], pool_block[at] = new_z[j], new_q[j], new_block[j]
                pool_parent[at] = new_parent[new_row[j]]
                pool_scale[at], pool_born[at] = scale, born
                n_kept += 1
                b += 1
            elif c <= last:  # an old idea moved up or fell off
                est[row, c] = -np.inf
                ids[row, c] = 0
            else:
                break  # the rest of the row was empty and stays so
        head[row] = 0
    return n_kept


@njit(cache=True, nogil=True)
def take_best(est, ids, head, rows, wanted, min_estimate):  # pragma: no cover - compiled
    """Take each shelf row's best ideas: up to ``wanted``, only those worth testing.

    A row's candidates are the ``wanted`` slots after its taken head; each idea among them whose
    estimate clears the row's bar is taken (its slot emptied) and the head moves past it.

    Args:
        est: (rows, width) estimates of a shelf, best first after the head; emptied in place.
        ids: Pool entries aligned with ``est``.
        head: Taken entries at the front of each row, advanced in place.
        rows: The backlog row of each shelf row.
        wanted: Ideas wanted, per backlog row.
        min_estimate: Least estimate worth testing, per backlog row.

    Returns:
        Backlog row, estimate and pool entry of each idea taken, by row and best first.

    """
    n, width = est.shape
    size = 0
    for r in range(n):
        size += min(max(wanted[rows[r]], 0), width)
    out_row = np.empty(size, dtype=np.int64)
    out_est = np.empty(size)
    out_id = np.empty(size, dtype=np.int64)
    got = 0
    for r in range(n):
        row = rows[r]
        bar = min_estimate[row]
        h = head[r]
        taken = 0
        for j in range(min(max(wanted[row], 0), width)):
            c = h + j
            if c >= width:
                break
            e = est[r, c]
            if e >= bar and e > -np.inf:
                out_row[got] = row
                out_est[got] = e
                out_id[got] = ids[r, c]
                est[r, c] = -np.inf
                got += 1
                taken += 1
        head[r] = h + taken
    return out_row[:got], out_est[:got], out_id[:got]


@njit(cache=True, nogil=True)
def few_ideas(counts, uniform, normal, appeal, own, p_bold, mu_bold, sd_bold, mu_ord, sd_ord,
              noise, h, parent_u, q_parent, bias, unbiased):  # pragma: no cover - compiled
    """Ideas of rows that think of a handful each, from their draws (``idea_draws.draw_few``).

    Args:
        counts: Ideas per row.
        uniform: One uniform draw per idea, row by row: bold or ordinary.
        normal: One normal draw per idea: the true effect's own part.
        appeal: One normal draw per idea: the taste noise, in units of the row's noise.
        own: One normal draw per idea: the quirk's own part.
        p_bold: Share of bold ideas.
        mu_bold: Mean effect of a bold idea.
        sd_bold: Spread of bold ideas.
        mu_ord: Mean effect of an ordinary idea.
        sd_ord: Spread of ordinary ideas.
        noise: Taste noise per row.
        h: Heritability per row (0 for fresh ideas).
        parent_u: Standardised effect of each row's parent.
        q_parent: Quirk of each row's parent.
        bias: Share of taste noise that is the quirk.
        unbiased: ``sqrt(1 - bias**2)``.

    Returns:
        Estimates as a (rows, most ideas) matrix, -inf past each row's count; for each idea its
        flat position in it, its row, its true effect and its quirk.

    """
    n = counts.size
    width = 1
    for r in range(n):
        width = max(width, counts[r])
    total = uniform.size
    est = np.full((n, width), -np.inf)
    flat = np.empty(total, dtype=np.int64)
    row = np.empty(total, dtype=np.int64)
    z = np.empty(total)
    q = np.empty(total)
    i = 0
    for r in range(n):
        hr = h[r]
        keep = np.sqrt(1.0 - hr * hr)
        for c in range(counts[r]):
            bold = uniform[i] < p_bold
            mu = mu_bold if bold else mu_ord
            s = sd_bold if bold else sd_ord
            zi = mu + hr * s * parent_u[r] + s * keep * normal[i]
            est[r, c] = zi + noise[r] * appeal[i]
            flat[i] = r * width + c
            row[i] = r
            z[i] = zi
            q[i] = hr * q_parent[r] + keep * (s * (bias * appeal[i] + unbiased * own[i]))
            i += 1
    return est, flat, row, z, q


@njit(cache=True, nogil=True)
def forget_stale(est, ids, first_fresh, stale_rows, rows):  # pragma: no cover - compiled
    """Empty the slots of ideas that entered the pool before ``first_fresh``; flag their rows.

    Args:
        est: (rows, width) estimates of a shelf; stale slots are set to -inf in place.
        ids: Pool entries aligned with ``est`` (pool order is birth order).
        first_fresh: First pool entry of an idea still fresh.
        stale_rows: Flags over the whole backlog, set in place for rows that lost an idea.
        rows: The backlog row of each shelf row.

    """
    n, width = est.shape
    for r in range(n):
        for c in range(width):
            if ids[r, c] < first_fresh and est[r, c] > -np.inf:
                est[r, c] = -np.inf
                stale_rows[rows[r]] = True


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
def walkable_requests(queued, rung, weight, owner, submitted, prices, run_weeks, budget, free,
                      shares, claim, week, max_wait):  # pragma: no cover - compiled
    """What each queued request needs, for the requests the walk could grant or stop at.

    A request needs its rung's price spread over its run weeks per idea (``unit``); a group
    (weight above 1) wants that for all its ideas, a single at most the whole budget. Under
    fair share (``claim`` above 0) a group runs whole only within its claimant's share of the
    budget. A group, or a single needing more than half the budget that has waited
    ``max_wait`` weeks, is an event of the walk. A single needing more than is free is
    skipped wherever it stands (free compute only falls), so only the others are returned.

    Returns:
        Position in ``queued``, unit, want, group, quantum and event of each request kept.

    """
    n = queued.size
    at = np.empty(n, dtype=np.int64)
    unit = np.empty(n)
    want = np.empty(n)
    group = np.empty(n, dtype=np.bool_)
    quantum = np.empty(n)
    event = np.empty(n, dtype=np.bool_)
    m = 0
    for t in range(n):
        i = queued[t]
        k = rung[i]
        u = prices[k] / max(run_weeks[k], 1.0)
        g = weight[i] > 1.0
        w = u * weight[i] if g else min(u, budget)
        q = budget * shares[owner[i]] / claim if claim > 0 else np.inf
        ev = g or ((week - submitted[i]) >= max_wait and w > 0.5 * budget)
        if ((not g or w <= q) and w <= free) or ev:
            at[m], unit[m], want[m], group[m], quantum[m], event[m] = t, u, w, g, q, ev
            m += 1
    return at[:m], unit[:m], want[:m], group[:m], quantum[:m], event[:m]


@njit(cache=True, nogil=True)
def walk_queue(unit, want, group, quantum, event, free, rest_min):  # pragma: no cover - compiled
    """Walk ordered requests, granting what fits and skipping what does not (backfill).

    A single request is granted whole if it fits. A group that does not fit whole runs the whole
    number of its ideas that fit (at most ``max(quantum, unit)`` of compute); an ``event`` single
    that does not fit reserves the budget: the walk ends there. The walk also ends as soon as
    nothing left, here or after these requests (the least of which needs ``rest_min``), fits.

    Returns:
        Positions granted in walk order, the ideas each runs (0 where granted whole), the compute
        still free, whether the walk would go on past these requests, and how far it went.

    """
    n = want.size
    smallest = np.empty(n + 1)  # least compute any request from position i on can run with
    smallest[n] = rest_min
    for i in range(n - 1, -1, -1):
        smallest[i] = min(smallest[i + 1], min(want[i], unit[i]))
    granted = np.empty(n, dtype=np.int64)
    split = np.zeros(n)
    g = 0
    for i in range(n):
        if free < smallest[i]:
            return granted[:g], split[:g], free, False, i
        if want[i] <= free and (not group[i] or want[i] <= quantum[i]):
            granted[g] = i
            g += 1
            free -= want[i]
        elif group[i]:
            fits = np.floor(min(free, max(quantum[i], unit[i])) / unit[i])
            if fits >= 1.0:
                granted[g] = i
                split[g] = fits
                g += 1
                free -= fits * unit[i]
        elif event[i]:
            return granted[:g], split[:g], free, False, n
    return granted[:g], split[:g], free, free >= rest_min, n


@njit(cache=True, nogil=True)
def work_rates(state, owner, weight, speed, copies, interpret_boost, implement_boost, interpret,
               implement):  # pragma: no cover - compiled
    """Each researcher's rate of work per idea, interpreting and implementing.

    A researcher splits its time over the ideas it is working on (stages ``interpret`` and
    ``implement``, counted by weight in row order); a cohort gives each idea at most one copy's
    time. Copilots speed each kind of work up by its boost.
    """
    load = np.zeros(speed.size)
    for i in range(state.size):
        if state[i] == implement or state[i] == interpret:
            load[owner[i]] += weight[i]
    rate_interpret = np.empty(speed.size)
    rate_implement = np.empty(speed.size)
    for o in range(speed.size):
        per_idea = speed[o] * min(1.0, copies[o] / max(load[o], 1e-12))
        rate_interpret[o] = per_idea * interpret_boost[o]
        rate_implement[o] = per_idea * implement_boost[o]
    return rate_interpret, rate_implement


@njit(cache=True, nogil=True)
def spend_time(state, owner, work_left, budget, rate_by_owner, stage):  # pragma: no cover
    """Spend this week's time on the pipelines at ``stage``; return those that finished.

    A pipeline works at its owner's rate (at least 1e-12) for as much of its ``budget`` as its
    work left needs: one that finishes keeps the rest of its budget, one that does not uses all.

    Args:
        state: Stage of each pipeline.
        owner: Researcher row of each pipeline.
        work_left: Weeks of work left at rate 1, updated in place.
        budget: Weeks of wall-clock time left this week, updated in place.
        rate_by_owner: Rate of work per researcher row.
        stage: The stage worked on.

    Returns:
        The pipelines that finished their work, ascending.

    """
    fin = np.empty(state.size, dtype=np.int64)
    n = 0
    for i in range(state.size):
        if state[i] != stage or not budget[i] > 0:
            continue
        rate = max(rate_by_owner[owner[i]], 1e-12)
        need = work_left[i] / rate
        if need <= budget[i]:
            budget[i] -= need
            work_left[i] = 0.0
            fin[n] = i
            n += 1
        else:
            work_left[i] -= rate * budget[i]
            budget[i] = 0.0
    return fin[:n]


@njit(cache=True, nogil=True)
def abandon_stale(state, submitted, week, shelf_life, queued):  # pragma: no cover - compiled
    """End requests (state ``queued``) that waited longer than ``shelf_life`` weeks.

    Returns:
        The rows ended (their state is now -1), and how many rows are ended in all.

    """
    stale = np.empty(state.size, dtype=np.int64)
    n = dead = 0
    for i in range(state.size):
        if state[i] == queued and week - submitted[i] > shelf_life:
            state[i] = -1
            stale[n] = i
            n += 1
        if state[i] < 0:
            dead += 1
    return stale[:n], dead


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
def order_and_walk(minor, major, unit, want, group, quantum, event, free,
                   reach):  # pragma: no cover - compiled
    """Order the requests by (``major``, ``minor``, position) and walk them (``walk_queue``).

    The budget usually runs out within the first few hundred requests of a queue of thousands,
    so the queue is ordered in prefixes: the requests whose major key is among the ``reach``
    smallest (ties included, so a prefix is exactly the start of the whole order), then the next
    ones only if the walk gets past them. What is granted is the same as walking the whole
    ordered queue.

    Returns:
        Positions granted in walk order, the ideas each runs (0 where granted whole), and how
        many requests the walk passed.

    """
    n = major.size
    left = np.arange(n)
    granted = np.empty(n, dtype=np.int64)
    split = np.zeros(n)
    g = walked = 0
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
        at, fits, free, more, passed = walk_queue(unit[ahead], want[ahead], group[ahead],
                                                  quantum[ahead], event[ahead], free, rest_min)
        for t in range(at.size):
            granted[g] = ahead[at[t]]
            split[g] = fits[t]
            g += 1
        walked += passed
        if not more:
            break
    return granted[:g], split[:g], walked


@njit(cache=True, nogil=True)
def read_results(idx, normal, rung, owner, obs, mean, var, weight, state, work_left, budget,
                 skill, rho, implement, sd2, run_noise2, reading_noise, threshold,
                 tested):  # pragma: no cover - compiled
    """Read the results of pipelines ``idx``, update beliefs, and promote or drop each idea.

    A researcher reads each result with noise (``reading_noise`` over its skill; ``normal``
    holds one draw per result) as an independent signal of the frontier effect at correlation
    rho, and updates its normal belief. An idea whose posterior mean clears ``threshold`` climbs
    a rung (to be implemented there), or, at the top rung, is to be merged; any other is dropped
    (state -1, no time left this week). Ideas tested are added per rung to ``tested``.

    Returns:
        The pipelines promoted and the pipelines to merge, each in the order of ``idx``.

    """
    top = rho.size - 1
    counted = np.zeros(rho.size)
    promote = np.empty(idx.size, dtype=np.int64)
    merge = np.empty(idx.size, dtype=np.int64)
    n_promote = n_merge = 0
    for t in range(idx.size):
        i = idx[t]
        k = rung[i]
        r = rho[k]
        reading = reading_noise / skill[owner[i]]
        read = obs[i] + reading * normal[t]
        var_obs = ((1 - r * r) * sd2 + run_noise2 + reading * reading) / (r * r)
        precision = 1.0 / var[i] + 1.0 / var_obs
        mean[i] = (mean[i] / var[i] + (read / r) / var_obs) / precision
        var[i] = 1.0 / precision
        obs[i] = read
        counted[k] += weight[i]
        if mean[i] >= threshold:
            if k == top:
                merge[n_merge] = i
                n_merge += 1
            else:
                promote[n_promote] = i
                n_promote += 1
        else:
            state[i] = -1
            budget[i] = 0.0
    for k in range(rho.size):
        tested[k] += counted[k]
    for t in range(n_promote):
        i = promote[t]
        rung[i] += 1
        state[i] = 0  # IMPLEMENT
        work_left[i] = implement[rung[i]]
    return promote[:n_promote], merge[:n_merge]


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
def start_runs(idx, rung, weight, draw, run_left, state, prices, run_weeks, budget,
               running):  # pragma: no cover - compiled
    """Start the granted experiments ``idx``: their draw on the budget and weeks to run.

    An experiment costs its rung's price per idea, spread over the rung's run weeks; one whose
    spread cost exceeds the whole budget draws the budget and runs longer.
    """
    for i in idx:
        weeks = run_weeks[rung[i]]
        cost = prices[rung[i]] * weight[i]
        nominal = cost / max(weeks, 1.0)
        d = min(nominal, budget)
        draw[i] = d
        run_left[i] = cost / d if d < nominal else weeks
        state[i] = running


@njit(cache=True, nogil=True)
def tally_queue(state, draw, owner, rung, weight, prices, run_weeks, history, decay, running,
                queued):  # pragma: no cover - compiled
    """After the week's grants: what runs, what waits, and each claimant's decayed use.

    ``history`` decays by ``decay`` and gains each claimant's compute drawn this week (summed in
    row order). Returns the compute drawn by each running experiment and the compute per week
    each waiting request wants, in row order, for the caller to sum.
    """
    n = state.size
    drawn = np.empty(n)
    wanted = np.empty(n)
    gained = np.zeros(history.size)
    n_drawn = n_wanted = 0
    for i in range(n):
        if state[i] == running:
            drawn[n_drawn] = draw[i]
            n_drawn += 1
            gained[owner[i]] += draw[i]
        elif state[i] == queued:
            k = rung[i]
            wanted[n_wanted] = prices[k] * weight[i] / max(run_weeks[k], 1.0)
            n_wanted += 1
    for o in range(history.size):
        history[o] = history[o] * decay + gained[o]
    return drawn[:n_drawn], wanted[:n_wanted]


def compile_all() -> None:
    """Compile every kernel (or load it from the cache) for the types a run gives it.

    A few short labs run: every scheduler policy, AI on and off, so each kernel meets the
    argument types of a real run.
    """
    from model.model import TakeoffModel  # the kernels are the model's: imported on demand
    from model.scenario import load_scenario

    for name, policy in (("baseline", "fair"), ("compute_bound", "value"),
                         ("compute_bound", "fifo"), ("humans_only", "fair")):
        scenario = load_scenario(name).replace({
            "humans.count": 20, "run.burn_in_weeks": 30, "run.weeks": 10,
            "policy.scheduler": policy})
        TakeoffModel(scenario, lineage_graph=False).run()


if __name__ == "__main__":
    compile_all()
