"""The lineage in the mean field: the typical parent a new idea varies.

In the agent model (``model/lineage.py``) a researcher's batch of new ideas varies, with
probability ``ideas.build_on_shipped``, a merged idea chosen greedily: a softmax (temperature
``GREED`` spreads of idea effects) over what the lab believes of its last
``ideas.lineage_window`` merged ideas, its small-scale claim until a frontier run reveals its
effect. The child inherits ``ideas.heritability`` of the parent's standardised effect (clipped at
two spreads) and of its quirk. The mean field replaces the chosen parent by its expectation.
"""

from __future__ import annotations

import numpy as np

from model.aggregate.funnel import FunnelSpec, FunnelTable
from model.scenario import Scenario

GREED = 0.5  # as model.lineage
ZCLIP = 2.0


def typical_parent(table: FunnelTable, s: Scenario, spec: FunnelSpec, f: float,
                    merges: float) -> tuple[float, float]:
    """Expected clipped standardised effect and quirk of a greedily chosen parent.

    The window of the last ``ideas.lineage_window`` merged ideas is represented by quantiles of
    what a class opening the best share ``f`` of its new ideas merges. Ideas merged since the last
    run are believed at their claim (the small-scale result read as if it held at the frontier),
    the others at their revealed effect; with ``merges`` a week, a window at ``t`` weeks after a
    run holds ``min(1, merges * t / window)`` unrevealed ideas, averaged over the interval.
    """
    cut = table.merged_rank <= f * (1.0 + 1e-9)
    z, claim, q, w = (a[cut] for a in (table.merged_z, table.merged_claim, table.merged_q,
                                       table.merged_w))
    if w.sum() <= 0:
        return 0.0, 0.0
    window = s.ideas.lineage_window
    u = np.clip((z - spec.prior_mean) / spec.sd_all, -ZCLIP, ZCLIP)
    temperature = GREED * spec.sd_all
    out_u, out_q = [], []
    interval = s.frontier.interval_weeks
    for t in (np.arange(8) + 0.5) / 8 * interval:
        unrevealed = int(round(min(1.0, merges * t / window) * window))
        points = []
        for belief, n in ((claim, unrevealed), (z, window - unrevealed)):
            if n > 0:
                points.append(quantile_bins(belief, u, q, w, n))
        b, uu, qq = (np.concatenate(x) for x in zip(*points, strict=True))
        soft = np.exp((b - b.max()) / temperature)
        soft /= soft.sum()
        out_u.append(float(soft @ uu))
        out_q.append(float(soft @ qq))
    return float(np.mean(out_u)), float(np.mean(out_q))


def quantile_bins(belief: np.ndarray, u: np.ndarray, q: np.ndarray, w: np.ndarray, n: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` equal-weight bins of a weighted sample by belief: mean belief, u and q per bin."""
    order = np.argsort(belief, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    edges = np.searchsorted(cum, np.arange(1, n) / n)
    out = []
    for x in (belief, u, q):
        sums = np.add.reduceat((x * w)[order], np.concatenate(([0], edges)))
        weights = np.add.reduceat(w[order], np.concatenate(([0], edges)))
        out.append(sums / np.maximum(weights, 1e-300))
    return tuple(out)
