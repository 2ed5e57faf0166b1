"""How long ``takeoff sweep`` takes to start: from the command to its first run beginning.

The smallest real sweep (2 runs of a 10-human lab, 4 weeks, 2 local workers, no plots) runs as
``takeoff sweep`` does, in a fresh process, with one change: the task each worker runs first
writes the time it began (wall clock, shared by the processes of one machine) to a file, then
runs the real ``run_one``. From those stamps and the time this process launched the command:

- ``first_run``: launch to the first run beginning (interpreter, imports, reading the sweep
  file, the store, the pool and its workers started, the first run handed over);
- ``pool``: the pool being asked for (``make_pool``) to the first run beginning, the part the
  pool itself costs (its forkserver imports the model once, its workers fork from it);
- ``total``: the whole command, the runs and the summary included.

This module is also the child's entry point (``python -m benchmarks.sweep_start``) and the
workers unpickle :func:`stamped_run` from it, so it imports nothing heavy at the top.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMPS = "TAKEOFF_BENCH_STAMPS"  # environment: the file the stamps go to
SWEEP = """# benchmarks/sweep_start.py: the smallest real sweep, 2 runs
schema = 1
base = "baseline"
name = "bench_start"
[run]
seed = 1
weeks = 4
burn_in_weeks = 1
[humans]
count = 10
[sweep]
design = "grid"
replicates = 1
[sweep.parameters]
"ideas.phi" = [0.7, 0.8]
"""


def _stamp(what: str) -> None:
    with open(os.environ[STAMPS], "a") as f:
        f.write(f"{what} {time.time()!r}\n")


def stamped_run(toml_text: str) -> dict:
    """The sweep's task: note when it began, then run the run as ``takeoff sweep`` does."""
    _stamp("run")
    from takeoff.sweep.worker import run_one

    return run_one(toml_text)


def child(argv: list[str]) -> int:
    """``takeoff sweep ARGV`` in this process, its pool running :func:`stamped_run`."""
    from takeoff.sweep import runner

    real = runner.make_pool

    def make_pool(workers, scheduler, task=None):
        _stamp("pool")
        return real(workers, scheduler, stamped_run)

    runner.make_pool = make_pool  # cmd_sweep imports it from the module when it runs
    from takeoff.cli import main

    return main(["sweep", *argv])


def once(workers: int = 2) -> dict[str, float]:
    """One fresh ``takeoff sweep`` of :data:`SWEEP`: seconds to each point (see the module)."""
    with tempfile.TemporaryDirectory(prefix="takeoff-bench-sweep-") as tmp:
        folder = Path(tmp)
        (folder / "start.toml").write_text(SWEEP)
        stamps = folder / "stamps"
        env = {**os.environ, STAMPS: str(stamps)}
        argv = [sys.executable, "-m", "benchmarks.sweep_start", str(folder / "start.toml"),
                "--workers", str(workers), "--no-plots", "--out", str(folder / "out")]
        launched = time.time()
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env,
                              check=False)
        ended = time.time()
        if proc.returncode != 0:
            raise RuntimeError(f"takeoff sweep: exit {proc.returncode}: {proc.stderr[-2000:]}")
        marks: dict[str, list[float]] = {}
        for line in stamps.read_text().splitlines():
            what, when = line.split()
            marks.setdefault(what, []).append(float(when))
    if len(marks.get("run", [])) != 2 or len(marks.get("pool", [])) != 1:
        raise RuntimeError(f"takeoff sweep: expected 1 pool and 2 runs, stamped {marks}")
    first = min(marks["run"])
    return {"first_run": first - launched, "pool": first - marks["pool"][0],
            "total": ended - launched}


def start(repeats: int) -> dict:
    """:func:`once` ``repeats`` times, after one untimed sweep (the file cache warm)."""
    from benchmarks.timing import Sample

    once()
    rounds = [once() for _ in range(repeats)]
    return {key: Sample([r[key] for r in rounds]) for key in rounds[0]}


if __name__ == "__main__":
    sys.exit(child(sys.argv[1:]))
