"""takeoff forecast end to end on a tiny lab: the report, resuming after kill -9, shipped files."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import pytest

from takeoff.cli import main
from takeoff.forecast.beliefs import load_beliefs
from takeoff.forecast.sampling import draw

# A tiny lab (a run takes about a tenth of a second), 16 samples.
BELIEFS = """schema = 1
base = "baseline"
name = "tiny"
[run]
seed = 5
weeks = 60
burn_in_weeks = 13
[humans]
count = 12
[forecast]
samples = 16
[beliefs]
"ideas.phi" = { dist = "normal", p10 = 0.7, p90 = 0.9 }
"ai.speed" = { dist = "lognormal", p10 = 1, p90 = 30 }
"policy.scheduler" = { dist = "categorical", values = ["fair", "value"] }
"""
SAMPLES = 16
TAKEOFF = [sys.executable, "-m", "takeoff"]


@pytest.fixture(scope="module")
def beliefs_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("beliefs") / "tiny.toml"
    path.write_text(BELIEFS)
    return path


@pytest.fixture(scope="module")
def reference(beliefs_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    assert main(["forecast", str(beliefs_file), "--out", str(out), "--workers", "2"]) == 0
    return out


def rows(out):
    db = sqlite3.connect(out / "runs.sqlite")
    cur = db.execute("SELECT * FROM runs ORDER BY run_id")
    names = [c[0] for c in cur.description]
    found = {r[0]: {n: v for n, v in zip(names, r, strict=True) if n != "seconds"} for r in cur}
    db.close()
    return found


def count_done(out):
    if not (out / "runs.sqlite").exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{out / 'runs.sqlite'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM runs WHERE status = 'done'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0


def test_each_sample_is_one_run_at_its_own_seed_with_its_values(beliefs_file, reference):
    samples = draw(load_beliefs(beliefs_file), SAMPLES)
    found = rows(reference)
    assert len(found) == SAMPLES and {r["status"] for r in found.values()} == {"done"}
    by_point = {r["point"]: r for r in found.values()}
    for i, (point, seed) in enumerate(zip(samples.points, samples.seeds, strict=True)):
        row = by_point[i]
        assert row["seed"] == seed and json.loads(row["parameters"]) == point
        assert row["ideas.phi"] == point["ideas.phi"]
    assert (reference / "beliefs.toml").read_text() == BELIEFS


def test_the_report_has_probabilities_with_errors_fans_and_plots(reference):
    found = json.loads((reference / "forecast.json").read_text())
    assert found["finished"] == SAMPLES and found["failed"] == 0
    # the horizon is 60 weeks: no answer for 2 years, and the report says why
    assert found["explosion"]["within_2_years"]["p"] is None
    assert "before year 2" in found["explosion"]["within_2_years"]["note"]
    summary = pq.read_table(reference / "summary.parquet").to_pydict()
    squeeze = np.array(summary["compression_max"])
    fan = found["fan"]
    assert fan["weeks"] == list(range(61)) and fan["runs"] == SAMPLES
    final = np.array([pq.read_table(reference / "timeseries" / f"{r}.parquet",
                                    columns=["speedup"]).column(0).to_numpy()[-1]
                      for r in summary["run_id"]])
    median = fan["speedup"]["p50"][-1]  # an order statistic (to 6 digits), not an interpolation
    assert np.min(np.abs(final - median)) < 1e-5 * median
    assert np.sort(final)[1] == pytest.approx(fan["speedup"]["p10"][-1], rel=1e-5)
    keys = {r["key"] for r in found["sensitivity"]}
    assert keys == {"ideas.phi", "ai.speed", "policy.scheduler"}
    speed = [r for r in found["sensitivity"] if r["key"] == "ai.speed"
             and r["outcome"] == "peak compression"][0]
    from scipy.stats import spearmanr  # the tornado reads the sampled values the runs used

    assert speed["rank_correlation"] == pytest.approx(
        spearmanr(summary["ai.speed"], squeeze).statistic)
    for name in ("fan.png", "explosion_cdf.png", "tornado.png"):
        assert (reference / "plots" / name).stat().st_size > 10_000


def test_rerun_skips_finished_samples(beliefs_file, reference, capsys):
    before = rows(reference)
    assert main(["forecast", str(beliefs_file), "--out", str(reference), "--workers", "2",
                 "--no-plots"]) == 0
    assert rows(reference) == before
    assert f"{SAMPLES} of {SAMPLES} samples" in capsys.readouterr().out


def test_killed_with_sigkill_partway_then_rerun_gives_the_same_forecast(
        beliefs_file, reference, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen([*TAKEOFF, "forecast", str(beliefs_file), "--out", str(out),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while count_done(out) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert 3 <= count_done(out) < SAMPLES, "the kill must land partway"
    assert main(["forecast", str(beliefs_file), "--out", str(out), "--workers", "2"]) == 0
    assert rows(out) == rows(reference)
    assert (json.loads((out / "forecast.json").read_text())
            == json.loads((reference / "forecast.json").read_text()))


def test_another_forecast_in_the_same_folder_is_refused(beliefs_file, reference, capsys):
    assert main(["forecast", str(beliefs_file), "--out", str(reference), "--samples", "8"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: forecast: --out {reference}: holds a different forecast "
                          f"('tiny', see its beliefs.toml)")


def test_a_sample_reproduces_with_takeoff_run(beliefs_file, reference, tmp_path, capsys):
    run_id, stored = sorted(rows(reference).items())[3]
    capsys.readouterr()
    assert main(["forecast", str(beliefs_file), "--scenario", run_id]) == 0
    scenario = tmp_path / "one.toml"
    scenario.write_text(capsys.readouterr().out)
    assert main(["run", str(scenario), "--out", str(tmp_path / "one"), "--no-plots"]) == 0
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    assert summary["peak_speedup"] == stored["peak_speedup"]


def test_discover_runs_over_a_forecasts_folder(reference, capsys):
    assert main(["discover", str(reference), "--outcome", "peak_speedup > 1.2"]) == 0
    out = capsys.readouterr().out
    assert "over 16 runs" in out and "varied keys: ideas.phi, ai.speed, policy.scheduler" in out


@pytest.mark.parametrize("name", ["compute_complements", "compute_substitutes"])
def test_the_substitution_beliefs_span_whitfill_and_wu_and_run(name, tmp_path):
    b = load_beliefs(name)
    values = [p["experiments.labour_substitution"] for p in draw(b, 64).points]
    if name == "compute_complements":
        assert max(values) <= 0.5
    else:
        assert np.median(values) == pytest.approx(2.6, abs=0.15)
    assert main(["forecast", name, "--samples", "4", "--weeks", "30", "--out",
                 str(tmp_path / "out"), "--workers", "1", "--no-plots"]) == 0


def test_forethought_beliefs_keep_their_r_and_lambda():
    b = load_beliefs("forethought_2025")
    s = draw(b, 4096)
    phi = np.array([p["ideas.phi"] for p in s.points])
    lam = 1 / np.array([p["ideas.duplication_exponent"] for p in s.points])
    r = lam / (1 - phi)
    # their r is 1.2 (0.4 to 3.6); truncating phi at 0.95 trims the top of r a little
    assert np.quantile(r, [0.1, 0.5]) == pytest.approx([0.4, 1.2], rel=0.05)
    assert 3.0 < np.quantile(r, 0.9) < 3.7
    assert np.quantile(lam, [0.1, 0.9]) == pytest.approx([0.3, 0.8], rel=0.1)
    from scipy.stats import spearmanr

    assert abs(spearmanr(r, lam).statistic) < 0.05  # r independent of lambda, as theirs


def test_the_readme_quotes_the_committed_default_forecast():
    """README's numbers are those `make forecast-figures` wrote to docs/forecast/default.json."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = json.loads((root / "docs" / "forecast" / "default.json").read_text())
    readme = (root / "README.md").read_text()
    assert found["forecast"] == "default" and found["finished"] == found["samples"] == 256
    for years in (2, 5, 10):
        e = found["explosion"][f"within_{years}_years"]
        line = f"| explosion within {years} years | {e['p']:.3f} +- {e['se']:.3f} " \
               f"({e['hits']} of {e['runs']}) |"
        assert line in readme
    for years in (3, 10):
        c = found["compression"][f"at_least_{years}"]
        assert (f"| compression of at least {years} years of progress into one year | "
                f"{c['p']:.3f} +- {c['se']:.3f} ({c['hits']} of {c['runs']}) |") in readme
    q = found["explosion"]["week"]["quantiles"]
    assert f"explode by week {q['p10']}, half by week {q['p50']}" in readme
    e = found["explosion"]["within_10_years"]
    assert f"{e['runs'] - e['hits']} of {e['runs']} do not within ten years" in readme
    # what moves the explosion week most, as the README and docs/calibration.md say
    moves = [m for m in found["sensitivity"] if m["outcome"] == "explosion week"]
    moves.sort(key=lambda m: -abs(m["rank_correlation"]))
    top = moves[0]
    assert f"`{top['key']}` (rank correlation {top['rank_correlation']:+.2f}" in readme
    calibration = (root / "docs" / "calibration.md").read_text()
    assert f"(rank correlation {top['rank_correlation']:+.2f}:" in calibration
    for m in moves[1:4]:
        assert f"`{m['key']}` ({m['rank_correlation']:+.2f})" in calibration
    assert (root / "docs" / "img" / "forecast-default-fan.png").stat().st_size > 10_000
    # the committed forecast is of the shipped file as it is now
    assert found["beliefs"] == [b.describe() for b in load_beliefs("default").beliefs]


