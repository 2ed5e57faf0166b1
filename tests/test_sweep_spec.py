"""Sweep files and their designs: each design gives the right points; mistakes are one line."""

import math

import numpy as np
import pytest

from model.scenario import ScenarioError, load_scenario
from takeoff.cli import main
from takeoff.errors import UsageError
from takeoff.sweep.design import Design
from takeoff.sweep.spec import load_sweep, parse_sweep_text, shipped_sweeps
from takeoff.sweep.store import Store

HEAD = """schema = 1
base = "baseline"
[run]
seed = 7
weeks = 20
burn_in_weeks = 8
[humans]
count = 8
"""


def spec(sweep: str, head: str = HEAD):
    return parse_sweep_text(head + sweep, "t.toml", stem="t")


def design(sweep: str, head: str = HEAD) -> Design:
    return Design(spec(sweep, head))


def test_grid_is_every_combination_first_key_slowest():
    d = design("""[sweep]
design = "grid"
[sweep.parameters]
"compute.experiment_boost" = [1, 10]
ai.speed = [0.5, 1.0, 3.0]
""")
    points = [d.point(i) for i in range(len(d))]
    assert points == [{"compute.experiment_boost": b, "ai.speed": s}
                      for b in (1.0, 10.0) for s in (0.5, 1.0, 3.0)]
    assert d.runs_count() == 6


def test_replicate_seeds_derive_from_run_seed_and_runs_are_reproducible():
    text = """[sweep]
replicates = 3
[sweep.parameters]
"ai.speed" = [1.0, 3.0]
"""
    runs = list(design(text).runs())
    assert [(r.point, r.replicate, r.seed) for r in runs] == [
        (0, 0, 7), (1, 0, 7), (0, 1, 8), (1, 1, 8), (0, 2, 9), (1, 2, 9)]
    assert len({r.run_id for r in runs}) == 6
    assert [r.run_id for r in design(text).runs()] == [r.run_id for r in runs]
    assert "seed = 8" in runs[2].toml and "speed = 3.0" in runs[1].toml
    other = list(design(text, HEAD.replace("seed = 7", "seed = 100")).runs())
    assert [r.seed for r in other[:2]] == [100, 100]
    assert not {r.run_id for r in other} & {r.run_id for r in runs}


def test_random_design_stays_in_range_log_uniform_and_integers_cover_the_range():
    d = design("""[sweep]
design = "random"
samples = 400
[sweep.parameters]
"ai.speed" = { min = 1.0, max = 100.0, log = true }
"humans.pipelines" = { min = 1, max = 4 }
"policy.scheduler" = ["fair", "value"]
""")
    pts = [d.point(i) for i in range(len(d))]
    speeds = np.array([p["ai.speed"] for p in pts])
    assert speeds.min() >= 1.0 and speeds.max() <= 100.0
    # log-uniform: half the points below 10, the geometric middle
    assert 0.4 < np.mean(speeds < 10.0) < 0.6
    assert {p["humans.pipelines"] for p in pts} == {1, 2, 3, 4}
    assert all(isinstance(p["humans.pipelines"], int) for p in pts)
    assert {p["policy.scheduler"] for p in pts} == {"fair", "value"}



def test_repeated_points_run_once():
    d = design("""[sweep]
design = "random"
samples = 50
replicates = 2
[sweep.parameters]
"humans.pipelines" = { min = 1, max = 4 }
"policy.scheduler" = ["fair", "value"]
""")
    assert d.unique == 8 and d.runs_count() == 16
    runs = list(d.runs())
    assert len(runs) == 16 and len({r.run_id for r in runs}) == 16
    assert {int(d.first[i]) for i in range(len(d))} == {r.point for r in runs}


def test_lhs_uses_every_stratum_of_every_key_exactly_once():
    d = design("""[sweep]
design = "lhs"
samples = 10
[sweep.parameters]
"ideas.phi" = { min = 0.5, max = 0.9 }
"compute.experiment_boost" = { min = 0.1, max = 10.0, log = true }
""")
    for j in range(2):
        assert sorted(np.floor(d.unit[:, j] * 10).astype(int)) == list(range(10))
    phis = sorted(d.point(i)["ideas.phi"] for i in range(10))
    assert all(0.5 + 0.04 * k <= phi <= 0.5 + 0.04 * (k + 1) for k, phi in enumerate(phis))


