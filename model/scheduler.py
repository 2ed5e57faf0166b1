"""One shared experiment budget that every researcher, human or AI, competes for.

Requests are priced relative to the frontier (mechanism 4): a rung at scale ``s`` costs
``s * F * S^-(1 - coupling)`` H100e-weeks, where ``F`` is the physical compute of the frontier run
in training and ``S`` software efficiency. At coupling 1 software progress never makes research
cheaper (the compute-bottleneck view); at 0 experiments need fixed effective compute (the
software-only-explosion view). Researcher labour buys some of it back: a request's price falls
with the engineering its researcher put into it while it waited
(``experiments.labour_substitution``, mechanism 11).

An experiment's compute is spread over its wall-clock weeks. Each week the scheduler first tops
up experiments running below their full rate, then walks the queue in the order of its policy,
granting every request that fits and skipping those that do not (backfill). A large AI group
request that does not fit is split and the part that fits runs. Whatever compute is left goes
to the head of the line, the first request that got nothing, which starts on it and speeds up as
compute frees: no compute idles while a request waits, and no rung starves behind cheaper ones,
however large the frontier (and so the top rung) grows.

Policies (``policy.scheduler``):

- ``track_record`` (the default): each claimant (a researcher) has a share of the budget, and the
  least-served claimant by recent use per share goes first. The lab learns from every frontier
  run what each claimant's ideas were worth per unit of compute (revealed gain in ln S over
  compute used, both remembered with a half-life of ``policy.memory_weeks``, and shrunk toward
  the lab's average) and moves shares toward the claimants whose ideas pay off: a share is
  multiplied by (its value per compute over the lab's)^``policy.track_record_rate``. Automated
  AI researchers start with ``policy.newcomer_share`` of the budget between them and no claimant
  falls below ``policy.exploration`` of its starting share, so a newcomer can prove itself.
- ``fair``: fixed shares, one per human and one per ``ai.copies_per_share`` autonomous copies.
- ``value``: expected gain per compute still needed to reach the top of the ladder.
- ``fifo``: the oldest request first.
"""

from __future__ import annotations

import numpy as np

from model.kernels import (
    fair_starts,
    order_and_walk,
    queue_now,
    start_partial,
    start_runs,
    tally_queue,
    top_up,
    walkable_requests,
)
from model.pipelines import QUEUED, RUNNING
from model.streams import split_key

REACH = 256  # requests ordered at least, ahead of the walk
SHARE_POLICIES = ("track_record", "fair")


