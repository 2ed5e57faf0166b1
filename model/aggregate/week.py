"""The weekly update of the mean-field lab, compiled: ``TakeoffModel.research_week`` as a fluid.

Researchers come in classes (nodes of the human taste spread, and the AI cohorts). The ideas a
class has in flight are amounts in stocks by rung and stage: implementing, queued for compute,
running (a ring of the weeks left), interpreting. Each amount carries, besides its count, what it
is expected to become (how many of it reach each later rung and merge, and the merged ideas'
effects, claims and helpful or harmful counts, from ``model.aggregate.funnel``), so a decision
only changes the count: the ideas dropped carry nothing. Per-idea attributes (work left, the
engineering put into it, that engineering when it was queued, the week it was queued) scale with
the count. The week runs in the agents' order:

1. compute grows and splits (fixed, or the adaptive review of ``model.compute``); experiment
   prices ``s * F * S^-(1 - coupling)`` (week-0 prices in the history);
2. AI copies from inference compute and S, taste and speed from capability, autonomy, copilots
   (their reach by capability, Amdahl), as ``Workforce.update``;
3. ideas are thought of (``ideas.per_week`` per researcher-week); a class's startable ideas (the
   share ``f_max`` its taste and its collaborators would start) join a backlog that forgets at
   the shelf life; a researcher starts ideas into free pipelines only while its queued requests
   would take under ``experiments.queue_weeks`` of its share of the budget. For a human the
   requests queued at each rung are Poisson around the class mean, so the share of humans who
   are patient is a probability; identical AI cohorts are patient together or not at all;
4. researcher time: a researcher's time is shared over its ideas in work (a human's other
   pipelines in work are binomial), interpreting first, then implementing, in the week's budget;
   work that fits in what is left of the week chains on, as ``Researcher.work`` does;
5. the scheduler: compute goes to queued requests by class shares (``track_record`` learned at
   each frontier run, ``fair``; ``value`` and ``fifo`` serve classes in proportion to what they
   want), elastic: whatever a class does not use goes to the others, so no compute idles while
   requests wait. Within a class requests are served oldest first in the mean: the engineering
   of a granted request is what the oldest queued requests have;
6. runs finish; results read with the time left; duplicates settled by the Zipf/Heaps law;
7. time left over engineers the queued requests, (1 + effort / base)^-substitution;
8. the frontier: training accumulates, a run is due at the interval or once the merged ideas
   claim ``frontier.early_gain``; it ships the pending effects, learns the track record, raises
   capability (never lowers it); humans learn from the revealed ideas (Poisson lessons
   toward the taste floor, as ``HumanResearcher.learn``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from model.aggregate import lineage

RING = 64  # weeks a run can last in the ring (longer runs finish at its end)
COHORTS = 8  # weeks of cohorts kept apart in a stage (older ones share a slot with newer)
LN10 = math.log(10.0)

# --- the scalar parameters, ``par`` ----------------------------------------------------------
(P_INITIAL, P_GROWTH, P_BOOST, P_ADAPTIVE, P_REVIEW_WEEKS, P_ADAPT_STEP, P_MIN_SHARE,
 P_INTERVAL, P_COUPLING, P_QUEUE_WEEKS, P_SUBST, P_PER_WEEK, P_SHELF, P_PHI, P_EFFECT_SCALE,
 P_HUMANS, P_HIRING, P_PIPELINES, P_SPEED_H, P_AI_ENABLED, P_AI_TASTE, P_AI_TASTE_OOM,
 P_AI_SPEED, P_AI_SPEED_OOM, P_COPY_COST, P_AUTONOMY_TASTE, P_SETUP_TASTE, P_CPS, P_COHORTS,
 P_MAX_PIPES, P_POLICY, P_NEWCOMER, P_MEMORY, P_RATE, P_PRIOR, P_EXPLORATION, P_SYN, P_SYN_SHARE,
 P_SYN_EFF, P_FRONTIER, P_EARLY_GAIN, P_MIN_INTERVAL, P_LN_CAP, P_LN_REF, P_LEARNING,
 P_SPILL, P_FLOOR, P_REVIEWERS, P_BACKLOG, P_HORIZON, P_FRONTIER_WEEKS, P_WINDOW,
 P_GREED_T) = range(53)
N_PAR = 53
POLICIES = ("track_record", "fair", "value", "fifo")

# --- the scalar state, ``st`` ----------------------------------------------------------------
(S_LN_S, S_PROXY, S_CAP, S_CAP_SYN, S_TRAINING, S_SYN_DATA, S_CLAIMED, S_LAST_RUN, S_EPOCH,
 S_SH_INF, S_SH_EXP, S_SH_TRAIN, S_REC_USED, S_REC_OFFERED, S_REC_WAITING, S_LEARNED, S_RUNS,
 S_STOP, S_NH, S_GENERATED, S_STARTED, S_PROMOTED, S_MERGED, S_SHIPPED, S_HARMFUL, S_HELPFUL,
 S_DUPLICATED, S_EXP_COMPUTE, S_AI_COPIES, S_AI_TASTE, S_AI_SPEED, S_AUTONOMY, S_UTIL,
 S_QUEUE, S_CYCLE_NUM, S_CYCLE_DEN, S_TOTAL, S_BUDGET) = range(38)
S_CYCLE_LOG = 38  # four weeks of the cycle log (decisions' weeks and weights)
S_HEAD = 46  # where the ring of running experiments starts
S_WAITING = 47  # ideas still queued once the week's compute is given out
S_AI_SHARE = 48  # track record: the AI researchers' share of the budget
S_PARENT_U, S_PARENT_Q = 49, 50  # the lineage: the parent's standardised effect and its quirk
N_ST = 51

# --- per-class arrays ------------------------------------------------------------------------
# ``cls`` rows: claimants, merit (track record: a human's weight among humans), share, value,
# spent, lambda (taste-noise multiplier of a human node), backlog of startable ideas, taste
# multiplier, node weight.
(C_N, C_MERIT, C_SHARE, C_VALUE, C_SPENT, C_LAMBDA, C_BACKLOG, C_TASTE, C_WEIGHT) = range(9)
N_CLS = 9
# Pending (merged, waiting for the next run): effective count, effect, scaled effect, helpful,
# harmful.
(Q_COUNT, Q_Z, Q_ZS, Q_HELPFUL, Q_HARMFUL) = range(5)


def mass_layout(rungs: int) -> dict[str, int]:
    """Where each quantity sits in a stock's mass vector (rungs reach counts come first)."""
    names = ("merge", "z", "zs", "cs", "helpful", "harmful", "work", "effort", "entry", "sub")
    return {n: rungs + i for i, n in enumerate(names)}


@njit(cache=True, nogil=True, inline="always")
def _corner(xg, g0, ng, x):  # pragma: no cover - compiled
    """The grid point below ``x`` in a class's grid and the weight on it (linear in x)."""
    if ng == 1:
        return g0, 1.0
    j = g0
    while j < g0 + ng - 2 and xg[j + 1] < x:
        j += 1
    t = min(max((x - xg[j]) / (xg[j + 1] - xg[j]), 0.0), 1.0)
    return j, 1.0 - t


