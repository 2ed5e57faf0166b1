"""Probabilities, their standard errors, the explosion week, fans and sensitivity, on synthetic
stores of runs whose answers are known."""

import numpy as np
import pytest

from takeoff.forecast import outcomes
from takeoff.forecast.beliefs import parse_beliefs_text
from takeoff.forecast.sampling import draw


def summary(weeks, exploded=None, **more):
    """Columns as summary.parquet holds them: None where a run did not explode."""
    return {"explosion_week": list(weeks),
            "exploded": [w is not None for w in weeks] if exploded is None else exploded,
            **more}


def test_probabilities_count_explosions_by_the_deadline_with_their_errors():
    weeks = [50, 100, 104, 105, 250, 300, 519, None, None, None]
    found = outcomes.explosion_within(summary(weeks), horizon=520)
    two, five, ten = (found[f"within_{y}_years"] for y in (2, 5, 10))
    assert (two.hits, five.hits, ten.hits) == (3, 5, 7) and two.n == 10
    assert ten.p == 0.7 and ten.se == pytest.approx(np.sqrt(0.7 * 0.3 / 10))
    short = outcomes.explosion_within(summary(weeks), horizon=260)
    assert short["within_10_years"].p is None and "week 260" in short["within_10_years"].note
    assert short["within_5_years"].p == 0.5


def test_a_probability_of_zero_says_how_to_read_it():
    est = outcomes.probability(np.zeros(64, bool))
    assert (est.p, est.se) == (0.0, 0.0) and "below 1/64" in est.note


@pytest.mark.parametrize("sampler, chance, low, high", [
    ("lhs", 0.0, 0.4, 0.7), ("sobol", 0.0, 0.2, 0.5),   # QMC gains on the beliefs alone
    ("lhs", 0.25, 0.75, 1.1), ("sobol", 0.25, 0.75, 1.1)])  # with the model's own chance
def test_the_standard_error_bounds_the_spread_over_seeds(sampler, chance, low, high):
    """Over 200 forecasts of a yes/no outcome, the estimates scatter by at most the standard
    error the forecast states. With the beliefs alone, quasi-Monte Carlo scatters less (the
    stated error is conservative); a run's own chance (each sample's seed flips the outcome
    with probability ``chance``) brings the scatter close to the stated error."""
    text = """schema = 1
base = "baseline"
[run]
seed = {seed}
[forecast]
sampler = "{sampler}"
[beliefs]
"ideas.phi" = {{ dist = "normal", p10 = 0.7, p90 = 0.88 }}
"ai.speed" = {{ dist = "lognormal", p10 = 0.3, p90 = 3 }}
"""
    def outcome(samples):  # like "explodes": both keys matter, a yes/no step in them
        step = [p["ideas.phi"] + 0.05 * np.log(p["ai.speed"]) > 0.8 for p in samples.points]
        flip = [np.random.default_rng(s).random() < chance for s in samples.seeds]
        return np.array(step) ^ np.array(flip)

    big = draw(parse_beliefs_text(text.format(seed=999, sampler="lhs"), "s.toml"), 2**15)
    truth = np.mean(outcome(big))  # within 0.003
    estimates, errors = [], []
    for seed in range(200):
        b = parse_beliefs_text(text.format(seed=seed, sampler=sampler), "s.toml")
        est = outcomes.probability(outcome(draw(b, 64)))
        estimates.append(est.p)
        errors.append(est.se)
    assert np.mean(estimates) == pytest.approx(truth, abs=0.01)  # unbiased
    ratio = np.std(estimates) / np.mean(errors)
    assert low < ratio < high, ratio


def test_the_explosion_weeks_quantiles_count_runs_that_never_exploded_as_later():
    weeks = [100, 200, 300, 400, None, None, None, None, None, None]
    dist = outcomes.week_distribution(summary(weeks), horizon=520)
    assert dist["quantiles"] == {"p10": 100, "p50": None, "p90": None}
    assert dist["exploded"] == 4 and dist["weeks"] == [100, 200, 300, 400]
    dist = outcomes.week_distribution(summary([10 * i for i in range(1, 11)]), horizon=520)
    assert dist["quantiles"] == {"p10": 10, "p50": 50, "p90": 90}


def test_compression_is_read_from_the_summary_or_said_to_be_missing():
    found = outcomes.compression({"compression_max": [1.0, 2.9, 3.0, 12.0, None]})
    assert found["at_least_3"].hits == 2 and found["at_least_10"].hits == 1
    found = outcomes.compression({"compression_3_week": [None, 40, 80],
                                  "compression_10_week": [None, None, 90]})
    assert (found["at_least_3"].hits, found["at_least_10"].hits) == (2, 1)
    missing = outcomes.compression({"peak_speedup": [1.0, 2.0]})
    assert missing["at_least_3"].p is None and "no compression keys" in missing["at_least_3"].note


def test_fans_keep_runs_that_stopped_at_the_cap_above_the_others():
    horizon = 10
    rising = {f"r{i}": {"week": list(range(11)), "speedup": [1.0 + i] * 11,
                        "software_efficiency": [10.0 ** (w / 10) for w in range(11)]}
              for i in range(3)}
    capped = {"c": {"week": list(range(5)), "speedup": [5.0] * 5,
                    "software_efficiency": [1.0, 10.0, 1e3, 1e6, 1e12]}}
    runs = {**rising, **capped}
    fan = outcomes.fans(list(runs), [False, False, False, True], runs.__getitem__, horizon)
    assert fan["weeks"] == list(range(11)) and fan["runs"] == 4
    # week 3: speedups 1, 2, 3 and 5: the median (2nd of 4) is 2
    assert fan["speedup"]["p50"][3] == 2.0
    # after week 4 the capped run counts as beyond every other: the 90th percentile is it
    assert fan["speedup"]["p90"][8] == np.inf and fan["speedup"]["p50"][8] == 2.0
    assert fan["software_efficiency"]["p90"][8] == 1e12  # its last value, carried


def test_sensitivity_ranks_the_belief_that_drives_the_outcome_first():
    rng = np.random.default_rng(3)
    n = 400
    phi, speed, noise = rng.random(n), rng.random(n), rng.random(n)
    week = np.where(phi > 0.5, 100 + 300 * (1 - phi), 521.0)  # no explosion: tied above all
    scheduler = ["value" if x > 0.5 else "fair" for x in noise]
    rows = outcomes.sensitivity({"ideas.phi": list(phi), "ai.speed": list(speed),
                                 "policy.scheduler": scheduler},
                                {"explosion week": week}, {"policy.scheduler": ("fair", "value")})
    assert rows[0]["key"] == "ideas.phi" and rows[0]["rank_correlation"] < -0.8
    for r in rows[1:]:
        assert abs(r["rank_correlation"]) < outcomes.noise_level(n)
