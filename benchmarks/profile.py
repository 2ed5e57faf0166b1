"""Where a week's time goes: the cycle's phases, random draws, and the compiled kernels.

Phases are timed by wrapping the methods of one model instance (nothing else is affected); the
random-number share by handing the model a generator that times every draw it makes; the compiled
kernels (``model/kernels/``) by wrapping them where the core modules call them, for the run
only. All add a little overhead of their own, so the shares matter here, not the totals. The
draws are fixed by the model's contract (same seed, same draws in the same order, same bytes
out): their time is a floor that no optimisation keeping outputs identical can go under.
"""

from __future__ import annotations

import importlib
import time
from collections import defaultdict

from model.model import TakeoffModel
from model.scenario import load_scenario

PHASES = [  # (label, owner, method): timed inclusively, in the order a week runs them. An owner
    # is a path from the model, or "module:Class" for a researcher type's vectorised behaviour.
    ("workforce update", "workforce", "update"),
    ("AI cohorts plan pipelines", "agents.ai:AIResearcher", "plan"),
    ("copilots assist", "agents.ai:AICopilot", "assist"),
    ("ideas: parents to vary", "lineage", "parents"),
    ("ideas: draw candidates", "agents.ai:AIResearcher", "_candidates"),
    ("ideas: merge into backlogs", "workforce.backlog", "merge"),
    ("ideas: whole think step", "", "think"),
    ("shortlist: peek at backlogs", "workforce.backlog", "peek"),
    ("shortlist: whole", "agents.researchers:Researcher", "shortlist"),
    ("talk it over", "agents.humans:HumanResearcher", "talk_over"),
    ("choose and start", "agents.researchers:Researcher", "choose"),
    ("work: interpret, decide, set up", "agents.researchers:Researcher", "work"),
    ("scheduler: sort keys", "scheduler", "_keys"),
    ("scheduler: walk the queue", "scheduler", "_walk"),
    ("scheduler: whole allocate", "scheduler", "allocate"),
    ("experiments run", "scheduler", "advance"),
    ("engineering", "agents.researchers:Researcher", "engineer"),
    ("sweep finished rows", "cycle", "sweep"),
    ("frontier runs", "frontier", "advance"),
    ("humans learn", "agents.humans:HumanResearcher", "learn"),
    ("measurements (DataCollector)", "datacollector", "collect"),
]


class _TimedGenerator:
    """A numpy Generator whose draws are timed; every other use passes through."""

    def __init__(self, rng, clock: dict):
        self._rng, self._clock = rng, clock

    def __getattr__(self, name):
        attr = getattr(self._rng, name)
        if not callable(attr):
            return attr

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self._clock["draws"] += time.perf_counter() - start

        return timed


def _wrap(owner, method: str, label: str, clock: dict) -> tuple | None:
    """Time ``owner.method``; for a class, return what to put back (an instance needs nothing)."""
    inner = getattr(owner, method)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            clock[label] += time.perf_counter() - start

    if isinstance(owner, type):  # a researcher type: undone after the run
        original = owner.__dict__[method]
        setattr(owner, method, staticmethod(timed))
        return owner, method, original
    setattr(owner, method, timed)  # on the instance: the class and other models are untouched
    return None


KERNEL_USERS = ("model.ideas", "model.idea_draws", "model.pipelines", "model.scheduler")


def _time_kernels(clock: dict) -> list[tuple]:
    """Time every compiled kernel the core calls; return what to put back afterwards."""
    undo = []
    for name in KERNEL_USERS:
        module = importlib.import_module(name)
        for attr, kernel in vars(module).items():
            if hasattr(kernel, "py_func"):  # a numba dispatcher
                def timed(*args, _kernel=kernel):
                    start = time.perf_counter()
                    try:
                        return _kernel(*args)
                    finally:
                        clock["kernels"] += time.perf_counter() - start

                undo.append((module, attr, kernel))
                setattr(module, attr, timed)
    return undo


def phases(humans: int, ai: bool, weeks: int) -> dict:
    """Seconds per week of each phase, the random draws' share, and the week's total.

    The baseline lab with ``humans`` humans, AI on or off, no twin, no lineage graph, a 26-week
    burn-in, then ``weeks`` weeks timed.
    """
    scenario = load_scenario("baseline").replace({
        "humans.count": humans, "ai.enabled": ai, "run.burn_in_weeks": 26,
        "run.weeks": weeks + 1})
    model = TakeoffModel(scenario, twin=False, lineage_graph=False)
    clock: dict = defaultdict(float)
    undo = []
    for label, path, method in PHASES:
        if ":" in path:
            module, cls = path.split(":")
            owner = getattr(importlib.import_module(module), cls)
        else:
            owner = model
            for part in filter(None, path.split(".")):
                owner = getattr(owner, part)
        undo.append(_wrap(owner, method, label, clock))
    model.rng = _TimedGenerator(model.rng, clock)
    undo = [u for u in undo if u] + _time_kernels(clock)
    try:
        start = time.perf_counter()
        for _ in range(weeks):
            model.step()
        total = time.perf_counter() - start
    finally:
        for module, attr, kernel in undo:
            setattr(module, attr, kernel)
    return {"humans": humans, "ai": ai, "agents": len(model.agents), "total": total / weeks,
            "draws": clock.pop("draws", 0.0) / weeks,
            "kernels": clock.pop("kernels", 0.0) / weeks,
            "phases": [(label, clock[label] / weeks) for label, _, _ in PHASES]}
