"""``takeoff validate``: the fast subset of every validation row passes and the report is whole."""

import re

import pytest

from takeoff.cli import main
from takeoff.validation.milestones import sustained_crossing
from takeoff.validation.returns import Boundary


@pytest.fixture(scope="module")
def fast_report(tmp_path_factory):
    """``takeoff validate --fast`` into a temporary folder: its exit code and the folder."""
    out = tmp_path_factory.mktemp("validation")
    return main(["validate", "--fast", "--out", str(out)]), out


def test_every_fast_validation_row_passes(fast_report):
    code, out = fast_report
    text = (out / "README.md").read_text()
    assert "FAIL" not in text, re.findall(r"^\|.*FAIL.*$", text, flags=re.M)
    assert code == 0


def test_report_has_every_row_with_its_plot(fast_report):
    _, out = fast_report
    text = (out / "README.md").read_text()
    for needle in ("humans-only software progress", "compute elasticity", "help at scale",
                   "hurt at scale", "no big runs", "taste noise", "explosion boundary",
                   "ideas bind", "researcher time binds", "compute binds", "AI researchers",
                   "default humans-only lab",
                   "lambda and returns r", "AI 2027 milestones", "takeoff validate --fast"):
        assert needle in text, needle
    for plot in set(re.findall(r"\]\(([a-z_]+\.png)\)", text)):
        size = (out / plot).stat().st_size
        assert 5_000 < size < 150_000, (plot, size)


def test_validate_rejects_bad_flags_with_one_line(tmp_path, capsys):
    assert main(["validate", "--seeds", "0"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["validate", "--out", str(blocker)]) == 2
    assert "--out" in capsys.readouterr().err


def test_a_milestone_counts_only_when_the_speedup_holds():
    weeks = list(range(10))
    flicker = [1, 6, 1, 1, 6, 6, 6, 6, 1, 1]
    assert sustained_crossing(weeks, flicker, 5.0, hold=3, ended=False) == 4
    assert sustained_crossing(weeks, flicker, 5.0, hold=4, ended=False) is None
    late = [1, 1, 1, 1, 1, 1, 1, 1, 6, 7]
    assert sustained_crossing(weeks, late, 5.0, hold=3, ended=False) is None
    assert sustained_crossing(weeks, late, 5.0, hold=3, ended=True) == 8


def test_boundary_passes_only_when_the_agents_bracket_is_resolved():
    def b(below, above, agg):
        return Boundary([], {}, {}, above, below, agg, 0.1, 520, None, None)

    assert b(0.2, 0.3, 0.28).passed
    assert b(0.2, 0.3, 0.38).passed and not b(0.2, 0.3, 0.45).passed
    assert not b(0.2, 0.3, 0.05).passed
    assert not b(-float("inf"), 0.1, 0.1).passed  # the agents exploded at every phi tried
    assert not b(0.8, float("inf"), 0.8).passed  # ... or at none


def test_a_run_asked_for_again_is_answered_from_the_first(monkeypatch):
    from model.scenario import load_scenario
    from takeoff.validation import runs

    monkeypatch.setenv("TAKEOFF_WORKERS", "1")
    monkeypatch.setattr(runs, "_ANSWERS", {})
    ran = []
    real = runs._run
    monkeypatch.setattr(runs, "_run", lambda job: ran.append(job) or real(job))
    job = runs.Job(load_scenario("humans_only").replace(
        {"humans.count": 20, "run.burn_in_weeks": 4, "run.weeks": 8}))
    other = runs.Job(job.scenario.replace({"run.seed": 2}))
    first = runs.run_all([job, other, job])
    again = runs.run_all([other])
    assert len(ran) == 2  # each distinct scenario once
    assert first[0] == first[2] and again[0] == first[1]
    again[0]["weeks"] = -1  # a caller's changes stay its own
    assert runs.run_all([other])[0]["weeks"] == 8
