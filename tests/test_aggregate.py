"""The aggregate (mean-field) counterpart: same outputs as the agents, and it tracks their mean."""

import csv
import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from model.aggregate import AggregateModel, simulate_aggregate
from model.aggregate.funnel import FunnelSpec, build_table
from model.run import simulate
from model.scenario import load_scenario
from takeoff.cli import main
from takeoff.validation.aggregate import REGIMES, compare

SHORT = {"run.weeks": 78, "humans.count": 40, "run.burn_in_weeks": 52}


@pytest.fixture(scope="module")
def pair():
    """The same short baseline run by the agents and by the aggregate."""
    s = load_scenario("baseline").replace(SHORT)
    return simulate(s), simulate_aggregate(s)


def test_aggregate_writes_the_agent_models_columns_and_summary_keys(pair):
    agents, agg = pair
    assert agg.columns == agents.columns
    assert set(agg.summary) == set(agents.summary)
    assert agg.model is None
    assert [r[0] for r in agg.rows] == list(range(SHORT["run.weeks"] + 1))
    for row in agg.rows:
        assert all(math.isfinite(v) for v in row if isinstance(v, float))


def test_aggregate_is_deterministic_and_ignores_the_seed():
    s = load_scenario("baseline").replace(SHORT)
    a = simulate_aggregate(s)
    b = simulate_aggregate(s.replace({"run.seed": 7}))
    assert a.rows == b.rows


def test_aggregate_explodes_cleanly_with_finite_outputs():
    s = load_scenario("software_explosion").replace({"run.weeks": 520})
    r = simulate_aggregate(s)
    assert r.summary["exploded"] and r.summary["explosion_week"] < 520
    assert r.summary["software_efficiency"] <= 10.0 ** s.explosion.max_log10_efficiency * 1.0001
    assert all(math.isfinite(v) for row in r.rows for v in row if isinstance(v, float))


def test_funnel_opens_exactly_the_ideas_above_the_bar():
    """The share opened at the bar is P(z + noise > bar) for the Gaussian mixture of ideas."""
    s = load_scenario("baseline").replace({"ideas.build_on_shipped": 0.0})
    spec = FunnelSpec.from_settings(s)
    noise = s.humans.taste_noise * spec.sd_all
    table = build_table(spec, noise, 1.0)
    bar = spec.bar(noise)
    exact = sum(p * norm.sf((bar - mu) / math.hypot(sd, noise))
                for p, mu, sd in ((1 - spec.p_bold, spec.mu[0], spec.sd[0]),
                                  (spec.p_bold, spec.mu[1], spec.sd[1])))
    assert table.f_bar == pytest.approx(exact, rel=0.005)
    st = table.at(table.f_bar)
    assert st["reach"][0] == pytest.approx(table.f_bar, rel=1e-6)  # every opened idea runs rung 1
    assert np.all(np.diff(st["reach"]) <= 0) and st["merge"] <= st["reach"][-1]


def test_opening_fewer_ideas_means_opening_better_ones():
    s = load_scenario("baseline")
    spec = FunnelSpec.from_settings(s)
    table = build_table(spec, s.humans.taste_noise * spec.sd_all, 1.0)
    quality = [table.at(f)["z"] / table.at(f)["merge"] for f in (0.3, 0.1, 0.01, 1e-4)]
    assert all(b > a for a, b in zip(quality, quality[1:], strict=False))


def test_more_experiment_compute_buys_weaker_ideas_in_a_compute_bound_lab():
    """The aggregate's own compute elasticity is below 1 (the podcast's 10x -> ~5x)."""
    s = load_scenario("humans_only").replace({"run.weeks": 52})
    rates = []
    for boost in (1.0, 10.0):
        m = AggregateModel(s.replace({"compute.experiment_boost": boost}), twin=False)
        rates.append(m.research_rate(0.0, 0.0))
    elasticity = math.log10(rates[1] / rates[0])
    assert 0.4 < elasticity < 0.95


@pytest.mark.parametrize("key, seeds", [("ideas", 6), ("compute", 6)])
def test_aggregate_tracks_the_mean_of_seeded_agent_runs(key, seeds):
    """Identical researchers: ln S of the aggregate against the agents' mean, from year one on.

    Where ideas bind (1,000 humans, compute not binding) within 5%; where compute binds (the
    default lab) within 20%, the queue being the mean field's roughest approximation.
    """
    regime = next(r for r in REGIMES if r.key == key)
    a = compare(regime, list(range(1, seeds + 1)))
    assert a.weeks.size >= 8
    assert a.worst <= regime.tolerance, (a.worst, a.worst_week)


def test_cli_runs_the_aggregate_with_the_same_outputs(tmp_path):
    out = tmp_path / "agg"
    assert main(["run", "baseline", "--aggregate", "--weeks", "40", "--out", str(out)]) == 0
    with open(out / "timeseries.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 41 and "speedup" in rows[0]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["weeks"] == 40 and summary["frontier_runs"] == 3
    assert (out / "speedup.png").is_file()
