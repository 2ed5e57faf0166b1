"""Each mechanism of the design brief (docs/model.md), exercised on its own."""

import math
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest
from conftest import run, small

from agents.ai import AICopilot, AIResearcher
from agents.humans import HumanResearcher
from model.duplication import distinct_shares, expected_distinct
from model.ideas import IdeaBacklog, IdeaQuality
from model.model import TakeoffModel
from model.pipelines import QUEUED, RUNNING
from model.scenario import load_scenario
from model.scheduler import FRONTIER_WEEKS


# 1. Shared compute, split three ways --------------------------------------------------------
def test_compute_grows_on_schedule_and_shares_sum_to_one(baseline_run):
    d = baseline_run.datacollector.model_vars
    g = baseline_run.settings.compute.growth_per_year
    assert d["compute_total"][52] == pytest.approx(d["compute_total"][0] * g)
    for a, b, c in zip(d["share_inference"], d["share_experiments"], d["share_training"],
                       strict=True):
        assert a + b + c == pytest.approx(1.0)


def test_experiment_boost_multiplies_experiment_compute_only():
    plain = TakeoffModel(small(run__weeks=1))
    boosted = TakeoffModel(small(run__weeks=1, compute__experiment_boost=10))
    assert boosted.compute.experiments == pytest.approx(10 * plain.compute.experiments)
    assert boosted.compute.training == pytest.approx(plain.compute.training)
    assert boosted.compute.inference == pytest.approx(plain.compute.inference)


def test_adaptive_policy_moves_share_to_experiments_when_they_are_congested():
    s = small("compute_bound", policy__allocation="adaptive", run__weeks=80)
    m = run(s)
    start = s.compute.shares.experiments
    assert m.compute.shares[1] > start + 0.05  # congested lab pulls share from inference
    assert m.compute.shares.sum() == pytest.approx(1.0)
    assert m.compute.shares[0] >= s.policy.min_share - 1e-12
    # the humans-only twin runs on exactly the same compute split
    assert np.allclose(m.twin.compute.shares, m.compute.shares)


# 2. Two kinds of researcher agents ----------------------------------------------------------
def test_human_taste_is_lognormal_with_the_ai_futures_spread():
    m = TakeoffModel(small(humans__count=4000, run__burn_in_weeks=0, ai__enabled=False))
    taste = np.array([h.taste for h in m.agents_by_type[HumanResearcher]])
    ratio = np.quantile(taste, 0.999) / np.median(taste)
    assert 2.6 < ratio < 4.2  # the 99.9th percentile researcher has ~3.3x the median taste
    speeds = np.array([h.speed for h in m.agents_by_type[HumanResearcher]])
    assert speeds.std() > 0.1  # heterogeneous speed too


def test_collaboration_network_is_seeded_from_the_model_rng():
    def edges(seed):
        m = TakeoffModel(small(run__seed=seed, run__burn_in_weeks=0))
        return sorted(m.workforce.network.G.edges())
    assert edges(3) == edges(3)
    assert edges(3) != edges(4)
    m = TakeoffModel(small(run__burn_in_weeks=0))
    g = m.workforce.network.G
    assert g.number_of_nodes() == 40 and nx.is_connected(g)
    humans = list(m.agents_by_type[HumanResearcher])
    assert all(h.cell is not None and h.cell.coordinate == i for i, h in enumerate(humans))


def test_ai_copies_follow_inference_compute_and_software_efficiency(baseline_run):
    m = TakeoffModel(small(run__weeks=150))
    while m.running:
        m.step()
        if m.frontier.last_run != m.week:  # S did not move after the copies were sized
            expected = m.frontier.ai_compute * math.exp(m.ln_s) / m.settings.ai.copy_cost
            assert m.workforce.ai_copies == pytest.approx(expected)
    m = baseline_run
    # millions of copies cost a fixed number of agents: one cohort per autonomous agent and
    # one copilot cohort per human
    n_ai = len(m.agents_by_type[AIResearcher]) + len(m.agents_by_type[AICopilot])
    assert n_ai == m.settings.ai.cohorts + m.workforce.humans