def test_calibration_doc_quotes_the_committed_forethought_forecast():
    """docs/calibration.md's table beside Forethought is what `make forecast-figures` wrote."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = json.loads((root / "docs" / "forecast" / "forethought_2025.json").read_text())
    text = (root / "docs" / "calibration.md").read_text()
    assert found["finished"] == found["samples"] == 256

    def shown(e):
        return f"{e['p']:.3f} +- {e['se']:.3f} ({e['hits']} of {e['runs']})"

    assert f"| about 60% | {shown(found['compression']['at_least_3'])} |" in text
    assert f"| about 20% | {shown(found['compression']['at_least_10'])} |" in text
    assert f"| - | {shown(found['explosion']['within_10_years'])} |" in text
    ten = found["explosion"]["within_10_years"]
    at_least = found["compression"]["at_least_3"]["hits"] - ten["hits"]
    assert f"at least {at_least} of the {ten['runs'] - ten['hits']} that" in text


@pytest.mark.parametrize("name", ["compute_complements", "compute_substitutes"])
def test_calibration_doc_quotes_the_committed_substitution_forecasts(name):
    """The complements / substitutes table of docs/calibration.md is what the JSON says."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = json.loads((root / "docs" / "forecast" / f"{name}.json").read_text())
    rows = {line.split("|")[1].strip(): line.split("|")[2:4]
            for line in (root / "docs" / "calibration.md").read_text().splitlines()
            if line.startswith("| explosion within") or line.startswith("| compression of at")
            and "into one |" in line}
    column = 0 if name == "compute_complements" else 1
    for years in (2, 5, 10):
        e = found["explosion"][f"within_{years}_years"]
        assert rows[f"explosion within {years} years"][column].strip() == \
            f"{e['p']:.3f} +- {e['se']:.3f} ({e['hits']} of {e['runs']})"
    for years in (3, 10):
        c = found["compression"][f"at_least_{years}"]
        assert rows[f"compression of at least {years} years into one"][column].strip() == \
            f"{c['p']:.3f} +- {c['se']:.3f} ({c['hits']} of {c['runs']})"
