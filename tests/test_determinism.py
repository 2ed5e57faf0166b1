"""Golden fixture: the model's outputs, byte for byte, for a few short runs.

The hashes below were recorded from the model before any performance work. An optimisation of
the core must leave every one of them unchanged: same random draws in the same order, same
floating-point results, whether the kernels of ``model/kernels/`` run compiled (numba) or as
plain Python (checked on each configuration cut down, ``shortened``: uncompiled, the full ones
take minutes). A deliberate change of behaviour updates them in a separate step, with its reason,
by running ``.venv/bin/python tests/test_determinism.py`` (it prints the table).

Each run covers a different part of the core: a small baseline lab (copilots, lineage graph),
humans only, an AI-driven explosion (autonomous cohorts, groups split by the fair scheduler),
the ``value`` and ``fifo`` schedulers, a large lab, hiring with adaptive compute and synthetic
data, and a lab with millions of poor-taste AI copies.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from agents.ai import AICopilot, AIResearcher
from agents.humans import HumanResearcher
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
# Re-recorded deliberately when the model science was reworked (common random numbers, the
# ladder's beliefs and bars, the scheduler, the track record, engineering, the cadence and the
# explosion detector) with the numerical libraries of constraints.txt; kept since through
# refactoring and optimisation. ``hiring_adaptive_synthetic`` re-recorded when the decisions moved
# into ``agents/``: AI cohorts now size their pipelines after the week's hires, at the compute
# shares the new lab gives them (before, at the shares of the lab before hiring). All re-recorded
# when the review learned that opinions share the owner's appeal, the track record came to judge
# only ideas that have ended, and the defaults were recalibrated (issue 10).
GOLDEN = {
    "baseline_small":
        "ce3896340c034384 3064c65a4f3d287d a0d40283fd34e9ca 6b948f5720395a10",
    "compute_bound_fifo":
        "fee8bc322ef0ac54 efa97a58fb895584 0ceff2fdbfbd5363 00b773f40bfc47c4",
    "compute_bound_value":
        "97a49446903f3279 146e0c53697af201 a9c86b30833a60c7 6d05aab72cb0e90e",
    "hiring_adaptive_synthetic":
        "5b3e32703e75cfb4 4c40d95465fd999c c013fce536e28887 58dd46fe4c151dd0",
    "humans_only":
        "ae745402ac16da4b 444a53944aad5772 42266232eec11446 c427307a9c5cd7b5",
    "large_lab":
        "42eca16fe21b1797 f4c5d05eef2c672d 1391876e63685b7d 8894c38c1cc29921",
    "software_explosion":
        "a800892c98b1139c 8ae482d9a8fcfda2 94cc8272587b3d52 c0d61c0422e924e5",
    "taste_bound":
        "428dd5442a762dcf a63d55dd2c951243 ad329c2a60a46bad a053705965ae810f",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def digests(name: str, short: bool = False) -> str:
    """Run configuration ``name`` and hash what a user keeps of it.

    Args:
        name: A key of ``CONFIGS``.
        short: Run it cut down (``shortened``), as the plain-Python check does.

    Returns:
        Space-separated hashes of ``timeseries.csv`` and ``summary.json`` as ``write_run``
        writes them, of the lineage graph (nodes with attributes, edges) and of every agent's
        attributes.

    """
    base, values = CONFIGS[name]
    scenario = load_scenario(base).replace(values)
    result = simulate(shortened(scenario) if short else scenario, lineage_graph=True)
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
            row = (a.unique_id, cls.__name__, float(a.copies))
            if cls is not AICopilot:
                row += (a.row, float(a.taste), float(a.speed), float(a.ideas_merged),
                        float(a.ideas_shipped), int(a.pipelines))
            agents.append(row)
    return " ".join(_sha(x) for x in (csv, summary, lineage, repr(agents).encode()))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_outputs_are_byte_identical_to_the_golden_fixture(name):
    assert digests(name) == GOLDEN[name]


def shortened(scenario):
    """A configuration cut down for the plain-Python check: at most 13 burn-in and 40 weeks, 600
    humans. Uncompiled, the full configurations took 7 minutes here; cut down, 2."""
    return scenario.replace({"run.weeks": min(scenario.run.weeks, 40),
                             "run.burn_in_weeks": min(scenario.run.burn_in_weeks, 13),
                             "humans.count": min(scenario.humans.count, 600)})


def test_the_kernels_as_plain_python_give_the_same_bytes():
    # numba compiles model/kernels/; run uncompiled, the same code must give the same outputs.
    # Two processes, each half of the configurations: uncompiled runs are slow, cores are two.
    names = sorted(CONFIGS)
    halves = [names[0::2], names[1::2]]
    procs = [subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.path.insert(0, 'tests'); from test_determinism "
         f"import digests; print('\\n'.join(digests(n, short=True) for n in {half!r}))"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "NUMBA_DISABLE_JIT": "1"},
        cwd=Path(__file__).resolve().parents[1]) for half in halves]
    outs = [p.communicate()[0].split("\n") for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    plain = dict(zip(halves[0] + halves[1], outs[0][:len(halves[0])] + outs[1][:len(halves[1])],
                     strict=True))
    assert [plain[n] for n in names] == [digests(n, short=True) for n in names]


if __name__ == "__main__":  # print the table to paste into GOLDEN after a deliberate change
    for key in sorted(CONFIGS):
        print(f'    "{key}":\n        "{digests(key)}",', file=sys.stdout)


# The fast paths behind those bytes, each against the plain computation it replaces -----------
def _walk_plainly(unit, want, group, quantum, free, rest_min):
    """The scheduler's walk as its rules state it, one request at a time, in plain Python."""
    granted, split, head = [], [], -1
    for i in range(len(want)):
        if free < min([rest_min] + [min(w, u) for w, u in zip(want[i:], unit[i:], strict=True)]):
            return granted, split, free, False, i if head < 0 else head
        if want[i] <= free and (not group[i] or want[i] <= quantum[i]):
            granted.append(i)
            split.append(0.0)
            free -= want[i]
            continue
        if group[i]:
            fits = float(np.floor(min(free, max(quantum[i], unit[i])) / unit[i]))
            if fits >= 1.0:
                granted.append(i)
                split.append(fits)
                free -= fits * unit[i]
                continue
        if head < 0:  # the first request that got nothing heads the line
            head = i
    return granted, split, free, free >= rest_min, head


