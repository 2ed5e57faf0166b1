"""The lab the app shows: a :class:`TakeoffModel` built from plain keyword parameters.

Mesa's ``SolaraViz`` rebuilds a model on Reset as ``type(model)(**params)``; the core model takes a
:class:`~model.scenario.Scenario`. :class:`LiveModel` bridges the two without touching the core:
it takes a base scenario, a seed and dotted-key overrides, validates them exactly like a scenario
file, and can step a second scenario alongside for comparison. Mesa's own ``model.scenario`` is
left alone; the takeoff scenario is ``model.settings``, as in the core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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
    """The takeoff model with keyword parameters, for SolaraViz and notebooks.

    Args:
        base: A shipped scenario's name, or a validated :class:`Scenario`.
        seed: Overrides ``run.seed`` (an int or a numeric string).
        overrides: Dotted scenario keys and values, validated like a scenario file.
        compare: A second scenario (name or :class:`Scenario`) stepped alongside, or None.

    A seed that is not an integer (Mesa's seed box hands over text) does not stop the page: the
    lab runs its scenario's seed and says so in ``notice``.

    Attributes:
        compare: The comparison lab (its own :class:`TakeoffModel` and twin), or None.
        notice: A one-line ``error: ...`` about a rejected seed, or None.

    """

    def __init__(self, base: str | Scenario = "baseline", seed: int | str | None = None,
                 overrides: Mapping[str, Any] | None = None,
                 compare: str | Scenario | None = None):
        notice = None
        try:
            settings = build_settings(base, seed, overrides)
        except ScenarioError as exc:
            if seed is None:
                raise
            settings = build_settings(base, None, overrides)  # raises if not only the seed
            notice = f"error: {exc}; ran the scenario's seed {settings.run.seed}"
        super().__init__(settings)
        self.notice = notice
        self.compare = (TakeoffModel(build_settings(compare), lineage_graph=False)
                        if compare is not None else None)

    def step(self) -> None:
        """One week of the lab, and of the comparison lab while it still runs.

        A lab that has stopped (explosion or horizon) stays as it is.
        """
        if not self.running:
            return
        super().step()
        if self.compare is not None and self.compare.running:
            self.compare.step()


@dataclass
class LabSpec:
    """What the page's next Reset builds: its settings and the scenario to compare with."""

    settings: Scenario
    compare: Scenario | None = None


def lab_class(spec: LabSpec, seed_box: Callable[[], int | str | None]) -> type[LiveModel]:
    """The page's :class:`LiveModel` class: Reset builds ``spec`` with the seed box's seed.

    SolaraViz's Reset calls ``type(model)(**params)`` with the parameters of its Model
    Parameters card, here only the seed, and keeps a copy of the seed box's text that goes stale
    when the page itself puts a scenario's seed in the box. So the class reads the box itself,
    and the settings from ``spec``, which the page updates before it presses Reset.
    """

    class TakeoffLab(LiveModel):
        """The page's lab: ``spec``'s settings and the seed box's seed."""

        def __init__(self, seed: int | str | None = None):
            del seed  # Mesa's copy of the box; the box itself is read instead
            super().__init__(spec.settings, seed=seed_box(), compare=spec.compare)

    return TakeoffLab
