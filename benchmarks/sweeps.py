"""Sweep throughput and memory: ``python -m benchmarks.sweeps`` writes ``benchmarks/SWEEPS.md``.

Measures, each in a fresh process so that no pool or import is reused between measurements:

- runs per second of ``takeoff sweep`` with 1 and 2 local worker processes and on a 2-worker Dask
  ``LocalCluster``, next to ``mesa.batch_run`` with 1 and 2 processes on the same model, the same
  points and the same seeds (through a keyword-argument wrapper model, below: ``batch_run``
  cannot call a model that takes a Scenario). Both keep every week of every run:
  ``takeoff sweep`` writes it to Parquet and SQLite as each run finishes, ``batch_run``
  (``data_collection_period=1``) returns it in memory at the end. Wall time covers starting the
  pool, every run and every write, not the interpreter's start-up or imports;
- peak resident memory of the driver and of the largest worker over a 100-run and a 1,000-run
  sweep (sampled every 50 ms with psutil, which Dask distributed already requires), and the
  size of the store on disk.

The machine is shared and has 2 cores: the load average at the start is reported with the
figures. A benchmark is not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import mesa

from model.model import TakeoffModel
from model.scenario import load_scenario

HERE = Path(__file__).resolve().parent
LAB = {"humans.count": 40, "run.weeks": 104, "run.burn_in_weeks": 52}  # ~0.3 s a run here
PHI = [0.6, 0.7, 0.8, 0.9]
SPEED = [1.0, 3.0, 10.0]
SEEDS = [42, 43]  # run.seed and its replicate: takeoff sweep's seeds for 2 replicates
RATE_SWEEP = f"""# benchmarks/sweeps.py: {len(PHI)} x {len(SPEED)} points x {len(SEEDS)} seeds
schema = 1
base = "baseline"
name = "bench_rate"
[run]
seed = {SEEDS[0]}
weeks = {LAB["run.weeks"]}
burn_in_weeks = {LAB["run.burn_in_weeks"]}
[humans]
count = {LAB["humans.count"]}
[sweep]
design = "grid"
replicates = {len(SEEDS)}
[sweep.parameters]
"ideas.phi" = {PHI}
"ai.speed" = {SPEED}
"""
MEMORY_SWEEP = """# benchmarks/sweeps.py: a tiny lab, {runs} runs
schema = 1
base = "baseline"
name = "bench_memory_{runs}"
[run]
seed = 1
weeks = 52
burn_in_weeks = 13
[humans]
count = 10
[sweep]
design = "lhs"
samples = {samples}
replicates = 4
[sweep.parameters]
"ideas.phi" = {{ min = 0.5, max = 0.9 }}
"compute.experiment_boost" = {{ min = 0.3, max = 30.0, log = true }}
"""


class SweepModel(mesa.Model):
    """The takeoff model behind keyword arguments, as ``mesa.batch_run`` needs.

    Args:
        phi: ``ideas.phi``.
        speed: ``ai.speed``.
        rng: The seed (``run.seed``).

    """

    def __init__(self, phi: float = 0.8, speed: float = 1.0, rng: int = 42):
        super().__init__(rng=rng)
        scenario = load_scenario("baseline").replace(
            {**LAB, "ideas.phi": phi, "ai.speed": speed, "run.seed": rng})
        self.inner = TakeoffModel(scenario, lineage_graph=False)
        self.datacollector = self.inner.datacollector

    def step(self) -> None:
        """One week of the wrapped model."""
        self.inner.step()
        self.running = self.inner.running


class PeakRSS:
    """Peak resident memory of this process and of its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.driver = 0
        self.worker = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                self.driver = max(self.driver, self.me.memory_info().rss)
                for child in self.me.children(recursive=True):
                    try:
                        self.worker = max(self.worker, child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measure(kind: str, size: int, folder: Path) -> dict:
    """One measurement in this (fresh) process.

    Args:
        kind: ``takeoff``, ``dask`` or ``batch_run`` (the rate sweep on ``size`` workers), or
            ``memory`` (a sweep of ``size`` runs on 2 local workers).
        size: Workers, or runs for ``memory``.
        folder: Where the store goes.

    """
    workers = size
    if kind == "batch_run":
        start = time.perf_counter()
        rows = mesa.batch_run(SweepModel, {"phi": PHI, "speed": SPEED}, number_processes=workers,
                              rng=SEEDS, data_collection_period=1, max_steps=10_000,
                              display_progress=False)
        wall = time.perf_counter() - start
        last = {}
        for row in rows:  # the last week of each run, to check both ran the same runs
            last[(row["phi"], row["speed"], row["rng"])] = row["software_efficiency"]
        return {"wall": wall, "runs": len(last), "rows": len(rows),
                "final": {json.dumps(k): v for k, v in sorted(last.items())}}
    from takeoff.sweep.design import Design, takeoff_version
    from takeoff.sweep.runner import execute, make_pool
    from takeoff.sweep.spec import parse_sweep_text
    from takeoff.sweep.store import Store

    if kind == "memory":
        text = MEMORY_SWEEP.format(runs=size, samples=size // 4)
        workers = 2
    else:
        text = RATE_SWEEP
    spec = parse_sweep_text(text, "bench.toml")
    design = Design(spec)
    out = folder / "out"
    with PeakRSS() as peak:
        start = time.perf_counter()
        if kind == "dask":
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            pool = make_pool(None, cluster.scheduler_address)
        else:
            pool = make_pool(workers, None)
        store = Store(out, spec, takeoff_version())
        outcome = execute(design, store, pool)
        store.write_summary()
        wall = time.perf_counter() - start
        if kind == "dask":
            cluster.close()
    import sqlite3

    db = sqlite3.connect(out / "runs.sqlite")
    model_seconds = db.execute("SELECT SUM(seconds) FROM runs").fetchone()[0]
    final = {json.dumps([p, s, seed]): eff for p, s, seed, eff in db.execute(
        'SELECT "ideas.phi", "ai.speed", seed, software_efficiency FROM runs')}
    store.close()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"wall": wall, "runs": outcome.done, "failed": outcome.failed,
            "model_seconds": model_seconds, "driver_rss": peak.driver,
            "worker_rss": peak.worker, "store_bytes": size,
            "final": final if kind != "memory" else {}}


def fresh(kind: str, workers: int) -> dict:
    """Run :func:`measure` in a new interpreter and return what it measured."""
    with tempfile.TemporaryDirectory(prefix="takeoff-bench-") as tmp:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.sweeps", "--measure", kind,
                               str(workers), tmp], capture_output=True, text=True,
                              cwd=HERE.parent, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} {workers}: {proc.stderr[-2000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Measure and write the results file."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweeps", description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE / "SWEEPS.md")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each rate (default 3)")
    parser.add_argument("--quick", action="store_true", help="1 repeat, no 1,000-run sweep")
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "WORKERS", "DIR"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        kind, workers, folder = args.measure
        print(json.dumps(measure(kind, int(workers), Path(folder))))
        return 0
    repeats = 1 if args.quick else args.repeats
    load = os.getloadavg()[0]
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    configs = (("takeoff", 1), ("takeoff", 2), ("dask", 2), ("batch_run", 1), ("batch_run", 2))
    rates: dict = {c: [] for c in configs}
    for rep in range(repeats):  # interleaved, so that the load of a shared machine hits all alike
        for kind, workers in configs:
            say(f"repeat {rep + 1} of {repeats}: {kind}, {workers} worker(s)")
            rates[(kind, workers)].append(fresh(kind, workers))
    memory = {}
    for runs in ((100,) if args.quick else (100, 1000)):
        say(f"memory, {runs} runs")
        memory[runs] = fresh("memory", runs)
    reference = rates[("takeoff", 1)][0]["final"]
    agree = all(len(r["final"]) == len(reference) and all(
        abs(r["final"][k] - v) <= 1e-9 * abs(v) for k, v in reference.items())
        for rs in rates.values() for r in rs)
    args.out.write_text(render(rates, memory, agree, load, time.perf_counter() - started))
    say(f"wrote {args.out}")
    return 0


def render(rates: dict, memory: dict, agree: bool, load: float, seconds: float) -> str:
    """SWEEPS.md."""
    runs = len(PHI) * len(SPEED) * len(SEEDS)
    lines = [
        "# Sweep benchmarks",
        "",
        "Written by `.venv/bin/python -m benchmarks.sweeps` (`benchmarks/sweeps.py`); "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load:.2f} at the start (a shared machine), "
        f"{seconds:.0f} s in all.",
        "",
        f"## Runs per second: {runs} runs, the same points and seeds",
        "",
        f"A lab of {LAB['humans.count']} humans over {LAB['run.weeks']} weeks (burn-in "
        f"{LAB['run.burn_in_weeks']}), with its humans-only twin; ideas.phi in {PHI} x ai.speed "
        f"in {SPEED} x seeds {SEEDS}. Every week of every run is kept. Wall time from starting "
        "the pool to the last result stored; median of the repeats, run interleaved (range in "
        "brackets). Model time per run: the time a worker spent in `simulate` (inflated when "
        "the machine is busier than its cores).",
        "",
        "| how | workers | wall (s) | runs/s | model time per run (s) |",
        "| --- | --- | --- | --- | --- |",
    ]
    names = {"takeoff": "`takeoff sweep` (local processes)",
             "dask": "`takeoff sweep --scheduler` (Dask LocalCluster, started in the timing)",
             "batch_run": "`mesa.batch_run` (`data_collection_period=1`)"}
    for (kind, workers), rs in rates.items():
        walls = [r["wall"] for r in rs]
        wall = statistics.median(walls)
        spread = f" ({min(walls):.2f} to {max(walls):.2f})" if len(walls) > 1 else ""
        model = [r["model_seconds"] / r["runs"] for r in rs if r.get("model_seconds")]
        model_text = f"{statistics.median(model):.3f}" if model else "-"
        lines.append(f"| {names[kind]} | {workers} | {wall:.2f}{spread} | "
                     f"{rs[0]['runs'] / wall:.2f} | {model_text} |")
    lines += ["", f"Same results from every way of running: {'yes' if agree else 'NO'} "
              "(final software efficiency of every run, matched by point and seed).", ""]
    if memory:
        lines += ["## Memory as the sweep grows", "",
                  "A tiny lab (10 humans, 52 weeks), a Latin hypercube over ideas.phi and "
                  "experiment boost, 4 seeds per point, 2 local workers; peak resident memory "
                  "sampled every 50 ms.", "",
                  "| runs | wall (s) | runs/s | driver peak RSS (MiB) | largest worker peak RSS "
                  "(MiB) | store on disk (MiB) |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for m in memory.values():
            lines.append(f"| {m['runs']} | {m['wall']:.1f} | {m['runs'] / m['wall']:.1f} | "
                         f"{m['driver_rss'] / 2**20:.0f} | {m['worker_rss'] / 2**20:.0f} | "
                         f"{m['store_bytes'] / 2**20:.1f} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