class ExperimentScheduler:
    """Allots the week's experiment compute to queued requests.

    Args:
        model: The model.

    """

    def __init__(self, model):
        s = model.settings
        self.model = model
        self.policy = s.policy.scheduler
        self.run_weeks = np.array(s.experiments.run_weeks)
        self.scales = np.array(s.experiments.scales)
        self.coupling = s.experiments.frontier_coupling
        self.interval = s.frontier.interval_weeks
        self.substitution = s.experiments.labour_substitution
        self.base_effort = np.maximum(np.array(s.experiments.implement_weeks), 0.05)
        self.used = self.offered = 0.0
        # Fair share remembers: compute a team used decays with a half-life of a frontier interval.
        self.decay = 0.5 ** (1.0 / max(self.interval, 1))
        # The track record remembers value and compute with a half-life of policy.memory_weeks.
        p = s.policy
        self.memory = 0.5 ** (1.0 / p.memory_weeks)
        self.rate, self.prior = p.track_record_rate, p.track_record_prior
        self.newcomer, self.exploration = p.newcomer_share, p.exploration
        self._history = np.zeros(0)
        self.spent = np.zeros(0)  # compute each claimant used (decayed)
        self.value = np.zeros(0)  # ln S its revealed ideas gained (decayed)
        self.share = np.zeros(0)  # track record: each claimant's share of the budget
        self._start = np.zeros(0)  # the share each claimant started with
        self._learned = None  # week of the last frontier run learned from
        self.copies_per_share = s.ai.copies_per_share
        self.reach = REACH  # how far ahead to order the queue; follows how far the walk goes

    def prices(self) -> np.ndarray:
        """Physical compute (H100e-weeks) of one experiment at each rung this week."""
        m = self.model
        frontier = max(m.compute.shares[2], 0.01) * m.compute.total * self.interval
        ln_s = 0.0 if m.in_history else m.ln_s  # the history runs at week-0 prices
        return self.scales * frontier * np.exp(-(1.0 - self.coupling) * ln_s)

    def discount(self, rows: np.ndarray) -> np.ndarray:
        """What engineering has cut each request's compute to: (1 + effort / base)^-substitution.

        ``effort`` is the researcher-weeks put into the request while it waited, per idea;
        ``base`` the rung's implementation time. At substitution 0 labour buys no compute
        (complements); at 1, doubling the effort halves the compute.
        """
        p = self.model.cycle.pipes
        if self.substitution == 0.0 or rows.size == 0:
            return np.ones(rows.size)
        per_idea = p.effort[rows] / (p.weight[rows] * self.base_effort[p.rung[rows]])
        return (1.0 + per_idea) ** -self.substitution

    def allocate(self) -> None:
        """Grant queued requests this week's free experiment compute."""
        m, p = self.model, self.model.cycle.pipes
        budget = m.compute.experiments
        prices = self.prices()
        drawn, queued = queue_now(p.state, p.draw, RUNNING, QUEUED)
        free = top_up(p.state, p.draw, p.nominal, p.run_left, budget - float(np.sum(drawn)),
                      RUNNING)
        granted = np.empty(0, dtype=np.int64)
        self._grow()
        if queued.size and free > 0:
            claim, shares = 0.0, np.empty(0)  # no shares
            if self.policy in SHARE_POLICIES:
                shares = self.shares()
                # Claimants with a request queued, in row order (as np.unique lists them).
                claim = float(shares[np.bincount(p.owner[queued], minlength=shares.size) > 0]
                              .sum())
            discount = self.discount(queued)
            unit, want, group, quantum = walkable_requests(
                queued, p.rung, p.weight, p.owner, prices, discount, self.run_weeks, budget,
                shares, claim)
            keys = self._keys(queued, prices, shares)
            at, split, walked, free, head = order_and_walk(*keys, unit, want, group, quantum,
                                                           free, self.reach)
            # Order next week about twice as far as this week's walk went.
            self.reach = max(REACH, 2 * walked)
            granted = queued[at]
            for k in np.flatnonzero(split).tolist():
                self._split(int(granted[k]), float(split[k]))
            start_runs(granted, p.rung, p.weight, p.draw, p.nominal, p.run_left, p.state, prices,
                       discount[at], self.run_weeks, budget, RUNNING)
            if head >= 0 and free > 1e-9 * budget:
                i = int(queued[head])
                if p.weight[i] > 1.0:  # a group: one of its ideas goes first
                    self._split(i, 1.0)
                start_partial(i, p.rung, p.weight, p.draw, p.nominal, p.run_left, p.state,
                              prices, float(discount[head]), self.run_weeks, free, RUNNING)
                granted = np.append(granted, i)
        drawn, wanted = tally_queue(p.state, p.draw, p.owner, p.rung, p.weight, prices,
                                    self.run_weeks, self._history, self.decay, self.spent,
                                    self.memory, RUNNING, QUEUED)
        self.used, self.offered = float(drawn.sum()), budget
        m.compute.record(min(self.used, budget), budget, float(np.sum(wanted)))
        m.counts["experiment_compute"] += float(np.sum(p.draw[granted]))

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

    # --- claimants and their shares ---------------------------------------------------------
    def _grow(self) -> None:
        """Make room in the books for researchers hired (or AI cohorts created) since."""
        wf = self.model.workforce
        n = len(wf.kind)
        old = self._history.size
        if old >= n:
            return
        pad = np.zeros(n - old)
        self._history = np.concatenate([self._history, pad])
        self.spent = np.concatenate([self.spent, pad])
        self.value = np.concatenate([self.value, pad])
        human = wf.kind == 0
        start = np.empty(n)
        n_humans, n_ai = int(human.sum()), int((~human).sum())
        ai_share = self.newcomer if n_ai else 0.0
        start[human] = (1.0 - ai_share) / max(n_humans, 1)
        start[~human] = ai_share / max(n_ai, 1)
        if old == 0:
            self.share = start.copy()
        else:  # a hire joins with the mean share of the humans already here
            mean_human = float(np.mean(self.share[human[:old]])) if human[:old].any() else 0.0
            new = np.where(human[old:], mean_human, start[old:])
            self.share = np.concatenate([self.share, new])
            self.share /= self.share.sum()
        self._start = start

    def waits(self) -> np.ndarray:
        """Weeks each claimant's waiting requests would take at its share of the budget.

        A researcher does not start new ideas while this is long: compute it cannot get soon
        is better spent on the ideas it already has (``ResearchCycle.open``).
        """
        m, p = self.model, self.model.cycle.pipes
        self._grow()
        n = len(m.workforce.kind)
        queued = np.flatnonzero(p.state == QUEUED)
        prices = self.prices()
        demand = np.bincount(p.owner[queued], minlength=n,
                             weights=prices[p.rung[queued]] * p.weight[queued]
                             * self.discount(queued))
        return demand / np.maximum(self.entitlement() * m.compute.experiments, 1e-300)

    def entitlement(self) -> np.ndarray:
        """Each claimant's share of the budget, summing to 1 (equal where there are no shares)."""
        self._grow()
        n = len(self.model.workforce.kind)
        if self.policy not in SHARE_POLICIES:
            return np.full(n, 1.0 / n)
        share = self.shares()
        return share / max(share.sum(), 1e-300)

    def shares(self) -> np.ndarray:
        """Each claimant's share: its track record's, or fair (see the module docstring)."""
        wf = self.model.workforce
        if self.policy == "track_record":
            return self.share
        return np.where(wf.kind == 0, 1.0, np.maximum(wf.copies / self.copies_per_share, 1e-9))

    def learn(self, owner: np.ndarray, gain: np.ndarray) -> None:
        """A frontier run revealed what these ideas gained (ln S); move shares toward worth.

        Each claimant's value per compute is its revealed gain over the compute it used, both
        remembered with a half-life, shrunk toward the lab's average by a prior of
        ``policy.track_record_prior`` typical claimants' compute.
        """
        self._grow()
        week = self.model.week
        if self._learned is not None:  # value is remembered as compute is
            self.value *= self.memory ** (week - self._learned)
        self._learned = week
        np.add.at(self.value, owner, gain)
        if self.policy != "track_record" or self.rate == 0.0:
            return
        total_value, total_spent = float(self.value.sum()), float(self.spent.sum())
        if total_value <= 0.0 or total_spent <= 0.0:
            return  # nothing has paid off yet: no one to favour
        average = total_value / total_spent
        typical = total_spent / max(np.count_nonzero(self.spent), 1)
        prior = self.prior * typical
        worth = (self.value + prior * average) / (self.spent + prior) / average
        share = self.share * np.maximum(worth, 0.0) ** self.rate
        share = np.maximum(share / max(share.sum(), 1e-300), self.exploration * self._start)
        self.share = share / share.sum()

    def _keys(self, queued: np.ndarray, prices: np.ndarray, shares: np.ndarray) -> tuple:
        """Sort keys of the queued requests under the policy, least significant first."""
        p = self.model.cycle.pipes
        submitted = p.submitted[queued]
        if self.policy == "fifo":
            return (p.idea[queued], submitted)
        if self.policy == "value":
            to_go = np.cumsum(prices[::-1])[::-1]  # compute from rung k to the top
            per_compute = (np.maximum(p.mean[queued], 0.0) * p.scale[queued]
                           / to_go[p.rung[queued]])
            return (submitted, -per_compute)
        # Shares: a request's virtual start time is its claimant's recent use plus its earlier
        # queued requests, per share; the least-served claimant's oldest request goes first.
        start = fair_starts(queued, p.owner, p.submitted, p.rung, p.weight, prices,
                            self._history, shares)
        return (submitted, start)

    def _split(self, i: int, fits: float) -> None:
        """Run ``fits`` of row i's ideas now; the rest stay queued as a row of their own."""
        p = self.model.cycle.pipes
        rest = p.take(np.array([i]))
        rest["weight"] = rest["weight"] - fits
        rest["effort"] = rest["effort"] * rest["weight"] / p.weight[i]
        rest["key"] = np.array([split_key(int(p.key[i]))])
        p.effort[i] *= fits / p.weight[i]
        p.weight[i] = fits
        p.append(**rest)
