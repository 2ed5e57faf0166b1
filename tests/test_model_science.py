"""The mechanisms carry the facts: each matters, points the right way, and can be read off a run.

Model-level behaviour a user relies on: common random numbers between a lab and its twin, what
experiments and collaborators contribute, researchers that help, the stop kinds, the explosion
as acceleration, compression, and a knob that moves nothing (there must be none).
"""

import math

import numpy as np
import pytest
from conftest import run, small

from model import streams
from model.explosion import DoublingClock
from model.model import TakeoffModel
from model.scenario import load_scenario
from model.schema import PARAMS


def _idle_ai(**over):
    """The baseline whose AI researchers get no compute (inference goes to experiments)."""
    s = small(**over)
    return s.replace({"compute.shares.experiments": s["compute.shares.experiments"]
                      + s["compute.shares.inference"], "compute.shares.inference": 0.0})


# Common random numbers ----------------------------------------------------------------------
def test_a_lab_whose_ai_gets_no_compute_has_speedup_exactly_one_every_week():
    m = TakeoffModel(_idle_ai(run__weeks=80))
    assert m.ln_s_history == m.twin.ln_s_history  # the twin shares the lab's history
    m.run()
    assert all(v == 1.0 for v in m.datacollector.model_vars["speedup"])
    assert m.ln_s_history == m.twin.ln_s_history


def test_a_human_draws_the_same_ideas_in_the_lab_and_its_twin():
    m = TakeoffModel(small(run__weeks=1))
    twin = m.twin
    m.step()
    human = np.flatnonzero(m.workforce.kind == 0)
    twin_human = np.flatnonzero(twin.workforce.kind == 0)
    assert (m.workforce.key[human] == twin.workforce.key[twin_human]).all()
    # what a human thinks of in a week depends on its stream and the week, not on the lab
    a = streams.human_ideas(m.workforce.key[human], 3, np.full(human.size, 2.0))
    b = streams.human_ideas(twin.workforce.key[twin_human], 3, np.full(human.size, 2.0))
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)
    # and the humans themselves are the same people
    assert np.array_equal(m.workforce.noise[human], twin.workforce.noise[twin_human])


def test_two_runs_of_one_scenario_give_the_same_numbers():
    a = run(small(run__weeks=40)).datacollector.model_vars
    b = run(small(run__weeks=40)).datacollector.model_vars
    assert a == b


# What experiments, taste and collaborators contribute ---------------------------------------
def _progress(scenario, seeds=(1, 2, 3)):
    return np.array([run(scenario.replace({"run.seed": s})).ln_s for s in seeds])


def test_results_carry_the_signal():
    base = small("humans_only", run__weeks=156)
    informative = _progress(base)
    blind = _progress(base.replace({"experiments.results": "uninformative"}))
    perfect = _progress(base.replace({"experiments.results": "perfect"}))
    assert (blind < informative).all() and (perfect > informative).all()


def test_most_started_ideas_end_on_the_evidence_of_a_rung():
    m = run(small("humans_only", run__weeks=156))
    dropped, merged = m.counts["dropped"].sum(), m.counts["merged"]
    assert dropped > merged > 0


def test_doubling_the_humans_raises_progress():
    one = _progress(small("humans_only", run__weeks=104))
    two = _progress(small("humans_only", run__weeks=104, humans__count=80))
    assert two.mean() > one.mean()


def test_collaborators_choose_better_ideas_to_start():
    def started(degree):
        m = TakeoffModel(small("humans_only", run__weeks=52, humans__network_degree=degree))
        zs = []
        append = m.pipelines.append

        def keep(**cols):
            if "mean" in cols:  # a start, not a split
                zs.append(np.asarray(cols["z"]))
            append(**cols)
        m.pipelines.append = keep
        m.run()
        return np.concatenate(zs).mean()
    assert started(6) > started(0)


def test_labour_buys_back_compute_only_where_it_substitutes():
    def cost(substitution):
        m = run(small("humans_only", run__weeks=52,
                      experiments__labour_substitution=substitution))
        return m.counts["experiment_compute"] / max(m.counts["tested"].sum(), 1.0)
    assert cost(0.0) > 1.5 * cost(1.0)  # the same experiments, engineered down


# Stops, explosion, compression --------------------------------------------------------------
def test_a_run_stops_at_the_horizon_or_the_cap():
    assert run(small(run__weeks=30)).stop == "horizon"
    capped = run(small("software_explosion", run__weeks=156, explosion__max_log10_efficiency=2.0))
    assert capped.stop == "cap" and capped.ln_s == pytest.approx(2.0 * math.log(10))


def _clock(times):
    """A doubling clock fed S doubling at the given weeks."""
    clock = DoublingClock(4)
    for k, week in enumerate(times, 1):
        clock.ship(week, k * math.log(2.0) + 1e-9)
    return clock


