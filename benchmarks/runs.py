"""Whole runs (wall time, peak memory), how cost grows with agents and weeks, the app's update."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.timing import Sample, clock, peak_memory, timed
from model.model import TakeoffModel
from model.scenario import load_scenario

# The runs a user starts most, each with its humans-only twin when AI is on.
RUNS = {
    "baseline": ("baseline", {}),
    "baseline, no explosion (frontier_coupling = 1)": (
        "baseline", {"experiments.frontier_coupling": 1.0}),
    "compute_bound": ("compute_bound", {}),
    "humans_only": ("humans_only", {}),
}
NO_EXPLOSION = "baseline, no explosion (frontier_coupling = 1)"


def whole_run(base: str, values: dict, repeats: int, memory: bool = True) -> dict:
    """Construct (burn-in included) and run a scenario to its horizon or explosion.

    Returns:
        ``build``, ``run`` and ``total`` wall seconds and ``cpu`` (this process's CPU seconds for
        both) as Samples, ``weeks`` reached, ``exploded``, ``agents``, ``twin`` and ``peak_mib``
        (tracemalloc, in a run of its own).

    """
    scenario = load_scenario(base).replace(values)
    build, run, total, cpu = [], [], [], []
    model = None
    for _ in range(repeats):
        start = time.process_time()
        b, model = timed(lambda: TakeoffModel(scenario))
        r = clock(model.run)
        cpu.append(time.process_time() - start)
        build.append(b)
        run.append(r)
        total.append(b + r)
    out = {"build": Sample(build), "run": Sample(run), "total": Sample(total), "cpu": Sample(cpu),
           "weeks": model.week, "exploded": model.exploded, "agents": len(model.agents),
           "twin": model.twin is not None}
    if memory:
        out["peak_mib"] = peak_memory(lambda: TakeoffModel(scenario).run())
    return out


def per_week(base: str, values: dict, weeks: int, twin: bool) -> float:
    """Seconds per week of ``weeks`` steps after construction (twin stepped when asked)."""
    scenario = load_scenario(base).replace({**values, "run.weeks": weeks})
    model = TakeoffModel(scenario, twin=twin, lineage_graph=False)
    return clock(model.run) / weeks


def exponent(xs: list[float], ys: list[float]) -> float:
    """Slope of log y against log x: cost ~ x^slope."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def agent_scaling(counts: list[int], repeats: int, burn_in: int = 26, weeks: int = 26) -> dict:
    """Cost of a week against the number of humans (humans-only lab).

    Each size is a fresh lab with a ``burn_in``-week burn-in, then ``weeks`` timed weeks. Sizes
    are interleaved within each repeat, so a burst of other work on the machine touches every
    size alike instead of bending the fit.
    """
    costs: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(repeats):
        for n in counts:
            costs[n].append(per_week("humans_only", {"humans.count": n,
                                                     "run.burn_in_weeks": burn_in},
                                     weeks, False))
    samples = [Sample(costs[n]) for n in counts]
    return {"x": counts, "cost": samples, "burn_in": burn_in, "weeks": weeks,
            "exponent": exponent(counts, [c.median for c in samples])}


def week_scaling(base: str, values: dict, checkpoints: list[int], twin: bool,
                 repeats: int) -> dict:
    """Step time against weeks: cumulative seconds at each checkpoint of one long run.

    Linear (exponent 1) means a week costs the same whatever the run's age; the number of ideas
    in flight at each checkpoint shows how much of any growth is the lab itself growing.
    """
    scenario = load_scenario(base).replace({**values, "run.weeks": checkpoints[-1]})
    runs, in_flight = [], []
    for _ in range(repeats):
        model = TakeoffModel(scenario, twin=twin, lineage_graph=False)
        elapsed, marks, rows = 0.0, [], []
        for week in range(1, checkpoints[-1] + 1):
            elapsed += _timed_step(model)
            if week in checkpoints:
                marks.append(elapsed)
                rows.append(int(np.count_nonzero(model.pipelines.state >= 0)))
        runs.append(marks)
        in_flight = rows
    samples = [Sample([r[i] for r in runs]) for i in range(len(checkpoints))]
    return {"x": checkpoints, "cost": samples, "in_flight": in_flight,
            "exponent": exponent(checkpoints, [c.median for c in samples])}


def _timed_step(model) -> float:
    start = time.perf_counter()
    model.step()
    return time.perf_counter() - start


