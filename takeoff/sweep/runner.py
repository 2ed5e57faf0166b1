"""Run a sweep's runs in local processes or on a Dask cluster, recording each as it finishes.

Local runs use a :class:`concurrent.futures.ProcessPoolExecutor` (forkserver, or spawn where
there is none) rather than a Dask ``LocalCluster``: it starts in a fraction of the time, opens no
network port, and a worker that dies surfaces as an error instead of a silent restart. A cluster
is reached through Dask distributed (``--scheduler`` or ``DASK_SCHEDULER_ADDRESS``). Either way
the worker function is the same pure function of the run's TOML text, the driver alone writes the
store, and the store's rows do not depend on the order runs finish in: 1, 2 or 200 workers give
the same results.

At most a few runs per worker are in flight: the driver never holds more than that many results
or arguments, so memory stays flat however many runs the sweep has. Ctrl-C (or SIGTERM) stops
cleanly: what finished is recorded, the runs in flight are dropped, and rerunning resumes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_local
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from takeoff.errors import UsageError
from takeoff.sweep.design import Design, Run
from takeoff.sweep.store import Store, format_error
from takeoff.sweep.worker import VERSION, init_local_worker, run_one

POLL_SECONDS = 0.5
DIED = ("a worker process died while this run was in flight (killed, or out of memory); "
        "run the same command again to retry it")


@dataclass
class Outcome:
    """What a call of :func:`execute` did.

    Attributes:
        total: Distinct runs of the sweep.
        done: Runs recorded as done (this call and earlier ones).
        failed: Runs recorded as failed and not since done.
        ran: Runs this call recorded.
        seconds: Wall time of this call.
        interrupted: Stopped by Ctrl-C or SIGTERM before the end.

    """

    total: int
    done: int
    failed: int
    ran: int
    seconds: float
    interrupted: bool


class LocalPool:
    """``workers`` local processes."""

    def __init__(self, workers: int, task: Callable):
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        self.context = multiprocessing.get_context(method)
        if method == "forkserver":  # import the model once, in the server; workers fork from it
            self.context.set_forkserver_preload(["takeoff.sweep.worker"])
        self.workers = workers
        self.task = task
        self.capacity = 2 * workers  # one running and one queued per worker
        self.where = f"{workers} local process{'es' if workers > 1 else ''}"
        self._start()

    def _start(self) -> None:
        # Workers watch the read end; the write end stays here and closes when the driver dies.
        self._alive_r, self._alive_w = self.context.Pipe(duplex=False)
        self.executor = ProcessPoolExecutor(self.workers, mp_context=self.context,
                                            initializer=init_local_worker,
                                            initargs=(self._alive_r,))

    def submit(self, run: Run):
        """Start a run."""
        return self.executor.submit(self.task, run.toml)

    def wait(self, futures, timeout: float) -> set:
        """Futures among ``futures`` that finished within ``timeout`` seconds."""
        return wait_local(futures, timeout=timeout, return_when=FIRST_COMPLETED).done

    def outcome(self, future) -> tuple[bool, object]:
        """(True, result) or (False, error text) of a finished future."""
        exc = future.exception()
        if exc is None:
            return True, future.result()
        if isinstance(exc, BrokenProcessPool):
            self._restart()
            return False, DIED
        return False, format_error(exc)

    def _restart(self) -> None:
        if getattr(self.executor, "_broken", False):
            self.executor.shutdown(wait=False, cancel_futures=True)
            self._start()

    def close(self, kill: bool) -> None:
        """Stop the workers; ``kill`` ends runs still in flight instead of waiting for them."""
        if kill:
            terminate = getattr(self.executor, "terminate_workers", None)  # Python 3.14+
            if terminate is not None:
                terminate()
            else:  # the pool exposes its processes only privately before 3.14
                for process in list(getattr(self.executor, "_processes", {}).values()):
                    process.terminate()
        self.executor.shutdown(wait=not kill, cancel_futures=True)
        self._alive_w.close()


class DaskPool:
    """An existing Dask cluster, reached through its scheduler."""

    def __init__(self, address: str, task: Callable):
        from distributed import Client

        try:
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"sweep: --scheduler {address}: cannot connect ({exc})") from None
        threads = sum(self.client.nthreads().values())
        self.capacity = max(4, 2 * threads)
        self.task = task
        self.where = f"the Dask cluster at {address} ({threads} threads now)"

    def submit(self, run: Run):
        """Start a run; the key names it on the cluster's dashboard."""
        return self.client.submit(self.task, run.toml, key=f"takeoff-run-{run.run_id}",
                                  pure=False)

    def wait(self, futures, timeout: float) -> set:
        """Futures among ``futures`` that finished within ``timeout`` seconds."""
        from distributed import wait

        try:
            wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        return {f for f in futures if f.done()}

    def outcome(self, future) -> tuple[bool, object]:
        """(True, result) or (False, error text) of a finished future."""
        try:
            if future.status == "finished":
                return True, future.result()
            if future.status == "cancelled":
                return False, "cancelled by the Dask cluster"
            exc = future.exception()
            if isinstance(exc, ImportError):  # the environment, not the run: stop, record nothing
                raise UsageError(f"sweep: Dask workers cannot run takeoff ({exc}); install "
                                 f"takeoff {VERSION} on every worker")
            return False, format_error(exc)
        finally:
            future.release()

    def close(self, kill: bool) -> None:
        """Cancel what is in flight and disconnect (the cluster keeps running)."""
        self.client.close()


