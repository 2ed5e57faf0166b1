"""Ideas build on what shipped (podcast [08:27-08:48]).

The field runs "greedy evolutionary optimization over the landscape of possible architectures": a
new batch of ideas is, more often than not, a variation on a recent merged idea, chosen greedily by
what the lab believes it is worth. Before a frontier run that belief is the small-scale claim;
after it, the revealed frontier effect. Children inherit from their parent: their effect and their
small-scale quirk correlate ``ideas.heritability`` with the parent's, so a branch whose parent
truly helped yields better ideas. So without big runs the lab climbs the branches that look good
small.

The lineage is a networkx DiGraph over merged ideas (parent -> child), which the app draws to show
which branches paid off.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

GREED = 0.5  # softmax temperature of parent choice, in units of the spread of idea effects
ZCLIP = 2.0  # a parent counts as at most 2 spreads above or below the mean


class IdeaLineage:
    """Merged ideas, their beliefs and their family tree.

    Args:
        model: The model.
        graph: Also keep the networkx DiGraph (the app and the lineage views need it; sweeps can
            skip it).

    """

    def __init__(self, model, graph: bool = True):
        s = model.settings
        self.model = model
        self.window = s.ideas.lineage_window
        self.build = s.ideas.build_on_shipped
        self.quality = model.cycle.quality
        # Arrays grow by doubling (a merge copies only what it adds); the fields are views.
        self._n = 0
        self._store = {"z": np.empty(64), "q": np.empty(64), "believed": np.empty(64),
                       "revealed": np.zeros(64, dtype=bool)}
        # The graph is drawn from these when it is read: the run never waits for networkx.
        if graph:
            self._store.update(claimed=np.empty(64), weight=np.empty(64),
                               week=np.zeros(64, dtype=np.int64),
                               kind=np.zeros(64, dtype=np.int64),
                               parent=np.zeros(64, dtype=np.int64),
                               shipped=np.zeros(64, dtype=np.int64))
        self._graph = nx.DiGraph() if graph else None
        self._drawn = 0  # merged ideas already in the graph

    def __len__(self) -> int:
        return self._n

    z = property(lambda self: self._store["z"][:self._n], doc="True effect of each merged idea.")
    q = property(lambda self: self._store["q"][:self._n], doc="Small-scale quirk of each.")
    believed = property(lambda self: self._store["believed"][:self._n],
                        doc="What the lab believes each does: its claim, then its revealed effect.")
    revealed = property(lambda self: self._store["revealed"][:self._n],
                        doc="Whether a frontier run has revealed it.")

    @property
    def graph(self) -> nx.DiGraph | None:
        """The merged ideas as a DiGraph (parent -> child), or None when not kept.

        Node attributes: ``week`` merged, ``effect`` (true frontier effect), ``claimed`` (its
        small-scale claim), ``weight`` (ideas it stands for), ``kind`` ("human" or "ai"),
        ``shipped`` (the frontier run that shipped it, -1 while waiting).
        """
        g = self._graph
        if g is None or self._drawn == self._n:
            return g
        lo, hi, s = self._drawn, self._n, self._store
        ids = range(lo, hi)
        cols = [s[name][lo:hi].tolist() for name in ("week", "z", "claimed", "weight", "kind",
                                                    "shipped", "parent")]
        g.add_nodes_from(
            (i, {"week": week, "effect": z, "claimed": c, "weight": w,
                 "kind": "human" if k == 0 else "ai", "shipped": shipped})
            for i, week, z, c, w, k, shipped, _ in zip(ids, *cols, strict=True))
        g.add_edges_from((p, i) for i, p in zip(ids, cols[-1], strict=True) if p >= 0)
        self._drawn = hi
        return g

    def add(self, rows: dict[str, np.ndarray], weight: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """Record merged ideas; their belief is their small-scale claim until a run reveals them."""
        start, n = self._n, len(weight)
        ids = np.arange(start, start + n)
        if start + n > self._store["z"].size:
            size = max(2 * self._store["z"].size, start + n)
            for name, old in self._store.items():
                grown = np.zeros(size, dtype=old.dtype)
                grown[:start] = old[:start]
                self._store[name] = grown
        new = slice(start, start + n)
        s = self._store
        s["z"][new] = rows["z"]
        s["q"][new] = rows["q"]
        s["believed"][new] = rows["claim"]
        s["revealed"][new] = False
        if self._graph is not None:
            s["claimed"][new] = rows["claim"]
            s["weight"][new] = weight
            s["week"][new] = self.model.week
            s["kind"][new] = kinds
            s["parent"][new] = rows["parent"]
            s["shipped"][new] = -1
        self._n = start + n
        return ids

    def reveal(self, ids: np.ndarray, run: int) -> None:
        """A frontier run shows what these ideas do at scale."""
        s = self._store
        s["believed"][ids] = s["z"][ids]
        s["revealed"][ids] = True
        if self._graph is not None:
            s["shipped"][ids] = run
            nodes = self._graph.nodes
            for i in ids[ids < self._drawn].tolist():
                nodes[i]["shipped"] = run

    def parents(self, pick_u: np.ndarray, use_u: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                       np.ndarray]:
        """Choose what each researcher varies this week, from two uniform draws each.

        Args:
            pick_u: Per researcher, the uniform that picks its parent (inverse of the softmax's
                distribution over the recent merged ideas, so a small change in beliefs moves
                the pick a little).
            use_u: Per researcher, the uniform that decides whether it builds on a merged idea.

        Returns:
            Parent id (-1 for a fresh idea), the parent's standardised effect, its quirk.

        """
        n = pick_u.size
        parent = np.full(n, -1, dtype=np.int64)
        effect = np.zeros(n)
        quirk = np.zeros(n)
        if self._n == 0 or self.build == 0.0:
            return parent, effect, quirk
        lo = max(0, self._n - self.window)
        belief = self._store["believed"][lo:self._n]
        cdf = np.exp((belief - belief.max()) / (GREED * self.quality.sd)).cumsum()
        pick = lo + np.minimum(cdf.searchsorted(pick_u * cdf[-1], side="right"), cdf.size - 1)
        use = use_u < self.build
        parent[use] = pick[use]
        z, q = self._store["z"], self._store["q"]
        zscore = np.clip((z[pick] - self.quality.mean) / self.quality.sd, -ZCLIP, ZCLIP)
        effect[use] = zscore[use]
        quirk[use] = q[pick[use]]
        return parent, effect, quirk