def test_the_compiled_walk_grants_what_the_plain_walk_grants():
    from model.kernels import walk_queue

    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(0, 300))
        group = rng.random(n) < 0.3
        weight = np.where(group, rng.integers(2, 50, n) + 0.5, 1.0)
        unit = rng.choice([0.5, 1.0, 2.0, 7.0, 20.0], n)
        budget = float(rng.choice([5.0, 30.0, 300.0]))
        want = np.where(group, unit * weight, np.minimum(unit, budget))
        quantum = budget * rng.random(n) if rng.random() < 0.5 else np.full(n, np.inf)
        args = (unit, want, group, quantum, budget * rng.random(),
                float(rng.choice([np.inf, 0.5, 5.0])))
        at, split, free, more, _, head = walk_queue(*args)
        assert (at.tolist(), split.tolist(), free, more, head) == _walk_plainly(*args)


def test_the_compiled_queue_order_is_numpys_lexsort():
    from model.kernels import order_and_walk

    rng = np.random.default_rng(0)
    for trial in range(200):
        n = int(rng.integers(0, 2000))
        minor = rng.integers(-30, 30, n).astype(float)
        major = np.round(rng.random(n) * 4, trial % 3) * rng.choice([1.0, -1.0], n)
        major[rng.random(n) < 0.1] = -0.0  # ties, and -0.0 == 0.0
        ones, no = np.ones(n), np.zeros(n, dtype=bool)
        # Everything fits: the walk grants the whole queue, in its order.
        at, _, _, _, head = order_and_walk(minor, major, ones, ones, no, ones, float(n),
                                           int(rng.integers(1, 300)))
        assert np.array_equal(at, np.lexsort((minor, major))) and head == -1


