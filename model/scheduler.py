"""One shared experiment budget that every researcher, human or AI, competes for.

Requests are priced relative to the frontier (mechanism 4): a rung at scale ``s`` costs
``s * F * S^-(1 - coupling)`` H100e-weeks, where ``F`` is the physical compute of the frontier run
in training and ``S`` software efficiency. At coupling 1 software progress never makes research
cheaper (the compute-bottleneck view); at 0 experiments need fixed effective compute (the
software-only-explosion view).

An experiment's compute is spread over its wall-clock weeks. Each week the scheduler fills the
budget left after running experiments, in the order of its policy, granting every request that
fits and skipping those that do not (a request too big for the whole budget runs stretched over
more weeks). A large AI group request that does not fit is split and the part that fits runs.

The ``fair`` policy gives every human an equal share and every AI cohort one share per
``ai.copies_per_share`` autonomous copies: the least-served claimant, by recent use per share,
goes first, and a group gets at most its share of the week's budget. The ``value`` policy ranks
by expected gain per compute still needed to reach the top of the ladder, so cheap low rungs do
not always beat the top rung. ``fifo`` serves the oldest request first.
A single experiment needing more than half the budget, once it has waited ``max_wait_weeks``,
reserves the budget until it fits: without that it would starve behind smaller ones.
"""

from __future__ import annotations

import numpy as np

from model.pipelines import QUEUED, RUNNING


