"""Beliefs files: parsing, one-line errors, and samples that recover what the file says."""

import math

import numpy as np
import pytest
from scipy import stats

from model.scenario import ScenarioError, load_scenario
from takeoff.cli import main
from takeoff.forecast.beliefs import load_beliefs, parse_beliefs_text, shipped_beliefs
from takeoff.forecast.sampling import draw, unit_points

BASE_SHARES = load_scenario("baseline").compute.shares

HEAD = """schema = 1
base = "baseline"
[run]
seed = 7
[forecast]
sampler = "{sampler}"
"""


def beliefs(body: str, sampler: str = "lhs", origin: str = "mine.toml"):
    return parse_beliefs_text(HEAD.format(sampler=sampler) + body, origin)


def error_of(body: str) -> str:
    with pytest.raises(ScenarioError) as info:
        beliefs(body)
    message = str(info.value)
    assert "\n" not in message and message.startswith("mine.toml")
    return message


@pytest.mark.parametrize("body, says", [
    ('[beliefs]\n"ideas.phy" = { dist = "normal", mean = 0.8, sd = 0.1 }',
     "unknown key 'ideas.phy'; did you mean 'ideas.phi'?"),
    ('[beliefs]\n"ideas.phi" = { dist = "gauss", mean = 0.8, sd = 0.1 }',
     "key 'ideas.phi': 'dist' must be \"normal\""),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 0.8 }',
     "key 'ideas.phi': a normal needs mean, sd (or p10 and p90); missing sd"),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 0.8, sd = -1 }',
     "key 'ideas.phi'.sd: must be above 0"),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", p10 = 0.9, p90 = 0.7 }',
     "key 'ideas.phi': p10 must be below p90"),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 0.8, sd = 0.1, p90 = 0.9 }',
     "give either mean, sd or p10 and p90"),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 0.8, sd = 0.1, scale = 2 }',
     "unknown field 'scale' for a normal"),
    ('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 5, sd = 0.1 }',
     "only 0.00% of this normal lies in the key's allowed range [-3, 0.95]"),
    ('[beliefs]\n"policy.scheduler" = { dist = "uniform", min = 0, max = 1 }',
     "key 'policy.scheduler': this key takes choice values: give it a dist = \"categorical\""),
    ('[beliefs]\n"policy.scheduler" = { dist = "categorical", values = ["fair", "fastest"] }',
     "key 'policy.scheduler': must be \"track_record\" | \"fair\" | \"value\" | \"fifo\", "
     "got 'fastest'"),
    ('[beliefs]\n"ai.enabled" = { dist = "categorical", values = [true, false], '
     'weights = [1] }', "key 'ai.enabled'.weights: must be 2 numbers >= 0"),
    ('[beliefs]\n"run.seed" = { dist = "uniform", min = 1, max = 9 }',
     "key 'run.seed' cannot be uncertain"),
    ('[beliefs]\n"experiments.scales" = { dist = "uniform", min = 0, max = 1 }',
     "a list of numbers cannot take a distribution"),
    ('[beliefs]\n"compute.shares.inference" = { dist = "uniform", min = 0.1, max = 0.6 }\n'
     '"compute.shares.experiments" = { dist = "uniform", min = 0.1, max = 0.6 }',
     "the uncertain shares can sum to 1.2"),
    ('[beliefs]\n"ai.speed" = { dist = "lognormal", p10 = 0.5, p90 = 5 }\n'
     '"ai.taste" = { dist = "lognormal", p10 = 0.05, p90 = 0.5 }\n'
     '[[correlations]]\nkeys = ["ai.speed", "ideas.phi"]\nrank = 0.3',
     "key 'ideas.phi' has no belief"),
    ('[beliefs]\n"ai.speed" = { dist = "lognormal", p10 = 0.5, p90 = 5 }\n'
     '"ai.taste" = { dist = "lognormal", p10 = 0.05, p90 = 0.5 }\n'
     '[[correlations]]\nkeys = ["ai.speed", "ai.taste"]\nrank = 1.5',
     "rank must be a number in (-1, 1), got 1.5"),
    ('[beliefs]\n"ai.speed" = { dist = "uniform", min = 1, max = 2 }\n'
     '"ai.taste" = { dist = "uniform", min = 1, max = 2 }\n'
     '"ideas.phi" = { dist = "uniform", min = 0.5, max = 0.9 }\n'
     '[[correlations]]\nkeys = ["ai.speed", "ai.taste"]\nrank = 0.9\n'
     '[[correlations]]\nkeys = ["ai.speed", "ideas.phi"]\nrank = 0.9\n'
     '[[correlations]]\nkeys = ["ai.taste", "ideas.phi"]\nrank = -0.9',
     "cannot hold together (their matrix is not positive definite)"),
    ('[beliefs]\n"ideas.phi" = { dist = "beta", p10 = 0.2, p90 = 0.9, min = 0.3, max = 1 }',
     "a beta's p10 and p90 must lie strictly inside [min, max]"),
    ('[forecast]\n', "not valid TOML"),
])
def test_a_mistake_is_one_line_naming_the_file_and_the_key(body, says):
    assert says in error_of(body)


