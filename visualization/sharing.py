"""Scenario sharing from the app: download, upload and share links (which are also the address).

Everything that comes from a user (an uploaded file, a link's query string) is data, read and
validated exactly like a scenario file by :mod:`model.scenario`; a mistake is a
:class:`~model.scenario.ScenarioError` with one line, the same line the CLI prints after
``error:``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from model.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    ScenarioError,
    defaults,
    diff,
    from_mapping,
    load_scenario,
    parse_toml_text,
    shipped,
    toml_value,
)
from model.schema import SCHEMA_VERSION

MAX_QUERY_CHARS = 16 * 1024  # a link holds a diff, not a file; far above any real scenario's
MAX_QUERY_FIELDS = 200  # the schema has fewer keys than this, twice (a comparison) included
MAX_SEEDS = 16  # replicate runs of the page's band
LINK = "share link"
VS = "vs."  # a link's keys of the scenario to compare with


def for_download(settings: Scenario, reference: Scenario) -> Scenario:
    """The scenario a visitor downloads: named and described as what it is.

    Settings equal to the scenario they came from (``reference``) keep its name and text. Changed
    settings are ``NAME-modified``, described by the changes themselves: the original's text
    ("poor taste") may no longer be true of them.
    """
    changes = diff(reference, settings)
    if not changes:
        return settings
    origin = display_name(reference.name)
    listed = "; ".join(f"{key} {toml_value(old)} -> {toml_value(new)}"
                       for key, old, new in changes)
    text = (f"Made on the takeoff page from the scenario '{origin}' by changing "
            f"{len(changes)} setting{'s' if len(changes) != 1 else ''}: {listed}.")
    return Scenario(settings.as_dict(), f"{origin}-modified", text)


def download_text(settings: Scenario) -> str:
    """The scenario as a TOML file that ``takeoff run`` accepts unchanged."""
    return settings.to_toml()


def download_name(settings: Scenario) -> str:
    """A safe file name for the downloaded scenario."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", settings.name).strip("-.") or "scenario"
    return f"{stem[:60]}.toml"


def read_upload(filename: str, data: bytes | str, size: int | None = None) -> Scenario:
    """Validate an uploaded scenario file.

    Args:
        filename: The name the browser reports; only its last part is used, in messages.
        data: The file's content.
        size: The size the browser reports, checked before anything is parsed.

    Raises:
        ScenarioError: Too large, not UTF-8 text, not TOML, or not a valid scenario.

    """
    origin = PurePath(str(filename or "upload")).name[:100] or "upload"
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    nbytes = max(len(raw), int(size or 0))
    if nbytes > MAX_FILE_BYTES:
        raise ScenarioError(f"{origin}: file is {nbytes} bytes; a scenario is at most "
                            f"{MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{origin}: cannot read (not UTF-8 text)") from None
    scenario = parse_toml_text(text, origin)
    if scenario.name == "custom":
        scenario.name = PurePath(origin).stem or "upload"
    return scenario


@dataclass(frozen=True)
class Link:
    """What a share link holds: the scenario, and the page's own choices.

    Attributes:
        scenario: The validated scenario.
        base: The shipped scenario it names, or None (then it travels whole).
        compare: The name of the scenario to compare with, or None.
        compare_scenario: That scenario when the link carries it (``vs.`` keys), else None
            (a shipped one, by name).
        seeds: Seeds of the replicate band (1: no band).

    """

    scenario: Scenario
    base: str | None
    compare: str | None = None
    compare_scenario: Scenario | None = None
    seeds: int = 1


def share_query(settings: Scenario, base: str | None = None,
                compare: tuple[str, Scenario] | None = None, seeds: int = 1) -> str:
    """The query string of a link that reproduces ``settings`` and the page's choices.

    With a shipped ``base`` the link names it and carries only the keys that differ from it,
    the same vocabulary as ``takeoff run BASE --set KEY=VALUE``. Otherwise it carries the name
    and every key that differs from the defaults. ``compare`` (its label and scenario) is named
    when it is a shipped scenario as shipped, else carried as ``vs.KEY=VALUE``; ``seeds`` above
    1 is the replicate band.
    """
    if base is not None and base in shipped():
        reference, items = load_scenario(base), [("base", base)]
    else:
        reference, items = Scenario(defaults()), [("name", settings.name)]
    items += [(key, toml_value(value)) for key, _, value in diff(reference, settings)]
    if compare is not None:
        label, other = compare
        items.append(("compare", label))
        if not (label in shipped() and other == load_scenario(label)):
            items += [(f"{VS}{key}", toml_value(value))
                      for key, _, value in diff(Scenario(defaults()), other)]
    if seeds > 1:
        items.append(("seeds", str(seeds)))
    return urlencode(items, quote_via=quote, safe="[],")


def parse_share_query(query: str) -> Link:
    """Read a share link's query string back into a validated scenario and the page's choices.

    Raises:
        ScenarioError: One line naming the key and what is allowed (origin ``share link``).

    """
    if len(query) > MAX_QUERY_CHARS:
        raise ScenarioError(f"{LINK}: {len(query)} characters; a link holds at most "
                            f"{MAX_QUERY_CHARS}")
    document: dict[str, Any] = {"schema": SCHEMA_VERSION}
    versus: dict[str, Any] = {"schema": SCHEMA_VERSION}
    compare, seeds = None, 1
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        raise ScenarioError(f"{LINK}: more than {MAX_QUERY_FIELDS} keys") from None
    for key, raw in pairs:
        if key in ("base", "name"):
            document[key] = raw
        elif key in ("schema", "description"):
            raise ScenarioError(f"{LINK}: key '{key}' cannot be set in a link")
        elif key == "compare":
            compare = display_name(raw)
        elif key == "seeds":
            seeds = _seeds(raw)
        elif key.startswith(VS):
            versus[key.removeprefix(VS)] = _value(raw)
        else:
            document[key] = _value(raw)
    scenario = from_mapping(document, LINK)
    base = document.get("base")
    other = None
    if len(versus) > 1 or (compare is not None and compare not in shipped()):
        if compare is None:
            raise ScenarioError(f"{LINK}: 'vs.' keys need 'compare' to name what they describe")
        other = from_mapping(versus, f"{LINK} (compare)")
        other.name = compare
    return Link(scenario, base if isinstance(base, str) else None, compare, other, seeds)


def _seeds(raw: str) -> int:
    """The band's seed count from a link."""
    value = _value(raw)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEEDS:
        raise ScenarioError(f"{LINK}: key 'seeds': must be an integer in [1, {MAX_SEEDS}], "
                            f"got {raw!r}")
    return value


def _value(raw: str) -> Any:
    """A link's value: TOML when it parses, else a bare string (a choice such as fair)."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def display_name(name: str, limit: int = 48) -> str:
    """A scenario name safe to show anywhere on the page: printable, no markup, short.

    At most ``limit`` characters; the page also cuts long ones short on screen (in full on
    hover).
    """
    text = re.sub(r"[\x00-\x1f\x7f<>&\"'`]+", "", " ".join(str(name).split()))
    return (text[:limit] + "...") if len(text) > limit else (text or "unnamed")
