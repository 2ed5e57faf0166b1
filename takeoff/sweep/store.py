"""The sweep's store: one SQLite row and one Parquet file per run, written as each run finishes.

Layout of ``DIR``:

- ``runs.sqlite`` (WAL mode): table ``runs``, one row per run: ``run_id``, ``point``,
  ``replicate``, ``seed``, ``status`` (``done`` or ``failed``), ``parameters`` (JSON), one column
  per varied key (named by the key, e.g. ``"ideas.phi"``), every ``summary.json`` field, ``error``
  (the traceback of a failed run) and ``seconds`` (wall time; the one column that is not
  reproducible). Table ``meta`` says which sweep the folder holds.
- ``timeseries/RUN_ID.parquet``: the run's time series, with a ``run_id`` column.
- ``summary.parquet``: one row per finished run, ordered by point and replicate.
- ``sweep.toml`` (the file as given) and ``scenario.toml`` (the resolved base scenario).

Only the driver writes. A run is recorded Parquet first (to a temporary name, then renamed), then
its row is committed, so a kill at any moment leaves no half-recorded run: a row always has its
series, and a series without a row is simply run again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from model.schema import BY_KEY
from takeoff.errors import UsageError
from takeoff.sweep.design import Run
from takeoff.sweep.spec import SweepSpec

FIXED = {"run_id": "TEXT PRIMARY KEY", "point": "INTEGER", "replicate": "INTEGER",
         "seed": "INTEGER", "status": "TEXT", "parameters": "TEXT", "error": "TEXT",
         "seconds": "REAL"}
ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string(),
         "json": pa.string()}
KNOWN_FILES = {"runs.sqlite", "runs.sqlite-wal", "runs.sqlite-shm", "sweep.toml", "scenario.toml",
               "summary.parquet", "timeseries", "plots", "sensitivity.csv", ".lock",
               "beliefs.toml", "forecast.json", "discover"}
# Summary fields that are an integer or null (a milestone not reached): typed from the start,
# so summary.parquet has the same schema whether or not any run got there.
NULLABLE_INTS = ("explosion_week", "weeks_to_10x", "weeks_to_100x", "weeks_to_1000x")
SQL_TYPE = {"int": "INTEGER", "float": "REAL", "bool": "INTEGER", "str": "TEXT", "json": "TEXT"}


def quote(name: str) -> str:
    """An SQL identifier (keys contain dots)."""
    return '"' + name.replace('"', '""') + '"'


def kind_of(value: Any) -> str | None:
    """The column kind a Python value asks for (None says nothing)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "json"