@njit(cache=True, nogil=True, inline="always")
def _cell(v, lo, step, size):  # pragma: no cover - compiled
    """The cell of a log grid ``v`` falls in, and where in it (clamped to the grid)."""
    c = min(max((v - lo) / step, 0.0), size - 1.0)
    i = min(int(c), size - 2)
    return i, c - i


@njit(cache=True, nogil=True)
def quirk_at(qgrid, qp):  # pragma: no cover - compiled
    """The parent-quirk grid's cell below ``qp`` and the weight on it (clamped to the grid)."""
    if qgrid.size == 1:
        return 0, 1.0
    j = 0
    while j < qgrid.size - 2 and qgrid[j + 1] < qp:
        j += 1
    t = min(max((qp - qgrid[j]) / (qgrid[j + 1] - qgrid[j]), 0.0), 1.0)
    return j, 1.0 - t


@njit(cache=True, nogil=True)
def lookup(tab, xg, g0, ng, x, qi, wq, f, n, patient, f_lo, f_step, n_lo, n_step,
           out):  # pragma: no cover - compiled
    """Interpolate a class's table at coordinate ``x``, parent quirk, share ``f``, backlog ``n``.

    Linear in ``x`` between the class's grid points and in the parent's quirk (cell ``qi``,
    weight ``wq`` on its lower end), bilinear in log f and log n, and between the bar among
    every idea and among those not started by the share of researchers who are ``patient``
    (who start what they think of as it comes). Writes the stats into ``out``.
    """
    a, wa = _corner(xg, g0, ng, x)
    i0, tf = _cell(math.log10(max(f, 1e-300)), f_lo, f_step, tab.shape[3])
    m0, tn = _cell(math.log10(max(n, 1.0)), n_lo, n_step, tab.shape[4])
    out[:] = 0.0
    nq = tab.shape[1]
    for g, wg in ((a, wa), (a + 1, 1.0 - wa)):
        if wg <= 0.0 or g >= g0 + ng:
            continue
        for qq, wqq in ((qi, wq), (qi + 1, 1.0 - wq)):
            if wqq <= 0.0 or qq >= nq:
                continue
            for row, wr in ((0, 1.0 - patient), (1, patient)):
                if wr <= 0.0:
                    continue
                c = wg * wqq * wr
                for s in range(out.size):
                    v = ((1 - tf) * ((1 - tn) * tab[g, qq, row, i0, m0, s]
                                     + tn * tab[g, qq, row, i0, m0 + 1, s])
                         + tf * ((1 - tn) * tab[g, qq, row, i0 + 1, m0, s]
                                 + tn * tab[g, qq, row, i0 + 1, m0 + 1, s]))
                    out[s] += c * v


@njit(cache=True, nogil=True)
def lookup_tail(tails, xg, g0, ng, x, qi, wq, f, f_lo, f_step, out):  # pragma: no cover
    """A class's lineage tails per merged idea at ``x``, the parent's quirk and ``f``."""
    a, wa = _corner(xg, g0, ng, x)
    i0, tf = _cell(math.log10(max(f, 1e-300)), f_lo, f_step, tails.shape[2])
    out[:] = 0.0
    nq = tails.shape[1]
    for g, wg in ((a, wa), (a + 1, 1.0 - wa)):
        if wg <= 0.0 or g >= g0 + ng:
            continue
        for qq, wqq in ((qi, wq), (qi + 1, 1.0 - wq)):
            if wqq <= 0.0 or qq >= nq:
                continue
            for fi, wf in ((i0, 1.0 - tf), (i0 + 1, tf)):
                out += (wg * wqq * wf) * tails[g, qq, fi]


@njit(cache=True, nogil=True)
def fmax_at(fmax, xg, g0, ng, x):  # pragma: no cover - compiled
    """``f_max`` of a class at coordinate ``x`` (linear between grid points)."""
    if ng == 1:
        return fmax[g0]
    j = g0
    while j < g0 + ng - 2 and xg[j + 1] < x:
        j += 1
    t = min(max((x - xg[j]) / (xg[j + 1] - xg[j]), 0.0), 1.0)
    return (1.0 - t) * fmax[j] + t * fmax[j + 1]


@njit(cache=True, nogil=True)
def patient_share(q, cost, theta):  # pragma: no cover - compiled
    """Share of a class's researchers whose queued requests add up to under ``theta``.

    A researcher adds requests only while it is patient, so requests do not pile up on a few:
    each researcher holds the floor or the ceiling of its class's mean ``q_k`` at each rung
    (independently across rungs), costing ``cost_k`` each.
    """
    k_r = q.size
    total = 0.0
    for combo in range(1 << k_r):
        p = 1.0
        spent = 0.0
        for k in range(k_r):
            lo = math.floor(q[k])
            frac = q[k] - lo
            if (combo >> k) & 1:
                p *= frac
                spent += (lo + 1.0) * cost[k]
            else:
                p *= 1.0 - frac
                spent += lo * cost[k]
            if p <= 0.0:
                break
        if p > 0.0 and spent < theta:
            total += p
    return min(total, 1.0)


@njit(cache=True, nogil=True)
def distinct(draws, log_d, log_distinct):  # pragma: no cover - compiled
    """``model.duplication.expected_distinct`` for one number of draws."""
    if draws < 10.0 ** log_d[0]:
        return draws
    return 10.0 ** np.interp(math.log10(draws), log_d, log_distinct)


@njit(cache=True, nogil=True)
def _drain(count, work_mass, rate, budget, probs, atts, used):  # pragma: no cover - compiled
    """Work ``count`` ideas that need the same work for ``budget`` weeks.

    An idea works at ``rate`` times its attention, ``atts[j]`` with probability ``probs[j]``
    (the share of one copy's week it gets, ``_attention``): those whose work fits finish and
    keep the rest of the week, the others take the week's work off theirs, as
    ``kernels.spend_time``. ``used`` (one element) gains the copy-weeks spent.

    Returns:
        The share that finished, their mean time left in the week, and the work left to the
        others (total).

    """
    if count <= 1e-300 or budget <= 0.0:
        return 0.0, 0.0, work_mass
    work = work_mass / count
    done = 0.0
    rest = 0.0
    progress = 0.0
    for j in range(probs.size):
        if probs[j] <= 0.0:
            continue
        r = max(rate * atts[j], 1e-12)
        if work <= r * budget:
            done += probs[j]
            rest += probs[j] * (budget - work / r)
            used[0] += count * probs[j] * (work / r) * atts[j]
        else:
            progress += probs[j] * r * budget
            used[0] += count * probs[j] * budget * atts[j]
    left = max((1.0 - done) * count * work - count * progress, 0.0)
    return done, (rest / done if done > 0.0 else 0.0), left


