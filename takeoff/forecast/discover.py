"""``takeoff discover DIR --outcome EXPR``: scenario discovery with PRIM over a folder of runs.

PRIM (the patient rule induction method, Friedman and Fisher 1999) peels the space of the
varied keys down to boxes in which the outcome is common. Each box has a **coverage** (the
share of all runs with the outcome that fall in it) and a **density** (the share of the runs in
it that have the outcome); the peeling trajectory trades one for the other. The implementation
is the EMA Workbench's (``ema_workbench.analysis.prim``, Kwakkel 2017), which handles numeric
and categorical keys and gives each restriction a quasi-p value.

The folder is any sweep's or forecast's (``runs.sqlite`` names the varied keys, and
``summary.parquet`` holds one row per finished run). The outcome is an expression over the
summary's columns: ``exploded``, ``not exploded``, ``compression>=3`` (``compression`` is
``compression_max``), ``peak_speedup > 10 and weeks_to_1000x <= 260``. A missing value (a
milestone never reached) makes a comparison false.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from takeoff.errors import UsageError

ALIASES = {"compression": "compression_max"}
TERM = re.compile(r"^\s*(not\s+)?([A-Za-z_][\w.]*)\s*(?:(>=|<=|==|!=|>|<)\s*(\S+))?\s*$")
OPS = {">=": np.greater_equal, "<=": np.less_equal, "==": np.equal, "!=": np.not_equal,
       ">": np.greater, "<": np.less}


def register(sub) -> None:
    """Add the ``discover`` command to the ``takeoff`` parser."""
    p = sub.add_parser(
        "discover", help="scenario discovery (PRIM): the boxes of the varied keys where an "
        "outcome is likely, over a sweep's or a forecast's runs",
        description="Find boxes of the varied keys in which OUTCOME is common, with their "
        "coverage (share of the outcome's runs inside) and density (share of the runs inside "
        "with the outcome), and plot the peeling trajectory.")
    p.add_argument("folder", type=Path, metavar="DIR", help="a sweep's or forecast's --out")
    p.add_argument("--outcome", default="exploded", help="an expression over summary "
                   "columns: exploded, 'not exploded', 'compression>=3', "
                   "'peak_speedup > 10 and weeks_to_1000x <= 260' (default exploded)")
    p.add_argument("--boxes", type=int, default=2, metavar="N",
                   help="boxes to look for, one after another (default 2)")
    p.add_argument("--min-coverage", type=float, default=0.5, metavar="C",
                   help="on each trajectory, take the densest box covering at least this "
                   "share of the outcome's runs (default 0.5)")
    p.add_argument("--out", type=Path, metavar="DIR2", help="where the report and plot go "
                   "(default DIR/discover)")
    p.set_defaults(func=cmd_discover)


@dataclass
class Box:
    """One box PRIM found.

    Attributes:
        coverage: Share of all runs with the outcome that lie in the box.
        density: Share of the runs in the box that have the outcome.
        mass: Share of all runs in the box.
        runs: Runs in the box.
        limits: Restricted keys: ``{key: {"min": .., "max": .., "qp": ..}}``, or
            ``{key: {"values": [...], "qp": ..}}`` for a categorical key.
        trajectory: The peeling trajectory's coverage, density and restricted dimensions.
        chosen: Index of the box on its trajectory.

    """

    coverage: float
    density: float
    mass: float
    runs: int
    limits: dict
    trajectory: dict
    chosen: int


def parse_outcome(expr: str, columns: dict) -> np.ndarray:
    """The outcome per run: ``expr`` evaluated over the summary's columns.

    Raises:
        UsageError: One line naming the term or column that cannot be read.

    """
    terms = re.split(r"\s+and\s+", expr.strip())
    n = len(next(iter(columns.values()))) if columns else 0
    y = np.ones(n, dtype=bool)
    for term in terms:
        m = TERM.match(term)
        if not m:
            raise UsageError(f"discover: --outcome {expr!r}: cannot read {term!r}; write COLUMN, "
                             f"'not COLUMN' or COLUMN OP NUMBER (OP one of "
                             f"{', '.join(OPS)}), joined by 'and'")
        negate, name, op, raw = m.groups()
        column = ALIASES.get(name, name)
        if column not in columns:
            hint = difflib.get_close_matches(column, list(columns), n=1)
            also = f"; did you mean '{hint[0]}'?" if hint else ""
            raise UsageError(f"discover: --outcome: no summary column '{name}'{also} (the "
                             f"columns are those of DIR/summary.parquet)")
        values = columns[column]
        if op is None:
            if not all(v is None or isinstance(v, bool) for v in values):
                raise UsageError(f"discover: --outcome: column '{column}' is not true/false; "
                                 f"compare it, e.g. '{column}>=3'")
            flags = np.array([bool(v) for v in values])
        else:
            target = {"true": 1.0, "false": 0.0}.get(raw.lower()) if raw else None
            if target is None:
                try:
                    target = float(raw)
                except ValueError:
                    raise UsageError(f"discover: --outcome: {term!r}: {raw!r} is not a "
                                     f"number") from None
            if not all(v is None or isinstance(v, (int, float)) for v in values):
                raise UsageError(f"discover: --outcome: column '{column}' is not numeric")
            x = np.array([np.nan if v is None else float(v) for v in values])
            with np.errstate(invalid="ignore"):
                flags = OPS[op](x, target) & ~np.isnan(x)
        y &= ~flags if negate else flags
    return y


def load_runs(folder: Path) -> tuple[list[str], dict]:
    """The varied keys of a sweep or forecast folder, and its finished runs' columns."""
    import pyarrow.parquet as pq

    db_path, summary = folder / "runs.sqlite", folder / "summary.parquet"
    if not db_path.is_file() or not summary.is_file():
        raise UsageError(f"discover: {folder}: not a sweep's or forecast's folder (no "
                         f"runs.sqlite and summary.parquet); give the --out of takeoff sweep "
                         f"or takeoff forecast")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        params = json.loads(db.execute("SELECT value FROM meta WHERE key = 'parameters'"
                                       ).fetchone()[0])
    finally:
        db.close()
    return params, pq.read_table(summary).to_pydict()


