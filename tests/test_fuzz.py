"""Issue 16's promises, fast: malformed files get one line, valid scenarios run or are refused.

The large versions are ``make fuzz`` (tests/fuzz.py); these run a few hundred malformed cases and
a few dozen valid scenarios of 26 weeks, each in a fork with its limits enforced.
"""

import math
import os
import warnings

import fuzz
import pytest

from model import limits
from model.run import simulate
from model.scenario import load_scenario


def test_malformed_files_get_one_error_line(tmp_path):
    outcomes = []
    for case in fuzz.malformed_cases(seed=1, n=300):
        outcome, last = fuzz.check_malformed(case, tmp_path)
        outcomes.append(outcome)
        assert outcome not in fuzz.BAD, f"{case.name!r}: {outcome}: {last}"
    assert len(outcomes) == 300 and outcomes.count("refused") > 220


def test_the_generator_is_seeded_and_covers_every_case_of_the_issue():
    a = [(c.name, c.argv, c.text) for c in fuzz.malformed_cases(seed=3, n=80)]
    assert a == [(c.name, c.argv, c.text) for c in fuzz.malformed_cases(seed=3, n=80)]
    names = " | ".join(n for n, _, _ in a)
    for needle in ("schema = true", "schema = 1.0", "schema = 1e0", "quoted dotted key",
                   "name NUL", "name 10,000 chars", "/dev/zero", "FIFO", "--set huge",
                   "--set digits", "sweep dir as --out"):
        assert needle in names
    everything = " ".join(" ".join(argv) + (text or b"").decode("utf-8", "replace")
                          for _, argv, text in a)
    assert fuzz.HUGE in everything and fuzz.DIGITS in everything and fuzz.NESTED in everything


def test_a_fuzzer_that_accepted_everything_would_be_caught(tmp_path):
    accepts = fuzz.Case("accepts", ["scenario", "list"], b"", must_fail=True)
    assert fuzz.check_malformed(accepts, tmp_path)[0] == "accepted"
    crash = fuzz.isolated(lambda: 1 // 0, 5, limits.MAX_BYTES, 20)
    assert fuzz.classify(crash, must_fail=True) == "traceback"
    spin = fuzz.isolated(lambda: [0 for _ in iter(int, 1)], 1, limits.MAX_BYTES, 20)
    assert fuzz.classify(spin, must_fail=False) == "hang"
    grab = fuzz.isolated(lambda: len(bytearray(3 * 1024**3)), 10, 512 * 1024**2, 20)
    assert fuzz.classify(grab, must_fail=False) == "memory"


REPRODUCERS = {
    "transfer_decades near 0": {"experiments.transfer_decades": 0.01},
    "explosion in the first quarter": {"ideas.effect_scale": 10.0,
                                       "explosion.max_log10_efficiency": 100.0},
    "synthetic data runaway": {"synthetic.enabled": True, "synthetic.share": 1.0,
                               "synthetic.efficiency": 10.0, "ai.taste_per_oom": 10.0,
                               "frontier.interval_weeks": 1},
    # make fuzz's valid scenario 67 (seed 16), cut down: a slow two-rung ladder where one side
    # has spent nothing when the track record is read, late in ten years (its worth was 0/0)
    "track record with nothing spent": {
        "run.weeks": 520, "experiments.scales": [3.4e-08, 0.147],
        "experiments.run_weeks": [0.69, 0.0165],
        "experiments.implement_weeks": [37.6, 51.4], "experiments.interpret_weeks": [49.0, 38.4],
        "ideas.promote_threshold": 7.27, "synthetic.enabled": True,
        "compute.shares.inference": 0.927011, "compute.shares.experiments": 0.071921,
        "compute.shares.training": 0.001068},
}


@pytest.mark.parametrize("name", REPRODUCERS)
def test_issue_16_reproducers_run_with_finite_outputs_and_no_warnings(name):
    scenario = load_scenario("baseline").replace({"run.weeks": 104, **REPRODUCERS[name]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = simulate(scenario)
    assert all(math.isfinite(v) for v in result.summary.values() if isinstance(v, float))


@pytest.mark.parametrize("burn_in", [208, 1040])
def test_hiring_starts_at_week_0_whatever_the_burn_in(burn_in):
    scenario = load_scenario("baseline").replace({"humans.hiring_per_year": 0.5,
                                                  "run.burn_in_weeks": burn_in, "run.weeks": 52})
    result = simulate(scenario)
    humans = result.columns.index("humans")
    promised = scenario.humans.count  # hiring runs from week 0: the week-0 lab is as described
    assert result.rows[0][humans] == promised and result.rows[-1][humans] == promised


def test_valid_scenarios_run_with_finite_outputs_or_are_refused(tmp_path):
    # A tighter CPU limit than make fuzz's, so that the suite stays fast: larger labs are
    # refused by the estimate, which is half of what this checks: labs estimated at up to 10 s
    # run (the limit less the time margin).
    import numpy as np

    rng = np.random.default_rng(26)
    outcomes = []
    for k in range(24):
        scenario = fuzz.valid_scenario(rng, weeks=26)
        r = fuzz.check_valid(scenario, tmp_path, seconds=10.0 * limits.TIME_SAFETY)
        outcomes.append(r.outcome)
        assert r.outcome in ("ran", "refused"), f"scenario {k}: {r.outcome}: {r.detail}"
    assert outcomes.count("ran") >= 12


def test_the_estimate_is_within_a_factor_of_a_measured_run(tmp_path):
    from takeoff.outputs import write_run

    # Plots and compiled loops loaded before the fork, whatever ran before this test: what the
    # fork then adds is the run's own memory, the part of the estimate past BYTES_PER_RUN.
    write_run(simulate(load_scenario("baseline").replace({"run.weeks": 2, "humans.count": 10})),
              tmp_path / "warm")

    scenario = load_scenario("baseline").replace({"humans.count": 3000, "ideas.backlog": 100,
                                                  "run.burn_in_weeks": 0, "run.weeks": 52})

    def run() -> int:  # in the fork: what the run added to the process's resident memory
        before = fuzz._rss(os.getpid())
        write_run(simulate(scenario), tmp_path / "o")
        (tmp_path / "grew").write_text(str(fuzz._rss(os.getpid(), "VmHWM") - before))
        return 0

    done = fuzz.isolated(run, 120, 8 * 1024**3, 300)
    assert done.code == 0, done.stderr
    e = limits.estimate(scenario)
    cpu = done.cpu / (e.seconds - limits.STARTUP_SECONDS)  # the fork imported nothing
    grew = float((tmp_path / "grew").read_text())
    memory = grew / (e.bytes - limits.BYTES_PER_RUN)
    assert 0.5 < cpu < 2.0, f"measured {done.cpu:.1f} s CPU, estimated {e.seconds:.1f} s"
    assert 0.5 < memory < 2.0, f"grew {grew / 1e6:.0f} MB, estimated {e.bytes / 1e6:.0f} MB"
