"""Human researchers: their own ideas, their collaborators, their lessons.

A human has its own taste, speed and skill at reading results (lognormal across humans), a
place on the collaboration network, and a random stream of its own (``model.streams``), so the
same human thinks of the same ideas, and is the same person, in the lab and in its twin.
"""

from __future__ import annotations

import numpy as np

from agents.researchers import HUMAN, Researcher, Shortlist
from model import streams
from model.kernels import few_ideas, review


class HumanResearcher(Researcher):
    """A human researcher with its own taste, speed and skill at reading results.

    Humans learn: each of their ideas revealed by a frontier run narrows their taste noise, and
    part of the lesson reaches their collaborators.
    """

    @property
    def interpretation_skill(self) -> float:
        """Skill at reading results, relative to the median human."""
        return float(self.model.workforce.skill[self.row])

    @property
    def copilot_boost(self) -> float:
        """How much faster its copilots make it set up experiments."""
        return float(self.model.workforce.implement_boost[self.row])

    @classmethod
    def think(cls, model, stale: np.ndarray, scale: float) -> None:
        """Every human thinks of a handful of ideas this week, mostly variations on merged ones.

        The count (Poisson at ``ideas.per_week`` times the human's speed), each idea's class,
        true effect, the human's estimate of it and its small-scale quirk come from the human's
        own stream; a share ``ideas.small_scale_bias`` of the estimate's noise is the quirk
        (intuition is formed on small runs). The best estimates go into its backlog.

        Args:
            model: The model.
            stale: Per researcher row, whether its backlog just forgot an idea.
            scale: Effect scale (ln S per effect unit) of ideas born this week.

        """
        wf, s = model.workforce, model.settings
        humans = np.flatnonzero(wf.kind == HUMAN)
        if humans.size == 0:
            return
        keys = wf.key[humans]
        pick = streams.week_uniforms(keys, model.week, streams.PARENT, 0)
        use = streams.week_uniforms(keys, model.week, streams.PARENT, 1)
        parent, parent_u, q_parent = model.lineage.parents(pick, use)
        rate = s.ideas.per_week * wf.copies[humans] * wf.speed[humans]
        g, cls_u, normal, idea_key = streams.human_ideas(keys, model.week, rate)
        busy = (g >= 1) | stale[humans]
        if not busy.any():
            return
        part = humans[busy]
        quality, bias = model.cycle.quality, s.ideas.small_scale_bias
        heritability = np.where(parent[busy] >= 0, s.ideas.heritability, 0.0)
        est, flat, row, z, q = few_ideas(
            g[busy], cls_u, normal[0], normal[1], normal[2], quality.p_bold, quality.mu_bold,
            quality.sd_bold, quality.mu_ord, quality.sd_ord, wf.noise[part] * model.cycle.sd,
            heritability, parent_u[busy], q_parent[busy], bias, float(np.sqrt(1.0 - bias**2)))
        wf.backlog.merge(part, {"est": est, "flat": flat, "row": row, "z": z, "q": q,
                                "block": np.ones(flat.size), "parent": parent[busy],
                                "key": idea_key}, scale, float(model.week))

    @classmethod
    def talk_over(cls, model, shortlist: Shortlist | None) -> None:
        """Humans talk their shortlisted ideas over with their collaborators before choosing.

        Each collaborator's estimate (its own taste noise; a share ``ideas.small_scale_bias`` of
        it is the idea's appeal, which everyone sees alike) counts as one more signal, weighted
        ``humans.review_weight`` of its precision: a collaborator knows the idea less well. The
        owners' beliefs in ``shortlist`` are updated in place; AI cohorts' entries are left as
        they are.
        """
        if shortlist is None:
            return
        wf, s, ideas = model.workforce, model.settings, shortlist.ideas
        human = np.flatnonzero(wf.kind[ideas["row"]] == HUMAN)
        if human.size == 0:
            return
        indptr, neighbours = wf.neighbours()
        talked = shortlist.belief[:, human]  # a copy, contiguous: the kernel writes into it
        review(ideas["row"][human], ideas["z"][human], ideas["est"][human], ideas["key"][human],
               shortlist.noise, indptr, neighbours, wf.key, s.humans.review_weight,
               s.ideas.small_scale_bias, talked, streams.REVIEW)
        shortlist.belief[:, human] = talked

    @classmethod
    def learn(cls, model, owners: np.ndarray) -> None:
        """Humans whose ideas a frontier run revealed sharpen their taste; collaborators too.

        ``owners`` are the researcher rows of the ideas revealed (AI rows among them learn
        nothing: their taste follows capability).

        Each lesson closes a share ``humans.learning_rate`` of the gap between a human's taste
        noise and its floor (``humans.taste_floor`` of where it started), and a share
        ``humans.learning_spillover`` of that reaches each collaborator: taste improves fast at
        first, then less and less. No one learns in the lab's history (the burn-in).
        """
        wf, h = model.workforce, model.settings.humans
        rate = 0.0 if model.in_history else h.learning_rate
        owners = owners[wf.kind[owners] == HUMAN]
        if owners.size == 0 or rate == 0.0:
            return
        lessons = np.bincount(owners, minlength=len(wf.kind)).astype(np.float64)
        src, dst = wf.edges()
        heard = np.bincount(dst, weights=lessons[src], minlength=len(wf.kind))
        cut = (1.0 - rate) ** lessons * (1.0 - rate * h.learning_spillover) ** heard
        human = wf.kind == HUMAN
        floor = wf.noise_floor[human]
        wf.noise[human] = floor + (wf.noise[human] - floor) * cut[human]
