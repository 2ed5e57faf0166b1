"""Compiled loops of the research cycle's pipelines (``model/pipelines.py``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from model.kernels.beliefs import mean_of, observe
from model.streams import mix, ndtri, uniform


@njit(cache=True, nogil=True)
def work_rates(state, owner, weight, speed, copies, interpret_boost, implement_boost, interpret,
               implement):  # pragma: no cover - compiled
    """Each researcher's rate of work per idea, interpreting and implementing.

    A researcher splits its time over the ideas it is working on (stages ``interpret`` and
    ``implement``, counted by weight in row order); a cohort gives each idea at most one copy's
    time. Copilots speed each kind of work up by its boost.

    Returns:
        Per researcher: the rate of work per idea interpreting and implementing, and the share of
        one copy's week each idea in work takes (for the time left over, ``spend_time``).

    """
    load = np.zeros(speed.size)
    for i in range(state.size):
        if state[i] == implement or state[i] == interpret:
            load[owner[i]] += weight[i]
    rate_interpret = np.empty(speed.size)
    rate_implement = np.empty(speed.size)
    attention = np.empty(speed.size)
    for o in range(speed.size):
        attention[o] = min(1.0, copies[o] / max(load[o], 1e-12))
        per_idea = speed[o] * attention[o]
        rate_interpret[o] = per_idea * interpret_boost[o]
        rate_implement[o] = per_idea * implement_boost[o]
    return rate_interpret, rate_implement, attention


@njit(cache=True, nogil=True)
def spend_time(state, owner, work_left, budget, rate_by_owner, stage, attention,
               used):  # pragma: no cover - compiled
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
        attention: Share of one copy's week an idea in work takes, per researcher row.
        used: Copy-weeks each researcher row has spent this week, added to in place.

    Returns:
        The pipelines that finished their work, ascending.

    """
    fin = np.empty(state.size, dtype=np.int64)
    n = 0
    for i in range(state.size):
        if state[i] != stage or not budget[i] > 0:
            continue
        o = owner[i]
        rate = max(rate_by_owner[o], 1e-12)
        need = work_left[i] / rate
        if need <= budget[i]:
            used[o] += need * attention[o]
            budget[i] -= need
            work_left[i] = 0.0
            fin[n] = i
            n += 1
        else:
            used[o] += budget[i] * attention[o]
            work_left[i] -= rate * budget[i]
            budget[i] = 0.0
    return fin[:n]


@njit(cache=True, nogil=True)
def engineer(state, owner, weight, effort, spare, queued):  # pragma: no cover - compiled
    """Spend each researcher's time left over on its waiting requests (``effort``, in place).

    A researcher whose ideas all wait for compute or for runs is not idle: it engineers its
    queued experiments (smaller runs that still predict, better-built code), sharing its spare
    researcher-weeks over them by weight.
    """
    waiting = np.zeros(spare.size)
    for i in range(state.size):
        if state[i] == queued:
            waiting[owner[i]] += weight[i]
    for i in range(state.size):
        if state[i] == queued:
            o = owner[i]
            effort[i] += spare[o] * weight[i] / waiting[o]


@njit(cache=True, nogil=True)
def read_results(idx, normal, rung, owner, obs, belief, mean, weight, state, work_left, budget,
                 skill, rho, implement, run_noise2, reading_noise, threshold, bar, step, tested,
                 dropped, implementing):  # pragma: no cover - compiled
    """Read the results of pipelines ``idx``, update beliefs, and promote or drop each idea.

    A researcher reads each result with noise (``reading_noise`` over its skill; ``normal``
    holds one draw per result) as what it is, rho times the frontier effect plus the quirk's
    share plus noise, and updates its belief (``kernels.beliefs.observe``). An idea climbs
    a rung (state ``implementing`` there) only if its belief's mean clears ``threshold`` and
    its owner's ``bar``, what the best idea it could start instead promises: compute spent on a
    disappointing idea is compute a fresher one could use; and the bar rises by ``step`` with
    each rung, as each costs many times the one below. At the top rung an idea whose mean
    clears the top rung's bar is to be merged. Any other is dropped on that evidence (state -1, no
    time left this week). Ideas tested and dropped are added per rung to ``tested`` and
    ``dropped``. ``belief`` holds the (FIELDS, rows) beliefs (``kernels.beliefs``), updated in
    place with ``mean``.

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
        # (A perfect result, rho 1 and no noise, pins the belief on the effect.)
        noise2 = max(run_noise2 + reading * reading, 1e-12)
        b = belief[:, i]
        observe(b, r, np.sqrt(max(1.0 - r * r, 0.0)), read, noise2)
        mean[i] = mean_of(b)
        obs[i] = read
        counted[k] += weight[i]
        if k == top and mean[i] >= threshold + step * top:
            merge[n_merge] = i
            n_merge += 1
        elif k < top and mean[i] >= max(threshold + step * (k + 1), bar[owner[i]]):
            promote[n_promote] = i
            n_promote += 1
        else:
            state[i] = -1
            budget[i] = 0.0
            dropped[k] += weight[i]
    for k in range(rho.size):
        tested[k] += counted[k]
    for t in range(n_promote):
        i = promote[t]
        rung[i] += 1
        state[i] = implementing
        work_left[i] = implement[rung[i]]
    return promote[:n_promote], merge[:n_merge]


@njit(cache=True, nogil=True)
def review(owner, z, est, key, noise, indptr, neighbours, reviewer_key, review_weight, bias,
           belief, event):  # pragma: no cover - compiled
    """Beliefs about ideas about to start, after the owners' collaborators have had their say.

    A collaborator sees the idea's appeal as the owner does: the share ``bias`` of the owner's
    error that is appeal, in the same amount, plus taste noise of its own (its noise times
    ``sqrt(1 - bias**2)``). The owner knows the opinion repeats its own appeal, so it takes out
    that shared part, ``(opinion - bias * est) / (1 - bias)``, and counts what is left as one
    independent signal of the true effect, at ``review_weight`` of its precision, as a
    collaborator knows the idea less well. The more of taste is shared appeal, the less a
    collaborator adds. A collaborator's draw comes from its own stream, keyed by the idea.

    Args:
        owner: Researcher row of each idea.
        z: True effect of each idea.
        est: The owner's estimate of each.
        key: Each idea's stream key.
        noise: Taste noise per researcher row (effect units).
        indptr: Where each row's collaborators start in ``neighbours`` (CSR).
        neighbours: Collaborators, row by row.
        reviewer_key: Stream key per researcher row.
        review_weight: Weight of a collaborator's opinion.
        bias: Share of taste noise that is the idea's appeal (below 1).
        belief: (FIELDS, ideas) beliefs from the owners' estimates, updated in place.
        event: Counter of a review draw.

    """
    rest = np.sqrt(1.0 - bias * bias)
    if review_weight <= 0.0:
        return
    for t in range(owner.size):
        o = owner[t]
        if o + 1 >= indptr.size:
            continue
        shared = bias * (est[t] - z[t])
        b = belief[:, t]
        for j in neighbours[indptr[o]:indptr[o + 1]]:
            u = uniform(mix(reviewer_key[j] ^ np.uint64(key[t])), event)
            opinion = z[t] + shared + noise[j] * rest * ndtri(u)
            own = noise[j] * rest / (1.0 - bias)  # noise of what is left once appeal is out
            observe(b, 1.0, 0.0, (opinion - bias * est[t]) / (1.0 - bias),
                    own * own / review_weight)
