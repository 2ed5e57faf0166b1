"""The lineage in the mean field: the typical parent a new idea varies.

In the agent model (``model/lineage.py``) a researcher's new ideas vary, with probability
``ideas.build_on_shipped``, a merged idea chosen greedily: a softmax (temperature ``GREED``
spreads of idea effects) over what the lab believes of its last ``ideas.lineage_window`` merged
ideas. A child inherits ``ideas.heritability`` of its parent's standardised effect (clipped at
``ZCLIP`` spreads) and of its quirk. The mean field replaces the chosen parent by its expectation:
the window is represented by that many quantiles of what the median human merges when it starts
every idea it can (``f_max``, bar at the threshold), believed at their revealed effects (most of a
window has been through a frontier run; the claims of the few that have not are left out).
"""

from __future__ import annotations

import numpy as np

from model.lineage import GREED, ZCLIP


def typical_parent(points: tuple, spec, window: int, e_bar: float) -> tuple[float, float]:
    """Expected clipped standardised effect and quirk of a greedily chosen parent.

    Args:
        points: A class's sample points (``funnel.point``): weight, estimate, mean after the
            review, means after each rung, effect, claim and quirk.
        spec: The funnel's spec.
        window: ``ideas.lineage_window``.
        e_bar: The least estimate an idea is started with.

    """
    w, est, m0, mk, z, _, q = points
    merged = (est >= e_bar) & (m0 >= spec.threshold) & np.all(mk >= spec.threshold, axis=1)
    if not merged.any() or w[merged].sum() <= 0:
        return 0.0, 0.0
    w, z, q = w[merged], z[merged], q[merged]
    order = np.argsort(z, kind="stable")
    z, q, w = z[order], q[order], w[order]
    # ``window`` bins of equal weight, each its mean effect and mean quirk.
    edges = np.searchsorted(np.cumsum(w) / w.sum(), np.arange(1, window) / window)
    starts = np.unique(np.concatenate(([0], np.minimum(edges, z.size - 1))))
    weight = np.add.reduceat(w, starts)
    zb = np.add.reduceat(w * z, starts) / weight
    qb = np.add.reduceat(w * q, starts) / weight
    # (A bin that merged several sample points stands for as many ideas of the window.)
    soft = np.exp((zb - zb.max()) / (GREED * spec.sd_all)) * weight
    soft /= soft.sum()
    u = np.clip((zb - spec.mean) / spec.sd_all, -ZCLIP, ZCLIP)
    return float(soft @ u), float(soft @ qb)