def test_a_sobol_sampler_needs_a_power_of_two(tmp_path, capsys):
    path = tmp_path / "b.toml"
    path.write_text(HEAD.format(sampler="sobol") + '[beliefs]\n"ai.speed" = '
                    '{ dist = "lognormal", p10 = 0.5, p90 = 5 }\n')
    assert main(["forecast", str(path), "--samples", "100", "--dry-run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: forecast: --samples: the sobol sampler needs a power of 2 (its "
                   "balance holds only then), got 100; or set forecast.sampler = \"lhs\"")
    assert main(["forecast", str(path), "--samples", "64", "--dry-run"]) == 0


def test_the_command_exits_2_with_one_line_for_a_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD.format(sampler="lhs")
                    + '[beliefs]\n"ai.sped" = { dist = "normal", mean = 1, sd = 0.1 }\n')
    assert main(["forecast", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: [beliefs]: unknown key "
                                                   f"'ai.sped'; did you mean 'ai.speed'?")
    assert not (tmp_path / "out").exists()
    assert main(["forecast", "defualt", "--dry-run"]) == 2
    assert "did you mean 'default'?" in capsys.readouterr().err


MARGINALS = """[beliefs]
"ideas.phi" = { dist = "normal", p10 = 0.7, p90 = 0.88 }
"ai.speed" = { dist = "lognormal", median = 2.0, sigma = 0.8 }
"ai.taste" = { dist = "loguniform", min = 0.02, max = 2.0 }
"compute.growth_per_year" = { dist = "triangular", min = 1.5, mode = 2.5, max = 4.0 }
"experiments.frontier_coupling" = { dist = "beta", p10 = 0.4, p90 = 0.95 }
"ideas.bold_share" = { dist = "uniform", p10 = 0.05, p90 = 0.15 }
"humans.count" = { dist = "lognormal", p10 = 50, p90 = 400 }
"policy.scheduler" = { dist = "categorical", values = ["fair","value","fifo"], weights = [6,3,1] }
[[correlations]]
keys = ["ai.speed", "ai.taste"]
rank = 0.6
[[correlations]]
keys = ["ideas.phi", "experiments.frontier_coupling"]
rank = -0.4
"""


@pytest.fixture(scope="module")
def sampled():
    b = beliefs(MARGINALS)
    return b, draw(b, 4096)


def column(samples, key):
    return np.array([p[key] for p in samples.points])


def test_an_interval_is_the_distributions_10th_and_90th_percentile(sampled):
    b, _ = sampled
    for belief in b.beliefs:
        if belief.key in ("ideas.phi", "experiments.frontier_coupling", "ideas.bold_share"):
            dist = belief.frozen
            assert float(dist.ppf(0.1)) == pytest.approx(
                {"ideas.phi": 0.7, "experiments.frontier_coupling": 0.4,
                 "ideas.bold_share": 0.05}[belief.key], abs=1e-6)


def test_samples_recover_each_marginal(sampled):
    b, s = sampled
    by_key = {x.key: x for x in b.beliefs}
    for key in ("ideas.phi", "ai.speed", "ai.taste", "compute.growth_per_year",
                "experiments.frontier_coupling", "ideas.bold_share"):
        x = column(s, key)
        belief = by_key[key]
        dist = belief.frozen
        lo = dist.cdf(belief.lo) if math.isfinite(belief.lo) else 0.0
        hi = dist.cdf(belief.hi) if math.isfinite(belief.hi) else 1.0
        truncated = lambda v, d=dist, a=lo, c=hi: (d.cdf(v) - a) / (c - a)  # noqa: E731
        assert stats.kstest(x, truncated).pvalue > 0.01, key
        assert belief.lo <= x.min() and x.max() <= belief.hi
    counts = {v: np.mean(column(s, "policy.scheduler") == v) for v in ("fair", "value", "fifo")}
    assert counts == pytest.approx({"fair": 0.6, "value": 0.3, "fifo": 0.1}, abs=0.005)
    humans = column(s, "humans.count")
    assert humans.dtype.kind == "i" and np.quantile(humans, 0.1) == pytest.approx(50, rel=0.05)


def test_a_normal_is_truncated_to_the_keys_range():
    b = beliefs('[beliefs]\n"ideas.phi" = { dist = "normal", mean = 0.9, sd = 0.1 }')
    phi = column(draw(b, 2000), "ideas.phi")
    assert phi.max() <= 0.95 and phi.min() > 0.4
    # about 69% of N(0.9, 0.1) lies below 0.95: the truncated median sits below 0.9
    assert np.median(phi) == pytest.approx(stats.norm(0.9, 0.1).ppf(0.5 * stats.norm.cdf(0.5)),
                                           abs=0.01)


def test_samples_recover_the_rank_correlations(sampled):
    _, s = sampled
    rho = stats.spearmanr(column(s, "ai.speed"), column(s, "ai.taste")).statistic
    assert rho == pytest.approx(0.6, abs=0.03)
    rho = stats.spearmanr(column(s, "ideas.phi"),
                          column(s, "experiments.frontier_coupling")).statistic
    assert rho == pytest.approx(-0.4, abs=0.03)
    rho = stats.spearmanr(column(s, "ideas.phi"), column(s, "ai.speed")).statistic
    assert abs(rho) < 0.05  # not asked for, not there


@pytest.mark.parametrize("sampler", ["lhs", "sobol"])
def test_the_same_file_gives_the_same_samples_and_another_seed_others(sampler):
    a = draw(beliefs(MARGINALS, sampler), 64)
    b = draw(beliefs(MARGINALS, sampler, origin="elsewhere.toml"), 64)
    assert a.points == b.points and a.seeds == b.seeds
    other = draw(parse_beliefs_text(HEAD.format(sampler=sampler).replace("seed = 7", "seed = 8")
                                    + MARGINALS, "x"), 64)
    assert other.points[0] != a.points[0] and other.seeds[0] != a.seeds[0]
    assert len(set(a.seeds)) == 64  # every sample its own stream


def test_a_latin_hypercube_uses_every_stratum_once():
    b = beliefs('[beliefs]\n"ai.speed" = { dist = "uniform", min = 1, max = 2 }\n'
                '"ai.taste" = { dist = "uniform", min = 1, max = 2 }')
    u = unit_points(b, 50)
    for j in range(2):
        assert sorted((u[:, j] * 50).astype(int)) == list(range(50))


def test_shares_are_completed_to_sum_to_one():
    b = beliefs('[beliefs]\n"compute.shares.inference" = { dist = "uniform", min = 0.1, '
                'max = 0.5 }')
    for p in draw(b, 20).points:
        assert sum(p[k] for k in ("compute.shares.inference", "compute.shares.experiments",
                                  "compute.shares.training")) == pytest.approx(1.0)
        # the shares not varied keep the baseline's ratio
        assert p["compute.shares.experiments"] / p["compute.shares.training"] == \
            pytest.approx(BASE_SHARES.experiments / BASE_SHARES.training)


def test_extends_takes_the_parents_beliefs_and_replaces_some(tmp_path):
    child = parse_beliefs_text('schema = 1\nextends = "default"\n[run]\nweeks = 104\n'
                               '[beliefs]\n"ai.speed" = { dist = "uniform", min = 1, max = 3 }\n'
                               '"ideas.per_week" = { dist = "uniform", min = 1, max = 3 }\n',
                               "child.toml")
    parent = load_beliefs("default")
    assert child.keys == (*parent.keys, "ideas.per_week")
    speed = {b.key: b for b in child.beliefs}["ai.speed"]
    assert speed.family == "uniform"
    assert child.base["run.weeks"] == 104 and child.base["ai.taste"] == parent.base["ai.taste"]
    i, j = child.keys.index("ai.taste"), child.keys.index("ai.speed")
    assert child.rank[i, j] == parent.rank[parent.keys.index("ai.taste"),
                                           parent.keys.index("ai.speed")] != 0


def test_every_shipped_beliefs_file_loads_with_sources():
    import model.schema

    names = shipped_beliefs()
    assert {"default", "forethought_2025", "compute_complements", "compute_substitutes"} <= \
        set(names)
    for name in names:
        if (name.startswith("compute_")
                and "experiments.labour_substitution" not in model.schema.BY_KEY):
            continue  # written against the substitution key; tested in test_forecast_run.py
        b = load_beliefs(name)
        assert b.description and all(x.source for x in b.beliefs), name
        draw(b, 16)