def find_boxes(params: list[str], columns: dict, y: np.ndarray, boxes: int = 2,
               min_coverage: float = 0.5) -> list[Box]:
    """Up to ``boxes`` boxes, each found on the runs the earlier ones left."""
    import pandas as pd

    with warnings.catch_warnings():  # the workbench warns about optional extras at import
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    x = pd.DataFrame({k: columns[k] for k in params})
    for k in params:  # a true/false key is a category to PRIM
        if x[k].dtype == bool:
            x[k] = x[k].map({True: "true", False: "false"})
    found: list[Box] = []
    with warnings.catch_warnings():  # pandas 3 deprecations inside the workbench
        warnings.simplefilter("ignore")
        algorithm = prim.Prim(x, y.astype(int))
    base = float(y.mean()) if y.size else 0.0
    for _ in range(boxes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = algorithm.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory
        eligible = traj[traj["coverage"] >= min_coverage]
        pool = eligible if len(eligible) else traj
        chosen = int(pool.sort_values(["density", "coverage"], ascending=False).index[0])
        box.select(chosen)
        if box.density <= base or box.res_dim == 0:  # no box better than the runs at large
            break
        found.append(Box(float(box.coverage), float(box.density), float(box.mass),
                         int(round(box.mass * len(y))), _limits(box, chosen),
                         {k: traj[k].astype(float).tolist()
                          for k in ("coverage", "density", "res_dim", "mass")}, chosen))
    return found


def _limits(box, i: int) -> dict:
    """The keys box ``i`` restricts, with their quasi-p values (Bryant and Lempert 2010).

    Read from the box limits directly: the workbench's own ``inspect`` fails on a restricted
    categorical key under pandas 3.
    """
    lims, initial = box.box_lims[i], box.box_lims[0]
    qps = box.p_values[i]
    out = {}
    for key in lims.columns:
        lo, hi = lims[key].iloc[0], lims[key].iloc[1]
        qp = [float(q) for q in qps.get(key, []) if q is not None and q >= 0]
        if isinstance(lo, (set, frozenset)):
            if set(lo) == set(initial[key].iloc[0]):
                continue
            entry = {"values": sorted(map(str, lo))}
        else:
            if lo == initial[key].iloc[0] and hi == initial[key].iloc[1]:
                continue
            entry = {"min": float(lo), "max": float(hi)}
        entry["qp"] = min(qp) if qp else None
        out[str(key)] = entry
    return out


def cmd_discover(args) -> int:
    """``takeoff discover``."""
    if not 1 <= args.boxes <= 20:
        raise UsageError(f"discover: --boxes must be an integer in [1, 20], got {args.boxes}")
    if not 0 <= args.min_coverage <= 1:
        raise UsageError(f"discover: --min-coverage must be in [0, 1], got {args.min_coverage}")
    params, columns = load_runs(args.folder)
    y = parse_outcome(args.outcome, columns)
    n, hits = y.size, int(y.sum())
    print(f"discover {args.outcome!r} over {n} runs of {args.folder} ({hits} with it, "
          f"{hits / max(n, 1):.1%}); varied keys: {', '.join(params)}")
    if hits == 0 or hits == n:
        print("  every run or none has the outcome: no box can tell them apart")
        return 0
    found = find_boxes(params, columns, y, args.boxes, args.min_coverage)
    out = args.out or args.folder / "discover"
    out.mkdir(parents=True, exist_ok=True)
    for i, box in enumerate(found, 1):
        print(f"  box {i}: coverage {box.coverage:.0%}, density {box.density:.0%} "
              f"({box.runs} runs, {box.mass:.0%} of all)")
        for key, lim in box.limits.items():
            where = (f"in {{{', '.join(lim['values'])}}}" if "values" in lim
                     else f"{lim['min']:.4g} to {lim['max']:.4g}")
            qp = f" (quasi-p {lim['qp']:.2g})" if lim["qp"] is not None else ""
            print(f"    {key} {where}{qp}")
    if not found:
        print("  PRIM found no box denser than the runs at large")
    slug = re.sub(r"[^\w]+", "_", args.outcome).strip("_")
    report = {"outcome": args.outcome, "runs": n, "with_outcome": hits, "parameters": params,
              "boxes": [box.__dict__ for box in found]}
    (out / f"{slug}.json").write_text(json.dumps(report, indent=1) + "\n")
    written = [f"{slug}.json"]
    if found:
        from takeoff.forecast.plots import peeling_trajectory

        peeling_trajectory(found, args.outcome).savefig(out / f"{slug}.png", dpi=110)
        written.append(f"{slug}.png")
    print(f"  written to {out}/: {', '.join(written)}")
    return 0
