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

from model import streams
from model.duplication import distinct_shares
from model.ideas import IdeaQuality

IMPLEMENT, QUEUED, RUNNING, INTERPRET = 0, 1, 2, 3
INT_FIELDS = ("owner", "parent", "rung", "state", "idea", "key")
# Bold chance; then if bold and if ordinary, the mean effect and quirk and their covariance.
BELIEF = ("pb", "mzb", "mqb", "vzzb", "vzqb", "vqqb", "mzo", "mqo", "vzzo", "vzqo", "vqqo")
FLOAT_FIELDS = ("weight", "distinct", "z", "q", "scale", "work_left", "run_left", *BELIEF,
                "mean", "obs", "submitted", "draw", "nominal", "effort", "cost")


class PipelineTable:
    """Struct of arrays, one entry per idea (group) in flight.

    Each field is a 1-D array (``table.weight``), a view of one row of two preallocated blocks
    (integer and float fields), so adding and dropping rows moves every field at once. A field
    read before ``append`` or ``keep`` does not follow them: read fields afresh. Rows of ideas
    that finished (dropped or merged) have ``state`` -1 until the table drops them.
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

    def beliefs(self) -> np.ndarray:
        """The belief fields of every row as one (5, rows) view, for kernels to update."""
        first = FLOAT_FIELDS.index("pb")
        return self._float[first:first + len(BELIEF), :self._n]

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
    """The ladder every idea in flight climbs, and what its experiments show at each rung.

    What researchers do with their ideas (choose, work, read, engineer) is the agents'
    (``agents.researchers``); the cycle holds the ladder's constants and the table of ideas in
    flight, starts the ideas researchers chose, records what finished experiments show, settles
    duplicates and drops finished rows.

    Args:
        model: The model (for its settings, workforce, rng and counters).

    """

    def __init__(self, model):
        s = model.settings
        e = s.experiments
        self.model = model
        self.quality = q = IdeaQuality.from_settings(s)
        self.sd = q.sd
        # What every researcher knows of ideas before looking at one: the two classes.
        self.prior = (q.p_bold, q.mu_bold, q.sd_bold**2, q.mu_ord, q.sd_ord**2)
        self.scales = np.array(e.scales)
        self.rungs = len(self.scales)
        # (Kept above 1e-6: a result that tells nothing still has to be divided by.)
        self.rho = np.maximum(np.exp(-np.log10(1.0 / self.scales) / e.transfer_decades), 1e-6)
        self.results_mode = e.results
        if self.results_mode == "perfect":  # the ablation: a result shows the frontier effect
            self.rho = np.ones(self.rungs)
        self.implement = np.array(e.implement_weeks)
        self.interpret = np.array(e.interpret_weeks)
        perfect = self.results_mode == "perfect"
        self.run_noise = 0.0 if perfect else e.noise
        self.run_noise2 = self.run_noise**2
        self.reading_noise = 0.0 if perfect else e.reading_noise
        self.dup_pool = s.ideas.duplication_pool
        self.dup_exponent = s.ideas.duplication_exponent
        self.pipes = PipelineTable()
        self.next_idea = 0

    # --- ideas starting and finishing --------------------------------------------------------
    def start(self, got: dict[str, np.ndarray], belief: np.ndarray, mean: np.ndarray) -> None:
        """Ideas researchers chose to test enter the ladder at its first rung.

        Args:
            got: The chosen backlog entries (``IdeaBacklog.peek`` fields but ``slot``).
            belief: Their owners' beliefs (``BELIEF`` fields by row).
            mean: Their believed mean effects.

        """
        n = mean.size
        weight = got["block"]
        self.pipes.append(
            owner=got["row"], parent=got["parent"], state=IMPLEMENT, key=got["key"],
            idea=np.arange(self.next_idea, self.next_idea + n), weight=weight, distinct=1.0,
            z=got["z"], q=got["q"], scale=got["scale"], work_left=self.implement[0],
            mean=mean, submitted=float(self.model.week), **dict(zip(BELIEF, belief, strict=True)))
        self.next_idea += n
        self.model.counts["started"] += float(weight.sum())

    def settle_duplicates(self, idx: np.ndarray) -> None:
        """Settle duplicates: an idea someone else merged this epoch counts once.

        Researchers who drew the same idea both carried it up the ladder; it counts once. A
        single idea is a duplicate or not; a group of ``weight`` ideas keeps the share that is new.
        """
        m, p = self.model, self.pipes
        w = p.weight[idx]
        share = distinct_shares(m.epoch_draws, w, self.dup_pool, self.dup_exponent)
        m.epoch_draws += float(w.sum())
        u = streams.idea_uniforms(p.key[idx], streams.DUPLICATE, np.zeros(idx.size, np.int64))
        p.distinct[idx] = np.where(w <= 1.0, u < share, share)

    # --- experiments finishing ----------------------------------------------------------------
    def results(self, idx: np.ndarray) -> None:
        """Experiments that finished: record what they show at their scale.

        ``experiments.results`` is an ablation: ``uninformative`` results show an effect drawn
        afresh from the idea's class instead of its own (researchers read them as usual), and
        ``perfect`` ones show the frontier effect itself.
        """
        p = self.pipes
        rung = p.rung[idx]
        rho = self.rho[rung]
        z = p.z[idx]
        if self.results_mode == "perfect":
            p.obs[idx] = z
        else:
            if self.results_mode == "uninformative":
                z = self.quality.mean + self.sd * streams.idea_normals(p.key[idx], streams.FAKE,
                                                                       rung)
            noise = streams.idea_normals(p.key[idx], streams.RUN, rung)
            p.obs[idx] = rho * z + np.sqrt(1 - rho**2) * p.q[idx] + self.run_noise * noise
        p.state[idx] = INTERPRET
        p.work_left[idx] = self.interpret[rung]

    def sweep(self) -> None:
        """Forget finished rows (dropped or merged).

        Finished rows are dropped once they are a quarter of the table: moving every field of
        every row each week cost more than the rest of the week in a lab of 10,000. Until then
        they sit inert (state -1), and no phase reads a row by its position alone.
        """
        p = self.pipes
        if 4 * int(np.count_nonzero(p.state < 0)) > len(p):
            p.keep(p.state >= 0)
