"""Researcher agents: humans, autonomous AI cohorts, and AI copilots attached to humans.

Agents are real Mesa agents with identities, places on the collaboration network and types for
``model.agents_by_type``. Their hot state (taste, speed, copies, backlog, pipelines) lives in
arrays owned by the model, so that the research cycle runs over all of them at once; an agent's
attributes read its row of those arrays.
"""

from __future__ import annotations

from mesa.discrete_space import CellAgent


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


class HumanResearcher(Researcher):
    """A human researcher with its own taste, speed and skill at reading results.

    Humans learn: each of their ideas revealed by a frontier run cuts their taste noise, and part
    of the lesson reaches their collaborators.
    """

    @property
    def interpretation_skill(self) -> float:
        """Skill at reading results, relative to the median human."""
        return float(self.model.workforce.skill[self.row])

    @property
    def copilot_boost(self) -> float:
        """How much faster its copilots make it set up experiments."""
        return float(self.model.workforce.implement_boost[self.row])


class AIResearcher(Researcher):
    """A cohort of identical autonomous AI researcher copies with their own pipeline.

    Their taste and speed follow the capability of the latest frontier model; their number
    follows inference compute and software efficiency.
    """


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