def check_limits(design: Design) -> None:
    """Refuse, before any run starts, a sweep with a design point too large to run here.

    Each distinct point is checked once (a replicate's seed does not change its cost) against
    :func:`model.limits.check`.

    Raises:
        ScenarioError: One line naming the first such point, its estimate and its keys.

    """
    from model import limits
    from model.scenario import Scenario

    spec = design.spec
    base = spec.base.as_dict()
    for i in range(len(design)):
        if design.first[i] == i:
            origin = f"{spec.origin}: design point {i}"
            scenario = Scenario(base, spec.name, "").replace(design.point(i), origin=origin)
            limits.check(scenario, origin=origin)


def make_pool(workers: int | None, scheduler: str | None, task: Callable = run_one):
    """A local pool of ``workers`` processes, or the Dask cluster at ``scheduler``."""
    if scheduler:
        return DaskPool(scheduler, task)
    return LocalPool(workers or default_workers(), task)


def default_workers() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def execute(design: Design, store: Store, pool, progress=None,
            cancel: threading.Event | None = None) -> Outcome:
    """Run every run of ``design`` not yet done in ``store``, recording each as it finishes.

    Failed runs of an earlier call are run again. A run that raises is recorded as failed and
    the sweep goes on. Setting ``cancel`` (from another thread, e.g. a page whose visitor
    left) stops the sweep as Ctrl-C does: what finished is kept.
    """
    start = time.perf_counter()
    done = store.done_ids()
    total = design.runs_count()
    todo = (run for run in design.runs() if run.run_id not in done)
    ran = 0
    pending: dict = {}
    exhausted = False
    with _StopOnSignal(cancel) as stop:
        try:
            while True:
                while not stop.requested and not exhausted and len(pending) < pool.capacity:
                    run = next(todo, None)
                    if run is None:
                        exhausted = True
                    else:
                        pending[pool.submit(run)] = run
                if not pending:
                    break
                for future in pool.wait(pending, POLL_SECONDS):
                    run = pending.pop(future)
                    ok, payload = pool.outcome(future)
                    if ok:
                        if payload.get("version") != VERSION:
                            raise UsageError(f"sweep: a worker runs takeoff "
                                             f"{payload.get('version')}, this is {VERSION}; "
                                             f"install the same version everywhere")
                        store.record_done(run, payload)
                    else:
                        store.record_failed(run, payload)
                    ran += 1
                    if progress is not None:
                        progress.update(ok)
                if stop.requested:
                    break
        finally:
            pool.close(kill=bool(pending))
    counts = store.counts()
    return Outcome(total=total, done=counts.get("done", 0), failed=counts.get("failed", 0),
                   ran=ran, seconds=time.perf_counter() - start, interrupted=stop.requested)


class _StopOnSignal:
    """Turn Ctrl-C and SIGTERM into a request to stop after recording what finished.

    A second Ctrl-C interrupts at once (the default handler is back after the first).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, cancel: threading.Event | None = None):
        self._requested = False
        self._cancel = cancel
        self._old: dict = {}

    @property
    def requested(self) -> bool:
        """A signal arrived, or the caller's ``cancel`` event is set."""
        return self._requested or (self._cancel is not None and self._cancel.is_set())

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self._requested = True
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


class Progress:
    """A progress bar on stderr: counts, failures, rate and ETA.

    On a terminal it redraws one line; in a log (not a terminal) it prints a line every tenth of
    the way or every 30 seconds.
    """

    def __init__(self, label: str, total: int, done: int, stream=None):
        self.label = label
        self.total = max(total, 1)
        self.count = done
        self.failed = 0
        self.session = 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.last_tenth = self.count * 10 // self.total
        self._draw(force=True)

    def update(self, ok: bool) -> None:
        """One more run recorded."""
        self.count += 1
        self.session += 1
        self.failed += 0 if ok else 1
        self._draw()

    def line(self) -> str:
        """The bar as text."""
        width = 24
        filled = int(width * min(self.count, self.total) / self.total)
        elapsed = time.perf_counter() - self.start
        rate = self.session / elapsed if elapsed > 0 and self.session else 0.0
        left = self.total - self.count
        eta = _duration(left / rate) if rate > 0 else "?"
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.count}/{self.total}"
                f" runs{failed}, {rate:.2f} runs/s, ETA {eta}")

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        tenth = self.count * 10 // self.total
        if self.tty:
            if force or now - self.last_draw > 0.1 or self.count >= self.total:
                self.stream.write("\r" + self.line() + "\x1b[K")
                self.stream.flush()
                self.last_draw = now
        elif force or tenth > self.last_tenth or now - self.last_draw > 30:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_draw, self.last_tenth = now, tenth

    def close(self) -> None:
        """End the bar's line."""
        if self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
