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

from model.kernels import (
    fair_starts,
    order_and_walk,
    queue_now,
    start_runs,
    tally_queue,
    walkable_requests,
)
from model.pipelines import QUEUED, RUNNING
from model.streams import split_key

REACH = 256  # requests ordered at least, ahead of the walk


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
        self.copies_per_share = s.ai.copies_per_share
        self.reach = REACH  # how far ahead to order the queue; follows how far the walk goes

    def prices(self) -> np.ndarray:
        """Physical compute (H100e-weeks) of one experiment at each rung this week."""
        m = self.model
        frontier = max(m.compute.shares[2], 0.01) * m.compute.total * self.interval
        return self.scales * frontier * np.exp(-(1.0 - self.coupling) * m.ln_s)

    def allocate(self) -> None:
        """Grant queued requests this week's free experiment compute."""
        m, p = self.model, self.model.cycle.pipes
        budget = m.compute.experiments
        prices = self.prices()
        drawn, queued = queue_now(p.state, p.draw, RUNNING, QUEUED)
        free = budget - float(np.sum(drawn))
        granted = np.empty(0, dtype=np.int64)
        self._grow_history()
        if queued.size and free > 0:
            claim, shares = 0.0, np.empty(0)  # no fair share
            if self.policy == "fair":
                shares = self.shares()
                # Claimants with a request queued, in row order (as np.unique lists them).
                claim = float(shares[np.bincount(p.owner[queued], minlength=shares.size) > 0]
                              .sum())
            # A single experiment too big for the whole budget runs stretched; a group of ideas
            # is split instead, so it never holds the budget for longer than its slowest member.
            at, *cols = walkable_requests(queued, p.rung, p.weight, p.owner, p.submitted,
                                          prices, self.run_weeks, budget, free, shares, claim,
                                          m.week, self.max_wait)
            keys = tuple(k[at] for k in self._keys(queued, prices, shares))
            granted = self._walk_in_order(keys, (queued[at], *cols), free)
            start_runs(granted, p.rung, p.weight, p.draw, p.run_left, p.state, prices,
                       self.run_weeks, budget, RUNNING)
        drawn, wanted = tally_queue(p.state, p.draw, p.owner, p.rung, p.weight, prices,
                                    self.run_weeks, self._history, self.decay, RUNNING, QUEUED)
        self.used, self.offered = float(drawn.sum()), budget
        m.compute.record(min(self.used, budget), budget, float(np.sum(wanted)))
        m.counts["experiment_compute"] += float(np.sum(p.draw[granted]))

    def _walk_in_order(self, keys, cols, free: float) -> np.ndarray:
        """Walk the requests in order, ordering only as far ahead as the walk goes.

        The walk grants what fits and skips what does not (backfill). A group
        that does not fit runs the whole number of its ideas that fit (under ``fair``, at most
        its claimant's share of the budget, or one experiment), the rest waiting. A single
        experiment that needs more than half the budget and has waited ``max_wait_weeks``
        reserves it: nothing behind runs until it fits. The walk ends as soon as nothing left
        could fit. Ordering and walking are compiled (``model.kernels.order_and_walk``); groups
        are split after the walk, in walk order.

        Returns:
            The granted rows, in walk order.

        """
        queued, unit, want, group, quantum, event = cols
        at, split, walked = order_and_walk(*keys, unit, want, group, quantum, event, free,
                                           self.reach)
        # Order next week about twice as far as this week's walk went.
        self.reach = max(REACH, 2 * walked)
        rows = queued[at]
        for k in np.flatnonzero(split).tolist():
            self._split(int(rows[k]), float(split[k]))
        return rows

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

    def _grow_history(self) -> None:
        """Make room in the use history for researchers hired since."""
        n = len(self.model.workforce.kind)
        if self._history.size < n:
            self._history = np.concatenate([self._history, np.zeros(n - self._history.size)])

    def shares(self) -> np.ndarray:
        """Fair-share claims per researcher row: 1 per human, copies / copies_per_share per AI."""
        wf = self.model.workforce
        per = self.copies_per_share
        return np.where(wf.kind == 0, 1.0, np.maximum(wf.copies / per, 1e-9))

    def _order(self, queued: np.ndarray, prices: np.ndarray | None = None) -> np.ndarray:
        """Order of the queued requests under the policy (a permutation of ``queued``)."""
        return np.lexsort(self._keys(queued, prices))

    def _keys(self, queued: np.ndarray, prices: np.ndarray | None = None,
              shares: np.ndarray | None = None) -> tuple:
        """Sort keys of the queued requests under the policy, as ``np.lexsort`` takes them."""
        p = self.model.cycle.pipes
        prices = self.prices() if prices is None else prices
        submitted = p.submitted[queued]
        if self.policy == "fifo":
            return (p.idea[queued], submitted)
        if self.policy == "value":
            to_go = np.cumsum(prices[::-1])[::-1]  # compute from rung k to the top
            per_compute = (np.maximum(p.mean[queued], 0.0) * p.scale[queued]
                           / to_go[p.rung[queued]])
            return (submitted, -per_compute)
        # fair: a request's virtual start time is its claimant's recent use plus its earlier
        # queued requests, per share; the least-served claimant's oldest request goes first.
        self._grow_history()
        start = fair_starts(queued, p.owner, p.submitted, p.rung, p.weight, prices,
                            self._history, self.shares() if shares is None else shares)
        return (submitted, start)

    def _split(self, i: int, fits: float) -> None:
        """Run ``fits`` of row i's ideas now; the rest stay queued as a row of their own."""
        p = self.model.cycle.pipes
        rest = p.take(np.array([i]))
        rest["weight"] = rest["weight"] - fits
        rest["key"] = np.array([split_key(int(p.key[i]))])
        p.weight[i] = fits
        p.append(**rest)