def test_an_explosion_is_acceleration_not_speed():
    accelerating = np.cumsum([20.0 * 0.8**k for k in range(12)])
    assert _clock(accelerating).explosion_week is not None
    fast_but_slowing = np.cumsum([1.0 * 1.1**k for k in range(12)])
    assert _clock(fast_but_slowing).explosion_week is None
    steady = np.cumsum(np.full(12, 0.5))
    assert _clock(steady).explosion_week is None


def test_compression_counts_years_of_humans_only_progress_a_year():
    humans = run(load_scenario("humans_only").replace({"run.weeks": 104}))
    squeeze = humans.datacollector.model_vars["compression"]
    # About a year's progress a year, against its week-0 pace: a little more, as compute grows
    # 2.5x a year from week 0 while the burn-in that set the pace ran at week-0 compute.
    assert 0.5 < squeeze[52] < 3.0
    lab = TakeoffModel(load_scenario("software_explosion"))
    summary = lab.run()
    assert summary["compression_max"] > 10.0
    assert summary["compression_3_week"] <= summary["compression_10_week"]


def test_takeoff_is_timed_finer_than_the_frontier_cadence():
    summary = run(load_scenario("software_explosion"), lineage_graph=False).datacollector
    weeks = summary.model_vars["week"]
    s = np.log10(summary.model_vars["software_efficiency"])
    firsts = [next(w for w, v in zip(weeks, s, strict=True) if v >= k) for k in (1, 2, 3)]
    assert not all(w % 13 == 0 for w in firsts)


# Every knob does something ------------------------------------------------------------------
SPLIT = ("compute.shares.inference", "compute.shares.experiments", "compute.shares.training")
MOVES = {  # where a default would not show in a small, short lab, and the context it needs
    "compute.initial": (1.0e7, {}),
    "compute.growth_per_year": (8.0, {}),
    # a share moves with another, so that they still sum to 1
    "compute.shares.inference": (0.5, {"compute.shares.training": 0.4}),
    "compute.shares.experiments": (0.2, {"compute.shares.training": 0.5}),
    "compute.shares.training": (0.4, {"compute.shares.inference": 0.5}),
    "policy.allocation": ("adaptive", {}),
    "policy.review_weeks": (4, {"policy.allocation": "adaptive"}),
    "policy.adapt_step": (0.3, {"policy.allocation": "adaptive"}),
    "policy.min_share": (0.3, {"policy.allocation": "adaptive"}),
    # fair shares count autonomous copies, which a short lab has only with a low threshold
    "ai.copies_per_share": (1.0, {"policy.scheduler": "fair", "ai.autonomy_taste": 0.05}),
    "ai.autonomy_taste": (0.05, {}),
    "ideas.duplication_pool": (1.0, {}),
    "ideas.duplication_exponent": (8.0, {"ideas.duplication_pool": 5.0}),
    "ideas.lineage_window": (1, {}),
    "ideas.backlog": (1, {}),
    "humans.hiring_per_year": (3.0, {}),
    "humans.network_rewire": (1.0, {}),
    "synthetic.share": (0.9, {"synthetic.enabled": True}),
    "synthetic.efficiency": (5.0, {"synthetic.enabled": True}),
    "frontier.early_factor": (0.1, {}),
    "frontier.min_interval_weeks": (13, {"frontier.early_factor": 0.1}),
    "ideas.shelf_life_weeks": (2.0, {}),
    "experiments.queue_weeks": (0.5, {}),
    "policy.memory_weeks": (2, {}),
}


def _moved(p):
    if p.key in MOVES:
        return MOVES[p.key]
    if p.kind == "bool":
        return (not p.default, {})
    if p.kind == "choice":
        return (next(c for c in p.choices if c != p.default), {})
    if p.kind == "floats":
        return ([min(x * 2.0, p.hi) for x in p.default], {})
    hi = p.hi if p.hi is not None else p.default * 4
    target = p.default * 2.0 if p.default else (p.lo + hi) / 2
    if target > hi:
        target = (p.default + p.lo) / 2.0
    return (type(p.default)(target) if p.kind == "int" else float(target), {})


@pytest.mark.parametrize("param", [p for p in PARAMS if p.role == "model"], ids=lambda p: p.key)
def test_every_model_knob_moves_some_output(param):
    value, context = _moved(param)
    base = small(run__weeks=52, humans__count=30, run__burn_in_weeks=104)
    if param.key not in SPLIT:  # the context the knob needs, in both runs
        base, context = base.replace(context), {}
    before = run(base, lineage_graph=False).datacollector.model_vars
    after = run(base.replace({**context, param.key: value}),
                lineage_graph=False).datacollector.model_vars
    assert before != after, f"{param.key} = {value!r} changed nothing"