@pytest.mark.parametrize("policy", ["track_record", "fair", "value", "fifo"])
def test_ordering_the_queue_ahead_of_the_walk_grants_what_ordering_it_all_grants(
        monkeypatch, policy):
    from model import scheduler

    def frame(reach):
        monkeypatch.setattr(scheduler, "REACH", reach)
        s = load_scenario("compute_bound").replace({
            "humans.count": 60, "run.burn_in_weeks": 10, "run.weeks": 80, "run.seed": 3,
            "policy.scheduler": policy})
        result = simulate(s)
        return result.rows, result.summary

    assert frame(1) == frame(10**9)


def test_the_compiled_backlog_merge_keeps_what_a_stable_sort_keeps():
    from model.kernels import merge_backlogs

    rng = np.random.default_rng(2)
    for _ in range(400):
        rows, width = int(rng.integers(1, 30)), int(rng.integers(1, 12))
        k = int(rng.integers(1, 6) if rng.random() < 0.7 else rng.integers(17, 40))  # a cohort's
        # Old rows: sorted best first, a taken head, sometimes stale holes; ties on a coarse grid.
        est = -np.sort(-np.round(rng.normal(size=(rows, width)), 1), axis=1)
        est[rng.random((rows, width)) < 0.2] = -np.inf  # holes (stale ideas)
        head = rng.integers(0, width + 1, rows) * (rng.random(rows) < 0.5)
        est[np.arange(width)[None, :] < head[:, None]] = -np.inf
        tidy = rng.random(rows) < 0.6  # most rows: one run of ideas after the head
        for r in np.flatnonzero(tidy):
            ideas = est[r][est[r] > -np.inf]
            est[r] = -np.inf
            est[r, head[r]:head[r] + ideas.size] = ideas[: width - head[r]]
        ids = rng.integers(1, 10**6, (rows, width)).astype(np.int32)
        local = np.flatnonzero(rng.random(rows) < 0.7)
        new = np.round(rng.normal(size=(local.size, k)), 1)
        new[rng.random(new.shape) < 0.4] = -np.inf
        pick = np.arange(local.size)
        # The plain computation: old then new, stable sort best first, cut to the width.
        both = np.concatenate([est[local], new], axis=1)
        new_ids = np.zeros(new.shape, dtype=np.int64)
        new_ids.ravel()[np.flatnonzero(new > -np.inf)] = -1 - np.arange((new > -np.inf).sum())
        order = np.argsort(-both, axis=1, kind="stable")[:, :width]
        want_est = np.take_along_axis(both, order, axis=1)
        want_ids = np.take_along_axis(np.concatenate([ids[local], new_ids], axis=1), order, 1)
        got_est, got_ids, got_head = est.copy(), ids.copy(), head.copy()
        # The pool gets each kept idea's fields: its number j as z, its row's parent.
        n_new = int((new > -np.inf).sum())
        pool = tuple(np.full(7 + new.size, -9.0) for _ in range(7))
        parent = rng.integers(0, 99, local.size).astype(float)
        row = np.repeat(np.arange(local.size), (new > -np.inf).sum(axis=1))
        j = np.arange(n_new, dtype=float)
        kept = merge_backlogs(got_est, got_ids, got_head, local, new, pick, 7, pool,
                              (j, -j, j + 0.5, row, parent, 0.25, 3.0, 2.0 * j))
        assert np.array_equal(got_est[local], want_est)
        held = want_est > -np.inf
        fresh = held & (want_ids < 0)
        assert kept == fresh.sum()
        j_kept = -1 - want_ids[fresh]
        written = slice(7, 7 + kept)
        assert pool[0][written].tolist() == j_kept.tolist()
        assert pool[1][written].tolist() == (-j_kept).tolist()
        assert pool[2][written].tolist() == (j_kept + 0.5).tolist()
        assert pool[3][written].tolist() == parent[row[j_kept]].tolist()
        assert set(pool[4][written]) <= {0.25} and set(pool[5][written]) <= {3.0}
        assert pool[6][written].tolist() == (2.0 * j_kept).tolist()  # each idea's key
        expect = np.where(fresh, 0, want_ids)
        expect[fresh] = 7 + np.arange(fresh.sum())
        assert np.array_equal(got_ids[local][held], expect[held])
        assert (got_head[local] == 0).all()
        untouched = np.setdiff1d(np.arange(rows), local)
        assert np.array_equal(got_est[untouched], est[untouched])
