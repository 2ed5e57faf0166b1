"""A researcher: what every researcher of the lab is, and what every one of them does.

Agents are real Mesa agents with identities, places on the collaboration network and types for
``model.agents_by_type``. Their hot state (taste, speed, copies, backlog, ideas in flight) lives
in arrays owned by the model (``model.workforce`` by researcher row, ``model.pipelines`` by idea
in flight), so a type's behaviour runs over all its agents at once, as in mesa-frames: the
type-level methods below act on the rows, and an agent's attributes read its own row.

The decisions every researcher makes, human or AI, are here: which of its ideas to consider
and which to start (:meth:`Researcher.shortlist`, :meth:`Researcher.choose`), how to spend its
time reading results and setting up experiments and what each result makes it do
(:meth:`Researcher.work`, :meth:`Researcher.read`), and what to do with time left over
(:meth:`Researcher.engineer`). What differs by type is in ``agents/humans.py`` (thinking from
one's own stream, talking ideas over with collaborators, learning from frontier runs) and
``agents/ai.py`` (thinking by millions, sizing a cohort's pipelines, copilots).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mesa.discrete_space import CellAgent

from model import streams
from model.kernels import (
    bars,
    engineer,
    first_beliefs,
    means,
    read_results,
    spend_time,
    work_rates,
)
from model.pipelines import IMPLEMENT, INTERPRET, QUEUED

HUMAN, AI = 0, 1  # the kind of a researcher row


@dataclass
class Shortlist:
    """Backlog ideas researchers consider starting this week, and what they believe of them.

    Attributes:
        ideas: The entries (``IdeaBacklog.peek`` fields; ``row`` is the owner).
        belief: The owners' beliefs about them (``model.pipelines.BELIEF`` fields by entry).
        wanted: Per researcher row, how many ideas it has room to start.
        noise: Taste noise per researcher row, in effect units.

    """

    ideas: dict[str, np.ndarray]
    belief: np.ndarray
    wanted: np.ndarray
    noise: np.ndarray


class Researcher(CellAgent):
    """A researcher that owns ideas: one row of the model's researcher table.

    Args:
        model: The model.
        row: Its row in ``model.workforce``.
        cell: Its node on the collaboration network, or None.

    """

    def __init__(self, model, row: int, cell=None):
        super().__init__(model)
        self.row = row
        self.cell = cell

    # --- one researcher's view of its row ---------------------------------------------------
    @property
    def taste_noise(self) -> float:
        """Noise of its idea estimates, in units of the spread of true idea effects."""
        return float(self.model.workforce.noise[self.row])

    @property
    def taste(self) -> float:
        """Taste relative to the median human at week 0 (2 means half the noise)."""
        return self.model.settings.humans.taste_noise / self.taste_noise

    @property
    def speed(self) -> float:
        """Serial speed relative to a median human."""
        return float(self.model.workforce.speed[self.row])

    @property
    def copies(self) -> float:
        """Researchers this agent stands for (1 for a human)."""
        return float(self.model.workforce.copies[self.row])

    @property
    def ideas_merged(self) -> float:
        """Ideas it carried to the top of the ladder (copies' ideas counted)."""
        return float(self.model.workforce.merged[self.row])

    @property
    def ideas_shipped(self) -> float:
        """Ideas of its that went into a frontier run."""
        return float(self.model.workforce.shipped[self.row])

    @property
    def pipelines(self) -> int:
        """Ideas it has in flight now (rows; an AI row may stand for several copies' ideas)."""
        p = self.model.pipelines
        return int(((p.owner == self.row) & (p.state >= 0)).sum())

    # --- what every researcher does, over all rows at once ----------------------------------
    @classmethod
    def shortlist(cls, model) -> Shortlist | None:
        """The backlog ideas each researcher with room for more would consider starting.

        A researcher starts an idea only while its experiments waiting for compute would run
        within ``experiments.queue_weeks`` of its share of the budget (compute it cannot get
        soon is better spent on the ideas it has), and only an idea whose belief clears
        ``ideas.promote_threshold``: "ruthless prioritization" [07:07]. A human shortlists
        ``humans.shortlist`` candidates for each idea it will start, to talk them over first.

        Returns:
            The shortlist, or None when no one starts anything this week.

        """
        wf, cycle, pipes = model.workforce, model.cycle, model.pipelines
        s = model.settings
        in_flight = np.bincount(pipes.owner[pipes.state >= 0], minlength=len(wf.kind))
        patient = model.scheduler.waits() < s.experiments.queue_weeks
        wanted = np.where(patient, np.maximum(wf.rows_cap - in_flight, 0), 0)
        if not wanted.any():
            return None
        noise = wf.noise * cycle.sd
        ideas = wf.backlog.peek(
            np.where(wf.kind == HUMAN, wanted * s.humans.shortlist, wanted),
            cls._start_bars(model, noise))
        if ideas["row"].size == 0:
            return None
        belief = first_beliefs(ideas["est"], noise[ideas["row"]], *cycle.prior)
        return Shortlist(ideas, belief, wanted, noise)

    @staticmethod
    def _start_bars(model, noise: np.ndarray) -> np.ndarray:
        """The least estimate whose belief clears ``ideas.promote_threshold``, per row.

        A function of the row's taste noise alone, which changes only when a human learns or
        the AI's capability moves: rows whose noise is unchanged keep the bar found before
        (a bisection per row, most of a week's cost in a large lab).
        """
        wf = model.workforce
        k = min(noise.size, wf.start_bar.size)
        stale = np.ones(noise.size, dtype=bool)
        stale[:k] = noise[:k] != wf.start_bar_noise[:k]
        if stale.any():
            bar = np.empty(noise.size)
            bar[:k] = wf.start_bar[:k]
            bar[stale] = bars(noise[stale], model.settings.ideas.promote_threshold,
                              *model.cycle.prior)
            wf.start_bar, wf.start_bar_noise = bar, noise.copy()
        return wf.start_bar

    @classmethod
    def choose(cls, model, shortlist: Shortlist | None) -> None:
        """Each researcher starts the best of its shortlist by belief, as many as it has room for.

        The others stay in its backlog; an idea whose belief no longer clears
        ``ideas.promote_threshold`` is not started.
        """
        if shortlist is None:
            return
        ideas, belief, wanted = shortlist.ideas, shortlist.belief, shortlist.wanted
        owner = ideas["row"]
        mean = belief[0] * belief[1] + (1.0 - belief[0]) * belief[6]
        order = np.lexsort((-mean, owner))
        first = np.searchsorted(owner[order], owner[order], side="left")
        rank = np.empty(owner.size, dtype=np.int64)
        rank[order] = np.arange(owner.size) - first
        chosen = np.flatnonzero((rank < wanted[owner])
                                & (mean >= model.settings.ideas.promote_threshold))
        if chosen.size == 0:
            return
        model.workforce.backlog.remove(ideas["slot"][:, chosen])
        # New requests join the queue in an order set by their ideas' keys: random, and the
        # same for the same ideas in the lab and its twin.
        chosen = chosen[np.argsort(ideas["key"][chosen], kind="stable")]
        model.cycle.start({k: v[chosen] for k, v in ideas.items() if k != "slot"},
                          belief[:, chosen], mean[chosen])

    @classmethod
    def work(cls, model, budget: np.ndarray) -> None:
        """Spend each idea's share of its researcher's time: read, decide, set up experiments.

        A researcher splits its time over the ideas it is working on; a cohort gives each idea
        at most one copy's time. What its best backlog idea promises is the bar a result must
        not fall below (``Researcher.read``).

        Args:
            model: The model.
            budget: Weeks of wall-clock time each idea in flight has left this week.

        """
        wf, p = model.workforce, model.pipelines
        wf.bar = means(wf.backlog.best(), wf.noise * model.cycle.sd, *model.cycle.prior)
        interpreting, implementing, attention = work_rates(
            p.state, p.owner, p.weight, wf.speed, wf.copies, wf.interpret_boost,
            wf.implement_boost, INTERPRET, IMPLEMENT)
        if wf.used.size != wf.speed.size:
            wf.used = np.zeros(wf.speed.size)
        budget = budget.copy()
        for stage, rate in ((INTERPRET, interpreting), (IMPLEMENT, implementing)):
            done = spend_time(p.state, p.owner, p.work_left, budget, rate, stage, attention,
                              wf.used)
            if done.size == 0:
                continue
            if stage == IMPLEMENT:  # set up: the request joins the queue
                p.state[done] = QUEUED
                p.submitted[done] = float(model.week)
            else:
                cls.read(model, done, budget)

    @classmethod
    def read(cls, model, idx: np.ndarray, budget: np.ndarray) -> None:
        """Read results, update beliefs, and promote, drop or merge (``kernels.read_results``).

        A result is read with the researcher's reading noise; an idea climbs a rung only if its
        belief clears the bar for that rung (``ideas.promote_threshold`` plus ``ideas.rung_bar``
        a rung) and what the researcher's best backlog idea promises; at the top rung it is
        merged into the recipe of the next frontier run. Any other is dropped on that evidence.
        """
        wf, p, cycle, s = model.workforce, model.pipelines, model.cycle, model.settings
        normal = streams.idea_normals(p.key[idx], streams.READ, p.rung[idx])
        w = p.weight[idx]
        model.cycle_log.append((float(np.sum(w * (model.week + 1 - p.submitted[idx]))),
                                float(w.sum())))
        promote, merge = read_results(
            idx, normal, p.rung, p.owner, p.obs, p.beliefs(), p.mean, p.weight, p.state,
            p.work_left, budget, wf.skill, cycle.rho, cycle.implement, cycle.run_noise2,
            cycle.reading_noise, s.ideas.promote_threshold, wf.bar, s.ideas.rung_bar,
            model.counts["tested"], model.counts["dropped"], IMPLEMENT)
        model.counts["promoted"] += float(p.weight[promote].sum())
        if merge.size:
            cycle.settle_duplicates(merge)
            model.frontier.merge(p.take(merge))
            p.state[merge] = -1
            budget[merge] = 0.0

    @classmethod
    def engineer(cls, model) -> None:
        """Researchers spend the week's time left over on their waiting requests.

        Time not spent implementing or interpreting goes into the experiments waiting for
        compute (labour buys research with less compute); copilots multiply it as they multiply
        setting up. With ``experiments.labour_substitution`` 0 it buys nothing.
        """
        wf, p = model.workforce, model.pipelines
        if model.scheduler.substitution > 0.0 and len(p):
            spare = np.maximum(wf.copies - wf.used, 0.0) * wf.speed * wf.implement_boost
            engineer(p.state, p.owner, p.weight, p.effort, spare, QUEUED)
        wf.used = np.zeros(wf.speed.size)