class ExperimentScheduler:
    """Allots the week's experiment compute to queued requests.

    Args:
        model: The model.

    """

    def __init__(self, model):
        s = model.settings
        self.model = model
        self.policy = s.policy.scheduler
        self.max_wait = s.experiments.max_wait_weeks
        self.run_weeks = np.array(s.experiments.run_weeks)
        self.scales = np.array(s.experiments.scales)
        self.coupling = s.experiments.frontier_coupling
        self.interval = s.frontier.interval_weeks
        self.used = self.offered = 0.0
        # Fair share remembers: compute a team used decays with a half-life of a frontier interval.
        self.decay = 0.5 ** (1.0 / max(self.interval, 1))
        self._history = np.zeros(0)

    def prices(self) -> np.ndarray:
        """Physical compute (H100e-weeks) of one experiment at each rung this week."""
        m = self.model
        frontier = max(m.compute.shares[2], 0.01) * m.compute.total * self.interval
        return self.scales * frontier * np.exp(-(1.0 - self.coupling) * m.ln_s)

    def allocate(self) -> None:
        """Grant queued requests this week's free experiment compute."""
        m, p = self.model, self.model.cycle.pipes
        budget = m.compute.experiments
        running = p.state == RUNNING
        free = budget - float(np.sum(p.draw[running]))
        queued = np.nonzero(p.state == QUEUED)[0]
        granted: list[int] = []
        if queued.size and free > 0:
            queued = queued[self._order(queued)]
            unit = self.prices()[p.rung[queued]] / np.maximum(self.run_weeks[p.rung[queued]], 1.0)
            # A single experiment too big for the whole budget runs stretched; a group of ideas
            # is split instead, so it never holds the budget for longer than its slowest member.
            group = p.weight[queued] > 1.0
            want = np.where(group, unit * p.weight[queued], np.minimum(unit, budget))
            if self.policy == "fair":
                shares = self.shares()
                claim = shares[np.unique(p.owner[queued])].sum()
                quantum = budget * shares[p.owner[queued]] / claim
            else:
                quantum = np.full(queued.size, np.inf)
            granted = self._walk(queued, unit, want, group, free, budget, quantum)
            self._start(np.array(granted, dtype=np.int64))
        used = p.draw[p.state == RUNNING]
        self.used, self.offered = float(used.sum()), budget
        n = self._grow_history()
        self._history *= self.decay
        self._history += np.bincount(p.owner[p.state == RUNNING], weights=used, minlength=n)
        waiting = p.state == QUEUED
        wanted = float(np.sum(self.prices()[p.rung[waiting]] * p.weight[waiting]
                              / np.maximum(self.run_weeks[p.rung[waiting]], 1.0)))
        m.compute.record(min(self.used, budget), budget, wanted)
        m.counts["experiment_compute"] += float(np.sum(p.draw[granted]))

    def _walk(self, idx, unit, want, group, free, budget, quantum) -> list[int]:
        """Walk the requests in order, granting what fits and skipping what does not (backfill).

        A group that does not fit runs the whole number of its ideas that fit (under ``fair``, at
        most its claimant's share of the budget, or one experiment), the rest waiting. A single
        experiment that needs more than half the budget and has waited ``max_wait_weeks``
        reserves it: nothing behind runs until it fits. The walk ends as soon as nothing left
        could fit.
        """
        p = self.model.cycle.pipes
        smallest_after = np.minimum.accumulate(np.minimum(want, unit)[::-1])[::-1]
        waited = (self.model.week - p.submitted[idx]).tolist()
        want_l, unit_l, group_l = want.tolist(), unit.tolist(), group.tolist()
        quantum = quantum.tolist()
        granted = []
        for i, row in enumerate(idx.tolist()):
            if free < smallest_after[i]:
                break
            if want_l[i] <= free and (not group_l[i] or want_l[i] <= quantum[i]):
                granted.append(row)
                free -= want_l[i]
            elif group_l[i]:
                fits = float(np.floor(min(free, max(quantum[i], unit_l[i])) / unit_l[i]))
                if fits >= 1.0:
                    self._split(row, fits)
                    granted.append(row)
                    free -= fits * unit_l[i]
            elif waited[i] >= self.max_wait and want_l[i] > 0.5 * budget:
                break
        return granted

    def advance(self) -> np.ndarray:
        """Run experiments for a week; return each pipeline's time left over this week."""
        p = self.model.cycle.pipes
        leftover = np.zeros(len(p))
        running = np.nonzero(p.state == RUNNING)[0]
        if running.size == 0:
            return leftover
        # If the budget shrank under running experiments, they all slow down alike.
        committed = float(np.sum(p.draw[running]))
        pace = min(1.0, self.offered / committed) if committed > 0 else 1.0
        before = p.run_left[running].copy()
        p.run_left[running] -= pace
        done = p.run_left[running] <= 1e-12
        fin = running[done]
        leftover[fin] = 1.0 - before[done] / pace
        p.draw[fin] = 0.0
        self.model.cycle.results(fin)
        return leftover

    def _grow_history(self) -> int:
        """Make room in the use history for researchers hired since; return their number."""
        n = len(self.model.workforce.kind)
        if self._history.size < n:
            self._history = np.concatenate([self._history, np.zeros(n - self._history.size)])
        return n

    def shares(self) -> np.ndarray:
        """Fair-share claims per researcher row: 1 per human, copies / copies_per_share per AI."""
        wf = self.model.workforce
        per = self.model.settings.ai.copies_per_share
        return np.where(wf.kind == 0, 1.0, np.maximum(wf.copies / per, 1e-9))

    def _order(self, queued: np.ndarray) -> np.ndarray:
        p = self.model.cycle.pipes
        if self.policy == "fifo":
            return np.lexsort((p.idea[queued], p.submitted[queued]))
        if self.policy == "value":
            to_go = np.cumsum(self.prices()[::-1])[::-1]  # compute from rung k to the top
            per_compute = (np.maximum(p.mean[queued], 0.0) * p.scale[queued]
                           / to_go[p.rung[queued]])
            return np.lexsort((p.submitted[queued], -per_compute))
        # fair: a request's virtual start time is its claimant's recent use plus its earlier
        # queued requests, per share; the least-served claimant's oldest request goes first.
        self._grow_history()
        owner = p.owner[queued]
        by_owner = np.lexsort((p.submitted[queued], owner))
        want = (self.prices()[p.rung[queued]] * p.weight[queued])[by_owner]
        cum = np.cumsum(want)
        sorted_owner = owner[by_owner]
        first = np.searchsorted(sorted_owner, sorted_owner, side="left")
        start = np.empty(queued.size)
        start[by_owner] = ((self._history[sorted_owner]
                            + cum - want - np.where(first > 0, cum[first - 1], 0.0))
                           / self.shares()[sorted_owner])
        return np.lexsort((p.submitted[queued], start))

    def _split(self, i: int, fits: float) -> None:
        """Run ``fits`` of row i's ideas now; the rest stay queued as a row of their own."""
        p = self.model.cycle.pipes
        rest = p.take(np.array([i]))
        rest["weight"] = rest["weight"] - fits
        p.weight[i] = fits
        p.append(**rest)

    def _start(self, idx: np.ndarray) -> None:
        p = self.model.cycle.pipes
        if idx.size == 0:
            return
        weeks = self.run_weeks[p.rung[idx]]
        cost = self.prices()[p.rung[idx]] * p.weight[idx]
        nominal = cost / np.maximum(weeks, 1.0)
        draw = np.minimum(nominal, self.model.compute.experiments)
        p.draw[idx] = draw
        p.run_left[idx] = np.where(draw < nominal, cost / draw, weeks)
        p.state[idx] = RUNNING
