"""Running sweeps: the store, resuming after kill -9 and Ctrl-C, workers, failures, Dask, plots."""

import csv
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from takeoff.cli import main
from takeoff.sweep.design import Design, takeoff_version
from takeoff.sweep.runner import LocalPool, execute
from takeoff.sweep.spec import load_sweep
from takeoff.sweep.store import Store
from takeoff.sweep.worker import run_one

# A tiny lab (a run takes about a tenth of a second): 6 points x 4 seeds = 24 runs.
SWEEP = """schema = 1
base = "baseline"
name = "tiny"
[run]
seed = 11
weeks = 40
burn_in_weeks = 13
[humans]
count = 12
[sweep]
design = "grid"
replicates = 4
[sweep.parameters]
"compute.experiment_boost" = [1.0, 10.0]
"ai.speed" = [1.0, 3.0, 10.0]
"""
RUNS = 24
TAKEOFF = [sys.executable, "-m", "takeoff"]


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "tiny.toml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(sweep_file, tmp_path_factory):
    """The sweep run once, uninterrupted, in one worker process."""
    out = tmp_path_factory.mktemp("ref") / "out"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--workers", "1"]) == 0
    return out


def rows(out: Path) -> dict:
    """run_id -> every stored column but the wall time."""
    db = sqlite3.connect(out / "runs.sqlite")
    cur = db.execute("SELECT * FROM runs")
    names = [c[0] for c in cur.description]
    found = {r[0]: {n: v for n, v in zip(names, r, strict=True) if n != "seconds"} for r in cur}
    db.close()
    return found


def series(out: Path) -> dict:
    return {p.name: p.read_bytes() for p in (out / "timeseries").iterdir()}


def assert_same_results(out: Path, reference: Path):
    assert rows(out) == rows(reference)
    assert series(out) == series(reference)  # byte for byte, and no stray files
    assert (out / "summary.parquet").read_bytes() == (reference / "summary.parquet").read_bytes()


def count_done(out: Path) -> int:
    if not (out / "runs.sqlite").exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{out / 'runs.sqlite'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM runs WHERE status = 'done'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # the table is not there yet
        return 0


def start(sweep_file: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*TAKEOFF, "sweep", str(sweep_file), "--out", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for_runs(proc: subprocess.Popen, out: Path, n: int) -> None:
    deadline = time.monotonic() + 120
    while count_done(out) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sweep recorded nothing"
        time.sleep(0.02)


def test_store_has_a_row_a_series_and_a_summary_row_per_run(reference):
    found = rows(reference)
    assert len(found) == RUNS and {r["status"] for r in found.values()} == {"done"}
    expected = set(run_one(next(Design(load_sweep(reference / "sweep.toml")).runs()).toml)[
        "summary"]) - {"seed"}
    for run_id, row in found.items():
        assert expected <= set(row), "every summary.json field has a column"
        params = json.loads(row["parameters"])
        assert params == {"compute.experiment_boost": row["compute.experiment_boost"],
                          "ai.speed": row["ai.speed"]}
        assert row["seed"] == 11 + row["replicate"] and row["weeks"] == 40
        table = pq.read_table(reference / "timeseries" / f"{run_id}.parquet")
        assert table.column("week").to_pylist() == list(range(41))
        assert set(table.column("run_id").to_pylist()) == {run_id}
        assert {"speedup", "software_efficiency", "ai_copies"} <= set(table.column_names)
    summary = pq.read_table(reference / "summary.parquet")
    assert summary.num_rows == RUNS and set(summary.column("run_id").to_pylist()) == set(found)
    assert summary.schema.field("weeks_to_1000x").type == "int64"
    for name in ("speedup.png", "explosion_probability.png", "weeks_to_1000x.png"):
        assert (reference / "plots" / name).stat().st_size > 10_000


def test_run_id_hashes_the_resolved_scenario_seed_and_version(reference):
    for run in Design(load_sweep(reference / "sweep.toml")).runs():
        text = f"{run.toml}\0{run.seed}\0{takeoff_version()}"
        assert run.run_id == hashlib.sha256(text.encode()).hexdigest()[:20]
        assert run.run_id in rows(reference)
        break


def test_a_stored_run_reproduces_with_takeoff_run(sweep_file, reference, tmp_path, capsys):
    run_id, stored = sorted(rows(reference).items())[5]
    capsys.readouterr()
    assert main(["sweep", str(sweep_file), "--scenario", run_id]) == 0
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(capsys.readouterr().out)
    assert main(["run", str(scenario), "--out", str(tmp_path / "one"), "--no-plots"]) == 0
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    assert summary["peak_speedup"] == stored["peak_speedup"]
    assert summary["software_efficiency"] == stored["software_efficiency"]
    series = pq.read_table(reference / "timeseries" / f"{run_id}.parquet")
    with open(tmp_path / "one" / "timeseries.csv") as handle:
        speedup = [float(r["speedup"]) for r in csv.DictReader(handle)]
    assert speedup == pytest.approx(series.column("speedup").to_pylist(), rel=1e-11)
    assert main(["sweep", str(sweep_file), "--scenario", "0123456789abcdef0123"]) == 2


def test_two_workers_give_the_same_results_as_one(sweep_file, reference, tmp_path):
    out = tmp_path / "two"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--workers", "2",
                 "--no-plots"]) == 0
    assert_same_results(out, reference)