def test_ai_taste_and_speed_rise_with_capability_and_copilots_turn_autonomous(baseline_run):
    d = baseline_run.datacollector.model_vars
    assert d["capability"][-1] > d["capability"][0] + 1.0
    assert d["ai_taste"][-1] > 2 * d["ai_taste"][0]
    assert d["ai_speed"][-1] > d["ai_speed"][0]
    # copies turn autonomous as their taste rises (ai.autonomy_taste sets where: late by default)
    share, taste = np.array(d["ai_autonomous_share"]), np.array(d["ai_taste"])
    assert share[1] < 0.05 < share[-1]
    later = np.argsort(taste[1:], kind="stable")
    assert np.all(np.diff(share[1:][later]) >= 0)
    assert d["ai_taste_percentile"][-1] > d["ai_taste_percentile"][0]


def test_copilots_speed_up_their_humans(baseline_run):
    human = next(iter(baseline_run.agents_by_type[HumanResearcher]))
    assert human.copilot_boost > 2.0
    twin_human = next(iter(baseline_run.twin.agents_by_type[HumanResearcher]))
    assert twin_human.copilot_boost == 1.0


# 3. Ideas are cheap; choosing is hard -------------------------------------------------------
def _generate(b, rng, q, count, noise, lineage, heritability, block, rows):
    """Rows that think like AI cohorts: ``AIResearcher``'s draws, merged into backlog ``b``."""
    settings = load_scenario("baseline").replace({"ideas.heritability": heritability})
    lab = SimpleNamespace(rng=rng, cycle=SimpleNamespace(quality=q),
                          workforce=SimpleNamespace(backlog=b), settings=settings)
    new = AIResearcher._candidates(lab, np.full(rows, float(count)), np.full(rows, noise),
                                   lineage, np.full(rows, float(block)))
    b.merge(np.arange(rows), new, 1.0, 0.0)


def _picks(noise, count=200.0, rows=400, seed=0):
    rng = np.random.default_rng(seed)
    q = IdeaQuality.from_settings(load_scenario("baseline"))
    b = IdeaBacklog(10)
    b.add_rows(np.full(rows, 10))
    no_parent = (np.full(rows, -1), np.zeros(rows), np.zeros(rows))
    _generate(b, rng, q, count, noise * q.sd, no_parent, 0.0, 1.0, rows)
    return b.take(np.ones(rows, dtype=np.int64), np.full(rows, -np.inf))["z"]


def test_better_taste_picks_better_ideas():
    assert _picks(noise=0.5).mean() > _picks(noise=3.0).mean() + 0.3


def test_choosing_from_more_ideas_helps_less_with_poor_taste():
    gain_good = _picks(0.5, count=1e5).mean() - _picks(0.5, count=10).mean()
    gain_poor = _picks(8.0, count=1e5).mean() - _picks(8.0, count=10).mean()
    assert gain_good > gain_poor > 0


def _cohort_backlog(count, block, rows=300, width=20, seed=3):
    rng = np.random.default_rng(seed)
    q = IdeaQuality.from_settings(load_scenario("baseline"))
    b = IdeaBacklog(width)
    b.add_rows(np.full(rows, width))
    no_parent = (np.full(rows, -1), np.zeros(rows), np.zeros(rows))
    _generate(b, rng, q, count, q.sd, no_parent, 0.0, block, rows)
    return b


def test_a_cohort_keeps_its_bold_ideas_even_when_they_are_fewer_than_a_block():
    # 100 ideas a week in blocks of 50: about 10 are bold. They must not vanish.
    b = _cohort_backlog(count=100.0, block=50.0)
    held = b.est > -np.inf
    small = held & (b.block < 50)
    assert small.any(axis=1).mean() > 0.95  # nearly every row holds its bold ideas as one entry
    assert (b.block[small] <= 30).all()


def test_astronomical_idea_counts_do_not_overflow():
    b = _cohort_backlog(count=1e21, block=1e18, rows=50)
    held = b.est > -np.inf
    assert held.any(axis=1).all()
    assert np.isfinite(b.z[held]).all() and np.isfinite(b.est[held]).all()


def test_only_ideas_clearing_the_bar_are_tested(humans_run):
    m = humans_run
    p = m.pipelines
    # rung-0 ideas not yet read (rows of finished ideas, -1, are dropped lazily)
    fresh = (p.rung == 0) & (p.state >= 0) & (p.state != 3)
    assert fresh.any()
    # their beliefs cleared the bar to be tested, collaborators' opinions included
    assert (p.mean[fresh] >= m.settings.ideas.promote_threshold - 1e-9).all()


