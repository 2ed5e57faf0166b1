"""Ideas in flight: implement, wait for compute, run, interpret, then promote, drop or merge.

An idea climbs a ladder of experiment scales (podcast [04:15-04:27], [05:15-06:07]). At each rung
the researcher sets the experiment up, waits in the lab's queue for compute, waits for the run,
then reads the result (which takes time, [04:27-04:50]) and decides. A result at scale ``s`` shows
the idea's frontier effect with correlation ``rho = exp(-gap / transfer_decades)`` (gap in decades
between ``s`` and the frontier) plus a small-scale quirk the frontier never sees, so an idea can
help small and hurt big. Researchers read each result as an independent noisy signal of the
frontier effect; they do not know that the quirk repeats from rung to rung, which is how
small-scale research can walk away from the frontier without big runs to correct it.

All ideas in flight live in one :class:`PipelineTable`: a row per idea (or, for a large AI cohort,
per group of ``weight`` identical-in-distribution ideas, so millions of copies cost rows in the
thousands).
"""

from __future__ import annotations

import numpy as np

from model.duplication import distinct_shares
from model.ideas import IdeaQuality
from model.kernels import abandon_stale, read_results, spend_time, work_rates

IMPLEMENT, QUEUED, RUNNING, INTERPRET = 0, 1, 2, 3
RHO_FLOOR = 1e-150  # no transfer across scale at all, yet rho**2 is still a normal float
VAR_FLOOR = 1e-12  # of the prior variance: a belief never sharper than a millionth of its sd
INT_FIELDS = ("owner", "parent", "rung", "state", "idea")
FLOAT_FIELDS = ("weight", "distinct", "z", "q", "scale", "work_left", "run_left", "mean", "var",
                "obs", "submitted", "draw")


