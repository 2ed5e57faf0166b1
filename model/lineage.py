"""Ideas build on what shipped (seed [08:27-08:48]).

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
        self.z = np.empty(0)
        self.q = np.empty(0)
        self.believed = np.empty(0)
        self.revealed = np.empty(0, dtype=bool)
        self.graph = nx.DiGraph() if graph else None

    def __len__(self) -> int:
        return len(self.z)

    def add(self, rows: dict[str, np.ndarray], weight: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """Record merged ideas; their belief is their small-scale claim until a run reveals them."""
        start = len(self.z)
        ids = np.arange(start, start + len(weight))
        self.z = np.concatenate([self.z, rows["z"]])
        self.q = np.concatenate([self.q, rows["q"]])
        self.believed = np.concatenate([self.believed, rows["claim"]])
        self.revealed = np.concatenate([self.revealed, np.zeros(len(weight), dtype=bool)])
        if self.graph is not None:
            week = self.model.week
            self.graph.add_nodes_from(
                (int(i), {"week": week, "effect": float(z), "claimed": float(c),
                          "weight": float(w), "kind": "human" if k == 0 else "ai", "shipped": -1})
                for i, z, c, w, k in zip(ids, rows["z"], rows["claim"], weight, kinds, strict=True))
            self.graph.add_edges_from((int(p), int(i)) for p, i in zip(rows["parent"], ids,
                                                                       strict=True) if p >= 0)
        return ids

    def reveal(self, ids: np.ndarray, run: int) -> None:
        """A frontier run shows what these ideas do at scale."""
        self.believed[ids] = self.z[ids]
        self.revealed[ids] = True
        if self.graph is not None:
            for i in ids:
                self.graph.nodes[int(i)]["shipped"] = run

    def parents(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
        """Choose what each of ``n`` researchers varies this week.

        Returns:
            Parent id (-1 for a fresh idea), the parent's standardised effect, its quirk.

        """
        parent = np.full(n, -1, dtype=np.int64)
        effect = np.zeros(n)
        quirk = np.zeros(n)
        if len(self.z) == 0 or self.build == 0.0:
            return parent, effect, quirk
        lo = max(0, len(self.z) - self.window)
        belief = self.believed[lo:]
        w = np.exp((belief - belief.max()) / (GREED * self.quality.sd))
        pick = lo + rng.choice(belief.size, size=n, p=w / w.sum())
        use = rng.random(n) < self.build
        parent[use] = pick[use]
        zscore = np.clip((self.z[pick] - self.quality.mean) / self.quality.sd, -ZCLIP, ZCLIP)
        effect[use] = zscore[use]
        quirk[use] = self.q[pick[use]]
        return parent, effect, quirk
