"""Scenarios: TOML files holding every parameter, the seed and the horizon.

A scenario file is data, never code: it is parsed with :mod:`tomllib`, checked against
:mod:`model.schema`, and any mistake raises :class:`ScenarioError` with one line that names the
file, the key and what is allowed. Files may name a shipped scenario as ``base`` and change only
what differs from it.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from model.schema import BY_KEY, LADDER_KEYS, PARAMS, SCHEMA_VERSION, SECTIONS, SHARE_KEYS, Param

TOP_LEVEL = ("schema", "name", "description", "base")
MAX_FILE_BYTES = 256 * 1024


class ScenarioError(ValueError):
    """A user's mistake in a scenario: the message is one line, ready to print after 'error:'."""


class Section:
    """Read-only attribute view of one scenario table, e.g. ``settings.compute.shares``."""

    def __init__(self, values: Mapping[str, Any], prefix: str):
        self._values = values
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        key = f"{self._prefix}.{name}"
        if key in self._values:
            return self._values[key]
        if any(k.startswith(key + ".") for k in self._values):
            return Section(self._values, key)
        raise AttributeError(key)


class Scenario:
    """A validated, immutable set of parameter values.

    Read values as attributes (``s.compute.shares.inference``) or by dotted key (``s["ai.speed"]``).
    """

    def __init__(self, values: Mapping[str, Any], name: str = "custom", description: str = ""):
        self._values = dict(values)
        self.name = name
        self.description = description

    def __getattr__(self, name: str) -> Any:
        if name in SECTIONS:
            return Section(self._values, name)
        raise AttributeError(name)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._values == other._values

    def as_dict(self) -> dict[str, Any]:
        """Every dotted key with its value."""
        return dict(self._values)

    def replace(self, overrides: Mapping[str, Any], origin: str = "override") -> Scenario:
        """A new scenario with some keys changed, validated like a file."""
        values = dict(self._values)
        for key, value in overrides.items():
            values[key] = _check_value(origin, key, value)
        _check_consistency(origin, values)
        return Scenario(values, self.name, self.description)

    def to_toml(self) -> str:
        """The fully resolved scenario as TOML that :func:`load_scenario` reads back unchanged."""
        lines = [f"schema = {SCHEMA_VERSION}", f"name = {json.dumps(self.name)}"]
        lines.append(f"description = {_toml_text(self.description)}")
        current = None
        for p in PARAMS:
            table, leaf = p.key.rsplit(".", 1)
            if table != current:
                lines += ["", f"[{table}]"]
                current = table
            unit = f"  # {p.unit}" if p.unit else ""
            lines.append(f"{leaf} = {toml_value(self._values[p.key])}{unit}")
        return "\n".join(lines) + "\n"

    def humans_only(self) -> Scenario:
        """The same scenario with AI researchers switched off: the speedup's twin."""
        return Scenario({**self._values, "ai.enabled": False}, self.name, self.description)


def defaults() -> dict[str, Any]:
    """Every parameter at its baseline value."""
    return {p.key: (list(p.default) if p.kind == "floats" else p.default) for p in PARAMS}


