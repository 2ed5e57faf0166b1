"""``make docs``: the tables of figures in the README and docs, written by the commands they quote.

Every figure a reader sees in a table comes from a run, so the tables are generated, between
``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers:

- ``params`` (docs/model.md): every scenario key, from the schema;
- ``defaults`` (docs/calibration.md): every default with its status and source;
- ``scenarios`` (README.md): what each shipped scenario does with its own seed;
- ``calibration`` (README.md and docs/calibration.md): ``takeoff calibrate`` with ``SEEDS``.

``python -m takeoff.docs`` rewrites them; ``--check`` exits 1 naming the tables that differ from
what their commands now write (the test suite runs the check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (1, 2, 3)  # the calibration table's seeds
SCENARIOS = ("baseline", "humans_only", "compute_bound", "taste_bound", "software_explosion",
             "no_frontier_runs", "synthetic_data")


def params_table() -> str:
    """Every parameter as a Markdown table (``takeoff scenario params``)."""
    from model.schema import markdown_table

    return markdown_table()


def status(p) -> str:
    """A default's status from its role and source (calibrated, podcast, literature, ...)."""
    source = p.source.strip()
    if p.role != "model" or source == "-":
        return "setting"
    if source.startswith("calibrated") or "; calibrated" in source:
        return "calibrated"
    if source.startswith("podcast"):
        return "podcast"
    if source.startswith("guess") or source.endswith("(guess)"):
        return "guess"
    return "literature"


def defaults_table() -> str:
    """Every default with its status and source (``docs/calibration.md``)."""
    from model.schema import PARAMS

    lines = ["| key | default | status | source and notes |", "| --- | --- | --- | --- |"]
    for p in PARAMS:
        default = str(p.default).lower() if p.kind == "bool" else p.default
        source = "" if p.source == "-" else p.source
        lines.append(f"| `{p.key}` | `{default}` | {status(p)} | {source.replace('|', '/')} |")
    return "\n".join(lines)


def _outcome(summary: dict) -> str:
    s = summary
    if s["scenario"] == "no_frontier_runs":
        return (f"proxy efficiency (what small experiments claim) reaches "
                f"{s['proxy_efficiency']:.2g}x while true efficiency stays at "
                f"{s['software_efficiency']:.3g}x")
    parts = []
    if s["exploded"]:
        parts.append(f"explodes in week {s['explosion_week']}")
    if s["stop"] == "cap":
        parts.append(f"reaches the cap in week {s['stop_week']}")
    if not s["exploded"]:
        parts.append(f"{s['progress_per_year']:.3g}x software progress a year over "
                     f"{s['stop_week'] / 52:.3g} years (humans-only twin "
                     f"{s['twin_progress_per_year']:.3g}x)")
    if s["compression_max"] and s["scenario"] != "humans_only":
        parts.append(f"at most {s['compression_max']:.3g} years of progress in a year")
    return "; ".join(parts)


def scenarios_table() -> str:
    """What each shipped scenario does with its own seed (one run each)."""
    from model.run import simulate
    from model.scenario import load_scenario

    lines = ["| scenario | what happens (seed 42, `takeoff run NAME`) |", "| --- | --- |"]
    for name in SCENARIOS:
        summary = simulate(load_scenario(name)).summary
        lines.append(f"| `{name}` | {_outcome(summary)} |")
    return "\n".join(lines)


def calibration_table() -> str:
    """The calibration facts measured with ``SEEDS`` (``takeoff calibrate``)."""
    from takeoff.validation import calibration as cal

    return (cal.render(cal.table(SEEDS))
            + f"\n\n*`takeoff calibrate --seeds {len(SEEDS)}` (seeds {SEEDS[0]} to {SEEDS[-1]}).*")


TABLES = {"params": (params_table, ("docs/model.md",)),
          "defaults": (defaults_table, ("docs/calibration.md",)),
          "scenarios": (scenarios_table, ("README.md",)),
          "calibration": (calibration_table, ("README.md", "docs/calibration.md"))}


def splice(text: str, name: str, table: str) -> str:
    """``text`` with the block between ``name``'s markers replaced by ``table``."""
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"no {name} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + table.strip() + "\n" + end + tail


def stale(names=tuple(TABLES)) -> list[str]:
    """The ``file: table`` pairs whose committed text differs from what the command writes."""
    out = []
    for name in names:
        make, files = TABLES[name]
        table = make()
        for f in files:
            text = (ROOT / f).read_text()
            if splice(text, name, table) != text:
                out.append(f"{f}: {name}")
    return out


def write(names=tuple(TABLES)) -> None:
    """Rewrite the tables in their files."""
    for name in names:
        make, files = TABLES[name]
        table = make()
        for f in files:
            path = ROOT / f
            path.write_text(splice(path.read_text(), name, table))


def main(argv: list[str] | None = None) -> int:
    """``python -m takeoff.docs [--check] [TABLE ...]``."""
    parser = argparse.ArgumentParser(prog="python -m takeoff.docs",
                                     description="regenerate the tables of figures in the docs")
    parser.add_argument("tables", nargs="*", metavar="TABLE",
                        help=f"tables to regenerate (default all: {', '.join(TABLES)})")
    parser.add_argument("--check", action="store_true",
                        help="only compare; exit 1 naming each stale table")
    args = parser.parse_args(argv)
    unknown = [t for t in args.tables if t not in TABLES]
    if unknown:
        parser.error(f"unknown table {unknown[0]!r}: one of {', '.join(TABLES)}")
    names = tuple(args.tables) or tuple(TABLES)
    if args.check:
        found = stale(names)
        for item in found:
            print(f"stale: {item} (regenerate: make docs)", file=sys.stderr)
        return 1 if found else 0
    write(names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