@njit(cache=True, nogil=True)
def _settle(st, pend, mrg, dup_d, dup_n, window, ctail, entry,
            size):  # pragma: no cover - compiled
    """Merges of one decision phase (``mrg``: count, z, zs, cs, helpful, harmful per class).

    An idea someone else merged this epoch counts once: the share of new ideas among the
    epoch's draws, by the Zipf/Heaps occupancy law of ``model.duplication``. What is new joins
    the lineage window (``entry`` ideas of a class to an entry, ``size`` entries at most).
    """
    total = 0.0
    for c in range(mrg.shape[0]):
        total += mrg[c, 0]
    if total <= 1e-300:
        return
    before = distinct(st[S_EPOCH], dup_d, dup_n) if st[S_EPOCH] > 0 else 0.0
    st[S_EPOCH] += total
    share = min(max((distinct(st[S_EPOCH], dup_d, dup_n) - before) / total, 0.0), 1.0)
    for c in range(mrg.shape[0]):
        st[S_MERGED] += mrg[c, 0] * share
        st[S_DUPLICATED] += mrg[c, 0] * (1.0 - share)
        st[S_PROXY] += mrg[c, 3] * share
        st[S_CLAIMED] += mrg[c, 3] * share
        pend[c, Q_COUNT] += mrg[c, 0] * share
        pend[c, Q_Z] += mrg[c, 1] * share
        pend[c, Q_ZS] += mrg[c, 2] * share
        pend[c, Q_HELPFUL] += mrg[c, 4] * share
        lineage.add(window, ctail[c], mrg[c, 0] * share / entry[c])
        pend[c, Q_HARMFUL] += mrg[c, 5] * share
    mrg[:] = 0.0
    lineage.forget(window, size)


@njit(cache=True, nogil=True)
def _decide(x, k, week, mrg_c, tally, cyc, implement):  # pragma: no cover - compiled
    """Results read: the ideas in mass vector ``x`` (at rung ``k``) are promoted or merged.

    ``x`` becomes what is promoted (its count the expected reach of rung k + 1, a fresh
    implementation's work) or, at the top rung, nothing (its merges go to ``mrg_c``); the rest
    are dropped on that evidence. ``tally`` rows 0 and 1 count the ideas tested and dropped at
    each rung. Returns the count promoted.
    """
    k_r = tally.shape[1]
    im = k_r
    count = x[k]
    if count <= 1e-300:
        x[:] = 0.0
        return 0.0
    tally[0, k] += count
    cyc[0] += count * (week + 1.0) - x[im + 9]  # weeks from queueing to this decision
    cyc[1] += count
    if k == k_r - 1:
        tally[1, k] += max(count - x[im], 0.0)
        mrg_c[0] += x[im]
        mrg_c[1] += x[im + 1]
        mrg_c[2] += x[im + 2]
        mrg_c[3] += x[im + 3]
        mrg_c[4] += x[im + 4]
        mrg_c[5] += x[im + 5]
        x[:] = 0.0
        return 0.0
    nxt = x[k + 1]
    tally[1, k] += max(count - nxt, 0.0)
    keep = nxt / count
    for j in range(im + 7, im + 10):  # engineering, engineering at queueing, week queued
        x[j] *= keep
    x[im + 6] = nxt * implement[k + 1]
    return nxt


@njit(cache=True, nogil=True, inline="always")
def slot_of(week):  # pragma: no cover - compiled
    """The cohort slot of the ideas that entered a stage in ``week``."""
    return (week % COHORTS + COHORTS) % COHORTS


@njit(cache=True, nogil=True)
def _attention(c, n_h_classes, cls, imp, itp, copies, pipelines, probs,
               atts):  # pragma: no cover - compiled
    """How the ideas in work of class ``c`` share their researchers' time (``work_rates``).

    A human's ideas in work each get one over the number of its ideas in work: its other
    pipelines are in work independently (binomial), ``atts[j]`` = 1 / (1 + j) with probability
    ``probs[j]``; a cohort's ideas get at most one copy each. Returns how many entries are used.
    """
    k_r = imp.shape[1]
    load = 0.0
    for k in range(k_r):
        for j in range(COHORTS):
            load += imp[c, k, j, k] + itp[c, k, j, k]
    probs[:] = 0.0
    if c >= n_h_classes:
        probs[0] = 1.0
        atts[0] = min(1.0, copies / load) if load > 1e-300 else 1.0
        return 1
    n = int(pipelines)
    p = min(load / max(cls[c, C_N] * pipelines, 1e-300), 1.0)
    # Binomial(n - 1, p) by its recurrence, from P(0) = (1 - p)^(n - 1).
    if p >= 1.0:
        probs[n - 1] = 1.0
    else:
        term = (1.0 - p) ** (n - 1)
        for j in range(n):
            probs[j] = term
            term *= (n - 1 - j) / (j + 1.0) * p / (1.0 - p)
    for j in range(n):
        atts[j] = 1.0 / (1.0 + j)
    return n


@njit(cache=True, nogil=True)
def _implement(c, k, y, budget, week, rate, probs, atts, used, imp, que):  # pragma: no cover
    """Ideas ``y`` just promoted to rung ``k`` set it up in ``budget`` weeks: queued or not yet."""
    k_r = imp.shape[1]
    iw = k_r + 6
    done, _, left = _drain(y[k], y[iw], rate, budget, probs, atts, used)
    if done >= 1.0:
        _queue(que[c, k], y, k, week)
        return
    if done > 0.0:
        part = y * done
        _queue(que[c, k], part, k, week)
        y *= 1.0 - done
    y[iw] = left
    imp[c, k, slot_of(week)] += y


@njit(cache=True, nogil=True)
def _work(c, k_r, imp, itp, que, arr_itp, arr_budget, first, week, r_int, r_imp, probs, atts,
          used, implement, mrg, tally, cyc, st, buf):  # pragma: no cover - compiled
    """One call of ``Researcher.work`` for class ``c``: interpret, decide, implement.

    Ideas in a stage are kept in cohorts by the week they entered it (``slot_of``), each
    needing the same work. ``first``: the week's first call (every idea has the week: what
    was implementing, then what is being read); otherwise only the results that came in
    (``arr_itp`` per rung, with ``arr_budget`` weeks left) are read. Ideas promoted set up the
    next rung in what is left of their week; ideas that finish setting up are queued (week
    ``week``). ``buf`` (2, mass) is scratch space.
    """
    iw = k_r + 6
    y = buf[0]
    if first:
        for k in range(k_r):
            for j in range(COHORTS):
                x = imp[c, k, j]
                if x[k] <= 1e-300:
                    continue
                done, _, left = _drain(x[k], x[iw], r_imp, 1.0, probs, atts, used)
                if done > 0.0:
                    for i in range(x.size):
                        y[i] = x[i] * done
                    x *= 1.0 - done
                    _queue(que[c, k], y, k, week)
                x[iw] = left
                _clean(x, k)
    for k in range(k_r):
        for j in range(COHORTS if first else 1):
            if first:
                x = itp[c, k, j]
                budget = 1.0
            else:
                x = arr_itp[k]
                budget = arr_budget[k]
            if x[k] <= 1e-300:
                continue
            done, rest, left = _drain(x[k], x[iw], r_int, budget, probs, atts, used)
            if done > 0.0:
                for i in range(x.size):
                    y[i] = x[i] * done
                x *= 1.0 - done
                nxt = _decide(y, k, week, mrg[c], tally, cyc, implement)
                st[S_PROMOTED] += nxt
                if k + 1 < k_r and nxt > 0.0:
                    _implement(c, k + 1, y, rest, week, r_imp, probs, atts, used, imp, que)
            x[iw] = left
            _clean(x, k)
            if not first:  # what is still being read stays, a cohort of this week
                itp[c, k, slot_of(week)] += x
                x[:] = 0.0