# 4. Experiments at several scales, imperfect transfer --------------------------------------
def test_small_experiments_tell_less_about_the_frontier():
    m = TakeoffModel(small(run__burn_in_weeks=0))
    cycle = m.cycle
    n = 20000
    rng = np.random.default_rng(1)
    corr = []
    for rung in range(cycle.rungs):
        cycle.pipes.append(owner=np.zeros(n), parent=np.full(n, -1), rung=np.full(n, rung),
                           state=np.full(n, RUNNING), weight=np.ones(n),
                           z=rng.normal(0, 1, n), q=rng.normal(0, 1, n), scale=np.ones(n),
                           key=rng.integers(0, 2**62, n))
        idx = np.arange(len(cycle.pipes) - n, len(cycle.pipes))
        cycle.results(idx)
        corr.append(np.corrcoef(cycle.pipes.obs[idx], cycle.pipes.z[idx])[0, 1])
    assert corr[0] < corr[1] < corr[2] < 1.0
    assert corr[0] == pytest.approx(cycle.rho[0] / math.sqrt(1 + cycle.run_noise**2), abs=0.03)


def test_ideas_that_help_small_can_hurt_big(humans_run):
    lin = humans_run.lineage
    material = humans_run.settings.ideas.material_effect
    fooled = (lin.revealed & (lin.z < -material)).sum()
    assert fooled > 0  # merged on good small-scale results, revealed harmful at the frontier


@pytest.mark.parametrize("coupling", [0.0, 0.5, 1.0])
def test_experiment_prices_follow_the_frontier_by_coupling(coupling):
    m = TakeoffModel(small(experiments__frontier_coupling=coupling, run__burn_in_weeks=0))
    before = m.scheduler.prices()
    m.ln_s = math.log(100.0)
    after = m.scheduler.prices()
    assert after / before == pytest.approx(np.full(3, 100.0 ** -(1 - coupling)))
    frontier = m.compute.shares[2] * m.compute.total * FRONTIER_WEEKS
    assert before == pytest.approx(np.array(m.settings.experiments.scales) * frontier)
    # rarer runs reveal less often; they do not make the ladder dearer
    rare = TakeoffModel(small(experiments__frontier_coupling=coupling, run__burn_in_weeks=0,
                              frontier__interval_weeks=156))
    assert rare.scheduler.prices() == pytest.approx(before)


# 5. Competition for experiment compute ------------------------------------------------------
@pytest.mark.parametrize("policy", ["track_record", "value", "fair", "fifo"])
def test_scheduler_never_overspends_nor_idles_while_requests_wait(policy):
    m = TakeoffModel(small(policy__scheduler=policy))
    for _ in range(80):
        m.step()
        sc = m.scheduler
        assert sc.used <= sc.offered * (1 + 1e-9)
        if sc.waiting > 0:  # requests still queued once the week's compute was given out
            assert sc.used >= 0.99 * sc.offered


@pytest.mark.parametrize("interval", [13, 156])
def test_every_rung_is_served_and_no_idea_dies_of_old_age(interval):
    m = TakeoffModel(small("compute_bound", run__weeks=200, ai__enabled=False,
                           frontier__interval_weeks=interval))
    p = m.pipelines
    at_start = p.weight[p.state >= 0].sum()  # ideas in flight at week 0, from the history
    m.run()
    assert (m.counts["tested"] > 0).all()  # the top rung too, in a starved lab
    assert np.isfinite(m.scheduler.longest_wait).all()
    # every idea is in flight, or ended on the evidence of a rung or by being merged
    p = m.pipelines
    ended = m.counts["dropped"].sum() + m.counts["merged"] + m.counts["duplicated"]
    assert at_start + m.counts["started"] == pytest.approx(p.weight[p.state >= 0].sum() + ended,
                                                           rel=1e-9)


