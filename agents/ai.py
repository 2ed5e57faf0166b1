"""Automated AI researchers: autonomous cohorts with pipelines of their own, and copilots.

An AI cohort stands for many identical copies (their number follows inference compute and
software efficiency; their taste and speed follow the capability of the latest frontier model,
``model.workforce``). A cohort thinks of millions of ideas a week, so its backlog is drawn as the
top order statistics of what it thought of (``model.idea_draws``), from the model's generator.
Copilots work for one human each and hold no ideas of their own (podcast [03:40-03:58]).
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import CellAgent

from agents.humans import HumanResearcher
from agents.researchers import AI, HUMAN, Researcher
from model.idea_draws import EMPTY, bold_count, top_estimates

POISSON_MAX = 1e6  # counts above this are rounded: Poisson's spread is noise at that size


class AIResearcher(Researcher):
    """A cohort of identical autonomous AI researcher copies with their own pipelines.

    Their taste and speed follow the capability of the latest frontier model; their number
    follows inference compute and software efficiency.
    """

    @classmethod
    def think(cls, model, stale: np.ndarray, scale: float) -> None:
        """Every cohort thinks of ``ideas.per_week`` ideas a copy a week and keeps the best.

        Args:
            model: The model.
            stale: Per researcher row, whether its backlog just forgot an idea.
            scale: Effect scale (ln S per effect unit) of ideas born this week.

        """
        wf, s, rng = model.workforce, model.settings, model.rng
        ai = np.flatnonzero(wf.kind == AI)
        pick, use = rng.random(ai.size), rng.random(ai.size)
        if ai.size == 0:
            return
        lineage = model.lineage.parents(pick, use)
        c = s.ideas.per_week * wf.copies[ai] * wf.speed[ai]
        g = np.where(c < POISSON_MAX, rng.poisson(np.minimum(c, POISSON_MAX)), np.round(c))
        busy = (g >= 1.0) | stale[ai]
        if not busy.any():
            return
        part = ai[busy]
        new = cls._candidates(model, g[busy], wf.noise[part] * model.cycle.sd,
                              tuple(x[busy] for x in lineage), np.maximum(wf.weight[part], 1.0))
        wf.backlog.merge(part, new, scale, float(model.week))

    @staticmethod
    def _candidates(model, g, noise, lineage, block) -> dict[str, np.ndarray]:
        """New backlog entries for cohorts: the top of each class's ideas, with their truths.

        Bigger changes have bigger scale-dependent effects: an idea's quirk is as wide as its
        class, so within a class its small-scale effect correlates rho with z. Intuition is
        formed on small-scale results: a share ``ideas.small_scale_bias`` of taste noise is the
        quirk itself, so what looks good to taste tends to look good small. A variation on a
        merged idea inherits part of what that idea really does, and part of its quirk.
        """
        rng, quality, width = model.rng, model.cycle.quality, model.workforce.backlog.width
        bias = model.settings.ideas.small_scale_bias
        parent, parent_u, q_parent = lineage
        h = np.where(parent >= 0, model.settings.ideas.heritability, 0.0)[:, None]
        keep = np.sqrt(1.0 - h**2)
        g_bold = bold_count(rng, g, quality.p_bold)
        parts = []
        for g_c, mu, sd in ((g - g_bold, quality.mu_ord, quality.sd_ord),
                            (g_bold, quality.mu_bold, quality.sd_bold)):
            # A class with fewer ideas than a block still counts: one entry stands for all
            # of them (else a cohort thinking of a few bold ideas a block would drop them).
            s_c = np.minimum(block, np.maximum(g_c, 1.0))
            n = int(min(width, np.max(np.floor(g_c / s_c))))
            if n:
                e, zz = top_estimates(rng, g_c, n, mu + h[:, 0] * sd * parent_u,
                                      sd * keep[:, 0], noise, s_c)
                parts.append((e, zz, np.full(e.shape, sd),
                              np.where(e > EMPTY, (e - zz) / noise[:, None], 0.0),
                              np.broadcast_to(s_c[:, None], e.shape)))
        if not parts:
            parts = [(np.empty((g.size, 0)),) * 5]
        est, z, sd, appeal, size = (np.concatenate(x, axis=1)
                                    for x in zip(*parts, strict=True))
        flat = np.flatnonzero(est > EMPTY)
        z, sd, appeal, size = (x.ravel()[flat] for x in (z, sd, appeal, size))
        # Only the ideas (not the padding of the draws) are computed on.
        row = flat // max(est.shape[1], 1)
        fresh = sd * (bias * appeal + np.sqrt(1.0 - bias**2) * rng.standard_normal(flat.size))
        return {"est": est, "flat": flat, "row": row, "z": z,
                "q": h[row, 0] * q_parent[row] + keep[row, 0] * fresh,
                "block": size, "parent": parent,
                "key": rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                                    size=flat.size, endpoint=True)}

    @classmethod
    def plan(cls, model) -> None:
        """Each cohort sizes its pipelines to what its share of the compute can test.

        A cohort keeps at most ``humans.pipelines`` ideas in flight a copy, and no more than
        its share of the experiment budget could start within the queue time a researcher
        accepts (``experiments.queue_weeks``): a compute-starved lab tests its AI's best ideas,
        not a million mediocre ones it cannot finish. A pipeline row stands for ``weight`` ideas,
        with at most ``ai.max_pipelines`` rows a cohort.
        """
        wf, s = model.workforce, model.settings
        ai = wf.kind == AI
        if not ai.any():
            return
        affordable = (s.experiments.queue_weeks * model.compute.experiments
                      / model.scheduler.prices()[0] * model.scheduler.entitlement()[ai])
        wanted = np.minimum(wf.copies[ai] * s.humans.pipelines, np.maximum(affordable, 1.0))
        cap = np.minimum(s.ai.max_pipelines, np.floor(wanted)).astype(np.int64)
        wf.rows_cap[ai] = cap
        wf.weight[ai] = np.where(cap > 0, wanted / np.maximum(cap, 1), 1.0)


class AICopilot(CellAgent):
    """A cohort of AI copies working as one human's copilot (podcast [03:40-03:58]).

    Copilots set up experiments for their human and help it read results, in proportion to their
    taste relative to its own. They hold no ideas of their own.

    Args:
        model: The model.
        human: The human it works for; it shares that human's cell.

    """

    def __init__(self, model, human: HumanResearcher):
        super().__init__(model)
        self.human = human
        self.cell = human.cell

    @property
    def copies(self) -> float:
        """Copies working for this human."""
        return float(self.model.workforce.copilot_copies)

    @classmethod
    def assist(cls, model) -> None:
        """Copilots take over the share of each of their human's tasks that they can do.

        The human does the rest (Amdahl), so copilots that reach little help little however
        many there are. Setting up an experiment ("helps you code multiple times faster",
        podcast [03:40-03:58]) is within reach of a copilot with ``ai.setup_taste`` of its
        human's taste; reading results is the hard part [04:27-04:50]: it takes the human's own
        taste.
        """
        wf, s = model.workforce, model.settings
        labour = wf.copilot_copies * wf.ai_speed
        if labour <= 0.0:
            return
        human = wf.kind == HUMAN
        ratio = wf.ai_taste * wf.noise[human] / s.humans.taste_noise
        setup = np.minimum(1.0, ratio / s.ai.setup_taste)
        read = np.minimum(1.0, ratio)
        wf.implement_boost[human] = 1.0 / ((1.0 - setup) + setup / (1.0 + labour))
        wf.interpret_boost[human] = 1.0 / ((1.0 - read) + read / (1.0 + labour))
