"""Run a forecast on the sweep engine and turn its runs into ``forecast.json``.

A forecast is a sweep whose design points are samples of the beliefs (a ``points`` design,
:func:`takeoff.forecast.sampling.forecast_spec`), so it inherits everything the sweep store
promises: each run is recorded as it finishes, a forecast killed at any moment (even ``kill
-9``) resumes where it stopped, runs go to local processes or a Dask cluster, and a run that
raises is recorded as failed. The report is then computed from the store alone.
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from takeoff.errors import UsageError
from takeoff.forecast import outcomes
from takeoff.forecast.beliefs import Beliefs
from takeoff.forecast.sampling import forecast_spec
from takeoff.sweep.design import Design, takeoff_version
from takeoff.sweep.runner import Outcome, Progress, execute
from takeoff.sweep.store import Store

SERIES = ["week", *outcomes.FAN_SERIES]


def open_store(out: Path, spec, pool) -> Store:
    """The forecast's store in ``out``; on a mistake the pool is closed and one line raised."""
    try:
        return Store(out, spec, takeoff_version())
    except OSError as exc:
        pool.close(kill=False)
        raise UsageError(f"forecast: --out {out}: cannot write ({exc.strerror})") from None
    except UsageError:
        pool.close(kill=False)
        raise


def run(beliefs: Beliefs, samples: int, out: Path, pool, progress_stream=None,
        cancel: threading.Event | None = None, on_run=None) -> tuple[Outcome, dict]:
    """Run (or resume) a forecast into ``out`` and write ``out/forecast.json``.

    Args:
        beliefs: The beliefs.
        samples: Samples to draw (one run each).
        out: The results folder.
        pool: A pool from :func:`takeoff.sweep.runner.make_pool`; closed at the end.
        progress_stream: Where the progress bar goes (default stderr).
        cancel: Set it to stop early, keeping what finished (the app's visitor left).
        on_run: Called with (runs recorded, total) after each run (the app's progress bar).

    Returns:
        What the sweep engine did, and the report (also in ``forecast.json``).

    """
    spec = forecast_spec(beliefs, samples)
    design = Design(spec)
    store = open_store(out, spec, pool)
    try:
        total = design.runs_count()
        progress = _Progress(f"forecast {beliefs.name}", total, len(store.done_ids()),
                             progress_stream, on_run)
        try:
            outcome = execute(design, store, pool, progress, cancel=cancel)
        finally:
            progress.close()
            store.write_summary()
        found = report(beliefs, store, outcome)
        write(found, out / "forecast.json")
        return outcome, found
    except OSError as exc:
        raise UsageError(f"forecast: --out {out}: cannot write ({exc.strerror or exc})") from None
    finally:
        store.close()


class _Progress(Progress):
    """The sweep's progress bar, also telling a caller (the app) after each run."""

    def __init__(self, label, total, done, stream, on_run):
        self.on_run = on_run
        super().__init__(label, total, done, stream)
        if on_run is not None:
            on_run(done, total)

    def update(self, ok: bool) -> None:  # noqa: D102
        super().update(ok)
        if self.on_run is not None:
            self.on_run(self.count, self.total)


def _shown(origin: str) -> str:
    """A file inside the project by its path there, any other file as given.

    A committed forecast.json then names ``scenarios/beliefs/default.toml``, not a folder of the
    machine that wrote it.
    """
    from importlib import resources

    root = Path(str(resources.files("scenarios"))).resolve().parent
    try:
        return str(Path(origin).resolve().relative_to(root))
    except (ValueError, OSError):
        return origin