def test_a_request_too_big_for_what_is_free_starts_on_it_and_speeds_up():
    m = TakeoffModel(small(run__burn_in_weeks=0))
    p, sc = m.pipelines, m.scheduler
    budget = m.compute.experiments
    top = len(m.settings.experiments.scales) - 1
    p.append(owner=np.array([0]), parent=np.array([-1]), rung=np.array([top]),
             state=np.array([RUNNING]), weight=np.ones(1), scale=np.ones(1), key=np.array([7]),
             draw=np.array([0.9 * budget]), nominal=np.array([0.9 * budget]),
             run_left=np.array([5.0]))
    big = sc.prices()[top] / max(sc.run_weeks[top], 1.0)
    assert big > 0.1 * budget  # it does not fit in what is left
    p.append(owner=np.array([1]), parent=np.array([-1]), rung=np.array([top]),
             state=np.array([QUEUED]), weight=np.ones(1), scale=np.ones(1), key=np.array([8]))
    sc.allocate()
    assert p.state[1] == RUNNING and p.draw[1] == pytest.approx(0.1 * budget)
    assert sc.used == pytest.approx(budget)
    p.state[0] = -1  # the other experiment ends: the head of the line gets its full rate
    p.draw[0] = 0.0
    sc.allocate()
    assert p.draw[1] == pytest.approx(min(big, budget))


def test_value_scheduler_serves_promising_requests_first():
    m = TakeoffModel(small(policy__scheduler="value", run__burn_in_weeks=0))
    p = m.pipelines
    n = 6
    p.append(owner=np.arange(n), parent=np.full(n, -1), rung=np.zeros(n),
             state=np.full(n, QUEUED), weight=np.ones(n), scale=np.ones(n),
             mean=np.array([0.1, 2.0, 0.5, 3.0, 0.2, 1.0]))
    keys = m.scheduler._keys(np.arange(n), m.scheduler.prices(), np.empty(0))
    order = np.lexsort(keys)
    assert list(order[:2]) == [3, 1]


def test_a_large_ai_group_is_split_to_what_fits():
    m = TakeoffModel(small(run__burn_in_weeks=0))
    p = m.pipelines
    unit = m.scheduler.prices()[0] / 1.0
    budget = m.compute.experiments
    w = 3.0 * budget / unit  # three budgets' worth of ideas in one row
    p.append(owner=np.array([m.settings.humans.count]), parent=np.array([-1]), rung=np.zeros(1),
             state=np.array([QUEUED]), weight=np.array([w]), scale=np.ones(1),
             mean=np.ones(1), key=np.array([5]))
    m.scheduler.allocate()
    running = p.state == RUNNING
    assert running.sum() >= 1 and (p.state == QUEUED).sum() == 1
    assert p.weight.sum() == pytest.approx(w)
    assert p.draw[running].sum() == pytest.approx(budget)  # all of it, and no more


def test_queues_lengthen_cycle_time():
    roomy = run(small(ai__enabled=False, compute__experiment_boost=20.0))
    tight = run(small(ai__enabled=False, compute__experiment_boost=0.3))
    cycle = lambda m: np.mean(m.datacollector.model_vars["mean_cycle_weeks"][20:])  # noqa: E731
    assert cycle(tight) > 1.5 * cycle(roomy)


# 6. Interpretation takes time ---------------------------------------------------------------
def test_slower_interpretation_means_longer_cycles_and_less_progress():
    fast = run(small(ai__enabled=False, compute__experiment_boost=20.0))
    slow = run(small(ai__enabled=False, compute__experiment_boost=20.0,
                     experiments__interpret_weeks=[2.0, 3.0, 5.0]))
    cycle = lambda m: np.mean(m.datacollector.model_vars["mean_cycle_weeks"][20:])  # noqa: E731
    assert cycle(slow) > cycle(fast) + 1.0
    assert slow.ln_s < fast.ln_s


# 7. Frontier runs reveal the truth ----------------------------------------------------------
def test_software_efficiency_changes_only_when_a_frontier_run_ships(humans_run):
    d = humans_run.datacollector.model_vars
    s = d["software_efficiency"]
    runs = {week for week, _, _ in humans_run.frontier.log}
    changed = [w for w in range(1, len(s)) if s[w] != s[w - 1]]
    assert changed and set(changed) <= runs
    shipped = humans_run.counts["shipped"]
    assert shipped > 0 and humans_run.counts["shipped_harmful"] > 0


def test_a_run_adds_the_true_effects_of_what_it_ships(humans_run):
    for _week, gain, quality in humans_run.frontier.log:
        assert (gain > 0) == (quality > 0) or gain == quality == 0


def test_frontier_runs_teach_humans_taste():
    s = small(ai__enabled=False, humans__learning_rate=0.05, run__weeks=156)
    m = run(s)
    noise = m.workforce.noise[m.workforce.kind == 0]
    floor = m.workforce.noise_floor[m.workforce.kind == 0]
    initial = floor / s.humans.taste_floor
    assert (noise <= initial + 1e-12).all() and (noise < initial).mean() > 0.5
    assert (noise > floor).all()  # taste approaches its floor, lesson after lesson


