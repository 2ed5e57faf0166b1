"""Compiled loops of the research cycle's pipelines (``model/pipelines.py``)."""

from __future__ import annotations

import numpy as np
from numba import njit


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
def read_results(idx, normal, rung, owner, obs, mean, var, weight, state, work_left, budget,
                 skill, rho, implement, sd2, run_noise2, reading_noise, threshold, tested,
                 implementing):  # pragma: no cover - compiled
    """Read the results of pipelines ``idx``, update beliefs, and promote or drop each idea.

    A researcher reads each result with noise (``reading_noise`` over its skill; ``normal``
    holds one draw per result) as an independent signal of the frontier effect at correlation
    rho, and updates its normal belief. An idea whose posterior mean clears ``threshold`` climbs
    a rung (state ``implementing`` there), or, at the top rung, is to be merged; any other is
    dropped (state -1, no time left this week). Ideas tested are added per rung to ``tested``.

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
        state[i] = implementing
        work_left[i] = implement[rung[i]]
    return promote[:n_promote], merge[:n_merge]
