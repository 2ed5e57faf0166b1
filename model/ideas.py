"""Ideas are cheap; choosing is hard (podcast [04:33-05:08]).

Every idea has a hidden frontier effect ``z``, in effect units (multiply by the effect scale ``a``
to get its change in ln S). Most ideas are ordinary, useless or harmful; a few are bold: large
effects at scale, of either sign.
A researcher sees only ``z`` plus noise: the noise is its taste. It keeps a backlog of its best
estimates and tests only the top of it.

A researcher who thinks of G ideas in a week keeps only its best few, so the backlog draws the top
order statistics of G estimates directly (exact for any G; ``model/idea_draws.py``): an AI cohort
of a million copies costs the same as one human here, and better choosing from more ideas shows up
as the order statistic of a noisy estimate, with its winner's curse. A cohort whose pipelines each
stand for ``s`` ideas keeps its backlog in blocks of ``s`` consecutive ranks, each represented by
the order statistic in its middle: the cohort's second-best block is ranks s..2s, not s more copies
of its best idea.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter

import numpy as np

from model.idea_draws import EMPTY, IdeaQuality
from model.kernels import (
    forget_stale,
    mark_held,
    merge_backlogs,
    peek_best,
    remove_entries,
    renumber,
)

__all__ = ["EMPTY", "IdeaBacklog", "IdeaQuality"]
ID = np.int32  # an idea's entry in a backlog's pool


class _Shelf:
    """The backlogs of the rows that keep the same number of ideas, as arrays.

    ``est`` holds each row's estimates best first, ``ids`` where each idea's other fields live in
    the backlog's pool. Ideas taken since the row last changed leave ``EMPTY`` at its front
    (``head`` of them): only estimates move when a row is re-sorted, never the ideas' fields.
    """

    __slots__ = ("width", "rows", "est", "ids", "head")

    def __init__(self, width: int):
        self.width = width
        self.rows = np.empty(0, dtype=np.int64)  # the backlog's row numbers, ascending
        self.est = np.empty((0, width))
        self.ids = np.zeros((0, width), dtype=ID)
        self.head = np.empty(0, dtype=np.int64)

    def add(self, rows: np.ndarray) -> None:
        """Empty backlogs for the given rows of the table."""
        n = rows.size
        self.rows = np.concatenate([self.rows, rows])
        self.est = np.vstack([self.est, np.full((n, self.width), EMPTY)])
        self.ids = np.vstack([self.ids, np.zeros((n, self.width), dtype=ID)])
        self.head = np.concatenate([self.head, np.zeros(n, dtype=np.int64)])


class IdeaBacklog:
    """Each researcher's backlog of untested ideas, best estimate first, as model-level arrays.

    Row i belongs to researcher i; column j is its j-th best idea. ``est`` is the researcher's noisy
    estimate, ``z`` the hidden frontier effect, ``q`` the small-scale quirk (an effect that shows in
    small experiments and not at the frontier), ``scale`` the effect scale when the idea was born,
    ``parent`` the merged idea it varies (-1 for a fresh one), ``born`` the week it was thought of,
    ``block`` how many ideas of consecutive rank the entry stands for, ``key`` its random stream
    (``model.streams``: what its experiments will show is drawn from it).
    Ideas go stale: they were ideas about a recipe that keeps moving.

    Rows that keep the same number of ideas share a shelf (humans 30, AI cohorts more), so a
    human's backlog never costs a cohort's width. Each week only estimates are sorted; the other
    fields of an idea stay where they were written, in a pool. Reading a field (``backlog.z``)
    builds its (rows, width) array, best first: for inspection, not for the weekly cycle.
    """

    FIELDS = ("est", "z", "q", "scale", "born", "block", "parent", "key")
    PAYLOAD = ("z", "q", "scale", "born", "block", "parent", "key")
    INTEGER = ("parent", "key")

    def __init__(self, width: int):
        self.width = width
        self.capacity = np.empty(0, dtype=np.int64)
        self._shelves: dict[int, _Shelf] = {}
        self._shelf = np.empty(0, dtype=np.int64)  # shelf (its width) of each row
        self._local = np.empty(0, dtype=np.int64)  # row within its shelf
        # Entry 0 of the pool stands for no idea; ideas are written from 1 on.
        self._pool = {f: np.zeros(1024, dtype=np.int64 if f in self.INTEGER else np.float64)
                      for f in self.PAYLOAD}
        self._pool["born"][0] = np.inf
        self._top = 1
        # Ideas enter the pool in the order they are born: (birth week, first entry) per week,
        # so "born before week w" is "entry below the first of week w", no lookup needed.
        self._births: list[tuple[float, int]] = []
        self._in_order = True

    def add_rows(self, capacity: np.ndarray) -> None:
        """Give new researchers empty backlogs holding up to ``capacity`` ideas each."""
        capacity = np.asarray(capacity, dtype=np.int64)
        start = self.capacity.size
        rows = np.arange(start, start + capacity.size)
        widths = np.minimum(capacity, self.width)
        local = np.empty(capacity.size, dtype=np.int64)
        for w in np.unique(widths).tolist():
            shelf = self._shelves.setdefault(w, _Shelf(w))
            mine = widths == w
            local[mine] = shelf.rows.size + np.arange(int(mine.sum()))
            shelf.add(rows[mine])
        self.capacity = np.concatenate([self.capacity, capacity])
        self._shelf = np.concatenate([self._shelf, widths])
        self._local = np.concatenate([self._local, local])

    def forget(self, week: int, shelf_life: float) -> np.ndarray:
        """Forget ideas older than ``shelf_life`` weeks; return which rows lost one.

        Ideas go stale: they were about a recipe that keeps moving.
        """
        stale_rows = np.zeros(self.capacity.size, dtype=bool)
        cutoff = week - shelf_life
        first_fresh = self._first_born_since(cutoff)
        for shelf in self._shelves.values():
            if not shelf.rows.size:
                continue
            if first_fresh is not None:
                forget_stale(shelf.est, shelf.ids, first_fresh, stale_rows, shelf.rows)
                continue
            stale = (shelf.est > EMPTY) & (self._pool["born"][shelf.ids] < cutoff)
            if stale.any():
                shelf.est[stale] = EMPTY
                stale_rows[shelf.rows] = stale.any(axis=1)
        return stale_rows

    def merge(self, rows: np.ndarray, new: dict[str, np.ndarray], scale: float,
              born: float) -> None:
        """Merge new entries into the given rows, keeping each row's best ``capacity``."""
        est = new["est"]
        if not est.shape[0]:
            return
        self._reserve(new["flat"].size)
        pool = tuple(self._pool[f] for f in ("z", "q", "block", "parent", "scale", "born", "key"))
        fields = (new["z"], new["q"], new["block"], new["row"], new["parent"], scale, born,
                  new["key"])
        shelf_of = self._shelf[rows]
        for w, shelf in self._shelves.items():
            pick = (np.flatnonzero(shelf_of == w) if len(self._shelves) > 1
                    else np.arange(rows.size))
            if pick.size == 0:
                continue
            kept = merge_backlogs(shelf.est, shelf.ids, shelf.head, self._local[rows[pick]],
                                  est, pick, self._top, pool, fields)
            if kept:
                self._allocate(kept, born)

    def _allocate(self, n: int, born: float) -> int:
        """The first of ``n`` pool entries for ideas born in week ``born`` (room reserved)."""
        if not self._births or self._births[-1][0] != born:
            self._in_order = self._in_order and (not self._births or born > self._births[-1][0])
            self._births.append((born, self._top))
        first = self._top
        self._top += n
        return first

    def _first_born_since(self, week: float) -> int | None:
        """First pool entry of an idea born in ``week`` or later (None: look birth weeks up)."""
        if not self._in_order:
            return None
        births = self._births
        i = bisect_left(births, week, key=itemgetter(0))
        del births[:i]  # ideas born before are forgotten now
        return births[0][1] if births else self._top

    def _reserve(self, n: int) -> None:
        """Make room for ``n`` more ideas in the pool."""
        size = self._pool["born"].size
        if self._top + n <= size:
            return
        # Full: keep only the ideas still in a backlog, renumbered in the same order.
        held = np.zeros(size, dtype=bool)
        for shelf in self._shelves.values():
            mark_held(shelf.est, shelf.ids, held)
        held[0] = False
        keep = np.flatnonzero(held)
        below = np.zeros(size, dtype=ID)  # the new entry of each idea kept
        below[keep] = np.arange(1, keep.size + 1, dtype=ID)
        # Room for months of new ideas: a clean-up like this one every few months at most.
        slots = sum(shelf.est.size for shelf in self._shelves.values())
        new_size = max(size, 3 * (1 + keep.size + n), 4 * slots)
        for f, old in self._pool.items():
            if new_size == size:  # in place: fresh memory costs more than the copy
                old[1:1 + keep.size] = old[keep]
                continue
            pool = np.zeros(new_size, dtype=old.dtype)
            pool[0] = old[0]
            pool[1:1 + keep.size] = old[keep]
            self._pool[f] = pool
        for shelf in self._shelves.values():
            renumber(shelf.est, shelf.ids, below)
        # A week's first entry moves to just after the ideas kept from before it.
        self._births = [(b, int(np.searchsorted(keep, first)) + 1) for b, first in self._births]
        self._top = 1 + keep.size

    def peek(self, count: np.ndarray, min_estimate: np.ndarray) -> dict[str, np.ndarray]:
        """Each row's best ideas worth testing, up to ``count``, left in the backlog.

        Returns:
            Arrays ``row``, ``est``, ``z``, ``q``, ``scale``, ``parent``, ``block``, ``key`` and
            ``slot`` (where the idea sits, for :meth:`remove`), one entry per idea, by row and
            best first within a row.

        """
        count = np.asarray(count, dtype=np.int64)
        min_estimate = np.asarray(min_estimate, dtype=np.float64)
        parts = []
        for width, shelf in self._shelves.items():
            if shelf.rows.size:
                row, local, col, est, ids = peek_best(shelf.est, shelf.ids, shelf.head,
                                                      shelf.rows, count, min_estimate)
                parts.append((row, est, ids, np.full(row.size, width), local, col))
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            parts = [(empty, np.empty(0), empty, empty, empty, empty)]
        row, est, ids, width, local, col = (np.concatenate(x) for x in zip(*parts, strict=True))
        if len(parts) > 1:
            order = np.argsort(row, kind="stable")
            row, est, ids, width, local, col = (x[order] for x in (row, est, ids, width, local,
                                                                   col))
        out = {"row": row, "est": est, "slot": np.stack([width, local, col])}
        out.update({f: self._pool[f][ids] for f in ("z", "q", "scale", "parent", "block", "key")})
        return out

    def remove(self, slot: np.ndarray) -> None:
        """Take the ideas at ``slot`` (from :meth:`peek`) out of their backlogs."""
        width, local, col = slot
        for w in np.unique(width).tolist():
            shelf = self._shelves[w]
            mine = width == w
            remove_entries(shelf.est, shelf.ids, shelf.head, local[mine], col[mine])

    def take(self, wanted: np.ndarray, min_estimate: np.ndarray) -> dict[str, np.ndarray]:
        """Remove and return each row's best ideas: up to ``wanted``, only those worth testing."""
        got = self.peek(wanted, min_estimate)
        self.remove(got.pop("slot"))
        return got

    def best(self) -> np.ndarray:
        """Each row's best estimate (``EMPTY`` for an empty backlog)."""
        out = np.full(self.capacity.size, EMPTY)
        for shelf in self._shelves.values():
            if shelf.rows.size:
                out[shelf.rows] = shelf.est.max(axis=1)
        return out

    def size(self) -> np.ndarray:
        """Ideas held per row."""
        out = np.zeros(self.capacity.size, dtype=np.int64)
        for shelf in self._shelves.values():
            out[shelf.rows] = np.sum(shelf.est > EMPTY, axis=1)
        return out

    def rescale(self, factor: float) -> None:
        """Multiply the effect scale of every idea held (a burn-in's change of units)."""
        self._pool["scale"][: self._top] *= factor

    # --- the fields as (rows, width) arrays, best first -----------------------------------------
    def _held(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column (rank) and pool entry of every idea held."""
        rows, cols, ids = [], [], []
        for shelf in self._shelves.values():
            valid = shelf.est > EMPTY
            r, _ = np.nonzero(valid)
            rank = np.cumsum(valid, axis=1) - 1
            rows.append(shelf.rows[r])
            cols.append(rank[valid])
            ids.append(shelf.ids[valid])
        if not rows:
            return (np.empty(0, dtype=np.int64),) * 3
        return tuple(np.concatenate(x) for x in (rows, cols, ids))

    def _field(self, name: str) -> np.ndarray:
        rows, cols, ids = self._held()
        fill = {"est": EMPTY, "parent": -1}.get(name, 0.0)
        dtype = np.int64 if name in self.INTEGER else np.float64
        out = np.full((self.capacity.size, self.width), fill, dtype=dtype)
        if name == "est":
            for shelf in self._shelves.values():
                valid = shelf.est > EMPTY
                rank = np.cumsum(valid, axis=1) - 1
                r, _ = np.nonzero(valid)
                out[shelf.rows[r], rank[valid]] = shelf.est[valid]
        else:
            out[rows, cols] = self._pool[name][ids]
        return out

    def _set_field(self, name: str, values: np.ndarray) -> None:
        if name == "born":
            self._in_order = False  # birth weeks no longer follow pool order
        rows, cols, ids = self._held()
        self._pool[name][ids] = np.asarray(values)[rows, cols]

    est = property(lambda self: self._field("est"),
                   doc="Estimates, (rows, width), best first; EMPTY where no idea is held.")
    z = property(lambda self: self._field("z"), lambda self, v: self._set_field("z", v),
                 doc="True frontier effects, aligned with ``est``.")
    q = property(lambda self: self._field("q"), lambda self, v: self._set_field("q", v),
                 doc="Small-scale quirks, aligned with ``est``.")
    scale = property(lambda self: self._field("scale"),
                     lambda self, v: self._set_field("scale", v),
                     doc="Effect scales at birth, aligned with ``est``.")
    born = property(lambda self: self._field("born"), lambda self, v: self._set_field("born", v),
                    doc="Birth weeks, aligned with ``est``.")
    block = property(lambda self: self._field("block"),
                     lambda self, v: self._set_field("block", v),
                     doc="Ideas each entry stands for, aligned with ``est``.")
    parent = property(lambda self: self._field("parent"),
                      lambda self, v: self._set_field("parent", v),
                      doc="Parent merged idea (-1 for none), aligned with ``est``.")
