"""Scenarios: TOML files holding every parameter, the seed and the horizon.

A scenario file is data, never code: it is parsed with :mod:`tomllib`, checked against
:mod:`model.schema`, and any mistake raises :class:`ScenarioError` with one line that names the
file, the key and what is allowed. Files may name a shipped scenario as ``base`` and change only
what differs from it.
"""

from __future__ import annotations

import difflib
import math
import os
import stat
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from model.schema import BY_KEY, LADDER_KEYS, PARAMS, SCHEMA_VERSION, SECTIONS, SHARE_KEYS, Param

TOP_LEVEL = ("schema", "name", "description", "base")
MAX_FILE_BYTES = 256 * 1024
MAX_NAME_CHARS = 200  # a name labels runs and folders; past this it is not a name
SHOWN_CHARS = 60  # a value or key quoted in an error message is cut to this
SHOWN_PATH_CHARS = 256  # a file name, likewise


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
        lines = [f"schema = {SCHEMA_VERSION}", f"name = {toml_value(self.name)}"]
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
    try:
        exists = path.exists()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL byte
        name = show_text(str(name_or_path), SHOWN_PATH_CHARS)
        raise ScenarioError(f"{name}: not a usable file name "
                            f"({getattr(exc, 'strerror', None) or exc})") from None
    if not exists:
        hint = difflib.get_close_matches(str(name_or_path), list(names), n=1)
        also = f"; did you mean '{hint[0]}'?" if hint else f"; shipped: {', '.join(names)}"
        raise ScenarioError(f"{show_text(str(name_or_path), SHOWN_PATH_CHARS)}: no such scenario "
                            f"file or shipped name{also}")
    return _load_file(path)


def parse_toml_text(text: str, origin: str) -> Scenario:
    """Validate scenario TOML given as text (an upload, say); ``origin`` names it in errors."""
    return from_mapping(read_toml(text, origin), origin)


def read_toml(text: str, origin: str) -> dict[str, Any]:
    """Parse TOML text; every way it can fail is one :class:`ScenarioError` naming ``origin``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays
        raise ScenarioError(f"{origin}: not valid TOML (arrays or tables nested too deeply)"
                            ) from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise ScenarioError(f"{origin}: not valid TOML (a number has too many digits)") from None


def from_mapping(data: Mapping[str, Any], origin: str) -> Scenario:
    """Validate a parsed TOML document against the schema."""
    if "schema" not in data:
        raise ScenarioError(f"{origin}: missing 'schema = {SCHEMA_VERSION}' at the top")
    # 1.0 and true compare equal to 1 in Python; the schema version is the integer.
    if type(data["schema"]) is not int or data["schema"] != SCHEMA_VERSION:
        raise ScenarioError(f"{origin}: key 'schema': must be the integer {SCHEMA_VERSION}, "
                            f"got {show(data['schema'])}")
    _check_labels(data, origin)
    if "base" in data:
        base_name = data["base"]
        if not isinstance(base_name, str) or base_name not in shipped():
            raise ScenarioError(f"{origin}: key 'base': must name a shipped scenario "
                                f"({', '.join(shipped())}), got {show(base_name)}")
        base = load_scenario(base_name)
        values, name, description = base.as_dict(), base.name, base.description
    else:
        values, name, description = defaults(), "custom", ""
    given: set[str] = set()
    for key, value in _flatten(data, origin):
        if key in given:  # "ai.speed" = 1 beside [ai] speed = 2: TOML sees two keys
            raise ScenarioError(f"{origin}: key '{key}' is given twice (once as a quoted "
                                f"\"{key}\"); write it once, as [{key.rsplit('.', 1)[0]}] "
                                f"{key.rsplit('.', 1)[1]} = ...")
        given.add(key)
        values[key] = _check_value(origin, key, value)
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
    except (RecursionError, ValueError):  # nested too deeply; an integer of 4300+ digits
        raise ScenarioError(f"--set {show_text(key)}=...: the value is not one TOML reads (too "
                            f"many digits, or nested too deeply)") from None
    return key, value


def diff(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """Keys whose values differ, in schema order."""
    return [(p.key, a[p.key], b[p.key]) for p in PARAMS if a[p.key] != b[p.key]]


def read_capped(path: Path, kind: str = "a scenario") -> str:
    """A user's TOML file as text, refused past ``MAX_FILE_BYTES`` or when unreadable.

    Only a regular file is read, and never more than the cap plus one byte: a device
    (``/dev/zero``) would fill memory and a pipe with no writer would block forever. The file is
    opened without blocking, so a pipe is seen for what it is before anything waits on it.

    Args:
        path: The file.
        kind: What the file should be, for the error ("a scenario", "a sweep file").

    """
    name = show_text(str(path), SHOWN_PATH_CHARS)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})"
                            ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(f"{name}: is a folder; {kind} is a TOML file")
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(f"{name}: not a regular file (a device, pipe or socket); "
                                f"{kind} is a TOML file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    size = max(info.st_size, len(data))
    if size > MAX_FILE_BYTES:
        raise ScenarioError(f"{name}: file is {size} bytes; {kind} is at most "
                            f"{MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{name}: cannot read (not UTF-8 text: {exc.reason} at byte "
                            f"{exc.start})") from None


def _load_file(path: Path) -> Scenario:
    scenario = parse_toml_text(read_capped(path), show_text(str(path), SHOWN_PATH_CHARS))
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
            raise ScenarioError(f"{origin}: unknown key '{show_text(dotted)}'{_suggest(dotted)}")


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
        raise ScenarioError(f"{origin}: unknown key '{show_text(key)}'{_suggest(key)}")
    bad = ScenarioError(f"{origin}: key '{key}': must be {p.allowed()}, got {show(value)}")
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
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    if isinstance(v, float) and not math.isfinite(v):  # an int is finite, and may not fit a float
        return False
    return (p.lo is None or v >= p.lo) and (p.hi is None or v <= p.hi)


def _check_labels(data: Mapping[str, Any], origin: str) -> None:
    """``name`` and ``description`` are text; a name also labels folders, so it stays short."""
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{origin}: key '{key}': must be a string, got {show(data[key])}")
    name = data.get("name", "")
    if len(name) > MAX_NAME_CHARS or any(not c.isprintable() for c in name):
        raise ScenarioError(f"{origin}: key 'name': must be at most {MAX_NAME_CHARS} printable "
                            f"characters on one line, got {show(name)}")


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
    """A value as TOML (as a scenario file or ``--set KEY=VALUE`` reads it), lists on one line."""
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return tomli_w.dumps({"v": v})[len("v = "):-1]


def show(value: Any, limit: int = SHOWN_CHARS) -> str:
    """A value as an error message quotes it (strings in quotes), on one line and cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 160:
        return f"an integer of {len(str(value))} digits"
    return _cut(repr(value), limit)


def show_text(text: str, limit: int = SHOWN_CHARS) -> str:
    """A key or file name as an error message prints it: control characters escaped, cut short."""
    return _cut("".join(c if c.isprintable() else repr(c)[1:-1] for c in text), limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def _toml_text(text: str) -> str:
    """A description: a literal multi-line block where that reads back the same, else escaped."""
    plain = all(c.isprintable() or c in "\n\t" for c in text) and "\\" not in text
    if "\n" in text and plain and '"""' not in text and not text.endswith(("\n", '"')):
        return '"""\n' + text + '"""'
    return tomli_w.dumps({"v": text}, multiline_strings=True)[len("v = "):-1]