def test_sobol_design_has_saltelli_layout_with_n_times_d_plus_2_points():
    d = design("""[sweep]
design = "sobol"
samples = 4
[sweep.parameters]
"ideas.phi" = { min = 0.5, max = 0.9 }
"ai.speed" = { min = 0.5, max = 5.0 }
"ai.taste" = { min = 0.05, max = 1.0 }
""")
    assert len(d) == 4 * (3 + 2)
    blocks = d.unit.reshape(4, 5, 3)  # per base sample: A, A with B's column k, B
    for block in blocks:
        a, b = block[0], block[-1]
        assert np.all(a != b)
        for k in range(3):
            expected = a.copy()
            expected[k] = b[k]
            assert np.array_equal(block[1 + k], expected)


def test_morris_trajectories_move_one_key_at_a_time_on_the_level_grid():
    d = design("""[sweep]
design = "morris"
samples = 3
levels = 4
[sweep.parameters]
"ideas.phi" = { min = 0.5, max = 0.9 }
"ai.speed" = { min = 0.5, max = 5.0 }
""")
    assert len(d) == 3 * (2 + 1)
    assert set(np.round(d.unit.ravel() * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}
    for trajectory in d.unit.reshape(3, 3, 2):
        steps = np.abs(np.diff(trajectory, axis=0))
        assert all(np.count_nonzero(s) == 1 for s in steps)


def test_sampled_designs_follow_run_seed_only():
    text = """[sweep]
design = "random"
samples = 5
[sweep.parameters]
"ideas.phi" = { min = 0.5, max = 0.9 }
"""
    a, b = design(text), design(text)
    c = design(text, HEAD.replace("seed = 7", "seed = 8"))
    assert np.array_equal(a.unit, b.unit) and not np.array_equal(a.unit, c.unit)


def test_shares_not_varied_take_the_rest_in_their_base_ratio():
    d = design("""[sweep.parameters]
"compute.shares.experiments" = [0.1, 0.4]
""")
    base = load_scenario("baseline").compute.shares
    rest = base.inference + base.training
    for i, e in enumerate((0.1, 0.4)):
        p = d.point(i)
        assert p["compute.shares.inference"] == pytest.approx((1 - e) * base.inference / rest)
        assert p["compute.shares.training"] == pytest.approx((1 - e) * base.training / rest)
        assert math.fsum(p.values()) == pytest.approx(1.0, abs=1e-9)
    assert len(list(d.runs())) == 2  # every resolved scenario validates


ERRORS = [
    ("", "no [sweep] table"),
    ('[sweep]\ndesign = "fractional"\n[sweep.parameters]\n"ai.speed" = [1.0]\n',
     "key 'sweep.design': must be \"grid\""),
    ('[sweep]\nreplicate = 3\n', "did you mean 'sweep.replicates'"),
    ('[sweep]\nreplicates = 0\n[sweep.parameters]\n"ai.speed" = [1.0]\n',
     "key 'sweep.replicates': must be an integer in [1, 10000]"),
    ('[sweep]\nreplicates = 2\n', "key 'sweep.parameters'"),
    ('[sweep.parameters]\n"ai.sped" = [1.0]\n', "did you mean 'ai.speed'"),
    ('[sweep.parameters]\n"ai.speed" = [1.0, 5000]\n',
     "key 'ai.speed': must be a number in [0.01, 1000], got 5000"),
    ('[sweep.parameters]\n"ai.speed" = [1.0, 1.0]\n', "listed twice"),
    ('[sweep.parameters]\n"ai.speed" = { min = 1, max = 3 }\n',
     "a grid design takes a list of values"),
    ('[sweep]\ndesign = "sobol"\nsamples = 4\n[sweep.parameters]\n"ai.speed" = [1.0, 2.0]\n',
     "a sobol design takes a range"),
    ('[sweep]\ndesign = "sobol"\nsamples = 6\n[sweep.parameters]\n'
     '"ai.speed" = { min = 1, max = 3 }\n', "needs a power of 2"),
    ('[sweep]\ndesign = "random"\n[sweep.parameters]\n"ai.speed" = { min = 1, max = 3 }\n',
     "key 'sweep.samples': a random design needs it"),
    ('[sweep]\nsamples = 3\n[sweep.parameters]\n"ai.speed" = [1.0]\n',
     "key 'sweep.samples': a grid runs every combination"),
    ('[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\n'
     '"ai.speed" = { min = 0.0, max = 3 }\n', "key 'ai.speed': must be a number in [0.01"),
    ('[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\n'
     '"ideas.phi" = { min = 0.0, max = 0.9, log = true }\n', "a log range needs min > 0"),
    ('[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\n'
     '"ai.speed" = { min = 3, max = 1 }\n', "min must be below max"),
    ('[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\n'
     '"ai.enabled" = { min = 0, max = 1 }\n', "a range needs a number"),
    ('[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\n'
     '"ai.speed" = { min = 1, maxx = 3 }\n', "unknown key 'ai.speed.maxx'"),
    ('[sweep.parameters]\n"run.seed" = [1, 2]\n', "key 'run.seed' cannot vary"),
    ('[sweep.parameters]\n"compute.shares.inference" = [0.2]\n'
     '"compute.shares.experiments" = [0.2]\n"compute.shares.training" = [0.6]\n',
     "vary at most two of the three shares"),
    ('[sweep.parameters]\n"compute.shares.inference" = [0.2, 0.7]\n'
     '"compute.shares.experiments" = [0.5]\n', "the varied shares can sum to 1.2"),
    ('[sweep]\nweeks = 0\n[sweep.parameters]\n"ai.speed" = [1.0]\n',
     "key 'sweep.weeks': must be an integer in [1, 5200]"),
    ('[sweep]\ndesign = "grid"\n[sweep.parameters]\n"ai.speed" = "fast"\n',
     "must be a list of values or a range"),
    ('[sweep\n', "not valid TOML"),
]


@pytest.mark.parametrize("sweep, needle", ERRORS)
def test_mistakes_are_one_line_naming_the_file_and_key(tmp_path, capsys, sweep, needle):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + sweep)
    assert main(["sweep", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(path) in err and needle in err


def test_a_scenario_mistake_in_a_sweep_file_reads_like_a_scenario_mistake(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD.replace("count = 8", "cuont = 8")
                    + '[sweep.parameters]\n"ai.speed" = [1.0]\n')
    assert main(["sweep", str(path), "--dry-run"]) == 2
    assert "unknown key 'humans.cuont'; did you mean 'humans.count'?" in capsys.readouterr().err


def test_flag_mistakes_are_one_line(capsys):
    assert main(["sweep", "compute_elasticty", "--dry-run"]) == 2
    assert "did you mean 'compute_elasticity'" in capsys.readouterr().err
    assert main(["sweep", "compute_elasticity", "--workers", "0"]) == 2
    assert "--workers must be" in capsys.readouterr().err
    assert main(["sweep", "compute_elasticity", "--workers", "2", "--scheduler",
                 "tcp://127.0.0.1:1"]) == 2
    assert "--workers is for local runs" in capsys.readouterr().err


def test_dry_run_shows_the_design_without_running(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[sweep]\nreplicates = 2\n[sweep.parameters]\n'
                    '"compute.shares.inference" = [0.1, 0.5]\n"ai.speed" = [1.0, 3.0, 10.0]\n')
    assert main(["sweep", str(path), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "grid design, 6 points x 2 replicates = 12 runs of 20 weeks" in out
    assert "seeds: 7 to 8" in out and "compute.shares.training=" in out
    assert not (tmp_path / "out").exists()


def test_shipped_sweeps_validate_and_stay_small():
    names = shipped_sweeps()
    assert {"compute_elasticity", "explosion_map", "compute_split", "taste_vs_compute"} <= set(
        names)
    for name in names:
        s = load_sweep(name)
        assert len(s.description.split()) >= 25, f"{name} needs a one-paragraph description"
        assert Design(s).runs_count() <= 60, f"{name} should run in minutes"
    boost = load_sweep("compute_elasticity").axes[0]
    assert boost.key == "compute.experiment_boost" and boost.values == (1.0, 3.0, 10.0, 30.0)
    assert [a.key for a in load_sweep("explosion_map").axes] == ["ideas.phi", "ai.speed"]
    split = Design(load_sweep("compute_split"))
    assert all(abs(sum(split.point(i).values()) - 1) < 1e-9 for i in range(len(split)))


def test_a_results_folder_holds_one_sweep_only(tmp_path):
    a = spec('[sweep.parameters]\n"ai.speed" = [1.0, 3.0]\n')
    b = spec('[sweep.parameters]\n"ai.speed" = [1.0, 5.0]\n')
    Store(tmp_path / "out", a, "0.1.0").close()
    Store(tmp_path / "out", a, "0.1.0").close()  # the same sweep reopens: resume
    with pytest.raises(UsageError, match="holds a different sweep"):
        Store(tmp_path / "out", b, "0.1.0")
    with pytest.raises(UsageError, match="holds runs of takeoff 0.1.0, this is 9.9"):
        Store(tmp_path / "out", a, "9.9")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(UsageError, match="holds other files"):
        Store(tmp_path / "mine", a, "0.1.0")


def test_a_sweep_file_is_data(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[sweep.parameters]\n"ai.speed" = [1.0]\n' + "#" * 300_000)
    with pytest.raises(ScenarioError, match="at most"):
        load_sweep(path)
