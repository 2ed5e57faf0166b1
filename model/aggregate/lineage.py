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
            review, means after each rung, effect and claim; quirks are not kept there, so the
            parent's quirk is the part of its claim its effect does not explain.
        spec: The funnel's spec.
        window: ``ideas.lineage_window``.
        e_bar: The least estimate an idea is started with.

    """
    w, est, m0, mk, z, claim = points
    merged = (est >= e_bar) & (m0 >= spec.threshold) & np.all(mk >= spec.threshold, axis=1)
    if not merged.any() or w[merged].sum() <= 0:
        return 0.0, 0.0
    w, z, claim = w[merged], z[merged], claim[merged]
    rho = spec.rho[-1]
    # claim = (rho z + sqrt(1 - rho^2) q + noise) / rho: the quirk in expectation.
    q = (claim * rho - rho * z) / max(np.sqrt(1.0 - rho**2), 1e-6)
    order = np.argsort(z, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    bins = np.minimum(np.searchsorted(cum, (np.arange(window) + 0.5) / window), z.size - 1)
    zb, qb = z[order][bins], q[order][bins]
    soft = np.exp((zb - zb.max()) / (GREED * spec.sd_all))
    soft /= soft.sum()
    u = np.clip((zb - spec.mean) / spec.sd_all, -ZCLIP, ZCLIP)
    return float(soft @ u), float(soft @ qb)
