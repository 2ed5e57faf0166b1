"""Ideas are cheap; choosing is hard (seed [04:33-05:08]).

Every idea has a hidden frontier effect ``z``, in effect units (multiply by the effect scale ``a``
to get its change in ln S). Most ideas are ordinary, useless or harmful; a few are bold: large
effects at scale, of either sign.
A researcher sees only ``z`` plus noise: the noise is its taste. It keeps a backlog of its best
estimates and tests only the top of it.

A researcher who thinks of G ideas in a week keeps only its best few, so the backlog draws the top
order statistics of G estimates directly (exact for any G): an AI cohort of a million copies costs
the same as one human here, and better choosing from more ideas shows up as the order statistic of
a noisy estimate, with its winner's curse. A cohort whose pipelines each stand for ``s`` ideas
keeps its backlog in blocks of ``s`` consecutive ranks, each represented by the order statistic in
its middle: the cohort's second-best block is ranks s..2s, not s more copies of its best idea.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

EMPTY = -np.inf
SMALL_BATCH = 16  # rows needing at most this many new entries a week are drawn together


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


class IdeaBacklog:
    """Each researcher's backlog of untested ideas, best estimate first, as model-level arrays.

    Row i belongs to researcher i; column j is its j-th best idea. ``est`` is the researcher's noisy
    estimate, ``z`` the hidden frontier effect, ``q`` the small-scale quirk (an effect that shows in
    small experiments and not at the frontier), ``scale`` the effect scale when the idea was born,
    ``parent`` the merged idea it varies (-1 for a fresh one), ``born`` the week it was thought of,
    ``block`` how many ideas of consecutive rank the entry stands for.
    Ideas go stale: they were ideas about a recipe that keeps moving.
    """

    FIELDS = ("est", "z", "q", "scale", "born", "block", "parent")

    def __init__(self, width: int):
        self.width = width
        for f in self.FIELDS:
            setattr(self, f, np.empty((0, width), dtype=np.int64 if f == "parent" else None))
        self.capacity = np.empty(0, dtype=np.int64)

    def add_rows(self, capacity: np.ndarray) -> None:
        """Give new researchers empty backlogs holding up to ``capacity`` ideas each."""
        n = len(capacity)
        for f in self.FIELDS:
            fill = {"est": EMPTY, "parent": -1}.get(f, 0.0)
            old = getattr(self, f)
            setattr(self, f, np.vstack([old, np.full((n, self.width), fill, dtype=old.dtype)]))
        self.capacity = np.concatenate([self.capacity, np.asarray(capacity, dtype=np.int64)])

    def generate(self, rng: np.random.Generator, quality: IdeaQuality, count: np.ndarray,
                 noise: np.ndarray, lineage: tuple[np.ndarray, np.ndarray, np.ndarray],
                 heritability: float, scale: float, bias: float, week: int,
                 shelf_life: float, block: np.ndarray) -> None:
        """Researchers think of ``count`` new ideas each and keep the best in their backlogs.

        Args:
            rng: The model's generator.
            quality: Distribution of true effects.
            count: Ideas thought of per row this week (drawn as Poisson; large counts rounded).
            noise: Taste noise per row, in effect units.
            lineage: Per row, the merged idea its batch varies (-1 for fresh ideas), that
                parent's standardised effect and its quirk.
            heritability: Correlation of a child's effect and quirk with its parent's.
            scale: Effect scale (ln S per effect unit) of ideas born now.
            bias: Correlation between taste noise and the small-scale quirk.
            week: This week, the birth week of the new ideas.
            shelf_life: Ideas older than this many weeks are forgotten.
            block: Ideas each new backlog entry of a row stands for (1 for humans).

        """
        stale = (self.born < week - shelf_life) & (self.est > EMPTY)
        self.est[stale] = EMPTY
        g = np.where(count < 1e6, rng.poisson(np.minimum(count, 1e6)), np.round(count))
        rows = np.nonzero((g >= np.maximum(block, 1.0)) | stale.any(axis=1))[0]
        if rows.size == 0:
            return
        # Rows thinking of a handful of ideas (humans) and rows thinking of millions (cohorts)
        # need very different widths of candidates: draw them apart.
        need = np.floor(g[rows] / np.maximum(block[rows], 1.0))
        for part in (rows[need <= SMALL_BATCH], rows[need > SMALL_BATCH]):
            if part.size:
                new = self._candidates(rng, quality, g[part], noise[part],
                                       tuple(x[part] for x in lineage), heritability, bias,
                                       np.maximum(block[part], 1.0))
                shape = new["est"].shape
                new.update(scale=np.full(shape, scale), born=np.full(shape, float(week)))
                self._merge(part, new)

    def _candidates(self, rng, quality, g, noise, lineage, heritability, bias, block):
        """New backlog entries for some rows: the top of each class's ideas, with their truths.

        Bigger changes have bigger scale-dependent effects: an idea's quirk is as wide as its
        class, so within a class its small-scale effect correlates rho with z. Intuition is formed
        on small-scale results: a share ``bias`` of taste noise is the quirk itself, so what looks
        good to taste tends to look good small. A variation on a merged idea inherits part of what
        that idea really does, and part of its quirk.
        """
        parent, parent_u, q_parent = lineage
        h = np.where(parent >= 0, heritability, 0.0)[:, None]
        keep = np.sqrt(1.0 - h**2)
        if np.all(block == 1.0) and g.max() <= SMALL_BATCH:
            est, z, sd, appeal = _drawn(rng, quality, g, noise, h, parent_u)
        else:
            g_bold = rng.binomial(g.astype(np.int64), quality.p_bold).astype(np.float64)
            parts = []
            for g_c, mu, sd in ((g - g_bold, quality.mu_ord, quality.sd_ord),
                                (g_bold, quality.mu_bold, quality.sd_bold)):
                width = int(min(self.width, np.max(np.floor(g_c / block))))
                if width:
                    e, zz = _top_estimates(rng, g_c, width, mu + h[:, 0] * sd * parent_u,
                                           sd * keep[:, 0], noise, block)
                    parts.append((e, zz, np.full(e.shape, sd),
                                  np.where(e > EMPTY, (e - zz) / noise[:, None], 0.0)))
            if not parts:
                parts = [(np.empty((g.size, 0)),) * 4]
            est, z, sd, appeal = (np.concatenate(x, axis=1) for x in zip(*parts, strict=True))
        fresh = sd * (bias * appeal + np.sqrt(1.0 - bias**2) * rng.standard_normal(est.shape))
        return {"est": est, "z": z, "q": h * q_parent[:, None] + keep * fresh,
                "block": np.broadcast_to(block[:, None], est.shape),
                "parent": np.broadcast_to(parent[:, None], est.shape)}

    def _merge(self, rows: np.ndarray, new: dict[str, np.ndarray]) -> None:
        """Merge new entries into the given rows, keeping each row's best ``capacity``."""
        # Columns past every row's capacity are empty: humans keep 30 ideas, cohorts more.
        w = int(self.capacity[rows].max())
        est = np.concatenate([self.est[rows, :w], new["est"]], axis=1)
        order = np.argsort(-est, axis=1, kind="stable")[:, :w]
        r = np.arange(rows.size)[:, None]
        for f in self.FIELDS:
            old = getattr(self, f)
            both = est if f == "est" else np.concatenate([old[rows, :w], new[f]], axis=1)
            old[rows, :w] = both[r, order]
        cut = np.arange(w)[None, :] >= self.capacity[rows][:, None]
        self.est[rows, :w] = np.where(cut, EMPTY, self.est[rows, :w])

    def take(self, wanted: np.ndarray, min_estimate: np.ndarray) -> dict[str, np.ndarray]:
        """Remove and return each row's best ideas: up to ``wanted``, only those worth testing.

        Returns:
            Arrays ``row``, ``est``, ``z``, ``q``, ``scale``, ``parent``, ``block``, one entry per
            backlog entry taken.

        """
        cols = np.arange(self.width)[None, :]
        mask = (self.est >= min_estimate[:, None]) & (cols < wanted[:, None])
        rows, js = np.nonzero(mask)
        out = {"row": rows}
        out.update({f: getattr(self, f)[rows, js] for f in self.FIELDS if f != "born"})
        # Keep rows sorted best first: shift the rest left over the taken prefix.
        hit = np.unique(rows)
        if hit.size:
            taken = mask[hit].sum(axis=1)[:, None]
            shift = (cols + taken) % self.width
            r = np.arange(hit.size)[:, None]
            for f in self.FIELDS:
                arr = getattr(self, f)
                arr[hit] = arr[hit][r, shift]
            self.est[hit] = np.where(cols >= self.width - taken, EMPTY, self.est[hit])
        return out

    def size(self) -> np.ndarray:
        """Ideas held per row."""
        return np.sum(self.est > EMPTY, axis=1)


