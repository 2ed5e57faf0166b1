"""Forecast throughput: ``python -m benchmarks.forecast`` writes ``benchmarks/FORECAST.md``.

Runs per second of ``takeoff forecast`` with 1 and 2 local worker processes, over the shipped
``default`` beliefs on a smaller lab (40 researchers, two years; about a third of a second a
run here) so that a measurement takes seconds. Each measurement is the whole command in a
fresh process into a new folder: drawing the samples, starting the pool, every run, every write
of the store, the report and its plots; runs per second is samples over that wall time. The
machine is shared and has 2 cores: the load average at the start is reported with the figures.
A benchmark is not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import load, machine

HERE = Path(__file__).resolve().parent
BELIEFS = """schema = 1
extends = "default"
name = "bench"
[run]
weeks = 104
burn_in_weeks = 52
[humans]
count = 40
"""


def measure(workers: int, samples: int, folder: Path) -> dict:
    """One forecast, the whole command, in a fresh process."""
    path = folder / "bench.toml"
    path.write_text(BELIEFS)
    out = folder / f"out-{workers}"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "takeoff", "forecast", str(path), "--samples",
                    str(samples), "--out", str(out), "--workers", str(workers)], check=True,
                   capture_output=True)
    seconds = time.perf_counter() - start
    found = json.loads((out / "forecast.json").read_text())
    return {"seconds": seconds, "rate": found["finished"] / seconds,
            "report": {k: v for k, v in found.items() if k != "beliefs_file"}}  # a temp path


def main(argv: list[str] | None = None) -> int:
    """Measure and write FORECAST.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "FORECAST.md")
    args = parser.parse_args(argv)
    start_load = load()
    rates: dict[int, list[float]] = {1: [], 2: []}
    reports = {}
    for _ in range(args.repeats):
        for workers in rates:
            with tempfile.TemporaryDirectory() as tmp:
                m = measure(workers, args.samples, Path(tmp))
            rates[workers].append(m["rate"])
            reports.setdefault(workers, m["report"])
            print(f"{workers} worker(s): {m['rate']:.2f} runs/s ({m['seconds']:.1f} s)")
    same = reports[1] == reports[2]
    args.out.write_text(render(rates, args.samples, same, start_load))
    print(f"wrote {args.out}")
    return 0


def render(rates: dict, samples: int, same: bool, start_load: float) -> str:
    """FORECAST.md."""
    info = machine()
    lines = ["# Forecast throughput", "",
             "Written by `.venv/bin/python -m benchmarks.forecast` (see its docstring for what is "
             "timed).", "",
             f"Machine: {info['cpu'].split(' (')[0]}; Python {info['python']}; commit "
             f"{info['commit']}; {info['date']}; load average at the start {start_load:.2f}.",
             "",
             f"`takeoff forecast` of the `default` beliefs on a 40-researcher lab over 104 "
             f"weeks, {samples} samples, the whole command each time:", "",
             "| workers | runs/s, median | min | max | repeats |",
             "| --- | --- | --- | --- | --- |"]
    for workers, values in rates.items():
        lines.append(f"| {workers} | {statistics.median(values):.2f} | {min(values):.2f} | "
                     f"{max(values):.2f} | {len(values)} |")
    lines += ["", f"1 and 2 workers give the same forecast.json: {'yes' if same else 'NO'}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
