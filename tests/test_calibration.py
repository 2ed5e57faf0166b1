"""The facts the default scenario must reproduce (docs/model.md, calibration), on several seeds."""

import re
from pathlib import Path

import numpy as np

from model.schema import PARAMS
from takeoff.validation import calibration as cal

ROOT = Path(__file__).resolve().parents[1]

SEEDS = (1, 2, 3)


def test_humans_only_progress_is_about_3x_per_year():
    prog = cal.progress_per_year(SEEDS)
    assert all(2.0 <= p <= 5.0 for p in prog)
    assert 2.5 <= np.mean(prog) <= 3.5


def test_ten_times_experiment_compute_makes_research_about_five_times_faster():
    el = cal.elasticity(SEEDS)
    assert 0.5 <= np.mean(el) <= 0.85
    assert all(0.35 <= e <= 1.0 for e in el)


def test_a_visible_share_of_shipped_ideas_hurts_and_the_unmet_fact_says_why():
    helped, hurt, per_run = cal.shipped_shares(SEEDS)
    assert np.mean(hurt) >= 0.02 and min(per_run) >= 1.0  # every frontier run ships some harm
    # Ruthless prioritisation on informative results ships mostly ideas that help: the brief's
    # "well under half" is reported as not met, with its reason, not met by bending a mechanism.
    fact = cal.Fact("help", float(np.mean(helped)), "well under half", 0.0, 0.48,
                    unmet=cal.HELPFUL_UNMET)
    assert "not met (documented)" in cal.render([fact]) or fact.passed


def test_without_big_runs_proxy_rises_while_truth_stalls():
    for proxy, true in cal.drift(SEEDS, weeks=156):
        assert proxy > 1.0 and true == 0.0


def test_worse_taste_slows_progress_at_equal_compute():
    assert all(r < 0.9 for r in cal.taste_effect(SEEDS, weeks=156))


def test_calibration_table_renders_every_fact():
    facts = [cal.Fact("x", 0.5, "t", 0.0, 1.0), cal.Fact("y", 2.0, "t", 0.0, 1.0)]
    text = cal.render(facts)
    assert "| x | 0.5 | t | yes |" in text and "| y | 2 | t | NO |" in text


def test_calibration_doc_gives_every_parameter_a_source_and_status():
    text = (ROOT / "docs" / "calibration.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    key = re.compile(r"`([a-z0-9_]+\.[a-z0-9_.]+)`")
    named = {k for line in rows for k in key.findall(line.split("|")[1])}
    assert {p.key for p in PARAMS} <= named
    statuses = {"calibrated", "literature", "podcast", "guess", "setting"}
    for line in rows:
        cells = [c.strip() for c in line.split("|")]
        if cells[1].startswith("`") and len(cells) > 4 and "." in cells[1]:
            assert any(s in cells[3] for s in statuses), line
