"""Cost per agent-step: ``takeoff`` next to Mesa's own BoltzmannWealth example, same process.

An agent-step of ``takeoff`` is one Mesa agent for one week: the wall time of the main model's
``step()`` calls (research cycle, measurements, DataCollector; no humans-only twin, no lineage
graph, burn-in and construction not timed) divided by weeks times ``len(model.agents)``. With
``ai.enabled = false`` every agent is a ``HumanResearcher``; with AI on, each human also has an
``AICopilot`` agent and there are ``ai.cohorts`` ``AIResearcher`` agents, all counted.
An agent-step of BoltzmannWealth is one ``MoneyAgent`` for one ``model.step()`` of the example as
Mesa ships it (move, give money, its DataCollector), on a square grid with one cell per agent
like the example's default of 100 agents on 10 x 10.
"""

from __future__ import annotations

import math

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

from benchmarks.timing import Sample, both_clocks
from model.model import TakeoffModel
from model.scenario import load_scenario

BURN_IN = 26  # weeks of history before the timed weeks: pipelines and queues are full
WEEKS = 26  # timed weeks


def takeoff_config(n: int, ai: bool, weeks: int = WEEKS):
    """The baseline lab with ``n`` humans, AI on or off."""
    return load_scenario("baseline").replace({
        "humans.count": n, "ai.enabled": ai, "run.burn_in_weeks": BURN_IN,
        "run.weeks": weeks + 1, "run.seed": 42})


def takeoff_once(n: int, ai: bool, weeks: int = WEEKS) -> tuple[float, float, int]:
    """Time ``weeks`` steps of a fresh model: seconds per agent-step (wall, CPU), and agents."""
    model = TakeoffModel(takeoff_config(n, ai, weeks), twin=False, lineage_graph=False)
    agents = len(model.agents)

    def steps():
        for _ in range(weeks):
            model.step()

    wall, cpu = both_clocks(steps)
    return wall / (weeks * agents), cpu / (weeks * agents), agents


def boltzmann_once(n: int, steps: int) -> tuple[float, float]:
    """Time ``steps`` steps of a fresh BoltzmannWealth: seconds per agent-step (wall, CPU)."""
    side = math.ceil(math.sqrt(n))
    model = BoltzmannWealth(BoltzmannScenario(n=n, width=side, height=side, rng=42))

    def run():
        for _ in range(steps):
            model.step()

    wall, cpu = both_clocks(run)
    return wall / (steps * n), cpu / (steps * n)


def compare(n: int, repeats: int, ai: bool = False) -> dict:
    """Interleaved repeats of both models at ``n`` agents (humans for ``takeoff``).

    Returns:
        ``ours`` and ``mesa`` (seconds per agent-step, as Samples, wall time), ``agents`` (Mesa
        agents in ``takeoff``), ``ratio`` (median over median, wall), ``ratios`` (per repeat,
        as a Sample) and ``cpu_ratio`` (median over median of CPU times).

    """
    steps = max(5, 200_000 // n)
    ours, mesa_cost, ours_cpu, mesa_cpu = [], [], [], []
    agents = 0
    for _ in range(repeats):
        wall, cpu = boltzmann_once(n, steps)
        mesa_cost.append(wall)
        mesa_cpu.append(cpu)
        wall, cpu, agents = takeoff_once(n, ai)
        ours.append(wall)
        ours_cpu.append(cpu)
    o, m = Sample(ours), Sample(mesa_cost)
    return {"n": n, "ai": ai, "agents": agents, "ours": o, "mesa": m,
            "ratio": o.median / m.median,
            "ratios": Sample([a / b for a, b in zip(ours, mesa_cost, strict=True)]),
            "cpu_ratio": Sample(ours_cpu).median / Sample(mesa_cpu).median}
