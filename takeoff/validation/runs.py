"""Many short runs for the validation rows, on every core, each reduced to a few numbers.

A row asks many independent runs the same small question (what was ln S at week 260, how fast
did the lab research in its first two years), so runs go to a pool of processes and only the
numbers come back. The answer to a job does not depend on the pool: each run is seeded by its
scenario, so one process and many give the same numbers.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from model.metrics import speed_at_start_difficulty
from model.model import TakeoffModel
from model.scenario import Scenario

LN10 = math.log(10.0)


@dataclass(frozen=True)
class Job:
    """One run: a scenario (seed and horizon included), with or without its twin."""

    scenario: Scenario
    twin: bool = False


def measure(model: TakeoffModel) -> dict:
    """What the rows read off a finished run."""
    data = model.datacollector.model_vars
    weeks = model.week
    span = min(weeks, 104)
    return {
        "log10_s": model.ln_s / LN10,
        "log10_proxy": model.ln_proxy / LN10,
        "weeks": weeks,
        "start_speed": speed_at_start_difficulty(model, 0, span) if span else 0.0,
        "exploded": model.exploded,
        "explosion_week": model.explosion_week,
        "stop": model.stop,
        "capability": model.capability,
        "started": model.counts["started"],
        "dropped": float(model.counts["dropped"].sum()),
        "merged": model.counts["merged"],
        "shipped": model.counts["shipped"],
        "helpful": model.counts["shipped_helpful"],
        "harmful": model.counts["shipped_harmful"],
        "longest_wait": [float(w) for w in model.scheduler.longest_wait],
        "series": {k: list(data[k]) for k in ("week", "speedup", "software_efficiency",
                                              "proxy_efficiency", "utilisation",
                                              "waiting_after_allocation", "compression")},
        "log_gap": float(np.mean(np.log10(data["proxy_efficiency"])
                                 - np.log10(data["software_efficiency"]))),
        "twin_log10_s": model.twin.ln_s / LN10 if model.twin is not None else model.ln_s / LN10,
        "ai_share": list(getattr(model, "ai_compute_share", [])),
        "frontier_log": [(int(w), float(g), float(q)) for w, g, q in model.frontier.log],
        "interval": model.settings.frontier.interval_weeks,
    }


def _run(job: Job) -> dict:
    model = TakeoffModel(job.scenario, twin=job.twin, lineage_graph=False)
    track = job.twin and model.settings.ai.enabled
    shares = []
    while model.running:
        model.step()
        if track:  # the AI's share of the experiment compute drawn this week
            p = model.pipelines
            running = p.state == 2
            draw = p.draw[running]
            ai = model.workforce.kind[p.owner[running]] != 0
            shares.append(float(draw[ai].sum() / max(draw.sum(), 1e-300)))
    model.ai_compute_share = shares
    return measure(model)


def workers() -> int:
    """Processes to use: every core, at most 8 (``TAKEOFF_WORKERS`` overrides)."""
    env = os.environ.get("TAKEOFF_WORKERS")
    return max(1, int(env)) if env else max(1, min(8, os.cpu_count() or 1))


# Answers already computed in this process, by job: the rows (and the tests, which ask for the
# calibration facts twice) repeat runs, and a run's answer depends only on its scenario and twin.
_ANSWERS: dict[tuple, dict] = {}


def _key(job: Job) -> tuple:
    return repr(sorted(job.scenario.as_dict().items())), job.twin


def run_all(jobs: Iterable[Job], log: Callable[[str], None] | None = None) -> list[dict]:
    """Run every job (in parallel where cores allow); results in the jobs' order.

    A job this process has already run, or that appears twice, is run once.
    """
    jobs = list(jobs)
    keys = [_key(j) for j in jobs]
    todo = {k: j for k, j in zip(keys, jobs, strict=True) if k not in _ANSWERS}
    n = min(workers(), len(todo))
    if n <= 1:
        answers = [_run(j) for j in todo.values()]
    else:
        with ProcessPoolExecutor(max_workers=n) as pool:
            answers = list(pool.map(_run, todo.values(),
                                    chunksize=max(1, len(todo) // (4 * n))))
    _ANSWERS.update(zip(todo, answers, strict=True))
    return [copy.deepcopy(_ANSWERS[k]) for k in keys]


def paired(base: Scenario, key: str, low, high, seeds: list[int], weeks: int,
           twin: bool = False) -> tuple[list[dict], list[dict]]:
    """Runs of ``base`` with ``key`` at ``low`` and at ``high``, on the same seeds."""
    jobs = [Job(base.replace({key: v, "run.seed": s, "run.weeks": weeks}), twin)
            for v in (low, high) for s in seeds]
    out = run_all(jobs)
    return out[:len(seeds)], out[len(seeds):]


def mean_se(values: Iterable[float]) -> tuple[float, float]:
    """Mean and its standard error (0 for a single value)."""
    v = np.asarray(list(values), dtype=float)
    if v.size < 2:
        return float(v.mean()) if v.size else 0.0, 0.0
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size))