def optional(module: str, name: str):
    """An attribute of a module another helper is writing, or None while it does not exist."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def app_update(repeats: int, steps: int = 10) -> dict | None:
    """Seconds for one update of the app at the default size: ``model.step(); render_views``."""
    render = optional("visualization.app", "render_views")
    if render is None:
        return None
    def update(model):
        for _ in range(steps):
            model.step()
            render(model)

    out = []
    for _ in range(repeats):
        model = TakeoffModel(load_scenario("baseline"))
        render(model)  # the first draw builds figures; an update redraws them
        out.append(clock(lambda m=model: update(m)) / steps)
    return {"update": Sample(out)}


def aggregate_run(repeats: int, cold_repeats: int = 1) -> dict | None:
    """The aggregate model (``takeoff run --aggregate``), if it exists yet, against the agents.

    Times ``model.aggregate.simulate_aggregate`` (what the command runs, humans-only twin
    included) on the baseline and on the baseline that does not explode, interleaved with the
    agent model's whole run of the same scenario in the same process: ``ratio`` is the agents'
    time over the aggregate's, repeat by repeat (issue 15: at least 50x). The aggregate keeps
    its funnel tables in memory and on disk, so three states are timed, compiled code loaded
    in all (one untimed run first):

    - ``total`` (warm): tables in this process's memory, as in any run after the first;
    - ``disk``: tables read from disk, as a fresh ``takeoff run --aggregate`` of a shipped
      scenario (whose tables ``make`` builds at install) finds them;
    - ``cold``: no tables anywhere (an empty table folder), as after any change to the
      parameters the tables depend on: they are built, then saved (into the empty folder).
    """
    simulate = optional("model.aggregate", "simulate_aggregate")
    if simulate is None:
        return None
    try:
        funnel = importlib.import_module("model.aggregate.funnel")
    except ImportError:
        funnel = None
    out = {}
    for label in ("baseline", NO_EXPLOSION):
        base, values = RUNS[label]
        scenario = load_scenario(base).replace(values)
        result = simulate(scenario)
        times, agents, disk = [], [], []
        for _ in range(repeats):
            seconds, result = timed(lambda s=scenario: simulate(s))
            times.append(seconds)
            agents.append(clock(lambda s=scenario: TakeoffModel(s, lineage_graph=False).run()))
            if _has_tables(funnel):
                funnel._MEMORY.clear()
                disk.append(clock(lambda s=scenario: simulate(s)))
        row = {"total": Sample(times), "weeks": result.summary.get("weeks"),
               "exploded": result.summary.get("exploded"), "agents": Sample(agents),
               "ratio": Sample([a / t for a, t in zip(agents, times, strict=True)]),
               "peak_mib": peak_memory(lambda s=scenario: simulate(s))}
        if disk:
            row["disk"] = Sample(disk)
            row["cold"] = Sample([_cold(funnel, simulate, scenario) for _ in range(cold_repeats)])
        out[label] = row
    return out


def _has_tables(funnel) -> bool:
    """Whether the aggregate keeps its tables where :func:`_cold` can empty them."""
    return funnel is not None and isinstance(getattr(funnel, "_MEMORY", None), dict) \
        and isinstance(getattr(funnel, "CACHE", None), Path)


def _cold(funnel, simulate, scenario) -> float:
    """Seconds of one aggregate run that finds no tables in memory or on disk."""
    saved = funnel.CACHE
    with tempfile.TemporaryDirectory(prefix="takeoff-bench-tables-") as empty:
        funnel.CACHE = Path(empty)
        funnel._MEMORY.clear()
        try:
            return clock(lambda: simulate(scenario))
        finally:
            funnel.CACHE = saved
            funnel._MEMORY.clear()  # the next run reads the real folder again


STARTUP = ("import time; t = time.perf_counter(); {imports}; "
           "print(time.perf_counter() - t)")


def startup(repeats: int) -> dict:
    """Seconds a fresh process takes to import the model and run one small lab for a week.

    Kernels load from numba's cache (``make`` compiles them at install); ``numba`` is the
    time to import numba alone, part of the first.
    """
    first_week = ("from model.model import TakeoffModel; "
                  "from model.scenario import load_scenario; "
                  "m = TakeoffModel(load_scenario('baseline').replace("
                  "{'humans.count': 20, 'run.burn_in_weeks': 1})); m.step()")
    root = Path(__file__).resolve().parents[1]
    out = {}
    for label, imports in (("first week", first_week), ("numba", "import numba")):
        code = STARTUP.format(imports=imports)
        out[label] = Sample([float(subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            cwd=root).stdout) for _ in range(repeats)])
    # Compiling every kernel from nothing, as ``make`` does at install: into an empty cache.
    with tempfile.TemporaryDirectory() as cache:
        seconds, _ = timed(lambda: subprocess.run(
            [sys.executable, "-m", "model.kernels"], check=True, cwd=root,
            env={**os.environ, "NUMBA_CACHE_DIR": cache}))
    out["compile"] = Sample([seconds])
    return out