class Store:
    """The results folder of one sweep.

    Args:
        folder: ``DIR``.
        spec: The sweep; a folder holding another sweep (or another takeoff version's runs)
            is refused, so results never mix.
        version: The takeoff version.

    """

    def __init__(self, folder: Path, spec: SweepSpec, version: str):
        self.folder = folder
        self.series_dir = folder / "timeseries"
        self.command = spec.command
        self._check_folder(folder)
        self.series_dir.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(folder, spec.command)
        # Autocommit mode: every transaction below is explicit, DDL included.
        self.db = sqlite3.connect(folder / "runs.sqlite", timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against a process kill
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        fingerprint = spec.fingerprint(version)
        if meta:
            self._check_same_sweep(meta, spec, version, fingerprint)
            self.kinds: dict[str, str] = json.loads(meta["kinds"])
        else:
            self.kinds = {k: _param_kind(k) for k in spec.columns}
            columns = {**FIXED, **{k: SQL_TYPE[v] for k, v in self.kinds.items()}}
            with self._transaction():
                self.db.execute("CREATE TABLE runs (" + ", ".join(
                    f"{quote(k)} {t}" for k, t in columns.items()) + ")")
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("fingerprint", fingerprint), ("version", version), ("name", spec.name),
                    ("design", spec.design), ("parameters", json.dumps(list(spec.columns))),
                    ("kinds", json.dumps(self.kinds))])
            (folder / spec.file_name).write_text(spec.text)
            (folder / "scenario.toml").write_text(spec.base.to_toml())
        self.params = json.loads(self.meta("parameters"))
        for stale in self.series_dir.glob(".*.tmp"):  # a run caught mid-write by a kill
            stale.unlink()

    def meta(self, key: str) -> str:
        """A value of the ``meta`` table."""
        return self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]

    def done_ids(self) -> set[str]:
        """Run ids recorded as done."""
        return {r for (r,) in self.db.execute("SELECT run_id FROM runs WHERE status = 'done'")}

    def counts(self) -> dict[str, int]:
        """Runs per status."""
        return dict(self.db.execute("SELECT status, COUNT(*) FROM runs GROUP BY status"))

    def record_done(self, run: Run, result: dict) -> None:
        """Record a finished run: its Parquet series, then its row."""
        series = result["series"]
        n = len(next(iter(series.values())))
        table = pa.table({"run_id": pa.array([run.run_id] * n, pa.string()),
                          **{k: pa.array(v) for k, v in series.items()}})
        path = self.series_dir / f"{run.run_id}.parquet"
        tmp = self.series_dir / f".{run.run_id}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, path)
        summary = {(k if k not in FIXED else f"summary_{k}"): v
                   for k, v in result["summary"].items() if k != "seed"}
        self._insert(run, "done", summary, None, result.get("seconds"))

    def record_failed(self, run: Run, error: str) -> None:
        """Record a run that raised, with its error; the sweep goes on."""
        self._insert(run, "failed", {}, error, None)

    def _insert(self, run: Run, status: str, summary: dict, error: str | None,
                seconds: float | None) -> None:
        row = {"run_id": run.run_id, "point": run.point, "replicate": run.replicate,
               "seed": run.seed, "status": status, "parameters": json.dumps(run.values),
               "error": error, "seconds": seconds}
        row.update({k: run.values.get(k) for k in self.params})
        row.update(summary)
        values = [json.dumps(v) if kind_of(v) == "json" else v for v in row.values()]
        kinds = dict(self.kinds)
        with self._transaction():  # one per run, new columns included: whole or not at all
            for k, v in summary.items():
                if k not in kinds:
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {quote(k)}")
                    kinds[k] = "int" if k in NULLABLE_INTS else None
                kinds[k] = _widen(kinds[k], kind_of(v))
            if kinds != self.kinds:
                self.db.execute("UPDATE meta SET value = ? WHERE key = 'kinds'",
                                (json.dumps(kinds),))
            self.db.execute(f"INSERT OR REPLACE INTO runs ({', '.join(map(quote, row))}) "
                            f"VALUES ({', '.join('?' * len(row))})", values)
        self.kinds = kinds

    @contextmanager
    def _transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def summary_columns(self) -> list[str]:
        """Columns of ``summary.parquet``: identity, parameters, then summary fields."""
        return ["run_id", "point", "replicate", "seed", *self.params,
                *[k for k in self.kinds if k not in self.params]]

    def iter_done(self, columns: list[str], batch: int = 2000) -> Iterator[list[tuple]]:
        """Finished runs, in point and replicate order, a batch of rows at a time."""
        cursor = self.db.execute(f"SELECT {', '.join(map(quote, columns))} FROM runs "
                                 f"WHERE status = 'done' ORDER BY point, replicate")
        while rows := cursor.fetchmany(batch):
            yield rows

    def write_summary(self) -> Path:
        """Write ``summary.parquet`` from the finished rows, streamed in batches."""
        columns = self.summary_columns()
        kinds = {"run_id": "str", "point": "int", "replicate": "int", "seed": "int",
                 **{k: v or "float" for k, v in self.kinds.items()}}
        schema = pa.schema([(c, ARROW[kinds[c]]) for c in columns])
        path = self.folder / "summary.parquet"
        tmp = self.folder / ".summary.parquet.tmp"
        with pq.ParquetWriter(tmp, schema) as writer:
            for rows in self.iter_done(columns):
                cols = list(zip(*rows, strict=True))
                arrays = [pa.array(_from_sql(kinds[c], v), ARROW[kinds[c]])
                          for c, v in zip(columns, cols, strict=True)]
                writer.write_batch(pa.record_batch(arrays, schema=schema))
        os.replace(tmp, path)
        return path

    def failures(self, limit: int = 3) -> list[tuple[str, str]]:
        """(run_id, last line of the error) of some failed runs."""
        rows = self.db.execute("SELECT run_id, error FROM runs WHERE status = 'failed' "
                               "ORDER BY point, replicate LIMIT ?", (limit,))
        return [(r, (e or "").strip().splitlines()[-1] if e else "") for r, e in rows]

    def close(self) -> None:
        """Close the database and release the folder."""
        self.db.close()
        if self._lock is not None:
            self._lock.close()

    def _check_folder(self, folder: Path) -> None:
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{self.command}: --out {folder}: exists and is not a folder")
        if folder.is_dir() and not (folder / "runs.sqlite").exists():
            other = sorted(p.name for p in folder.iterdir() if p.name not in KNOWN_FILES)
            if other:
                raise UsageError(f"{self.command}: --out {folder}: holds other files "
                                 f"({', '.join(other[:3])}); give an empty or new folder")

    def _check_same_sweep(self, meta: dict, spec: SweepSpec, version: str, fp: str) -> None:
        if meta.get("fingerprint") == fp:
            return
        if meta.get("version") != version:
            raise UsageError(f"{self.command}: --out {self.folder}: holds runs of takeoff "
                             f"{meta.get('version')}, this is {version}; give a new --out "
                             f"folder (run_ids include the version)")
        points = meta.get("design") == "points"  # what the folder holds, not what this is
        what, file = ("forecast", "beliefs.toml") if points else ("sweep", "sweep.toml")
        raise UsageError(f"{self.command}: --out {self.folder}: holds a different {what} "
                         f"('{meta.get('name')}', see its {file}); give a new --out folder, "
                         f"or delete this one to start over")


def format_error(exc: BaseException) -> str:
    """A failed run's error text: the traceback, including a worker's remote one."""
    return "".join(traceback.format_exception(exc)).strip()


def _widen(old: str | None, new: str | None) -> str | None:
    """A column's kind once it has also seen ``new`` (an int column seeing a float is float)."""
    if new is None or old == new:
        return old
    if old is None:
        return new
    return "float" if {old, new} <= {"int", "float"} else "str"


def _param_kind(key: str) -> str:
    return {"int": "int", "float": "float", "bool": "bool", "choice": "str",
            "floats": "json"}[BY_KEY[key].kind]


def _from_sql(kind: str, values: tuple) -> list:
    if kind == "bool":
        return [None if v is None else bool(v) for v in values]
    if kind == "float":
        return [None if v is None else float(v) for v in values]
    if kind == "str":
        return [None if v is None else str(v) for v in values]
    return list(values)


def _lock(folder: Path, command: str = "sweep"):
    """Hold ``DIR/.lock`` while the sweep runs: two drivers on one folder would duplicate work.

    The lock dies with the process (even on ``kill -9``). Platforms without ``fcntl`` go unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows)
        return None
    handle = open(folder / ".lock", "w")  # noqa: SIM115 (held open for the sweep's lifetime)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise UsageError(f"{command}: --out {folder}: another takeoff {command} is writing to it; "
                         f"wait for it or give another --out") from None
    return handle
