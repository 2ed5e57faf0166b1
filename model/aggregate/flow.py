"""How many ideas a group of researchers opens a week, in expectation: the binding resource.

In the agent model a researcher opens its best backlog ideas whenever a pipeline is free and the
idea clears the bar. What frees pipelines is whichever resource binds:

* **ideas**: every idea that clears the bar is opened the week it is thought of, so the share
  opened is the share above the bar (``FunnelTable.f_bar``);
* **researcher time**: a researcher's pipelines form a closed queueing network, its time shared
  over the ideas it is working on (processor sharing, ``ResearchCycle.work``) and experiments'
  wall-clock weeks a delay. Mean value analysis with ``humans.pipelines`` customers gives the
  most ideas a week it can carry, and the residence time that stretches each piece of work;
* **experiment compute**: what the openings need on their way up the ladder (prices of
  ``ExperimentScheduler.prices``) cannot exceed the budget. Under ``fair`` the budget is split by
  claims (one per human, one per ``ai.copies_per_share`` autonomous copies), a group that wants
  less than its claim leaving the rest to others. A researcher's requests then wait for its share
  of compute: its pipelines fill, requests wait, and those that wait longer than
  ``ideas.shelf_life_weeks`` are abandoned (``ResearchCycle.sweep``).

The queue is the one piece with no exact expectation. Its mean field follows the fair-share
rule: a researcher that was just granted an experiment has used more than its share, and its
next request waits until the compute it used is repaid, a turn of length ``V``. Requests arrive
at any point of a turn, so waits are spread evenly up to ``V``: a share ``1 - shelf / V`` of them
outlives the shelf life and is abandoned, and a request waits ``E[min(W, shelf)]``. Two balances
fix a researcher's openings ``o`` and ``V``: compute (what the surviving requests use equals its
share) and Little's law (pipelines not working or running hold the waiting requests:
``P - o * think = requests * E[min(W, shelf)]``). Abandoned ideas free slots for new ones, so a
compute-starved lab opens more ideas than it finishes and selects less sharply, as the agents do.

Opening fewer ideas means opening better ones: the share opened is where the funnel table is
read, so compute bought at the margin buys weaker ideas (the compute elasticity below 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.aggregate.funnel import FunnelTable


@dataclass
class Group:
    """Researchers of one kind that open ideas alike (a node of the human spreads, or AI).

    Attributes:
        table: Their funnel table.
        count: Researchers (or autonomous AI copies) in the group.
        speed: Serial speed relative to a median human.
        implement_boost, interpret_boost: Copilot speed-ups of the two kinds of work.
        pipelines: Ideas each keeps in flight.
        claim: Fair-share claims of the whole group on experiment compute.

    """

    table: FunnelTable
    count: float
    speed: float
    implement_boost: float
    interpret_boost: float
    pipelines: float
    claim: float


@dataclass
class Flow:
    """A group's openings this week and what becomes of them, per new idea of the group."""

    f: float  # share of new ideas opened
    opened: float  # ideas opened this week, whole group
    new: float  # new ideas this week, whole group (stats are per new idea)
    stats: dict  # funnel per new idea at f, abandonment included
    compute: float  # experiment compute the openings use (H100e-weeks per week)
    sojourn: float  # weeks from opening to merging
    stage: np.ndarray  # share of that sojourn at which each rung's result comes in
    wait: float  # mean wait for compute per request, weeks
    abandoned: float  # share of requests abandoned
    queued: float  # ideas waiting for compute, whole group
    bound: str  # "ideas", "time" or "compute"


