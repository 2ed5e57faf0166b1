"""One shared experiment budget that every researcher, human or AI, competes for.

Requests are priced relative to the frontier (mechanism 4): a rung at scale ``s`` costs
``s * F * S^-(1 - coupling)`` H100e-weeks, where ``F`` is the physical compute of a frontier run
(a quarter's training compute, ``FRONTIER_WEEKS``, whatever the cadence: rarer runs reveal the
truth less often, they do not make the ladder dearer) and ``S`` software efficiency. At coupling
1 software progress never makes research cheaper (the compute-bottleneck view); at 0
experiments need fixed effective compute (the software-only-explosion view). Researcher labour
buys some of it back: a request's price falls with the engineering its researcher put into it
while it waited (``experiments.labour_substitution``, mechanism 11).

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
  run what ideas were worth per unit of compute (revealed gain in ln S over the compute used by
  ideas that have ended, dropped or merged, both remembered with a half-life of
  ``policy.memory_weeks``, shrunk toward the lab's average; compute still in flight has not had
  its chance to pay off, so a newcomer is not judged on ideas it has not finished):
  the AI researchers, judged together, start with ``policy.newcomer_share`` of the budget and
  see it multiplied at every run by their worth over the humans'; humans split the rest by their
  own worth (``ExperimentScheduler.learn``). No one falls below ``policy.exploration`` of where
  it started, so a newcomer can prove itself.
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
FRONTIER_WEEKS = 13  # the ladder's scales are fractions of a quarter's training compute
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
        self.waiting = 0.0  # requests (ideas) still queued once the week's compute is given out
        self.longest_wait = np.zeros(len(self.scales))  # longest wait of a request, per rung
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
        self._human_weight = np.zeros(0)  # track record: each human's merit (share among humans)
        self.ai_share = 0.0  # track record: the AI researchers' share, between them
        self._learned = None  # week of the last frontier run learned from
        self.copies_per_share = s.ai.copies_per_share
        self.reach = REACH  # how far ahead to order the queue; follows how far the walk goes

    def prices(self) -> np.ndarray:
        """Physical compute (H100e-weeks) of one experiment at each rung this week."""
        m = self.model
        frontier = max(m.compute.shares[2], 0.01) * m.compute.total * FRONTIER_WEEKS
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
        # A first walk within each claimant's share; compute still free then goes to whoever
        # waits, share or no share (work-conserving), and what is left to the head of the line.
        head = -1
        for capped in (True, False):
            if free <= 1e-9 * budget:
                break
            _, queued = queue_now(p.state, p.draw, RUNNING, QUEUED)
            if queued.size == 0:
                break
            walked, free, head = self._walk(queued, prices, budget, free, capped)
            granted = np.concatenate([granted, walked])
        if head >= 0 and free > 1e-9 * budget:
            if p.weight[head] > 1.0:  # a group: one of its ideas goes first
                self._split(head, 1.0)
            start_partial(head, p.rung, p.weight, p.draw, p.nominal, p.run_left, p.state,
                          prices, float(self.discount(np.array([head]))[0]), self.run_weeks,
                          free, RUNNING)
            granted = np.append(granted, head)
        if granted.size:
            waited = m.week - p.submitted[granted]
            np.maximum.at(self.longest_wait, p.rung[granted], waited)
        drawn, wanted = tally_queue(p.state, p.draw, p.owner, p.rung, p.weight, prices,
                                    self.run_weeks, self._history, self.decay, self.spent,
                                    p.cost, self.memory, RUNNING, QUEUED)
        self.used, self.offered = float(drawn.sum()), budget
        self.waiting = float(np.sum(p.weight[p.state == QUEUED]))
        m.compute.record(min(self.used, budget), budget, float(np.sum(wanted)))
        m.counts["experiment_compute"] += float(np.sum(p.draw[granted]))

    def _walk(self, queued: np.ndarray, prices: np.ndarray, budget: float, free: float,
              capped: bool) -> tuple[np.ndarray, float, int]:
        """Walk ``queued`` in policy order and start what fits.

        Groups run only within their claimant's share of the budget if ``capped``.

        Returns:
            The rows started, the compute left, and the head of the line's row (-1: none).

        """
        p = self.model.cycle.pipes
        claim, shares = 0.0, np.empty(0)  # no shares
        if self.policy in SHARE_POLICIES:
            shares = self.shares()
            if capped:  # claimants with a request queued, in row order
                claim = float(shares[np.bincount(p.owner[queued], minlength=shares.size) > 0]
                              .sum())
        discount = self.discount(queued)
        unit, want, group, quantum = walkable_requests(
            queued, p.rung, p.weight, p.owner, prices, discount, self.run_weeks, budget,
            shares, claim)
        keys = self._keys(queued, prices, shares)
        at, split, walked, free, head = order_and_walk(*keys, unit, want, group, quantum, free,
                                                       self.reach)
        if capped:  # order next week about twice as far as this week's walk went
            self.reach = max(REACH, 2 * walked)
        granted = queued[at]
        for k in np.flatnonzero(split).tolist():
            self._split(int(granted[k]), float(split[k]))
        start_runs(granted, p.rung, p.weight, p.draw, p.nominal, p.run_left, p.state, prices,
                   discount[at], self.run_weeks, budget, RUNNING)
        return granted, free, int(queued[head]) if head >= 0 else -1

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
        if old == 0:
            self.ai_share = self.newcomer if bool((wf.kind != 0).any()) else 0.0
        self._human_weight = np.concatenate([self._human_weight, np.ones(n - old)])
        self._set_shares()

    def _set_shares(self) -> None:
        """Claimants' shares from the AI's share and the humans' merit weights."""
        human = self.model.workforce.kind == 0
        n_ai = int((~human).sum())
        share = np.empty(human.size)
        weight = self._human_weight[human]
        share[human] = (1.0 - self.ai_share) * weight / max(weight.sum(), 1e-300)
        share[~human] = self.ai_share / max(n_ai, 1)
        self.share = share

    def waits(self) -> np.ndarray:
        """Weeks each claimant's waiting requests would take at its share of the budget.

        A researcher does not start new ideas while this is long: compute it cannot get soon
        is better spent on the ideas it already has (``Researcher.shortlist``).
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

        Worth is value per compute (revealed gain over the compute used by ideas that have
        ended, both remembered with a half-life) over the lab's, shrunk toward 1 by a prior of
        ``policy.track_record_prior`` typical humans' compute. The AI researchers, alike in all
        but their luck, are judged together: their share of the budget is multiplied by their
        worth over the humans' (^``policy.track_record_rate``) at every run, so it grows while
        their ideas pay off better and settles where they pay off alike. Humans split the rest
        by their own worth (^rate), not compounded run after run, so one lucky idea does not
        hand a human the lab.
        Nobody falls below ``policy.exploration`` of where it started.
        """
        self._grow()
        week = self.model.week
        if self._learned is not None:  # value is remembered as compute is
            self.value *= self.memory ** (week - self._learned)
        self._learned = week
        np.add.at(self.value, owner, gain)
        if self.policy != "track_record" or self.rate == 0.0:
            return
        human = self.model.workforce.kind == 0
        # Judged on ideas that have ended: compute still in flight has not had its chance to
        # pay off (a newcomer's first ideas are all in flight at its first run).
        p = self.model.cycle.pipes
        live = p.state >= 0
        spent = np.maximum(self.spent - np.bincount(p.owner[live], weights=p.cost[live],
                                                    minlength=self.spent.size), 0.0)
        total_value, total_spent = float(self.value.sum()), float(spent.sum())
        if total_value <= 0.0 or total_spent <= 0.0 or not human.any():
            return  # nothing has paid off yet: no one to favour
        average = total_value / total_spent
        prior = self.prior * float(spent[human].sum()) / max(int(human.sum()), 1)

        def worth(value: np.ndarray, spent: np.ndarray) -> np.ndarray:
            # Nothing spent and no prior (the humans spent nothing yet): no evidence, average.
            seen = spent + prior
            out = np.ones_like(value, dtype=float)
            np.divide(value + prior * average, seen, out=out, where=seen > 0.0)
            np.divide(out, average, out=out, where=seen > 0.0)
            return np.maximum(out, 0.0)

        if (~human).any():
            ai = worth(np.array([self.value[~human].sum()]), np.array([spent[~human].sum()]))
            humans = worth(np.array([self.value[human].sum()]), np.array([spent[human].sum()]))
            up = self.ai_share * float(ai[0]) ** self.rate
            self.ai_share = up / max(up + (1.0 - self.ai_share) * float(humans[0]) ** self.rate,
                                     1e-300)
            self.ai_share = min(max(self.ai_share, self.exploration * self.newcomer), 1.0 - 1e-9)
        merit = worth(self.value[human], spent[human]) ** self.rate
        self._human_weight[human] = np.maximum(merit / max(merit.mean(), 1e-300),
                                               self.exploration)
        self._set_shares()

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
        rest["cost"] = rest["cost"] * rest["weight"] / p.weight[i]
        rest["key"] = np.array([split_key(p.key[i])])
        p.effort[i] *= fits / p.weight[i]
        p.cost[i] *= fits / p.weight[i]
        p.weight[i] = fits
        p.append(**rest)