def test_rerun_skips_finished_runs(sweep_file, reference, capsys):
    before = sqlite3.connect(reference / "runs.sqlite").execute(
        "SELECT run_id, seconds FROM runs ORDER BY run_id").fetchall()
    assert main(["sweep", str(sweep_file), "--out", str(reference), "--workers", "2",
                 "--no-plots"]) == 0
    assert f"{RUNS} done already, 0 to run" in capsys.readouterr().out
    after = sqlite3.connect(reference / "runs.sqlite").execute(
        "SELECT run_id, seconds FROM runs ORDER BY run_id").fetchall()
    assert after == before  # not one run was redone


def test_killed_with_sigkill_partway_then_rerun_ends_with_every_run_once(
        sweep_file, reference, tmp_path):
    out = tmp_path / "killed"
    proc = start(sweep_file, out, "--workers", "2")
    wait_for_runs(proc, out, 3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    recorded = count_done(out)
    assert 3 <= recorded < RUNS, "the kill must land partway"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--workers", "2",
                 "--no-plots"]) == 0
    assert len(rows(out)) == RUNS
    assert_same_results(out, reference)


def test_ctrl_c_stops_cleanly_keeps_what_finished_and_says_how_to_resume(
        sweep_file, reference, tmp_path):
    out = tmp_path / "interrupted"
    proc = start(sweep_file, out, "--workers", "2", "--no-plots")
    wait_for_runs(proc, out, 2)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    kept = count_done(out)
    assert 2 <= kept < RUNS
    assert "run the same command again to resume" in err
    assert f"takeoff sweep {sweep_file} --out {out} --workers 2 --no-plots" in err
    assert "Traceback" not in err
    assert pq.read_table(out / "summary.parquet").num_rows == kept
    assert len(series(out)) == kept
    assert main(["sweep", str(sweep_file), "--out", str(out), "--workers", "2",
                 "--no-plots"]) == 0
    assert_same_results(out, reference)


def failing_on_speed_3(toml_text: str) -> dict:
    """A run function that raises for the runs with ai.speed = 3 (picklable: top level)."""
    if "\nspeed = 3.0" in toml_text:
        raise RuntimeError("injected failure")
    return run_one(toml_text)


def test_a_failing_run_is_recorded_with_its_error_and_the_rest_finish(reference, tmp_path):
    spec = load_sweep(reference / "sweep.toml")
    design = Design(spec)
    store = Store(tmp_path / "out", spec, takeoff_version())
    outcome = execute(design, store, LocalPool(2, failing_on_speed_3))
    assert (outcome.done, outcome.failed) == (16, 8)
    found = rows(tmp_path / "out")
    ref = rows(reference)
    for run_id, row in found.items():
        if row["ai.speed"] == 3.0:
            assert row["status"] == "failed" and row["peak_speedup"] is None
            assert "RuntimeError: injected failure" in row["error"]
            assert "failing_on_speed_3" in row["error"]  # the worker's traceback is kept
        else:
            assert row == ref[run_id]
    # rerunning retries the failed runs
    outcome = execute(design, store, LocalPool(2, run_one))
    assert (outcome.done, outcome.failed, outcome.ran) == (RUNS, 0, 8)
    store.write_summary()
    store.close()
    assert_same_results(tmp_path / "out", reference)


def test_a_dask_local_cluster_gives_the_same_results(sweep_file, reference, tmp_path,
                                                       monkeypatch, capsys):
    from distributed import LocalCluster

    out = tmp_path / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        assert main(["sweep", str(sweep_file), "--out", str(out), "--scheduler",
                     cluster.scheduler_address, "--no-plots"]) == 0
        assert_same_results(out, reference)
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        capsys.readouterr()
        assert main(["sweep", str(sweep_file), "--out", str(out), "--no-plots"]) == 0
        assert "0 to run on the Dask cluster at tcp://127.0.0.1" in capsys.readouterr().out


SENSITIVITY = """schema = 1
base = "baseline"
[run]
seed = 3
weeks = 40
burn_in_weeks = 13
[humans]
count = 12
[sweep]
design = "{design}"
samples = {samples}
[sweep.parameters]
"ideas.effect_scale" = {{ min = 0.002, max = 0.05, log = true }}
"policy.review_weeks" = {{ min = 1, max = 52 }}
"""


@pytest.mark.parametrize("design, samples, index", [("morris", 4, "mu_star"),
                                                     ("sobol", 4, "ST")])
def test_sensitivity_finds_the_key_that_matters_and_not_the_one_that_cannot(
        tmp_path, design, samples, index):
    # policy.review_weeks only acts under the adaptive policy; the baseline's is fixed
    path = tmp_path / f"{design}.toml"
    path.write_text(SENSITIVITY.format(design=design, samples=samples))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    with open(out / "sensitivity.csv") as handle:
        found = list(csv.DictReader(handle))
    value = {(r["output"], r["parameter"], r["index"]): float(r["value"]) for r in found}
    assert value[("log10_progress_per_year", "ideas.effect_scale", index)] > 0.1
    assert value[("log10_progress_per_year", "policy.review_weeks", index)] == 0.0
    assert value[("log10_peak_speedup", "policy.review_weeks", index)] == 0.0
    if design == "sobol":  # censored outputs use PAWN
        assert {r["method"] for r in found if r["output"] == "weeks_to_10x"} <= {"pawn"}
    assert (out / "plots" / "sensitivity.png").stat().st_size > 10_000
