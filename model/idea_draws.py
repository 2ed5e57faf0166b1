"""Drawing ideas: their true effects, and the estimates a researcher's taste gives of them.

Most ideas are ordinary, useless or harmful; a few are bold: large effects at scale, of either
sign (:class:`IdeaQuality`). A human thinks of a handful of ideas a week, drawn one by one from
its own stream (``model.streams.human_ideas``, then ``model.kernels.few_ideas``). A cohort of
millions of copies thinks of millions, of which it keeps the best:
:func:`top_estimates` draws those top order statistics directly and exactly (the k-th largest of G
uniforms has the law of Gamma_k / Gamma_{G+1}), in blocks of consecutive ranks when one backlog
entry stands for many ideas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from model.kernels import estimates_and_truths, order_statistics, uniform_ranks

EMPTY = -np.inf  # the estimate of an empty backlog slot


@dataclass(frozen=True)
class IdeaQuality:
    """Distribution of true frontier effects: ordinary ideas and rare bold ones.

    Attributes:
        p_bold: Share of bold ideas among new ideas.
        mu_bold: Mean effect of a bold idea.
        sd_bold: Spread of bold ideas.
        mu_ord: Mean effect of an ordinary idea.
        sd_ord: Spread of ordinary ideas.

    """

    p_bold: float
    mu_bold: float
    sd_bold: float
    mu_ord: float
    sd_ord: float

    @classmethod
    def from_settings(cls, s) -> IdeaQuality:
        """Build from a scenario's ``ideas`` table."""
        i = s.ideas
        return cls(i.bold_share, i.bold_mean, i.bold_sd,
                   i.ordinary_mean, i.ordinary_sd)

    @property
    def mean(self) -> float:
        """Mean effect of a new idea."""
        return self.p_bold * self.mu_bold + (1 - self.p_bold) * self.mu_ord

    @property
    def var(self) -> float:
        """Variance of the effect of a new idea."""
        second = (self.p_bold * (self.sd_bold**2 + self.mu_bold**2)
                  + (1 - self.p_bold) * (self.sd_ord**2 + self.mu_ord**2))
        return second - self.mean**2

    @property
    def sd(self) -> float:
        """Spread of true effects: the unit of taste noise."""
        return float(np.sqrt(self.var))


def bold_count(rng, g: np.ndarray, p: float) -> np.ndarray:
    """How many of each row's ``g`` ideas are bold: binomial, normal beyond int64's reach."""
    huge = g > 1e15
    if not huge.any():
        return rng.binomial(g.astype(np.int64), p).astype(np.float64)
    exact = rng.binomial(np.where(huge, 0, g).astype(np.int64), p).astype(np.float64)
    approx = np.rint(g * p + np.sqrt(g * p * (1 - p)) * rng.standard_normal(g.size))
    return np.where(huge, np.clip(approx, 0.0, g), exact)


def top_estimates(rng: np.random.Generator, g: np.ndarray, width: int, mu: np.ndarray,
                   sd: np.ndarray, noise: np.ndarray,
                   block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top estimates of ``g`` ideas per row, in blocks of ``block`` ranks, and their truths.

    The k-th largest of G uniforms has the law of Gamma_k / Gamma_{G+1} (sums of unit
    exponentials), so the top order statistics come without drawing the other ideas; a sum of
    ``s`` exponentials is one Gamma(s) draw, which steps from block to block exactly. Each entry is
    the order statistic at the middle rank of its block.
    """
    n = len(g)
    s = np.maximum(block, 1.0)
    k = np.minimum(np.floor(g / s), width)
    # (Shapes broadcast as numpy's own broadcasting would: the same draws in the same order.)
    steps = np.concatenate([rng.standard_gamma((s[:, None] + 1.0) / 2.0),
                            rng.standard_gamma(s[:, None], size=(n, width - 1))], axis=1)
    gam, used, rest = order_statistics(steps, g, s, k)
    total = used + rng.standard_gamma(rest)
    normal = rng.standard_normal((n, width))
    mu = mu if np.ndim(mu) == 1 else np.broadcast_to(mu, (n,))
    sd = sd if np.ndim(sd) == 1 else np.broadcast_to(sd, (n,))
    quantile = ndtri(uniform_ranks(gam, total))
    return estimates_and_truths(quantile, normal, np.ascontiguousarray(mu, dtype=float),
                                np.ascontiguousarray(sd, dtype=float), noise, k)