def closed_network(pipelines: float, demand: np.ndarray, delay: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Throughput and researcher residence time of ``pipelines`` ideas (mean value analysis).

    Args:
        pipelines: Customers of the closed network (ideas in flight).
        demand: Weeks of the researcher's undivided time one idea needs (processor sharing).
        delay: Weeks one idea spends in experiments, which take no researcher time.

    Returns:
        Ideas a week, and weeks one idea spends in work (its ``demand`` stretched by sharing).

    """
    q = np.zeros_like(demand)
    x = np.zeros_like(demand)
    r = demand.copy()
    for n in range(1, max(int(np.floor(pipelines)), 1) + 1):
        r = demand * (1.0 + q)
        x = n / np.maximum(r + delay, 1e-12)
        q = x * r
    if pipelines < 1.0:  # a fraction of a pipeline: that fraction of one pipeline's throughput
        x = x * pipelines
    return x, r


def _curves(g: Group, ladder: dict) -> dict:
    """Per researcher, along the table's selection grid: openings, limits and compute."""
    f = g.table.f
    reach = g.table.stats["reach"] / f  # rungs x grid, per opened idea (funnel only)
    work = (ladder["implement"] / g.implement_boost
            + ladder["interpret"] / g.interpret_boost) / max(g.speed, 1e-12)
    demand = work @ reach
    delay = ladder["run"] @ reach
    opened = ladder["per_week"] * g.speed * f
    capacity, residence = closed_network(g.pipelines, demand, delay)
    price = ladder["prices"] @ reach
    return {"opened": opened, "capacity": capacity, "residence": residence, "demand": demand,
            "delay": delay, "reach": reach, "price": price, "work": work}


def solve(groups: list[Group], budget: float, ladder: dict, hints: dict | None = None
          ) -> list[Flow]:
    """Each group's openings this week, given the experiment budget and the ladder.

    Args:
        groups: The researcher groups.
        budget: Experiment compute this week (H100e-weeks per week).
        ladder: ``implement``, ``interpret``, ``run`` (per rung), ``prices`` (H100e-weeks per
            experiment), ``per_week`` (ideas per researcher-week) and ``shelf`` (weeks a
            request may wait before it is abandoned).
        hints: Last week's solutions by group position (read and updated): the search for
            this week's starts there. The answer does not depend on them.

    """
    hints = {} if hints is None else hints
    curves = [_curves(g, ladder) for g in groups]
    free = []
    for c in curves:
        ok = np.nonzero(c["opened"] <= c["capacity"] * (1.0 + 1e-9))[0]
        free.append(int(ok[-1]) if ok.size else 0)
    want = np.array([g.count * c["opened"][i] * c["price"][i]
                     for g, c, i in zip(groups, curves, free, strict=True)])
    allot = _fair_allotment(want, np.array([g.claim for g in groups]), budget)
    flows = []
    for k, (g, c, i, a) in enumerate(zip(groups, curves, free, allot, strict=True)):
        if g.count > 0 and g.count * c["opened"][i] * c["price"][i] > a * (1.0 + 1e-9):
            flows.append(_queued(g, c, a / g.count, ladder, i, hints, k))
        else:
            bound = "ideas" if i == len(g.table.f) - 1 else "time"
            flows.append(_flow(g, c, float(i), bound, ladder, 0.0, 0.0))
    return flows


def _fair_allotment(want: np.ndarray, claim: np.ndarray, budget: float) -> np.ndarray:
    """Water-filling: each group gets its claim's share of the budget, or what it wants if less."""
    allot = np.zeros_like(want)
    active = want > 0
    left = budget
    while active.any():
        share = left * claim * active / max(float(np.sum(claim * active)), 1e-300)
        sated = active & (want <= share)
        if not sated.any():
            allot[active] = share[active]
            break
        allot[sated] = want[sated]
        left -= float(want[sated].sum())
        active &= ~sated
    return allot


def _served(x: float, rungs: int) -> np.ndarray:
    """Share of ideas still in the pipeline after each rung's queue (each survives with ``x``)."""
    return x ** np.arange(1, rungs + 1)


def _survival(c: dict, ladder: dict, each: float, j: int) -> float:
    """Share x of waiting requests served (not abandoned) so that the ideas use ``each``.

    Compute used per researcher is ``o * sum_k reach_k x^(k+1) price_k``: increasing and convex
    in x, so Newton's method from x = 1 approaches the root from above without overshooting.
    """
    weights = (c["opened"][j] * c["reach"][:, j] * ladder["prices"]).tolist()
    x = 1.0
    for _ in range(60):
        used, slope, power = 0.0, 0.0, 1.0
        for k, w in enumerate(weights, start=1):
            slope += k * w * power
            power *= x
            used += w * power
        if used <= each * (1.0 + 1e-12) or slope <= 0.0:
            break
        step = (used - each) / slope
        x = max(x - step, 0.0)
        if step < 1e-13:
            break
    return x


def _queue_balance(g: Group, c: dict, each: float, ladder: dict, j: int
                   ) -> tuple[float, float, float, float]:
    """At grid point j: survival x, mean wait, queued ideas and Little's-law residual.

    Waits are spread evenly up to a turn of length V: a share ``1 - shelf / V`` of waiting
    requests is abandoned, and a request waits ``E[min(W, shelf)]`` on average.
    """
    shelf = ladder["shelf"]
    x = _survival(c, ladder, each, j)
    ab = min(max(1.0 - x, 0.0), 1.0)
    rungs = len(ladder["prices"])
    served = _served(x, rungs) * c["reach"][:, j]  # ideas that run rung k
    queue_at = served / max(x, 1e-300) if x > 0 else c["reach"][:, j] * (
        np.arange(rungs) == 0)  # ...that reach its queue
    opened = c["opened"][j]
    requests = opened * float(queue_at.sum())
    stretch = c["residence"][j] / max(c["demand"][j], 1e-12)
    impl = ladder["implement"] / g.implement_boost / max(g.speed, 1e-12)
    think = opened * (stretch * (float(impl @ queue_at) + float((c["work"] - impl) @ served))
                      + float(ladder["run"] @ served))
    room = g.pipelines - think
    if ab > 1e-9:  # V = shelf / (1 - ab) > shelf
        waited = 0.5 * shelf * (1.0 + ab)
    else:  # no request waits past the shelf life: V <= shelf, set by the room in the pipelines
        waited = min(max(room, 0.0) / max(requests, 1e-300), 0.5 * shelf)
    queued = requests * waited
    return x, waited, queued, room - queued


def _queued(g: Group, c: dict, each: float, ladder: dict, upper: int, hints: dict, key: int
            ) -> Flow:
    """Compute binds: openings and mean wait from the compute balance and Little's law."""
    # Openings at least fill the share with nothing abandoned: the root lies above that.
    floor = min(max(int(np.searchsorted(c["opened"] * c["price"], each, side="left")) - 1, 0),
                upper)
    lo, hi = _bracket(lambda j: _queue_balance(g, c, each, ladder, j)[3] > 0, floor, upper,
                      hints.get(key))
    hints[key] = lo
    while hi - lo > 1:  # the residual falls as more ideas are opened
        mid = (lo + hi) // 2
        if _queue_balance(g, c, each, ladder, mid)[3] > 0:
            lo = mid
        else:
            hi = mid
    x0, w0, q0, r0 = _queue_balance(g, c, each, ladder, lo)
    if hi == lo:
        return _flow(g, c, float(lo), "compute", ladder, w0, 1.0 - x0, q0)
    x1, w1, q1, r1 = _queue_balance(g, c, each, ladder, hi)
    frac = min(max(r0 / (r0 - r1), 0.0), 1.0) if r0 != r1 else 0.0
    mix = lambda a, b: (1 - frac) * a + frac * b  # noqa: E731
    return _flow(g, c, lo + frac, "compute", ladder, mix(w0, w1), 1.0 - mix(x0, x1),
                 mix(q0, q1))


def _bracket(positive, floor: int, upper: int, hint: int | None) -> tuple[int, int]:
    """Indices lo <= hi in [floor, upper] with the root between them (lo == hi at an end).

    ``positive(j)`` is True below the root. Starting from ``hint``, steps double until the
    sign changes, so a root that moved little since last week costs a few evaluations.
    """
    if positive(upper):
        return upper, upper
    j = floor if hint is None else min(max(hint, floor), upper)
    if not positive(j):
        hi, step = j, 1
        while j > floor:
            j = max(j - step, floor)
            if positive(j):
                return j, hi
            hi, step = j, step * 2
        return floor, floor
    lo, step = j, 1
    while True:
        j = min(j + step, upper)
        if not positive(j):
            return lo, j
        lo, step = j, step * 2


def _flow(g: Group, c: dict, i: float, bound: str, ladder: dict, wait: float,
          abandoned: float, queued: float = 0.0) -> Flow:
    t = g.table
    lo = int(np.floor(i))
    hi = min(lo + 1, len(t.f) - 1)
    frac = i - lo
    f = float(np.exp((1 - frac) * np.log(t.f[lo]) + frac * np.log(t.f[hi])))
    pick = {k: (1 - frac) * c[k][..., lo] + frac * c[k][..., hi]
            for k in ("opened", "demand", "residence", "reach")}
    stats = t.at(f)
    rungs = len(ladder["prices"])
    runs = _served(1.0 - abandoned, rungs)
    stats["reach"] = stats["reach"] * runs
    for key in ("merge", "z", "claim", "helpful", "harmful"):
        stats[key] = stats[key] * runs[-1]
    stretch = float(pick["residence"] / max(pick["demand"], 1e-12))
    if bound == "ideas":  # an open network: processor sharing at utilisation rho
        rho = min(float(pick["opened"] * pick["demand"]), 0.95)
        stretch = 1.0 / (1.0 - rho)
    # The merged idea's path: at each rung work (stretched), a wait it survived, the run.
    per_rung = c["work"] * stretch + ladder["run"] + _survived_wait(wait, ladder["shelf"])
    sojourn = float(per_rung.sum())
    stage = np.cumsum(per_rung) / max(sojourn, 1e-12)
    opened = g.count * float(pick["opened"])
    compute = opened * float(ladder["prices"] @ (pick["reach"] * runs))
    return Flow(f, opened, opened / max(f, 1e-300), stats, compute, sojourn, stage, wait,
                abandoned, g.count * queued, bound)


def _survived_wait(waited: float, shelf: float) -> float:
    """E[W | W < shelf] for waits spread evenly up to V, given E[min(W, shelf)] = ``waited``."""
    return min(waited, 0.5 * shelf)