def report(beliefs: Beliefs, store: Store, outcome: Outcome | None = None) -> dict:
    """The forecast's numbers, from the finished runs in ``store``."""
    columns = pq.read_table(store.folder / "summary.parquet").to_pydict()
    horizon = int(beliefs.base["run.weeks"])
    run_ids = columns["run_id"]
    n = len(run_ids)
    stopped = _stopped_at_cap(columns, n)

    def load(run_id: str) -> dict:
        return pq.read_table(store.series_dir / f"{run_id}.parquet", columns=SERIES).to_pydict()

    fan = outcomes.fans(run_ids, stopped, load, horizon)
    weeks = outcomes.explosion_weeks(columns) if n else np.array([])
    targets = {"explosion week": np.nan_to_num(weeks, nan=horizon + 1.0)}
    if "compression_max" in columns:
        targets["peak compression"] = np.array(columns["compression_max"], dtype=float)
    else:
        targets["log10 peak speedup"] = np.log10(np.array(columns["peak_speedup"], dtype=float))
    orders = {b.key: b.values for b in beliefs.beliefs if b.family == "categorical"}
    counts = store.counts()
    return {
        "forecast": beliefs.name,
        "beliefs_file": _shown(beliefs.origin),
        "sampler": beliefs.sampler,
        "seed": beliefs.seed,
        "samples": outcome.total if outcome else n,
        "finished": n,
        "failed": counts.get("failed", 0),
        "horizon_weeks": horizon,
        "beliefs": [b.describe() for b in beliefs.beliefs],
        "explosion": {**{k: e.as_dict() for k, e in
                         outcomes.explosion_within(columns, horizon).items()},
                      "week": outcomes.week_distribution(columns, horizon) if n else None},
        "compression": {k: e.as_dict() for k, e in outcomes.compression(columns).items()},
        "fan": _finite(fan),
        "sensitivity": outcomes.sensitivity({k: columns[k] for k in beliefs.keys}, targets,
                                            orders) if n else [],
        "standard_error": outcomes.__doc__.split("**Standard errors.**")[1].strip()
        .replace("\n", " "),
    }


def _stopped_at_cap(columns: dict, n: int) -> list[bool]:
    if "stop" in columns:
        return [s == "cap" for s in columns["stop"]]
    return [w < h for w, h in zip(columns.get("weeks", [0] * n),
                                  columns.get("horizon_weeks", [0] * n), strict=True)]


def _finite(fan: dict) -> dict:
    """The fan as JSON: 6 significant digits, ``null`` where a quantile is beyond the cap."""
    out = {"weeks": fan["weeks"], "runs": fan["runs"],
           "null_means": "beyond every run still going: the quantile falls among runs that "
                         "stopped at the cap on software efficiency"}
    for name in outcomes.FAN_SERIES:
        out[name] = {q: [None if not math.isfinite(v) else float(f"{v:.6g}") for v in row]
                     for q, row in fan[name].items()}
    return out


def write(found: dict, path: Path) -> None:
    """Write the report as JSON (no NaN or infinity: JSON has none)."""
    path.write_text(json.dumps(found, indent=1, allow_nan=False) + "\n")


def headline(found: dict) -> list[str]:
    """The lines the command prints."""
    est = {k: outcomes.Estimate(v["p"], v["se"], v["hits"], v["runs"], v.get("note", ""))
           for k, v in {**found["explosion"], **found["compression"]}.items()
           if k != "week"}
    lines = [f"forecast {found['forecast']}: {found['finished']} of {found['samples']} samples "
             f"({found['sampler']}, seed {found['seed']}) of {len(found['beliefs'])} beliefs, "
             f"{found['horizon_weeks']} weeks each"]
    for years in outcomes.YEARS:
        lines.append(f"  P(explosion within {years:2d} years)            "
                     f"{est[f'within_{years}_years'].text()}")
    week = found["explosion"]["week"]
    if week:
        q = week["quantiles"]
        told = [f"{p[1:]}% by week {q[p]}" if q[p] is not None else f"{p[1:]}%: after the horizon"
                for p in ("p10", "p50", "p90")]
        lines.append(f"  explosion week: {', '.join(told)} ({week['exploded']} of {week['runs']} "
                     f"exploded within {week['horizon_weeks']} weeks)")
    for years in outcomes.COMPRESSION:
        lines.append(f"  P(compression >= {years:2d} years in one year) "
                     f"{est[f'at_least_{years}'].text()}")
    for name, label in (("speedup", "speedup over the twin"),
                        ("software_efficiency", "software efficiency (x week 0)")):
        told = []
        for w, lo, mid, hi in outcomes.at_years(found["fan"], name):
            when = f"year {w // 52}" if w % 52 == 0 else f"week {w}"
            told.append(f"{when} {_num(mid)} ({_num(lo)}-{_num(hi)})")
        if told:
            lines.append(f"  {label}, median (10-90%): {'; '.join(told)}")
    top = [r for r in found["sensitivity"] if r["outcome"] == "explosion week"
           and r["rank_correlation"] is not None][:4]
    if top:
        lines.append("  beliefs that move the explosion week most (rank correlation; < 0: "
                     "sooner): " + ", ".join(f"{r['key']} {r['rank_correlation']:+.2f}"
                                            for r in top))
    lines.append(f"  {outcomes.SE_NOTE}")
    return lines


def _num(v) -> str:
    return "beyond the cap" if v is None else f"{v:.3g}"
