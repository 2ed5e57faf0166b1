"""What one visitor of the page has chosen, and how each control changes it (no Solara here).

A :class:`Choice` names a base scenario from the visitor's library (the shipped scenarios, their
uploads, a scenario opened from a link, pinned settings), the keys the controls changed, the
scenario to compare with and the seeds of the replicate band. Every change is validated like a
scenario file, and checked against what the page runs (:mod:`visualization.admission`), before
it is kept, so the page only ever runs a valid scenario of a size it can serve; a mistake is
one :class:`ScenarioError` line. A choice and its share link (the page's address) say the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from model.scenario import Scenario, ScenarioError, diff, load_scenario, shipped
from model.schema import PARAMS, SHARE_KEYS
from visualization.admission import admit
from visualization.live import build_settings
from visualization.sharing import (
    MAX_SEEDS,
    display_name,
    for_download,
    parse_share_query,
    read_upload,
    share_query,
)

NONE = "none"
PINNED = "pinned settings"


@dataclass(frozen=True)
class Choice:
    """A visitor's choice: base scenario, changed keys (schema order), comparison, band seeds."""

    base: str = "baseline"
    overrides: tuple[tuple[str, Any], ...] = ()
    compare: str = NONE
    seeds: int = 1


def shipped_library() -> dict[str, Scenario]:
    """The shipped scenarios by name."""
    return {name: load_scenario(name) for name in shipped()}


def initial(query: str | None) -> tuple[dict[str, Scenario], Choice, str | None]:
    """The library, choice and error message for a page opened with ``query`` (a share link).

    A link that is not valid, or asks for more than the page runs, opens the baseline with the
    one-line reason.
    """
    library = shipped_library()
    if not query:
        return library, Choice(), None
    try:
        link = parse_share_query(query)
        admit(link.scenario, "share link")
        compare = NONE
        if link.compare_scenario is not None:
            admit(link.compare_scenario, "share link (compare)")
            taken = link.compare in library and library[link.compare] != link.compare_scenario
            compare = _label(library, f"{link.compare} (from link)") if taken else link.compare
            library[compare] = link.compare_scenario
        elif link.compare is not None:  # a shipped scenario, by name
            compare = link.compare
    except ScenarioError as exc:
        return shipped_library(), Choice(), f"error: {exc}"
    if link.base is not None:
        overrides = _ordered(dict(_changes(library[link.base], link.scenario)))
        return library, Choice(link.base, overrides, compare, link.seeds), None
    label = _label(library, f"{display_name(link.scenario.name)} (from link)")
    library[label] = link.scenario
    return library, Choice(label, (), compare, link.seeds), None


def settings_of(library: Mapping[str, Scenario], choice: Choice) -> Scenario:
    """The scenario the page runs."""
    return build_settings(library[choice.base], overrides=dict(choice.overrides))


def compare_of(library: Mapping[str, Scenario], choice: Choice) -> Scenario | None:
    """The scenario to overlay, or None."""
    return library.get(choice.compare) if choice.compare != NONE else None


def query_of(library: Mapping[str, Scenario], choice: Choice) -> str:
    """The share link's query string (and the page's address) for ``choice``."""
    other = compare_of(library, choice)
    return share_query(settings_of(library, choice),
                       choice.base if choice.base in shipped() else None,
                       (choice.compare, other) if other is not None else None, choice.seeds)


def modified(library: Mapping[str, Scenario], choice: Choice) -> bool:
    """The settings differ from the named scenario's (the title says so)."""
    return settings_of(library, choice) != library[choice.base]


def download_of(library: Mapping[str, Scenario], choice: Choice) -> Scenario:
    """The scenario a download saves, with its own name and description once modified."""
    return for_download(settings_of(library, choice), library[choice.base])


def with_value(library: Mapping[str, Scenario], choice: Choice, key: str, value: Any) -> Choice:
    """Set one key; moving one compute share rescales the other two so the three sum to 1."""
    return with_values(library, choice, {key: value})


def with_values(library: Mapping[str, Scenario], choice: Choice, values: Mapping[str, Any]
                ) -> Choice:
    """Set several keys at once (a burst of slider moves restarts the lab once).

    Raises:
        ScenarioError: A value is not allowed, or the lab would be larger than the page runs
            (one line naming the key).

    """
    overrides = dict(choice.overrides)
    for key, value in values.items():
        current = build_settings(library[choice.base], overrides=overrides)
        overrides.update(split_shares(current, key, value) if key in SHARE_KEYS
                         else {key: value})
    admit(build_settings(library[choice.base], overrides=overrides), "settings")
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


def with_compare(library: Mapping[str, Scenario], choice: Choice, name: str) -> Choice:
    """Overlay another scenario of the library, or none."""
    if name != NONE and name not in library:
        raise ScenarioError(f"compare: {name!r} is not loaded; pick one of "
                            f"{', '.join(library)}")
    return replace(choice, compare=name)


def with_seeds(choice: Choice, seeds: Any) -> Choice:
    """Run the band over ``seeds`` replicate seeds (1: no band)."""
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= MAX_SEEDS:
        raise ScenarioError(f"seeds: must be an integer in [1, {MAX_SEEDS}], got {seeds!r}")
    return replace(choice, seeds=seeds)


def with_upload(library: Mapping[str, Scenario], choice: Choice, filename: str,
                data: bytes | str, size: int | None = None
                ) -> tuple[dict[str, Scenario], Choice]:
    """Add an uploaded scenario to the library and run it.

    Raises:
        ScenarioError: The file is too large, not a valid scenario, or asks for a larger lab
            than the page runs.

    """
    scenario = read_upload(filename, data, size)
    admit(scenario, display_name(filename))
    library = dict(library)
    label = _label(library, f"{display_name(scenario.name)} (uploaded)")
    library[label] = scenario
    return library, replace(choice, base=label, overrides=())


def with_pin(library: Mapping[str, Scenario], choice: Choice
             ) -> tuple[dict[str, Scenario], Choice]:
    """Keep the running settings as the comparison, to see what the next change does."""
    library = dict(library)
    library[PINNED] = settings_of(library, choice)
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


__all__ = ["Choice", "NONE", "PINNED", "compare_of", "download_of", "initial", "modified",
           "query_of", "settings_of", "split_shares", "with_base", "with_compare", "with_pin",
           "with_seeds", "with_upload", "with_value", "with_values"]