@njit(cache=True, nogil=True, inline="always")
def _granted_effort(q, k, g):  # pragma: no cover - compiled
    """Engineering per idea of the share ``g`` of queue ``q`` granted, oldest first.

    The mean, and more the fewer are granted: the oldest have twice the mean's engineering
    less what they had when queued (an evenly spread queue).
    """
    k_r = q.size - 10
    cnt = q[k]
    mean_eff = q[k_r + 7] / cnt
    took = mean_eff + (1.0 - g) * (mean_eff - q[k_r + 8] / cnt)
    return min(max(took, 0.0), q[k_r + 7] / max(g * cnt, 1e-300))


@njit(cache=True, nogil=True, inline="always")
def _granted_price(q, k, g, price, base, subst):  # pragma: no cover - compiled
    """Compute per idea of the share ``g`` of queue ``q`` granted (as ``discount`` prices it)."""
    return price * (1.0 + _granted_effort(q, k, g) / base) ** -subst


@njit(cache=True, nogil=True, inline="always")
def _clean(x, k):  # pragma: no cover - compiled
    """Empty a stock whose count has drained to nothing (no denormal numbers, which are slow)."""
    if x[k] < 1e-9:
        x[:] = 0.0


@njit(cache=True, nogil=True, inline="always")
def _queue(q, y, k, week):  # pragma: no cover - compiled
    """Queue the ideas ``y`` at rung ``k``: the week and their engineering so far are noted."""
    k_r = q.size - 10
    y[k_r + 8] = y[k_r + 7]
    y[k_r + 9] = y[k] * week
    y[k_r + 6] = 0.0
    q += y


