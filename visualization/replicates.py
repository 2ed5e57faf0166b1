"""Replicate runs for the page's bands, in worker processes off the page.

A visitor who asks for a band over N seeds gets N runs of the same settings with seeds
``run.seed`` to ``run.seed + N - 1`` (the lab on screen is the first), each run to its end by
:func:`model.run.simulate`, the same run ``takeoff run`` makes. They run in a small pool of
worker processes shared by every visitor of the server, so neither the visitor's page nor
anyone else's waits for them; the workers exit after a minute without work, returning their
memory. :func:`bands_of` turns the finished runs into the bands of :func:`model.bands.band`.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from model.bands import Band, band
from model.scenario import Scenario

WORKERS = max(1, min(2, (os.cpu_count() or 2) - 1))  # one core stays with the server
IDLE_SECONDS = 60.0
SERIES = ("speedup", "software_efficiency")  # what the bands are drawn of (log scale)


def replicate(scenario: Scenario, seed: int) -> dict[str, list[float]]:
    """One replicate run, in a worker process: the weekly series the bands are drawn of."""
    from model.run import simulate

    result = simulate(scenario.replace({"run.seed": seed}, origin="replicate"))
    data = result.model.datacollector.model_vars
    return {name: list(data[name]) for name in SERIES}


class Pool:
    """Worker processes started on demand and stopped after ``idle`` seconds without work."""

    def __init__(self, workers: int = WORKERS, idle: float = IDLE_SECONDS):
        self.workers, self.idle = workers, idle
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._busy = 0
        self._timer: threading.Timer | None = None

    def submit(self, scenario: Scenario, seed: int) -> Future:
        """Queue one replicate run."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._executor is None:
                # spawn: a fresh interpreter, not a fork of a threaded server
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"))
            self._busy += 1
            future = self._executor.submit(replicate, scenario, seed)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._busy -= 1
            if self._busy == 0 and self._executor is not None:
                self._timer = threading.Timer(self.idle, self.stop_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def stop_if_idle(self) -> None:
        """Stop the workers if nothing is queued (they start again on the next run)."""
        with self._lock:
            if self._busy or self._executor is None:
                return
            executor, self._executor, self._timer = self._executor, None, None
        executor.shutdown(wait=False)

    @property
    def running(self) -> bool:
        """Worker processes are up."""
        return self._executor is not None


POOL = Pool()


class Replicates:
    """The band runs of one page's settings: queued together, collected as they finish.

    Args:
        scenario: The settings (validated and admitted by the page).
        count: How many seeds, from ``scenario.run.seed`` on.
        pool: The pool that runs them.

    """

    def __init__(self, scenario: Scenario, count: int, pool: Pool = POOL):
        seed = scenario.run.seed
        self.futures = [pool.submit(scenario, seed + r) for r in range(count)]

    @property
    def done(self) -> int:
        """Runs finished."""
        return sum(f.done() for f in self.futures)

    def wait(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for another run to finish."""
        waiting = [f for f in self.futures if not f.done()]
        if waiting:
            wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)

    def results(self) -> list[dict[str, list[float]]]:
        """The finished runs' series, in seed order (a failed run raises its error)."""
        return [f.result() for f in self.futures if f.done() and not f.cancelled()]

    def cancel(self) -> None:
        """Drop the runs not yet started (a run in progress finishes and is ignored)."""
        for f in self.futures:
            f.cancel()


def bands_of(runs: list[dict[str, list[float]]]) -> dict[str, Band]:
    """The band of each series over ``runs`` (on a log scale: ratios and efficiencies)."""
    return {name: band([r[name] for r in runs], log=True) for name in SERIES}