def shipped() -> dict[str, Path]:
    """Shipped scenario names and their files."""
    folder = resources.files("scenarios")
    return {Path(f.name).stem: Path(str(f)) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".toml")}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path."""
    names = shipped()
    if str(name_or_path) in names:
        return _load_file(names[str(name_or_path)])
    path = Path(name_or_path)
    if not path.exists():
        hint = difflib.get_close_matches(str(name_or_path), list(names), n=1)
        also = f"; did you mean '{hint[0]}'?" if hint else f"; shipped: {', '.join(names)}"
        raise ScenarioError(f"{name_or_path}: no such scenario file or shipped name{also}")
    return _load_file(path)


def parse_toml_text(text: str, origin: str) -> Scenario:
    """Validate scenario TOML given as text (an upload, say); ``origin`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
    return from_mapping(data, origin)


def from_mapping(data: Mapping[str, Any], origin: str) -> Scenario:
    """Validate a parsed TOML document against the schema."""
    if "schema" not in data:
        raise ScenarioError(f"{origin}: missing 'schema = {SCHEMA_VERSION}' at the top")
    if data["schema"] != SCHEMA_VERSION:
        raise ScenarioError(f"{origin}: key 'schema': must be {SCHEMA_VERSION}, "
                            f"got {data['schema']!r}")
    if "base" in data:
        base_name = data["base"]
        if not isinstance(base_name, str) or base_name not in shipped():
            raise ScenarioError(f"{origin}: key 'base': must name a shipped scenario "
                                f"({', '.join(shipped())}), got {base_name!r}")
        base = load_scenario(base_name)
        values, name, description = base.as_dict(), base.name, base.description
    else:
        values, name, description = defaults(), "custom", ""
    for key, value in _flatten(data, origin):
        values[key] = _check_value(origin, key, value)
    for key, label in (("name", "a string"), ("description", "a string")):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{origin}: key '{key}': must be {label}, got {data[key]!r}")
    _check_consistency(origin, values)
    return Scenario(values, data.get("name", name), data.get("description", description))


def parse_set(assignment: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE`` from the command line; VALUE is read as TOML, else as a bare string."""
    if "=" not in assignment:
        raise ScenarioError(f"--set {assignment}: expected KEY=VALUE, e.g. "
                            f"compute.experiment_boost=10")
    key, raw = (s.strip() for s in assignment.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def diff(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """Keys whose values differ, in schema order."""
    return [(p.key, a[p.key], b[p.key]) for p in PARAMS if a[p.key] != b[p.key]]


def read_capped(path: Path, kind: str = "a scenario") -> str:
    """A user's TOML file as text, refused past ``MAX_FILE_BYTES`` or when unreadable.

    Args:
        path: The file.
        kind: What the file should be, for the error ("a scenario", "a sweep file").

    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path}: file is {size} bytes; {kind} is at most "
                                f"{MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None


def _load_file(path: Path) -> Scenario:
    scenario = parse_toml_text(read_capped(path), str(path))
    if scenario.name == "custom":
        scenario.name = path.stem
    return scenario


def _flatten(data: Mapping[str, Any], origin: str, prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if not prefix and key in TOP_LEVEL:
            continue
        if dotted in BY_KEY:
            yield dotted, value
        elif isinstance(value, dict) and any(k.startswith(dotted + ".") for k in BY_KEY):
            yield from _flatten(value, origin, dotted + ".")
        else:
            raise ScenarioError(f"{origin}: unknown key '{dotted}'{_suggest(dotted)}")


def _suggest(key: str) -> str:
    if key == "sweep" or key.startswith("sweep."):
        return "; this is a sweep file: run it with 'takeoff sweep'"
    known = list(BY_KEY) + list(TOP_LEVEL)
    hint = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    if not hint:  # a misspelt table name: match on the leaf alone
        leaf = key.rsplit(".", 1)[-1]
        leaves = {k.rsplit(".", 1)[-1]: k for k in BY_KEY}
        close = difflib.get_close_matches(leaf, list(leaves), n=1, cutoff=0.7)
        hint = [leaves[close[0]]] if close else []
    return f"; did you mean '{hint[0]}'?" if hint else "; see 'takeoff scenario show baseline'"


def _check_value(origin: str, key: str, value: Any) -> Any:
    p = BY_KEY.get(key)
    if p is None:
        raise ScenarioError(f"{origin}: unknown key '{key}'{_suggest(key)}")
    bad = ScenarioError(f"{origin}: key '{key}': must be {p.allowed()}, got {value!r}")
    if p.kind == "bool":
        if not isinstance(value, bool):
            raise bad
        return value
    if p.kind == "choice":
        if value not in p.choices:
            raise bad
        return value
    if p.kind == "floats":
        if not isinstance(value, list) or not value or not all(_in_range(p, v) for v in value):
            raise bad
        return [float(v) for v in value]
    if not _in_range(p, value) or (p.kind == "int" and not isinstance(value, int)):
        raise bad
    return int(value) if p.kind == "int" else float(value)


def _in_range(p: Param, v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return False
    return (p.lo is None or v >= p.lo) and (p.hi is None or v <= p.hi)


def _check_consistency(origin: str, values: Mapping[str, Any]) -> None:
    total = sum(values[k] for k in SHARE_KEYS)
    if abs(total - 1.0) > 1e-6:
        listed = ", ".join(f"{k.rsplit('.', 1)[1]} {values[k]:g}" for k in SHARE_KEYS)
        raise ScenarioError(f"{origin}: keys 'compute.shares.*': must sum to 1, "
                            f"got {total:g} ({listed})")
    scales = values["experiments.scales"]
    if any(b <= a for a, b in zip(scales, scales[1:], strict=False)):
        raise ScenarioError(f"{origin}: key 'experiments.scales': must increase rung by rung, "
                            f"got {scales}")
    for key in LADDER_KEYS:
        if len(values[key]) != len(scales):
            raise ScenarioError(f"{origin}: key '{key}': must have one entry per rung of "
                                f"'experiments.scales' ({len(scales)}), got {len(values[key])}")


def toml_value(v: Any) -> str:
    """A value as TOML (as a scenario file or ``--set KEY=VALUE`` reads it)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, float):
        text = repr(v)
        return text if any(c in text for c in ".en") else text + ".0"
    return str(v)


def _toml_text(text: str) -> str:
    if "\n" in text and '"""' not in text and "\\" not in text:
        return '"""\n' + text.rstrip("\n") + '"""'
    return json.dumps(text)