def _drawn(rng, quality, g, noise, h, parent_u):
    """A handful of ideas per row (a human's week), drawn one by one.

    Returns estimates, true effects, class spreads and taste-noise draws (in units of the row's
    noise), with ``EMPTY`` estimates past each row's count.
    """
    n, width = g.size, max(int(g.max()), 1)
    bold = rng.random((n, width)) < quality.p_bold
    mu = np.where(bold, quality.mu_bold, quality.mu_ord)
    sd = np.where(bold, quality.sd_bold, quality.sd_ord)
    z = mu + h * sd * parent_u[:, None] + sd * np.sqrt(1.0 - h**2) * rng.standard_normal((n, width))
    appeal = rng.standard_normal((n, width))
    est = z + noise[:, None] * appeal
    est[np.arange(width)[None, :] >= g[:, None]] = EMPTY
    return est, z, sd, appeal


def _top_estimates(rng: np.random.Generator, g: np.ndarray, width: int, mu: np.ndarray,
                   sd: np.ndarray, noise: np.ndarray,
                   block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top estimates of ``g`` ideas per row, in blocks of ``block`` ranks, and their truths.

    The k-th largest of G uniforms has the law of Gamma_k / Gamma_{G+1} (sums of unit
    exponentials), so the top order statistics come without drawing the other ideas; a sum of
    ``s`` exponentials is one Gamma(s) draw, which steps from block to block exactly. Each entry is
    the order statistic at the middle rank of its block.
    """
    n = len(g)
    s = np.maximum(block, 1.0)[:, None]
    k = np.minimum(np.floor(g / s[:, 0]), width)
    steps = np.concatenate([rng.standard_gamma(np.broadcast_to((s + 1.0) / 2.0, (n, 1))),
                            rng.standard_gamma(np.broadcast_to(s, (n, width - 1)))], axis=1)
    gam = np.cumsum(steps, axis=1)
    last = np.maximum(k.astype(np.int64) - 1, 0)
    used = gam[np.arange(n), last]
    ranks_used = (s[:, 0] + 1.0) / 2.0 + np.maximum(k - 1, 0) * s[:, 0]
    total = used + rng.standard_gamma(np.maximum(g - ranks_used + 1.0, 1.0))
    upper = np.clip(gam / total[:, None], 1e-300, 1.0 - 1e-16)
    mu, sd = np.broadcast_to(mu, (n,))[:, None], np.broadcast_to(sd, (n,))[:, None]
    spread = np.sqrt(sd**2 + noise[:, None] ** 2)
    est = mu - spread * ndtri(upper)
    shrink = sd**2 / spread**2
    z_mean = mu + (est - mu) * shrink
    z_sd = np.sqrt(sd**2 * (1.0 - shrink))
    z = z_mean + z_sd * rng.standard_normal((n, width))
    est[np.arange(width)[None, :] >= k[:, None]] = EMPTY
    return est, z