@njit(cache=True, nogil=True)
def simulate(par, rung, cls, imp, que, itp, run, draw, pend, st, tab, tails, fmax, xg, g0, ng,
             qgrid, grids, dup_d, dup_n, window, ctail, week0, week1, history, ai_active, follow,
             shares_in, rec, runlog, tally):  # pragma: no cover - compiled
    """Run weeks ``week0`` to ``week1`` of one lab (``history``: its humans-only burn-in).

    Args:
        par: Scalar parameters (``P_*``).
        rung: Per rung: scales, run weeks, implementation and interpretation weeks, base effort.
        cls: Per class (``C_*``), updated.
        imp: Ideas implementing (class, rung, mass), updated.
        que: Ideas queued for compute, likewise.
        itp: Ideas whose results are being read, likewise.
        run: Running experiments: a ring (class, rung, weeks left, mass) starting at ``S_HEAD``.
        draw: Compute each slot of the ring draws a week.
        pend: Merged ideas waiting for the next frontier run, per class (``Q_*``).
        st: Scalar state (``S_*``), updated.
        tab: The funnel tables (grid point, parent quirk, bar row, f, n, stats) of
            ``model.aggregate.funnel``.
        tails: Their lineage tails (grid point, parent quirk, f, belief, level, 4).
        fmax: Each grid point's share of new ideas that can be started.
        xg: Each grid point's coordinate (log taste-noise multiplier, or log AI taste).
        g0: Each class's first grid point.
        ng: Each class's number of grid points.
        qgrid: The parent quirks the tables are built at.
        grids: log10 of the first share and backlog of the tables, and their steps.
        dup_d: ``model.duplication``'s table: log10 draws...
        dup_n: ...and log10 distinct ideas.
        window: The lineage window (``model.aggregate.lineage``), updated.
        ctail: Each class's tails per merged idea at its latest selection, updated.
        week0: The first week to run.
        week1: The last week to run.
        history: The burn-in (week-0 prices, no AI, no taste learning, no adaptive reviews).
        ai_active: Whether this lab's AI runs (a twin's never does).
        follow: Copy the split of ``shares_in`` (week by week, from ``week0``): the twin.
        shares_in: (weeks, 3) compute split to follow.
        rec: (weeks, columns) record of each week, written from row 0.
        runlog: (runs, 4) week, gain, shipped quality and ln S after each frontier run
            (row 0 holds the number of runs logged).
        tally: (3, rungs) per rung so far: ideas tested, ideas dropped, and the longest wait
            for compute of a granted request, updated.

    Returns:
        The last week run (the run stops early at the cap).

    """
    n_cls = cls.shape[0]
    n_h = n_cls - 1
    k_r = rung.shape[1]
    m = que.shape[2]
    im = k_r
    scales, run_weeks, implement, interpret, base = rung[0], rung[1], rung[2], rung[3], rung[4]
    stats = np.zeros(k_r + 4)
    mrg = np.zeros((n_cls, 6))
    prices = np.zeros(k_r)
    ent = np.zeros(n_cls)
    copies = np.zeros(n_cls)
    speed = np.zeros(n_cls)
    bimp = np.ones(n_cls)
    bint = np.ones(n_cls)
    gen = np.zeros(n_cls)
    cap = np.zeros(n_cls)
    used = np.zeros(1)
    cyc = np.zeros(2)
    arr = np.zeros((k_r, m))
    arr_budget = np.zeros(k_r)
    want = np.zeros(n_cls)
    alloc = np.zeros(n_cls)
    unit = np.zeros((n_cls, k_r))
    pool = np.zeros(k_r)
    cost = np.zeros(k_r)
    used_c = np.zeros(n_cls)
    rcount = np.zeros((n_cls, k_r))
    rdraw = np.zeros((n_cls, k_r))
    y = np.zeros(m)
    buf = np.zeros((2, m))
    probs = np.zeros(max(int(par[P_PIPELINES]), 1))
    atts = np.ones(probs.size)
    policy = int(par[P_POLICY])
    shares_policy = policy <= 1
    entry = np.ones(n_cls)  # ideas a merged idea of the class's stands for in the window
    last = week0 - 1
    pipelines = par[P_PIPELINES]
    for week in range(week0, week1 + 1):
        row = week - week0
        head = int(st[S_HEAD])
        # --- the parent new ideas vary (the lineage window) ----------------------------------
        if qgrid.size > 1:
            st[S_PARENT_U], st[S_PARENT_Q] = lineage.parent(window, par[P_GREED_T])
        qi, wq = quirk_at(qgrid, st[S_PARENT_Q])
        for c in range(n_cls):
            for k in range(k_r):
                rcount[c, k] = 0.0
                rdraw[c, k] = 0.0
                for j in range(RING):
                    rcount[c, k] += run[c, k, j, k]
                    rdraw[c, k] += draw[c, k, j]
        # --- compute grows; the lab splits it ------------------------------------------------
        total = par[P_INITIAL] * par[P_GROWTH] ** (week / 52.0)
        if follow:
            st[S_SH_INF], st[S_SH_EXP], st[S_SH_TRAIN] = (shares_in[row, 0], shares_in[row, 1],
                                                          shares_in[row, 2])
        elif par[P_ADAPTIVE] > 0 and week > 0 and week % int(par[P_REVIEW_WEEKS]) == 0:
            util = st[S_REC_USED] / max(st[S_REC_OFFERED], 1e-300)
            pressure = st[S_REC_WAITING] / max(st[S_REC_OFFERED], 1e-300)
            src, dst = -1, -1
            if pressure >= 0.5:
                src, dst = S_SH_INF, S_SH_EXP
            elif util < 0.8 and pressure < 0.1:
                src, dst = S_SH_EXP, S_SH_INF
            if src >= 0:
                moved = min(par[P_ADAPT_STEP], max(st[src] - par[P_MIN_SHARE], 0.0))
                st[src] -= moved
                st[dst] += moved
            st[S_REC_USED] = st[S_REC_OFFERED] = st[S_REC_WAITING] = 0.0
        budget = total * st[S_SH_EXP] * par[P_BOOST]
        inference = total * st[S_SH_INF]
        st[S_TOTAL], st[S_BUDGET] = total, budget
        ai_running = ai_active and not history
        ln_s_p = 0.0 if history else st[S_LN_S]
        frontier = max(st[S_SH_TRAIN], 0.01) * total * par[P_FRONTIER_WEEKS]
        for k in range(k_r):
            prices[k] = scales[k] * frontier * math.exp(-(1.0 - par[P_COUPLING]) * ln_s_p)
        # --- the workforce ---------------------------------------------------------------------
        if par[P_HIRING] != 1.0:
            target = math.floor(par[P_HUMANS] * par[P_HIRING] ** (week / 52.0))
            if target > st[S_NH]:
                grow = target / st[S_NH]
                for c in range(n_h):  # hires: the median taste noise and a merit of 1
                    cls[c, C_LAMBDA] = (cls[c, C_LAMBDA] + (grow - 1.0)) / grow
                    cls[c, C_MERIT] = (cls[c, C_MERIT] + (grow - 1.0)) / grow
                    cls[c, C_N] *= grow
                st[S_NH] = target
                set_shares(cls, st, n_h)
        n_humans = st[S_NH]
        ai_compute = inference * (1.0 - par[P_SYN_SHARE]) if ai_running else 0.0
        st[S_AI_TASTE] = par[P_AI_TASTE] * par[P_AI_TASTE_OOM] ** st[S_CAP]
        st[S_AI_SPEED] = par[P_AI_SPEED] * par[P_AI_SPEED_OOM] ** st[S_CAP]
        st[S_AI_COPIES] = ai_compute * math.exp(st[S_LN_S]) / par[P_COPY_COST]
        ratio = (st[S_AI_TASTE] / par[P_AUTONOMY_TASTE]) ** 4.0
        st[S_AUTONOMY] = ratio / (1.0 + ratio) if par[P_AI_ENABLED] > 0 else 0.0
        # Entitlements: each class's share of the budget (equal per claimant without shares).
        tot = 0.0
        for c in range(n_cls):
            if shares_policy:
                if policy == 1:  # fair: one per human, one per copies_per_share copies
                    s_c = (cls[c, C_N] if c < n_h else cls[c, C_N] * max(
                        st[S_AI_COPIES] * st[S_AUTONOMY] / max(cls[c, C_N], 1e-300)
                        / par[P_CPS], 1e-9))
                else:
                    s_c = cls[c, C_SHARE]
            else:
                s_c = cls[c, C_N]
            ent[c] = s_c
            tot += s_c
        for c in range(n_cls):
            ent[c] /= max(tot, 1e-300)
        labour = st[S_AI_COPIES] * (1.0 - st[S_AUTONOMY]) / n_humans * st[S_AI_SPEED]
        for c in range(n_cls):
            if c < n_h:
                copies[c] = cls[c, C_N]
                speed[c] = par[P_SPEED_H]
                cap[c] = pipelines * cls[c, C_N]
                bimp[c] = bint[c] = 1.0
                if labour > 0.0:
                    # (The human's noise over the median's is lambda over its taste.)
                    r_c = st[S_AI_TASTE] * cls[c, C_LAMBDA] / cls[c, C_TASTE]
                    setup = min(1.0, r_c / par[P_SETUP_TASTE])
                    read = min(1.0, r_c)
                    bimp[c] = 1.0 / ((1.0 - setup) + setup / (1.0 + labour))
                    bint[c] = 1.0 / ((1.0 - read) + read / (1.0 + labour))
            else:
                cohorts = cls[c, C_N]
                copies[c] = st[S_AI_COPIES] * st[S_AUTONOMY]
                speed[c] = st[S_AI_SPEED]
                per = copies[c] / max(cohorts, 1e-300)
                afford = (par[P_QUEUE_WEEKS] * budget / prices[0] * ent[c] / max(cohorts, 1e-300))
                wanted = min(per * pipelines, max(afford, 1.0))
                rows = min(par[P_MAX_PIPES], math.floor(wanted))
                cap[c] = cohorts * wanted if rows >= 1 else 0.0
                entry[c] = wanted / rows if rows >= 1 else 1.0
            gen[c] = par[P_PER_WEEK] * copies[c] * speed[c]
            st[S_GENERATED] += gen[c]
        # --- open: researchers start ideas --------------------------------------------------
        scale = par[P_EFFECT_SCALE] * math.exp((par[P_PHI] - 1.0) * st[S_LN_S])
        for c in range(n_cls):
            if gen[c] <= 0.0 and cls[c, C_BACKLOG] <= 0.0:
                continue
            x_c = math.log(cls[c, C_LAMBDA]) if c < n_h else math.log(st[S_AI_TASTE])
            f_max = fmax_at(fmax, xg, g0[c], ng[c], x_c)
            cls[c, C_BACKLOG] += gen[c] * f_max
            in_flight = 0.0
            demand = 0.0
            for k in range(k_r):
                q = que[c, k]
                cnt = q[k]
                in_flight += cnt + rcount[c, k]
                for j in range(COHORTS):
                    in_flight += imp[c, k, j, k] + itp[c, k, j, k]
                eff = q[im + 7] / cnt if cnt > 1e-300 else 0.0
                cost[k] = prices[k] * (1.0 + eff / base[k]) ** -par[P_SUBST]
                pool[k] = cnt / max(cls[c, C_N], 1e-300)
                demand += cnt * cost[k]
            theta = par[P_QUEUE_WEEKS] * ent[c] / max(cls[c, C_N], 1e-300) * budget
            if c < n_h:
                patient = patient_share(pool, cost, theta)
            else:
                patient = 1.0 if demand / max(cls[c, C_N], 1e-300) < theta else 0.0
            starts = min(cls[c, C_BACKLOG], patient * max(cap[c] - in_flight, 0.0))
            cls[c, C_BACKLOG] -= starts
            # The backlog forgets at the shelf life and holds what a researcher keeps.
            cls[c, C_BACKLOG] *= 1.0 - 1.0 / par[P_SHELF]
            if cls[c, C_BACKLOG] < 1e-9:
                cls[c, C_BACKLOG] = 0.0
            if c < n_h:  # a human's backlog holds ``ideas.backlog`` ideas
                cls[c, C_BACKLOG] = min(cls[c, C_BACKLOG], par[P_BACKLOG] * cls[c, C_N])
            if starts <= 1e-300:
                continue
            f = min(starts / max(gen[c], 1e-300), f_max)
            per_researcher = gen[c] / max(cls[c, C_N], 1e-300)
            lookup(tab, xg, g0[c], ng[c], x_c, qi, wq, f, per_researcher * par[P_SHELF], patient,
                   grids[0], grids[1], grids[2], grids[3], stats)
            lookup_tail(tails, xg, g0[c], ng[c], x_c, qi, wq, f, grids[0], grids[1], ctail[c])
            x = imp[c, 0, slot_of(week)]
            x[0] += starts
            for k in range(1, k_r):
                x[k] += starts * stats[k - 1]
            x[im] += starts * stats[k_r - 1]
            x[im + 1] += starts * stats[k_r]
            x[im + 2] += starts * stats[k_r] * scale
            x[im + 3] += starts * stats[k_r + 1] * scale
            x[im + 4] += starts * stats[k_r + 2]
            x[im + 5] += starts * stats[k_r + 3]
            x[im + 6] += starts * implement[0]
            x[im + 9] += starts * week
            st[S_STARTED] += starts
        # --- work: interpret, decide, implement ------------------------------------------------
        used_c[:] = 0.0
        for c in range(n_cls):
            _attention(c, n_h, cls, imp, itp, copies[c], pipelines, probs, atts)
            used[0] = 0.0
            _work(c, k_r, imp, itp, que, arr, arr_budget, True, week, speed[c] * bint[c],
                  speed[c] * bimp[c], probs, atts, used, implement, mrg, tally, cyc, st, buf)
            used_c[c] += used[0]
        _settle(st, pend, mrg, dup_d, dup_n, window, ctail, entry, par[P_WINDOW])
        # --- allocate: queued requests compete for the free compute --------------------------
        running = 0.0
        for c in range(n_cls):
            for k in range(k_r):
                running += rdraw[c, k]
        free = max(budget - running, 0.0)
        want_all = 0.0
        for c in range(n_cls):
            want[c] = 0.0
            for k in range(k_r):
                q = que[c, k]
                cnt = q[k]
                if cnt <= 1e-300:
                    unit[c, k] = 0.0
                    continue
                # The oldest requests go first: twice the mean engineering less what they had.
                eff = max(2.0 * q[im + 7] - q[im + 8], 0.0) / cnt
                disc = (1.0 + eff / base[k]) ** -par[P_SUBST]
                unit[c, k] = min(prices[k] * disc / max(run_weeks[k], 1.0), budget)
                want[c] += cnt * unit[c, k]
            want_all += want[c]
        alloc[:] = 0.0
        if free > 0.0 and want_all > 0.0:
            if shares_policy:
                # Each class up to its share of the budget, then what is left to who still waits.
                need = 0.0
                for c in range(n_cls):
                    mine = 0.0
                    for k in range(k_r):
                        mine += rdraw[c, k]
                    alloc[c] = min(want[c], max(ent[c] * budget - mine, 0.0))
                    need += alloc[c]
                if need > free:
                    for c in range(n_cls):
                        alloc[c] *= free / need
                left = free - min(need, free)
                for _ in range(n_cls):
                    if left <= 1e-12 * budget:
                        break
                    weight = 0.0
                    for c in range(n_cls):
                        if want[c] - alloc[c] > 1e-300:
                            weight += ent[c] + 1e-12
                    if weight <= 0.0:
                        break
                    given = 0.0
                    for c in range(n_cls):
                        if want[c] - alloc[c] > 1e-300:
                            add = min(want[c] - alloc[c], left * (ent[c] + 1e-12) / weight)
                            alloc[c] += add
                            given += add
                    left -= given
            else:  # value, fifo: in proportion to what each class wants
                for c in range(n_cls):
                    alloc[c] = want[c] * min(free / want_all, 1.0)
        granted = 0.0
        for c in range(n_cls):
            if alloc[c] <= 0.0:
                continue
            # Oldest first in the mean: every rung's queue is served in the same proportion,
            # which the engineering of those granted (less the fewer are) prices.
            g = min(alloc[c] / want[c], 1.0)
            if g < 1.0:
                dear = 0.0
                for k in range(k_r):
                    q = que[c, k]
                    if q[k] > 1e-300 and unit[c, k] > 0.0:
                        dear += q[k] * min(_granted_price(q, k, g, prices[k], base[k],
                                                          par[P_SUBST])
                                           / max(run_weeks[k], 1.0), budget)
                g = min(alloc[c] / max(dear, 1e-300), 1.0) if dear > 0.0 else g
            for k in range(k_r):
                q = que[c, k]
                cnt = q[k]
                if cnt <= 1e-300 or unit[c, k] <= 0.0:
                    continue
                for j in range(m):
                    y[j] = q[j] * g
                took = g * cnt * _granted_effort(q, k, g)
                y[im + 7] = took
                old = q[im + 9] / cnt
                y[im + 9] = g * cnt * (old - (1.0 - g) * (week - old))
                y[im + 9] = min(y[im + 9], q[im + 9])
                q -= y
                _clean(q, k)
                full = prices[k] * (1.0 + took / max(y[k], 1e-300) / base[k]) ** -par[P_SUBST]
                nominal = full / max(run_weeks[k], 1.0)
                rate = min(nominal, budget)
                weeks = run_weeks[k] if rate >= nominal else full / rate
                slot = min(int(math.ceil(weeks - 1e-9)) - 1, RING - 1)
                slot = (max(slot, 0) + head) % RING
                run[c, k, slot] += y
                d = y[k] * full / RING if weeks > RING else y[k] * rate
                draw[c, k, slot] += d
                rcount[c, k] += y[k]
                rdraw[c, k] += d
                granted += y[k] * rate
                # The oldest granted waited the longest: twice the mean age of an evenly
                # spread queue.
                tally[2, k] = max(tally[2, k], 2.0 * (week - old))
        st[S_EXP_COMPUTE] += granted
        drawn = 0.0
        waiting = 0.0
        st[S_WAITING] = 0.0
        for c in range(n_cls):
            mine = 0.0
            for k in range(k_r):
                mine += rdraw[c, k]
                waiting += que[c, k, k] * prices[k] / max(run_weeks[k], 1.0)
                st[S_WAITING] += que[c, k, k]
            cls[c, C_SPENT] = cls[c, C_SPENT] * par[P_MEMORY] + mine
            drawn += mine
        st[S_UTIL] = drawn / max(budget, 1e-300)
        st[S_REC_USED] += min(drawn, budget)
        st[S_REC_OFFERED] += budget
        st[S_REC_WAITING] += waiting
        # --- runs finish; results read with the time left -------------------------------------
        pace = min(1.0, budget / drawn) if drawn > 0 else 1.0
        for c in range(n_cls):
            for k in range(k_r):
                arr[k] = run[c, k, head]
                # The last week of a run needs what its length leaves, at the week's pace.
                last_week = run_weeks[k] - (math.ceil(run_weeks[k] - 1e-9) - 1.0)
                arr_budget[k] = max(1.0 - last_week / pace, 0.0)
                arr[k, im + 6] = arr[k, k] * interpret[k]
                run[c, k, head] = 0.0
                draw[c, k, head] = 0.0
            _attention(c, n_h, cls, imp, itp, copies[c], pipelines, probs, atts)
            # Results that came in join the stock being read, after what their week allows.
            used[0] = 0.0
            _work(c, k_r, imp, itp, que, arr, arr_budget, False, week, speed[c] * bint[c],
                  speed[c] * bimp[c], probs, atts, used, implement, mrg, tally, cyc, st, buf)
            used_c[c] += used[0]
        st[S_HEAD] = (head + 1) % RING
        _settle(st, pend, mrg, dup_d, dup_n, window, ctail, entry, par[P_WINDOW])
        # --- engineering: time left over makes waiting requests cheaper -----------------------
        queue_total = 0.0
        for c in range(n_cls):
            queued = 0.0
            for k in range(k_r):
                queued += que[c, k, k]
            queue_total += queued
            if par[P_SUBST] <= 0.0 or queued <= 1e-300:
                continue
            if c < n_h:  # humans with nothing queued engineer nothing
                per = queued / max(cls[c, C_N] * pipelines, 1e-300)
                with_queue = 1.0 - max(1.0 - min(per, 1.0), 0.0) ** pipelines
            else:
                with_queue = 1.0
            spare = max(copies[c] - used_c[c], 0.0) * speed[c] * bimp[c] * with_queue
            for k in range(k_r):
                que[c, k, im + 7] += spare * que[c, k, k] / queued
        st[S_QUEUE] = queue_total
        # The cycle log: mean weeks from queueing to deciding, over the last four weeks.
        for j in range(3):
            st[S_CYCLE_LOG + 2 * j] = st[S_CYCLE_LOG + 2 * j + 2]
            st[S_CYCLE_LOG + 2 * j + 1] = st[S_CYCLE_LOG + 2 * j + 3]
        st[S_CYCLE_LOG + 6] = cyc[0]
        st[S_CYCLE_LOG + 7] = cyc[1]
        cyc[:] = 0.0
        # --- the frontier --------------------------------------------------------------------
        st[S_TRAINING] += total * st[S_SH_TRAIN]
        if par[P_SYN] > 0 and ai_running:
            st[S_SYN_DATA] += inference * par[P_SYN_SHARE] * math.exp(st[S_LN_S])
        since = week - st[S_LAST_RUN]
        due = since >= par[P_INTERVAL] or (st[S_CLAIMED] >= par[P_EARLY_GAIN]
                                           and since >= par[P_MIN_INTERVAL])
        if due:
            st[S_LAST_RUN] = week
            st[S_CLAIMED] = 0.0
            st[S_EPOCH] = 0.0
            if par[P_FRONTIER] > 0:
                _frontier_run(par, cls, pend, st, week, history, n_h, runlog, window)
            st[S_TRAINING] = st[S_SYN_DATA] = 0.0
        # --- record ---------------------------------------------------------------------------
        _record(rec[row], st, cls, n_h, tally, week)
        last = week
        if not history and st[S_STOP] == 0.0 and week >= par[P_HORIZON]:
            st[S_STOP] = 1.0
        if st[S_STOP] != 0.0 and not follow:  # (a twin steps on as long as its lab does)
            break
    return last