class PipelineTable:
    """Struct of arrays, one entry per idea (group) in flight.

    Each field is a 1-D array (``table.weight``), a view of one row of two preallocated blocks
    (integer and float fields), so adding and dropping rows moves every field at once. A field
    read before ``append`` or ``keep`` does not follow them: read fields afresh. Rows of ideas
    that finished (dropped, merged or abandoned) have ``state`` -1 until the table drops them.
    """

    def __init__(self):
        self._n = 0
        self._int = np.zeros((len(INT_FIELDS), 64), dtype=np.int64)
        self._float = np.zeros((len(FLOAT_FIELDS), 64))
        self._refresh()

    def __len__(self) -> int:
        return self._n

    def _refresh(self) -> None:
        """Point every field at its row of the blocks, ``len(self)`` entries long."""
        n, d = self._n, self.__dict__
        for i, f in enumerate(INT_FIELDS):
            d[f] = self._int[i, :n]
        for i, f in enumerate(FLOAT_FIELDS):
            d[f] = self._float[i, :n]

    def __setattr__(self, name: str, value) -> None:
        slot = _SLOT.get(name)
        if slot is None:
            object.__setattr__(self, name, value)
        else:  # ``table.scale *= x`` and the like write into the block
            getattr(self, slot[0])[slot[1], :self._n] = value

    def append(self, **cols: np.ndarray) -> None:
        """Add rows; fields not given start at zero."""
        m = len(next(iter(cols.values())))
        n = self._n
        if n + m > self._int.shape[1]:
            size = max(2 * self._int.shape[1], n + m)
            for block in ("_int", "_float"):
                old = getattr(self, block)
                grown = np.zeros((old.shape[0], size), dtype=old.dtype)
                grown[:, :n] = old[:, :n]
                object.__setattr__(self, block, grown)
        ints, floats = self._int, self._float
        ints[:, n:n + m] = 0
        floats[:, n:n + m] = 0.0
        for f, values in cols.items():
            block, i = _SLOT[f]
            (ints if block == "_int" else floats)[i, n:n + m] = values
        self._n = n + m
        self._refresh()

    def keep(self, mask: np.ndarray) -> None:
        """Drop the rows where ``mask`` is False."""
        kept = mask.nonzero()[0]
        k, n = kept.size, self._n
        if k == n:
            return
        self._int[:, :k] = self._int[:, :n].take(kept, axis=1)
        self._float[:, :k] = self._float[:, :n].take(kept, axis=1)
        self._n = k
        self._refresh()

    def take(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Copy of the given rows as a dict of arrays."""
        index = np.flatnonzero(index) if index.dtype == bool else index
        ints = self._int[:, :self._n].take(index, axis=1)
        floats = self._float[:, :self._n].take(index, axis=1)
        out = {f: ints[i] for i, f in enumerate(INT_FIELDS)}
        out.update({f: floats[i] for i, f in enumerate(FLOAT_FIELDS)})
        return out


_SLOT = {f: ("_int", i) for i, f in enumerate(INT_FIELDS)}
_SLOT.update({f: ("_float", i) for i, f in enumerate(FLOAT_FIELDS)})


class ResearchCycle:
    """The per-idea research loop, run over every pipeline at once.

    Args:
        model: The model (for its settings, workforce, rng and counters).

    """

    def __init__(self, model):
        s = model.settings
        e = s.experiments
        self.model = model
        self.quality = IdeaQuality.from_settings(s)
        self.sd = self.quality.sd
        self.prior_mean, self.prior_var = self.quality.mean, self.quality.var
        self.scales = np.array(e.scales)
        self.rungs = len(self.scales)
        # Floored so that it never underflows to 0: results are read as signal / rho, and with
        # experiments.transfer_decades near its lower bound exp(-gap / this) is below 1e-308.
        self.rho = np.maximum(np.exp(-np.log10(1.0 / self.scales) / e.transfer_decades),
                              RHO_FLOOR)
        self.implement = np.array(e.implement_weeks)
        self.interpret = np.array(e.interpret_weeks)
        self.run_noise = e.noise
        self._sd2, self._run_noise2 = self.sd**2, self.run_noise**2
        self.reading_noise = e.reading_noise
        self.threshold = s.ideas.promote_threshold
        self.shelf_life = s.ideas.shelf_life_weeks
        self.dup_pool = s.ideas.duplication_pool
        self.dup_exponent = s.ideas.duplication_exponent
        self.pipes = PipelineTable()
        self.next_idea = 0

    # --- choosing what to test ----------------------------------------------------------------
    def open(self) -> None:
        """Researchers with free slots start their best backlog ideas worth testing."""
        m, wf, pipes = self.model, self.model.workforce, self.pipes
        n_rows = len(wf.kind)
        in_flight = np.bincount(pipes.owner[pipes.state >= 0], minlength=n_rows)
        wanted = np.maximum(wf.rows_cap - in_flight, 0)
        noise = wf.noise * self.sd
        # Test only ideas whose posterior mean clears the bar: "ruthless prioritization" [07:07].
        gain = self.prior_var / (self.prior_var + noise**2)
        min_est = self.prior_mean + (self.threshold - self.prior_mean) / gain
        got = wf.backlog.take(wanted, min_est)
        n = len(got["row"])
        if n == 0:
            return
        order = m.rng.permutation(n)
        got = {k: v[order] for k, v in got.items()}
        owner = got["row"]
        weight = got["block"]
        g = gain[owner]
        self.pipes.append(
            owner=owner, parent=got["parent"], state=IMPLEMENT,
            idea=np.arange(self.next_idea, self.next_idea + n), weight=weight, distinct=1.0,
            z=got["z"], q=got["q"], scale=got["scale"], work_left=self.implement[0],
            mean=self.prior_mean + g * (got["est"] - self.prior_mean),
            # Floored: a taste noise far below the spread of effects (an AI whose taste grew by
            # orders of magnitude) rounds the gain to 1, and a zero variance divides later.
            var=np.maximum(self.prior_var * (1.0 - g), self.prior_var * VAR_FLOOR),
            submitted=float(m.week))
        self.next_idea += n
        m.counts["started"] += float(weight.sum())

    # --- researcher time ----------------------------------------------------------------------
    def work(self, budget: np.ndarray) -> None:
        """Spend each pipeline's share of its researcher's time: interpret, decide, implement.

        Args:
            budget: Weeks of wall-clock time each pipeline has left this week.

        """
        wf, p = self.model.workforce, self.pipes
        # A researcher splits its time over the ideas it is working on; a cohort gives each idea
        # at most one copy's time.
        interpreting, implementing = work_rates(
            p.state, p.owner, p.weight, wf.speed, wf.copies, wf.interpret_boost,
            wf.implement_boost, INTERPRET, IMPLEMENT)
        budget = budget.copy()
        self._spend(INTERPRET, budget, interpreting)
        self._spend(IMPLEMENT, budget, implementing)

    def _spend(self, state: int, budget: np.ndarray, rate_by_owner: np.ndarray) -> None:
        p = self.pipes
        fin = spend_time(p.state, p.owner, p.work_left, budget, rate_by_owner, state)
        if fin.size == 0:
            return
        if state == IMPLEMENT:
            p.state[fin] = QUEUED
            p.submitted[fin] = float(self.model.week)
        else:
            self._decide(fin, budget)

    def _decide(self, idx: np.ndarray, budget: np.ndarray) -> None:
        """Read results, update beliefs, and promote, drop or merge (``kernels.read_results``)."""
        m, wf, p = self.model, self.model.workforce, self.pipes
        if idx.size == 0:
            return
        normal = m.rng.standard_normal(idx.size)
        w = p.weight[idx]
        m.cycle_log.append((float(np.sum(w * (m.week + 1 - p.submitted[idx]))), float(w.sum())))
        promote, merge = read_results(
            idx, normal, p.rung, p.owner, p.obs, p.mean, p.var, p.weight, p.state, p.work_left,
            budget, wf.skill, self.rho, self.implement, self._sd2, self._run_noise2,
            self.reading_noise, self.threshold, m.counts["tested"], IMPLEMENT)
        m.counts["promoted"] += float(p.weight[promote].sum())
        if merge.size:
            self._settle_duplicates(merge)
            m.frontier.merge(p.take(merge))
            p.state[merge] = -1
            budget[merge] = 0.0

    def _settle_duplicates(self, idx: np.ndarray) -> None:
        """Settle duplicates: an idea someone else merged this epoch counts once.

        Researchers who drew the same idea both carried it up the ladder; it counts once. A
        single idea is a duplicate or not; a group of ``weight`` ideas keeps the share that is new.
        """
        m, p = self.model, self.pipes
        w = p.weight[idx]
        share = distinct_shares(m.epoch_draws, w, self.dup_pool, self.dup_exponent)
        m.epoch_draws += float(w.sum())
        p.distinct[idx] = np.where(w <= 1.0, m.rng.random(idx.size) < share, share)

    # --- experiments finishing ----------------------------------------------------------------
    def results(self, idx: np.ndarray) -> None:
        """Experiments that finished: record what they show at their scale."""
        p = self.pipes
        rho = self.rho[p.rung[idx]]
        p.obs[idx] = (rho * p.z[idx] + np.sqrt(1 - rho**2) * p.q[idx]
                      + self.run_noise * self.model.rng.standard_normal(idx.size))
        p.state[idx] = INTERPRET
        p.work_left[idx] = self.interpret[p.rung[idx]]

    def sweep(self) -> None:
        """Forget finished rows (dropped or merged) and abandon requests that waited too long.

        An idea that has waited for compute past its shelf life is about a recipe the lab has
        moved on from; its researcher gives up on it and frees the slot for a better one.
        """
        p = self.pipes
        stale, dead = abandon_stale(p.state, p.submitted, self.model.week, self.shelf_life,
                                    QUEUED)
        if stale.size:
            self.model.counts["abandoned"] += float(p.weight[stale].sum())
        # Finished rows are dropped once they are a quarter of the table: moving every field of
        # every row each week cost more than the rest of the week in a lab of 10,000. Until
        # then they sit inert (state -1), and no phase reads a row by its position alone.
        if 4 * dead > len(p):
            p.keep(p.state >= 0)
