"""Scenario discovery: PRIM finds a known box in synthetic runs; outcome expressions."""

import json
import sqlite3

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from takeoff.cli import main
from takeoff.errors import UsageError
from takeoff.forecast.discover import find_boxes, parse_outcome

N = 1000


@pytest.fixture(scope="module")
def synthetic():
    """Runs over three keys whose outcome holds exactly in phi > 0.6 and speed < 3 (fair only
    matters not at all), plus 5% noise."""
    rng = np.random.default_rng(11)
    phi = rng.uniform(0.4, 0.9, N)
    speed = rng.uniform(1.0, 10.0, N)
    taste = rng.uniform(0.0, 1.0, N)
    scheduler = rng.choice(["fair", "value"], N)
    inside = (phi > 0.6) & (speed < 3.0)
    flip = rng.random(N) < 0.05
    exploded = inside ^ flip
    columns = {"ideas.phi": phi.tolist(), "ai.speed": speed.tolist(), "ai.taste": taste.tolist(),
               "policy.scheduler": scheduler.tolist(), "exploded": exploded.tolist(),
               "explosion_week": [int(w) if e else None
                                  for w, e in zip(rng.integers(50, 500, N), exploded,
                                                  strict=True)],
               "compression_max": np.where(inside, 5.0, 1.0).tolist()}
    return ["ideas.phi", "ai.speed", "ai.taste", "policy.scheduler"], columns, inside


def test_prim_finds_the_box_that_makes_the_outcome(synthetic):
    params, columns, inside = synthetic
    y = parse_outcome("exploded", columns)
    # 5% of the 874 runs outside flip to the outcome: at most 78% of it lies in the true box
    box = find_boxes(params, columns, y, boxes=1, min_coverage=0.7)[0]
    assert set(box.limits) == {"ideas.phi", "ai.speed"}  # taste and scheduler do not matter
    assert box.limits["ideas.phi"]["min"] == pytest.approx(0.6, abs=0.03)
    assert box.limits["ai.speed"]["max"] == pytest.approx(3.0, abs=0.3)
    found_in_box = (inside & y).sum() / y.sum()
    assert box.coverage == pytest.approx(found_in_box, abs=0.03) and box.density > 0.95
    assert box.limits["ideas.phi"]["qp"] < 1e-6  # a restriction that is no accident
    assert box.mass == pytest.approx(inside.mean(), abs=0.02)
    traj = box.trajectory
    assert traj["coverage"][0] == 1.0 and traj["density"][-1] >= traj["density"][0]


def test_outcome_expressions(synthetic):
    _, columns, inside = synthetic
    assert (parse_outcome("compression>=3", columns) == inside).all()
    both = parse_outcome("compression >= 3 and not exploded", columns)
    assert (both == (inside & ~np.array(columns["exploded"]))).all()
    early = parse_outcome("explosion_week <= 100", columns)
    weeks = columns["explosion_week"]
    assert early.sum() == sum(w is not None and w <= 100 for w in weeks)  # never: not early
    for bad, says in (("explodd", "no summary column 'explodd'; did you mean 'exploded'?"),
                      ("ideas.phi", "column 'ideas.phi' is not true/false"),
                      ("compression >= lots", "'lots' is not a number"),
                      ("exploded or compression>3", "cannot read")):
        with pytest.raises(UsageError, match=says.replace("?", r"\?").replace("(", r"\(")):
            parse_outcome(bad, columns)


def test_discover_command_over_a_folder(synthetic, tmp_path, capsys):
    params, columns, _ = synthetic
    folder = tmp_path / "sweep"
    folder.mkdir()
    db = sqlite3.connect(folder / "runs.sqlite")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('parameters', ?)", (json.dumps(params),))
    db.commit()
    db.close()
    pq.write_table(pa.table(columns), folder / "summary.parquet")
    assert main(["discover", str(folder), "--outcome", "compression>=3", "--boxes", "1"]) == 0
    out = capsys.readouterr().out
    assert "box 1: coverage" in out and "ideas.phi 0.6" in out
    report = json.loads((folder / "discover" / "compression_3.json").read_text())
    assert report["with_outcome"] == sum(np.array(columns["compression_max"]) >= 3)
    assert (folder / "discover" / "compression_3.png").stat().st_size > 10_000
    assert main(["discover", str(tmp_path), "--outcome", "exploded"]) == 2
    assert "not a sweep's or forecast's folder" in capsys.readouterr().err