@njit(cache=True, nogil=True)
def _frontier_run(par, cls, pend, st, week, history, n_h, runlog,
                  window):  # pragma: no cover - compiled
    """A frontier run ships what merged since the last: ``FrontierRun._complete``."""
    n_cls = cls.shape[0]
    lineage.reveal(window)
    st[S_RUNS] += 1
    gain = 0.0
    quality = 0.0
    shipped = 0.0
    for c in range(n_cls):
        gain += pend[c, Q_ZS]
        quality += pend[c, Q_Z]
        shipped += pend[c, Q_COUNT]
        st[S_HELPFUL] += pend[c, Q_HELPFUL]
        st[S_HARMFUL] += pend[c, Q_HARMFUL]
    st[S_SHIPPED] += shipped
    st[S_LN_S] += gain
    r = int(runlog[0, 0])  # row 0 holds how many runs are logged
    if r + 1 < runlog.shape[0]:
        runlog[r + 1, 0] = week
        runlog[r + 1, 1] = gain
        runlog[r + 1, 2] = quality
        runlog[r + 1, 3] = min(st[S_LN_S], par[P_LN_CAP])
        runlog[0, 0] = r + 1
    # The track record: value per compute of each class against the lab's.
    if st[S_LEARNED] > -1e17:
        for c in range(n_cls):
            cls[c, C_VALUE] *= par[P_MEMORY] ** (week - st[S_LEARNED])
    st[S_LEARNED] = week
    for c in range(n_cls):
        cls[c, C_VALUE] += pend[c, Q_ZS]
    if int(par[P_POLICY]) == 0 and par[P_RATE] != 0.0:
        _learn(par, cls, st, n_h)
    if st[S_LN_S] >= par[P_LN_CAP]:
        st[S_LN_S] = par[P_LN_CAP]
        st[S_STOP] = 2.0
    if st[S_TRAINING] > 0:
        ln_eff = math.log(st[S_TRAINING]) + st[S_LN_S]
        if par[P_SYN] > 0 and st[S_SYN_DATA] > 0:
            ratio = math.exp(min(math.log(st[S_SYN_DATA]) - ln_eff, 700.0))
            st[S_CAP_SYN] += par[P_SYN_EFF] * math.log10(1.0 + ratio)
        new = (ln_eff - par[P_LN_REF]) / LN10 + st[S_CAP_SYN]
        st[S_CAP] = max(st[S_CAP], new)
    learning = 0.0 if history else par[P_LEARNING]
    if learning > 0.0:
        lessons_all = 0.0
        for c in range(n_h):
            lessons_all += pend[c, Q_COUNT]
        heard = par[P_REVIEWERS] * lessons_all / max(st[S_NH], 1e-300)
        for c in range(n_h):
            lessons = pend[c, Q_COUNT] / max(cls[c, C_N], 1e-300)
            cut = math.exp(-lessons * learning - heard * learning * par[P_SPILL])
            floor = par[P_FLOOR]
            cls[c, C_LAMBDA] = floor + (cls[c, C_LAMBDA] - floor) * cut
    pend[:] = 0.0


