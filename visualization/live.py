"""The lab the app shows: a :class:`TakeoffModel` built from plain keyword parameters.

The core model takes a :class:`~model.scenario.Scenario`; :class:`LiveModel` also takes a base
scenario, a seed and dotted-key overrides, validates them exactly like a scenario file, can step
a second scenario alongside for comparison, and notes who merged each idea for the network view,
all without touching the core or changing the run. Mesa's own ``model.scenario`` is left alone;
the takeoff scenario is ``model.settings``, as in the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from agents.researchers import HUMAN
from model.model import TakeoffModel
from model.scenario import Scenario, ScenarioError, load_scenario, shipped


def build_settings(base: str | Scenario = "baseline", seed: int | str | None = None,
                   overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Resolve a base scenario, a seed and overrides into one validated scenario.

    Args:
        base: A shipped scenario's name, or a scenario already validated (an upload, a link).
            Names only: a string is never read as a path on the server.
        seed: Overrides ``run.seed``; a numeric string (a text box's value) is converted.
        overrides: Dotted keys and values, each checked against the schema.

    Raises:
        ScenarioError: One line naming the key and what is allowed.

    """
    if isinstance(base, Scenario):
        settings = base
    elif isinstance(base, str) and base in shipped():
        settings = load_scenario(base)
    else:
        raise ScenarioError(f"scenario: {base!r} is not a shipped scenario "
                            f"({', '.join(shipped())})")
    if overrides:
        settings = settings.replace(dict(overrides), origin="settings")
    if seed is not None:
        settings = settings.replace({"run.seed": _integer(seed)}, origin="seed")
    return settings


def _integer(value: int | str) -> int | str:
    """An integer from a text box; anything else goes on to validation, which names it."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return value


class LiveModel(TakeoffModel):
    """The takeoff model with keyword parameters, for the page and notebooks.

    Args:
        base: A shipped scenario's name, or a validated :class:`Scenario`.
        seed: Overrides ``run.seed`` (an int or a numeric string).
        overrides: Dotted scenario keys and values, validated like a scenario file.
        compare: A second scenario (name or :class:`Scenario`) stepped alongside, or None.

    Attributes:
        compare: The comparison lab (its own :class:`TakeoffModel` and twin), or None.
        lineage_authors: The researcher row that merged each idea of the lineage (-1 for ideas
            merged before the page watched: the lab's history), for the network view.
        lineage_roots: The human whose line each idea descends from: its author if human, else
            its parent's root (-1 when the line goes back into the unwatched history).

    Raises:
        ScenarioError: One line naming the key and what is allowed.

    """

    def __init__(self, base: str | Scenario = "baseline", seed: int | str | None = None,
                 overrides: Mapping[str, Any] | None = None,
                 compare: str | Scenario | None = None):
        super().__init__(build_settings(base, seed, overrides))
        self.compare = (TakeoffModel(build_settings(compare), lineage_graph=False)
                        if compare is not None else None)
        self.lineage_authors = np.full(len(self.lineage), -1, dtype=np.int64)
        self.lineage_roots = self.lineage_authors.copy()
        self._record_authors()

    def _record_authors(self) -> None:
        """Note who merged each idea, and whose line it descends from (the run is unchanged)."""
        add = self.lineage.add

        def add_and_record(rows, *args, **kwargs):
            ids = add(rows, *args, **kwargs)
            if ids.size and "owner" in rows and "parent" in rows:
                size = int(ids[-1]) + 1
                authors = np.full(size, -1, dtype=np.int64)
                roots = np.full(size, -1, dtype=np.int64)
                authors[:self.lineage_authors.size] = self.lineage_authors
                roots[:self.lineage_roots.size] = self.lineage_roots
                owner, parent = rows["owner"], rows["parent"]
                known = (parent >= 0) & (parent < size)
                inherited = np.where(known, roots[np.where(known, parent, 0)], -1)
                authors[ids] = owner
                roots[ids] = np.where(self.workforce.kind[owner] == HUMAN, owner, inherited)
                self.lineage_authors, self.lineage_roots = authors, roots
            return ids

        self.lineage.add = add_and_record

    def step(self) -> None:
        """One week of the lab, and of the comparison lab while it still runs.

        A lab that has stopped (explosion or horizon) stays as it is.
        """
        if not self.running:
            return
        super().step()
        if self.compare is not None and self.compare.running:
            self.compare.step()
