"""Scenario sharing from the app: download, upload and share links.

Everything that comes from a user (an uploaded file, a link's query string) is data, read and
validated exactly like a scenario file by :mod:`model.scenario`; a mistake is a
:class:`~model.scenario.ScenarioError` with one line, the same line the CLI prints after
``error:``.
"""

from __future__ import annotations

import re
import tomllib
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
MAX_QUERY_FIELDS = 200  # the schema has fewer keys than this
LINK = "share link"


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


def share_query(settings: Scenario, base: str | None = None) -> str:
    """The query string of a link that reproduces ``settings``.

    With a shipped ``base`` the link names it and carries only the keys that differ from it,
    the same vocabulary as ``takeoff run BASE --set KEY=VALUE``. Otherwise it carries the name
    and every key that differs from the defaults.
    """
    if base is not None and base in shipped():
        reference, items = load_scenario(base), [("base", base)]
    else:
        reference, items = Scenario(defaults()), [("name", settings.name)]
    items += [(key, toml_value(value)) for key, _, value in diff(reference, settings)]
    return urlencode(items, quote_via=quote, safe="[],")


def parse_share_query(query: str) -> tuple[Scenario, str | None]:
    """Read a share link's query string back into a validated scenario and its shipped base.

    Raises:
        ScenarioError: One line naming the key and what is allowed (origin ``share link``).

    """
    if len(query) > MAX_QUERY_CHARS:
        raise ScenarioError(f"{LINK}: {len(query)} characters; a link holds at most "
                            f"{MAX_QUERY_CHARS}")
    document: dict[str, Any] = {"schema": SCHEMA_VERSION}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        raise ScenarioError(f"{LINK}: more than {MAX_QUERY_FIELDS} keys") from None
    for key, raw in pairs:
        if key in ("base", "name"):
            document[key] = raw
        elif key in ("schema", "description"):
            raise ScenarioError(f"{LINK}: key '{key}' cannot be set in a link")
        else:
            document[key] = _value(raw)
    scenario = from_mapping(document, LINK)
    base = document.get("base")
    return scenario, base if isinstance(base, str) else None


def _value(raw: str) -> Any:
    """A link's value: TOML when it parses, else a bare string (a choice such as fair)."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def display_name(name: str) -> str:
    """A scenario name safe to show anywhere on the page: printable, short, no markup."""
    text = re.sub(r"[\x00-\x1f\x7f<>&\"'`]+", "", " ".join(str(name).split()))
    return (text[:48] + "...") if len(text) > 48 else (text or "unnamed")