def test_without_big_runs_the_proxy_drifts_while_truth_stalls():
    m = run(small("no_frontier_runs", run__weeks=156))
    assert m.ln_s == 0.0 and m.capability == 0.0
    assert m.ln_proxy > math.log(10)
    assert m.frontier.runs == 0


# 8. Ideas get harder; stepping on toes ------------------------------------------------------
def test_effect_of_new_ideas_shrinks_with_software_efficiency():
    m = TakeoffModel(small(run__burn_in_weeks=0, ai__enabled=False))
    m.ln_s = math.log(1000.0)
    m.week = 1
    m.think()
    scale = m.workforce.backlog.scale[m.workforce.backlog.est > -np.inf]
    phi = m.settings.ideas.phi
    expected = m.settings.ideas.effect_scale * 1000.0 ** (phi - 1)
    assert scale == pytest.approx(np.full(scale.size, expected))


def test_doubling_researchers_does_not_double_distinct_ideas():
    pool, exponent = 2000.0, 2.0
    for draws in (1e4, 1e6, 1e8):
        gain = expected_distinct(np.array([2 * draws]), pool, exponent)[0] / expected_distinct(
            np.array([draws]), pool, exponent)[0]
        assert 1.35 < gain < 1.9  # Heaps' law: about 2**0.5 in a crowded field
    few = expected_distinct(np.array([20.0]), pool, exponent)[0]
    assert few == pytest.approx(20.0, rel=0.02)  # a small lab rarely steps on toes
    shares = distinct_shares(1e6, np.ones(5), pool, exponent)
    assert (shares < 0.1).all()


def test_duplicates_are_counted_and_never_ship_twice():
    m = run(small(ai__enabled=False, humans__count=150, ideas__duplication_pool=20.0))
    assert m.counts["duplicated"] > 0
    assert m.counts["shipped"] <= m.counts["merged"] + 1e-9


# 9. Ideas build on what shipped -------------------------------------------------------------
def test_lineage_links_children_to_merged_parents(humans_run):
    g = humans_run.lineage.graph
    assert g.number_of_edges() > 0 and nx.is_directed_acyclic_graph(g)
    for parent, child in list(g.edges())[:200]:
        assert g.nodes[parent]["week"] <= g.nodes[child]["week"]


def test_children_of_ideas_that_paid_off_are_better():
    rng = np.random.default_rng(2)
    q = IdeaQuality.from_settings(load_scenario("baseline"))
    rows = 3000

    def mean_z(parent_u):
        b = IdeaBacklog(5)
        b.add_rows(np.full(rows, 5))
        lineage = (np.zeros(rows, dtype=np.int64), np.full(rows, parent_u), np.zeros(rows))
        _generate(b, rng, q, 20.0, q.sd, lineage, 0.5, 1.0, rows)
        return b.z[b.est > -np.inf].mean()
    assert mean_z(2.0) > mean_z(0.0) > mean_z(-2.0)


# 10. Synthetic data -------------------------------------------------------------------------
def test_synthetic_data_raises_capability_at_the_cost_of_copies():
    on = run(small("synthetic_data", run__weeks=104, synthetic__efficiency=2.0))
    off = run(small("synthetic_data", run__weeks=104, synthetic__enabled=False))
    assert on.frontier.capability_synthetic > 0 and off.frontier.capability_synthetic == 0
    assert on.frontier.ai_compute < off.frontier.ai_compute


# Explosion detection -------------------------------------------------------------------------
def test_software_explosion_explodes_and_stops_cleanly_at_the_cap():
    m = TakeoffModel(load_scenario("software_explosion"))
    summary = m.run()
    assert summary["exploded"] and summary["explosion_week"] <= m.week < m.settings.run.weeks
    assert summary["stop"] == "cap" and summary["stop_week"] == m.week
    cap = m.settings.explosion.max_log10_efficiency
    assert math.log10(summary["software_efficiency"]) == pytest.approx(cap)
    d = summary["doubling_weeks"]
    n = m.settings.explosion.doublings
    assert np.mean(d[-n:]) < 0.5 * np.mean(d[:n])  # doublings got faster and faster
    for column in m.datacollector.model_vars.values():
        assert all(math.isfinite(v) for v in column)
