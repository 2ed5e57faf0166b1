"""What a worker process does with one run: plain data in, plain data out.

:func:`run_one` is a top-level function of plain arguments so that a local process pool and a
Dask cluster can both ship it by reference. It re-validates the scenario from its TOML text (a
worker trusts nothing but data) and returns the summary and the time series; only the driver
writes the store, so workers need no shared file system.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np

from model.run import simulate
from model.scenario import parse_toml_text
from takeoff.outputs import plain
from takeoff.sweep.design import takeoff_version

VERSION = takeoff_version()


def run_one(toml_text: str) -> dict:
    """Run one resolved scenario.

    Args:
        toml_text: The fully resolved scenario, as TOML (it carries its seed).

    Returns:
        ``version`` (takeoff's, to catch mixed installs on a cluster), ``summary`` (the fields of
        ``summary.json``), ``series`` (column name to a numpy array: int64 when every value is an
        integer, else float64) and ``seconds`` (wall time of the run, informative only).

    """
    scenario = parse_toml_text(toml_text, "sweep run")
    start = time.perf_counter()
    result = simulate(scenario)
    seconds = time.perf_counter() - start
    series = {}
    for i, name in enumerate(result.columns):
        column = [row[i] for row in result.rows]
        integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                       for v in column)
        series[name] = np.asarray(column, dtype=np.int64 if integral else np.float64)
    return {"version": VERSION, "summary": {k: plain(v) for k, v in result.summary.items()},
            "series": series, "seconds": seconds}


def init_local_worker(driver_alive) -> None:
    """Initializer of local pool processes.

    Args:
        driver_alive: Read end of a pipe whose write end only the driver holds: it reads EOF
            when the driver is gone, however it died. A worker whose driver died (``kill -9``)
            exits at once instead of computing runs nobody will record.

    Ctrl-C reaches every process of the terminal's group; only the driver acts on it (it records
    what finished, then stops the workers), so workers ignore it.

    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_driver, args=(driver_alive,), daemon=True).start()


def _exit_with_driver(driver_alive) -> None:
    try:
        driver_alive.poll(None)  # nothing is ever sent: this returns at EOF
    except OSError:
        pass
    os._exit(1)
