"""Compiled loops of the idea backlogs (``model/ideas.py``, ``model/idea_draws.py``)."""

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
    rewritten.

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
        pool: The pool's fields z, q, block, parent, scale, born, key (room reserved): a kept
            idea's are written at its entry.
        new: The new ideas' z, q, block and row, each's parent by row, the scale and birth
            week of them all, and each idea's key.

    Returns:
        How many new ideas were kept.

    """
    pool_z, pool_q, pool_block, pool_parent, pool_scale, pool_born, pool_key = pool
    new_z, new_q, new_block, new_row, new_parent, scale, born, new_key = new
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
                pool_key[at] = new_key[j]
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
def peek_best(est, ids, head, rows, count, min_estimate):  # pragma: no cover - compiled
    """Each shelf row's best ideas worth testing: up to ``count``, left in place.

    A row's candidates are its ideas after its taken head, best first, skipping slots emptied
    since; those whose estimate clears the row's bar are listed, up to the row's count.

    Args:
        est: (rows, width) estimates of a shelf, best first after the head; -inf where empty.
        ids: Pool entries aligned with ``est``.
        head: Taken entries at the front of each row.
        rows: The backlog row of each shelf row.
        count: Ideas wanted, per backlog row.
        min_estimate: Least estimate worth testing, per backlog row.

    Returns:
        Backlog row, shelf row, column, estimate and pool entry of each idea listed, by row and
        best first within a row.

    """
    n, width = est.shape
    size = 0
    for r in range(n):
        size += min(max(count[rows[r]], 0), width)
    out_row = np.empty(size, dtype=np.int64)
    out_local = np.empty(size, dtype=np.int64)
    out_col = np.empty(size, dtype=np.int64)
    out_est = np.empty(size)
    out_id = np.empty(size, dtype=np.int64)
    got = 0
    for r in range(n):
        row = rows[r]
        want = min(max(count[row], 0), width)
        if want == 0:
            continue
        bar = min_estimate[row]
        listed = 0
        for c in range(head[r], width):
            e = est[r, c]
            if e == -np.inf:
                continue
            if e < bar or listed == want:
                break  # best first: nothing after clears the bar either
            out_row[got], out_local[got], out_col[got] = row, r, c
            out_est[got], out_id[got] = e, ids[r, c]
            got += 1
            listed += 1
    return out_row[:got], out_local[:got], out_col[:got], out_est[:got], out_id[:got]


@njit(cache=True, nogil=True)
def remove_entries(est, ids, head, local, col):  # pragma: no cover - compiled
    """Empty the given slots of a shelf (ideas taken); heads move past leading empty slots."""
    n, width = est.shape
    for t in range(local.size):
        est[local[t], col[t]] = -np.inf
        ids[local[t], col[t]] = 0
    for t in range(local.size):
        r = local[t]
        while head[r] < width and est[r, head[r]] == -np.inf:
            head[r] += 1


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
def mark_held(est, ids, held):  # pragma: no cover - compiled
    """Flag (in ``held``) the pool entry of every idea a shelf holds."""
    n, width = est.shape
    for r in range(n):
        for c in range(width):
            if est[r, c] > -np.inf:
                held[ids[r, c]] = True


@njit(cache=True, nogil=True)
def renumber(est, ids, below):  # pragma: no cover - compiled
    """Point a shelf's ideas at their new pool entries (``below``); empty slots at entry 0."""
    n, width = est.shape
    for r in range(n):
        for c in range(width):
            ids[r, c] = below[ids[r, c]] if est[r, c] > -np.inf else 0


@njit(cache=True, nogil=True)
def order_statistics(steps, g, s, k):  # pragma: no cover - compiled
    """Running sums of each row's gamma steps (``idea_draws.top_estimates``).

    Args:
        steps: (rows, width) gamma steps from one block's middle rank to the next.
        g: Ideas per row.
        s: Ideas per block.
        k: Blocks kept per row.

    Returns:
        The running sums, the sum at the last block kept, and the shape of the gamma draw for
        the ranks beyond it (at least 1).

    """
    n, width = steps.shape
    gam = np.empty((n, width))
    used = np.empty(n)
    rest = np.empty(n)
    for r in range(n):
        acc = 0.0
        for c in range(width):
            acc = steps[r, c] if c == 0 else acc + steps[r, c]
            gam[r, c] = acc
        used[r] = gam[r, max(int(k[r]) - 1, 0)]
        ranks_used = (s[r] + 1.0) / 2.0 + max(k[r] - 1, 0.0) * s[r]
        rest[r] = max(g[r] - ranks_used + 1.0, 1.0)
    return gam, used, rest


@njit(cache=True, nogil=True)
def uniform_ranks(gam, total):  # pragma: no cover - compiled
    """Upper-tail uniforms of the kept order statistics: running sums over the total, clipped."""
    n, width = gam.shape
    upper = np.empty((n, width))
    for r in range(n):
        for c in range(width):
            upper[r, c] = min(max(gam[r, c] / total[r], 1e-300), 1.0 - 1e-16)
    return upper


@njit(cache=True, nogil=True)
def estimates_and_truths(quantile, normal, mu, sd, noise, k):  # pragma: no cover - compiled
    """Estimates at the normal ``quantile`` of each rank, and true effects given them.

    An estimate is the effect plus taste noise, normal with spread sqrt(sd^2 + noise^2); the
    true effect given the estimate is normal (Gaussian conditioning), drawn from ``normal``.
    Slots past a row's ``k`` blocks are empty (-inf).
    """
    n, width = quantile.shape
    est = np.empty((n, width))
    z = np.empty((n, width))
    for r in range(n):
        sd2 = sd[r] * sd[r]
        spread = np.sqrt(sd2 + noise[r] * noise[r])
        shrink = sd2 / (spread * spread)
        z_sd = np.sqrt(sd2 * (1.0 - shrink))
        for c in range(width):
            e = mu[r] - spread * quantile[r, c]
            z[r, c] = (mu[r] + (e - mu[r]) * shrink) + z_sd * normal[r, c]
            est[r, c] = e if c < k[r] else -np.inf
    return est, z