@njit(cache=True, nogil=True)
def _worth(value, spent, prior, average):  # pragma: no cover - compiled
    """Value per compute over the lab's, shrunk toward 1 by ``prior`` compute."""
    return max((value + prior * average) / max(spent + prior, 1e-300) / average, 0.0)


@njit(cache=True, nogil=True)
def _learn(par, cls, st, n_h):  # pragma: no cover - compiled
    """The track record after a run: ``ExperimentScheduler.learn`` over classes.

    (One difference: the agents judge only the compute of ideas that have ended; a class here
    is judged on all it drew, in flight or not, which keeps no per-idea cost. The agreement
    regimes share compute fairly, so only the reported default lab sees it.)

    The AI researchers, judged together, see their share multiplied by their worth over the
    humans' (^rate), compounding run after run, kept between ``exploration`` of the newcomer
    share and all but all; the humans split the rest by their own worth (^rate) over the mean
    human's, not compounded, none below ``exploration``. Every human of a node has the node's
    worth (a node's lucky and unlucky researchers are one).
    """
    n_cls = cls.shape[0]
    tv = 0.0
    ts = 0.0
    vh = 0.0
    sh = 0.0
    for c in range(n_cls):
        tv += cls[c, C_VALUE]
        ts += cls[c, C_SPENT]
        if c < n_h:
            vh += cls[c, C_VALUE]
            sh += cls[c, C_SPENT]
    n_humans = st[S_NH]
    if tv <= 0.0 or ts <= 0.0 or n_humans <= 0.0:
        return  # nothing has paid off yet: no one to favour
    average = tv / ts
    prior = par[P_PRIOR] * sh / n_humans  # a typical human's compute
    rate = par[P_RATE]
    if cls[n_h, C_N] > 0.0:
        ai = _worth(cls[n_h, C_VALUE], cls[n_h, C_SPENT], prior, average)
        up = st[S_AI_SHARE] * ai**rate
        share = up / max(up + (1.0 - st[S_AI_SHARE]) * _worth(vh, sh, prior, average)**rate,
                         1e-300)
        st[S_AI_SHARE] = min(max(share, par[P_EXPLORATION] * par[P_NEWCOMER]), 1.0 - 1e-9)
    mean = 0.0
    for c in range(n_h):
        n_c = max(cls[c, C_N], 1e-300)
        cls[c, C_MERIT] = _worth(cls[c, C_VALUE] / n_c, cls[c, C_SPENT] / n_c, prior,
                                 average) ** rate
        mean += cls[c, C_N] * cls[c, C_MERIT] / n_humans
    for c in range(n_h):
        cls[c, C_MERIT] = max(cls[c, C_MERIT] / max(mean, 1e-300), par[P_EXPLORATION])
    set_shares(cls, st, n_h)


