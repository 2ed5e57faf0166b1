"""What one visitor of the page has chosen, and how each control changes it (no Solara here).

A :class:`Choice` names a base scenario from the visitor's library (the shipped scenarios, their
uploads, a scenario opened from a link, pinned settings), the keys the controls changed, and the
scenario to compare with. Every change is validated like a scenario file before it is kept, so
the page only ever runs a valid scenario; a mistake is one :class:`ScenarioError` line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from model.scenario import Scenario, ScenarioError, diff, load_scenario, shipped
from model.schema import PARAMS, SHARE_KEYS
from visualization.live import build_settings
from visualization.sharing import display_name, parse_share_query, read_upload

NONE = "none"
PINNED = "pinned settings"


@dataclass(frozen=True)
class Choice:
    """A visitor's choice: base scenario, changed keys (schema order), comparison."""

    base: str = "baseline"
    overrides: tuple[tuple[str, Any], ...] = ()
    compare: str = NONE


def shipped_library() -> dict[str, Scenario]:
    """The shipped scenarios by name."""
    return {name: load_scenario(name) for name in shipped()}


def initial(query: str | None) -> tuple[dict[str, Scenario], Choice, str | None]:
    """The library, choice and error message for a page opened with ``query`` (a share link)."""
    library = shipped_library()
    if not query:
        return library, Choice(), None
    try:
        scenario, base = parse_share_query(query)
    except ScenarioError as exc:
        return library, Choice(), f"error: {exc}"
    if base is not None:
        return library, Choice(base, _ordered(dict(_changes(library[base], scenario)))), None
    label = _label(library, f"{display_name(scenario.name)} (from link)")
    library[label] = scenario
    return library, Choice(label), None


def settings_of(library: Mapping[str, Scenario], choice: Choice) -> Scenario:
    """The scenario the page runs."""
    return build_settings(library[choice.base], overrides=dict(choice.overrides))


def compare_of(library: Mapping[str, Scenario], choice: Choice) -> Scenario | None:
    """The scenario to overlay, or None."""
    return library.get(choice.compare) if choice.compare != NONE else None


def with_value(library: Mapping[str, Scenario], choice: Choice, key: str, value: Any) -> Choice:
    """Set one key; moving one compute share rescales the other two so the three sum to 1.

    Raises:
        ScenarioError: The value is not allowed (one line naming the key).

    """
    current = settings_of(library, choice)
    changes = {key: value}
    if key in SHARE_KEYS:
        changes = split_shares(current, key, value)
    overrides = {**dict(choice.overrides), **changes}
    build_settings(library[choice.base], overrides=overrides)  # validate before keeping
    return replace(choice, overrides=_ordered(overrides))


def split_shares(current: Scenario, key: str, value: float) -> dict[str, float]:
    """New shares with ``key`` at ``value`` and the others keeping their proportions."""
    value = round(min(max(float(value), 0.0), 1.0), 4)
    first, second = (k for k in SHARE_KEYS if k != key)
    rest = current[first] + current[second]
    a = round((1.0 - value) * (current[first] / rest if rest > 0 else 0.5), 4)
    b = round(1.0 - value - a, 10)
    return {key: value, first: a, second: max(b, 0.0)}


def with_base(library: Mapping[str, Scenario], choice: Choice, base: str) -> Choice:
    """Start from another scenario of the library (its own values, the controls reset)."""
    if base not in library:
        raise ScenarioError(f"scenario: {base!r} is not loaded; pick one of "
                            f"{', '.join(library)}")
    return replace(choice, base=base, overrides=())


def with_upload(library: Mapping[str, Scenario], choice: Choice, filename: str,
                data: bytes | str, size: int | None = None
                ) -> tuple[dict[str, Scenario], Choice]:
    """Add an uploaded scenario to the library and run it.

    Raises:
        ScenarioError: The file is too large or not a valid scenario.

    """
    scenario = read_upload(filename, data, size)
    library = dict(library)
    label = _label(library, f"{display_name(scenario.name)} (uploaded)")
    library[label] = scenario
    return library, replace(choice, base=label, overrides=())


def with_pin(library: Mapping[str, Scenario], choice: Choice, running: Scenario
             ) -> tuple[dict[str, Scenario], Choice]:
    """Keep the running settings as the comparison, to see what the next change does."""
    library = dict(library)
    library[PINNED] = running
    return library, replace(choice, compare=PINNED)


def _changes(reference: Scenario, scenario: Scenario) -> list[tuple[str, Any]]:
    return [(key, value) for key, _, value in diff(reference, scenario)]


def _ordered(overrides: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple((p.key, overrides[p.key]) for p in PARAMS if p.key in overrides)


def _label(library: Mapping[str, Scenario], label: str) -> str:
    """A library label not yet taken."""
    taken, n, candidate = set(library), 2, label
    while candidate in taken:
        candidate, n = f"{label} {n}", n + 1
    return candidate


__all__ = ["Choice", "NONE", "PINNED", "compare_of", "initial", "settings_of",
           "split_shares", "with_base", "with_pin", "with_upload", "with_value"]
