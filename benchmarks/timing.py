"""Timing helpers: medians over repeats, their spread, peak memory, and the machine measured."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sample:
    """Repeated measurements of one quantity.

    Attributes:
        values: One value per repeat.

    """

    values: list[float]

    @property
    def median(self) -> float:
        """Median over repeats."""
        return statistics.median(self.values)

    @property
    def spread(self) -> float:
        """(max - min) / median: how much the repeats disagree."""
        m = self.median
        return (max(self.values) - min(self.values)) / m if m > 0 else 0.0

    def text(self, unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
        """Median with its range, e.g. ``1.23 s (1.20 to 1.31, 5 repeats)``."""
        lo, hi = min(self.values) * scale, max(self.values) * scale
        unit = f" {unit}" if unit else ""
        n = len(self.values)
        if n == 1:
            return f"{self.median * scale:.{digits}g}{unit} (1 repeat)"
        return f"{self.median * scale:.{digits}g}{unit} ({lo:.{digits}g} to {hi:.{digits}g})"


def clock(fn: Callable[[], object]) -> float:
    """Wall time of one call, in seconds, with the garbage collector run beforehand."""
    return timed(fn)[0]


def both_clocks(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time and this process's CPU time of one call, in seconds.

    On a machine shared with other work, CPU time counts only the time this process ran, so it
    varies less than wall time (caches and memory are still shared).
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall time of one call, in seconds, and what it returned."""
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak memory allocated while ``fn`` runs (tracemalloc, numpy buffers included), in MiB.

    Measured in a run of its own: tracing slows the code down, so it is never timed.
    """
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / 2**20


def load() -> float:
    """One-minute load average: other work running on the machine."""
    return os.getloadavg()[0]


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import mesa
    import numpy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True,
                               timeout=10).stdout.strip()
        commit += " (uncommitted changes)" if dirty else ""
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{cpu}, {os.cpu_count()} logical cores (benchmarks use one)",
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mesa": mesa.__version__,
        "commit": commit,
    }