@njit(cache=True, nogil=True)
def set_shares(cls, st, n_h):  # pragma: no cover - compiled
    """Classes' track-record shares: the AI's, and the rest by the humans' merit weights."""
    weight = 0.0
    for c in range(n_h):
        weight += cls[c, C_N] * cls[c, C_MERIT]
    ai = st[S_AI_SHARE] if cls[n_h, C_N] > 0.0 else 0.0
    for c in range(n_h):
        cls[c, C_SHARE] = (1.0 - ai) * cls[c, C_N] * cls[c, C_MERIT] / max(weight, 1e-300)
    cls[n_h, C_SHARE] = ai


# --- the weekly record, ``rec`` columns --------------------------------------------------------
(R_WEEK, R_TOTAL, R_SH_INF, R_SH_EXP, R_SH_TRAIN, R_BUDGET, R_UTIL, R_HUMANS, R_AI_COPIES,
 R_AI_SPEED, R_AI_TASTE, R_AUTONOMY, R_HUMAN_TASTE, R_LN_S, R_PROXY, R_CAP, R_GENERATED,
 R_STARTED, R_PROMOTED, R_MERGED, R_SHIPPED, R_HARMFUL, R_DUPLICATED, R_QUEUE, R_CYCLE,
 R_RUNS, R_DROPPED, R_WAITING) = range(28)
N_REC = 28  # then the tested counts, one per rung


@njit(cache=True, nogil=True)
def _record(out, st, cls, n_h, tally, week):  # pragma: no cover - compiled
    out[R_WEEK] = week
    out[R_TOTAL] = st[S_TOTAL]
    out[R_SH_INF] = st[S_SH_INF]
    out[R_SH_EXP] = st[S_SH_EXP]
    out[R_SH_TRAIN] = st[S_SH_TRAIN]
    out[R_BUDGET] = st[S_BUDGET]
    out[R_UTIL] = st[S_UTIL]
    out[R_HUMANS] = st[S_NH]
    out[R_AI_COPIES] = st[S_AI_COPIES]
    out[R_AI_SPEED] = st[S_AI_SPEED]
    out[R_AI_TASTE] = st[S_AI_TASTE]
    out[R_AUTONOMY] = st[S_AUTONOMY]
    taste = 0.0
    for c in range(n_h):
        taste += cls[c, C_WEIGHT] * cls[c, C_TASTE] / cls[c, C_LAMBDA]
    out[R_HUMAN_TASTE] = taste
    out[R_LN_S] = st[S_LN_S]
    out[R_PROXY] = st[S_PROXY]
    out[R_CAP] = st[S_CAP]
    out[R_GENERATED] = st[S_GENERATED]
    out[R_STARTED] = st[S_STARTED]
    out[R_PROMOTED] = st[S_PROMOTED]
    out[R_MERGED] = st[S_MERGED]
    out[R_SHIPPED] = st[S_SHIPPED]
    out[R_HARMFUL] = st[S_HARMFUL]
    out[R_DUPLICATED] = st[S_DUPLICATED]
    out[R_QUEUE] = st[S_QUEUE]
    num = 0.0
    den = 0.0
    for j in range(4):
        num += st[S_CYCLE_LOG + 2 * j]
        den += st[S_CYCLE_LOG + 2 * j + 1]
    out[R_CYCLE] = num / den if den > 0.0 else 0.0
    out[R_RUNS] = st[S_RUNS]
    out[R_WAITING] = st[S_WAITING]
    dropped = 0.0
    for k in range(tally.shape[1]):
        out[N_REC + k] = tally[0, k]
        dropped += tally[1, k]
    out[R_DROPPED] = dropped
