"""Golden fixture: the model's outputs, byte for byte, for a few short runs.

The hashes below were recorded from the model before any performance work. An optimisation of
the core must leave every one of them unchanged: same random draws in the same order, same
floating-point results. A deliberate change of behaviour updates them in a separate step, with
its reason, by running ``.venv/bin/python tests/test_determinism.py`` (it prints the table).

Each run covers a different part of the core: a small baseline lab (copilots, lineage graph),
humans only, an AI-driven explosion (autonomous cohorts, groups split by the fair scheduler),
the ``value`` and ``fifo`` schedulers, a large lab, hiring with adaptive compute and synthetic
data, and a lab with millions of poor-taste AI copies.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from agents.researchers import AICopilot, AIResearcher, HumanResearcher
from model.run import simulate
from model.scenario import load_scenario
from takeoff.outputs import write_run

SMALL = {"humans.count": 40, "run.burn_in_weeks": 52}

CONFIGS = {
    "baseline_small": ("baseline", {**SMALL, "run.seed": 1, "run.weeks": 60}),
    "humans_only": ("humans_only", {"run.seed": 1, "run.burn_in_weeks": 52, "run.weeks": 104}),
    "software_explosion": ("software_explosion", {}),
    "compute_bound_value": ("compute_bound", {**SMALL, "policy.scheduler": "value",
                                              "run.weeks": 156}),
    "compute_bound_fifo": ("compute_bound", {**SMALL, "policy.scheduler": "fifo",
                                             "run.weeks": 156}),
    "large_lab": ("baseline", {"humans.count": 2000, "run.burn_in_weeks": 4, "run.weeks": 4}),
    "hiring_adaptive_synthetic": ("synthetic_data", {
        "humans.count": 40, "humans.hiring_per_year": 1.5, "policy.allocation": "adaptive",
        "run.burn_in_weeks": 26, "run.weeks": 156}),
    "taste_bound": ("taste_bound", {"humans.count": 40, "run.burn_in_weeks": 26,
                                    "run.weeks": 200}),
}

# name -> SHA-256 (first 16 hex digits) of timeseries.csv, summary.json, lineage graph, agents.
# Recorded from the core as committed in c035365/a44ef8e, before any optimisation.
GOLDEN = {
    "baseline_small":
        "3f3f28377a0a14a3 48c8dad5e85d45a7 4d765c8949d5c260 6cc0206b20eba857",
    "compute_bound_fifo":
        "bf5ac1b236cc201e c864839026ea8e59 2d90160ec9cfba97 8b4afb943abfa5c4",
    "compute_bound_value":
        "dcc8973b66725bf4 2596393438bb2a00 1bcbdb85989ce9ad 1d07de2cd6650712",
    "hiring_adaptive_synthetic":
        "cacbe506aa6c4881 b19542a0aadb4991 e25c288b2b4ea797 5479535b82c16d56",
    "humans_only":
        "1eaa55f3e50bbdd1 01c7b9217c9d1b44 f0cbb76a37db07c6 532fc3119fc6208d",
    "large_lab":
        "bb3d2eaf58d013c5 d1d25dd813fe833e 1391876e63685b7d 5a3ae0146811e610",
    "software_explosion":
        "4ecb971a25142956 f724270e2ece9195 5c098d3e28630dc7 49b54fbddb02f66c",
    "taste_bound":
        "2c59a4297bde4c0c fc88098c7274229d 711cc372331f54fb 2a2a8438882a6bc0",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def digests(name: str) -> str:
    """Run configuration ``name`` and hash what a user keeps of it.

    Returns:
        Space-separated hashes of ``timeseries.csv`` and ``summary.json`` as ``write_run``
        writes them, of the lineage graph (nodes with attributes, edges) and of every agent's
        attributes.

    """
    base, values = CONFIGS[name]
    result = simulate(load_scenario(base).replace(values), lineage_graph=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_run(result, Path(tmp), plots=False)
        csv = (Path(tmp) / "timeseries.csv").read_bytes()
        summary = (Path(tmp) / "summary.json").read_bytes()
    graph = result.model.lineage.graph
    lineage = repr((sorted(graph.nodes(data=True)), sorted(graph.edges()))).encode()
    m = result.model
    agents = []
    for cls in (HumanResearcher, AIResearcher, AICopilot):
        for a in m.agents_by_type.get(cls, ()):
            row = (a.unique_id, cls.__name__, a.copies)
            if cls is not AICopilot:
                row += (a.row, a.taste, a.speed, a.ideas_merged, a.ideas_shipped, a.pipelines)
            agents.append(row)
    return " ".join(_sha(x) for x in (csv, summary, lineage, repr(agents).encode()))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_outputs_are_byte_identical_to_the_golden_fixture(name):
    assert digests(name) == GOLDEN[name]


if __name__ == "__main__":  # print the table to paste into GOLDEN after a deliberate change
    for key in sorted(CONFIGS):
        print(f'    "{key}":\n        "{digests(key)}",', file=sys.stdout)


# The fast paths behind those bytes, each against the plain computation it replaces -----------
def test_fast_lexsort_orders_exactly_like_numpy():
    from model.scheduler import lexsort

    rng = np.random.default_rng(0)
    for trial in range(300):
        n = int(rng.integers(0, 3000))
        week = rng.integers(-30, 30, n).astype(float)
        owner = rng.integers(0, int(rng.integers(1, 500)), n)
        start = np.round(rng.random(n) * 4, int(trial % 3)) * rng.choice([1.0, -1.0], n)
        start[rng.random(n) < 0.1] = -0.0  # ties, and -0.0 == 0.0
        for keys in ((week, owner), (week, start), (owner, week), (week + 0.5, start)):
            assert np.array_equal(lexsort(keys), np.lexsort(keys))


def test_walking_the_queue_in_stretches_grants_what_one_at_a_time_grants(monkeypatch):
    import copy

    from model import scheduler
    from model.model import TakeoffModel
    from model.pipelines import QUEUED

    rng = np.random.default_rng(1)
    lab = TakeoffModel(load_scenario("baseline").replace({"humans.count": 20,
                                                          "run.burn_in_weeks": 0}),
                       twin=False, lineage_graph=False)
    for _ in range(60):
        n = int(rng.integers(1, 1200))
        weight = np.where(rng.random(n) < 0.3, rng.integers(2, 50, n) + 0.5, 1.0)
        lab.pipelines.keep(np.zeros(len(lab.pipelines), dtype=bool))
        lab.pipelines.append(owner=rng.integers(0, 36, n), rung=rng.integers(0, 3, n),
                             state=QUEUED, weight=weight, idea=np.arange(n),
                             submitted=rng.integers(-10, 1, n).astype(float))
        unit = rng.choice([0.5, 1.0, 2.0, 7.0, 20.0], n)
        budget = float(rng.choice([5.0, 30.0, 300.0]))
        want = np.where(weight > 1, unit * weight, np.minimum(unit, budget))
        quantum = budget * rng.random(n) if rng.random() < 0.5 else np.full(n, np.inf)
        args = (rng.permutation(n), unit, want, weight > 1, budget * rng.random(), budget,
                quantum)
        walked = []
        for short in (0, 10**9):  # in stretches only, then one request at a time
            monkeypatch.setattr(scheduler, "SHORT_WALK", short)
            monkeypatch.setattr(scheduler, "MAX_STRETCHES", 10**9)
            m = copy.deepcopy(lab)
            walked.append((m.scheduler._walk(*args).tolist(), m.pipelines.weight.tolist()))
        assert walked[0] == walked[1]
