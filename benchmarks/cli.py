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
from collections.abc import Callable
from functools import partial
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


# What a run pays before its first week, as fresh ``python -c`` processes: the floor of
# ``takeoff run`` (the model is built on Mesa, whose import brings pandas and networkx).
FLOORS = {
    "python -c pass": "pass",
    "import mesa": "import mesa",
    "import model.run (Mesa, numba, the model)": "import model.run",
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


def _interleaved(runs: dict[str, Callable[[], float]], repeats: int) -> dict[str, Sample]:
    """Each of ``runs`` once untimed, then all of them interleaved over ``repeats`` rounds.

    The untimed round leaves the operating system's file cache holding the interpreter and the
    libraries, as it does for a user who ran ``takeoff`` a moment before.
    """
    for run in runs.values():
        run()
    out: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeats):
        for label, run in runs.items():
            out[label].append(run())
    return {label: Sample(values) for label, values in out.items()}


def commands(repeats: int) -> dict[str, Sample]:
    """Wall seconds of each of :data:`COMMANDS`, interleaved over ``repeats`` rounds."""
    return _interleaved({label: partial(fresh_seconds, args)
                         for label, args in COMMANDS.items()}, repeats)


def python_seconds(code: str) -> float:
    """Wall seconds of one fresh ``python -c CODE`` (this interpreter); it must succeed."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def floors(repeats: int) -> dict[str, Sample]:
    """Wall seconds of each of :data:`FLOORS` in a fresh interpreter, interleaved."""
    return _interleaved({label: partial(python_seconds, code)
                         for label, code in FLOORS.items()}, repeats)
