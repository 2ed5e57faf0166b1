"""The command line as a user meets it: wall time of fresh ``takeoff`` processes.

Each figure is the wall time, measured from this process, of a new ``takeoff`` process from
its start to its exit: the interpreter's start, the imports, the work and the exit. Kernels and
tables load from the caches ``make`` fills at install, as on a user's machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import Sample

ROOT = Path(__file__).resolve().parents[1]

# What each row runs after ``takeoff``; ``{out}`` is a fresh temporary folder.
COMMANDS = {
    "--help": ["--help"],
    "run baseline --weeks 1": ["run", "baseline", "--weeks", "1", "--out", "{out}"],
    "run baseline --weeks 1 --no-plots": ["run", "baseline", "--weeks", "1", "--no-plots",
                                          "--out", "{out}"],
}


def takeoff_command() -> list[str]:
    """The installed ``takeoff`` script next to this interpreter, else ``python -m takeoff``."""
    script = Path(sys.executable).with_name("takeoff")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "takeoff"]


def fresh_seconds(args: list[str]) -> float:
    """Wall seconds of one fresh ``takeoff ARGS`` process (``{out}`` filled in); it must succeed."""
    with tempfile.TemporaryDirectory(prefix="takeoff-bench-cli-") as tmp:
        argv = takeoff_command() + [a.format(out=Path(tmp) / "out") for a in args]
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"takeoff {' '.join(args)}: exit {proc.returncode}: "
                           f"{proc.stderr[-2000:]}")
    return seconds


def commands(repeats: int) -> dict[str, Sample]:
    """Wall seconds of each of :data:`COMMANDS`, interleaved over ``repeats`` rounds.

    One untimed round first: the operating system's file cache then holds the interpreter and
    the libraries, as it does for a user who ran ``takeoff`` a moment before.
    """
    for args in COMMANDS.values():
        fresh_seconds(args)
    out: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(repeats):
        for label, args in COMMANDS.items():
            out[label].append(fresh_seconds(args))
    return {label: Sample(values) for label, values in out.items()}
