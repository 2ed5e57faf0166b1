"""The benchmark harness for issue 15's rows, at tiny sizes: each measures and is reported.

Nothing here asserts a speed (the machine is shared); it checks that each measurement runs the
real thing, measures what it says, and that the report states each row against its target.
"""

import re

import pytest

from benchmarks import cli, page, runs, scale, sweep_start
from benchmarks.report import issue15_headline, issue15_sections
from benchmarks.timing import Sample
from model.scenario import load_scenario


@pytest.fixture(scope="module")
def results():
    """Every new row measured once at a tiny size (no aggregate: it has a test of its own)."""
    sweep = sweep_start.once()
    return {
        "aggregate": None,
        "large_scaling": scale.large_scaling([100, 200, 400], repeats=1, burn_in=1, weeks=2),
        "large_memory": {"n": 200, "mib": scale.max_rss_mib(200, burn_in=1, weeks=2)},
        "cli": {label: Sample([cli.fresh_seconds(args)]) for label, args in cli.COMMANDS.items()},
        "cli_floors": cli.floors(repeats=1),
        "sweep_start": {key: Sample([value]) for key, value in sweep.items()},
        "page": page.step_clicks(clicks=2),
    }


def test_every_row_is_stated_against_its_target(results):
    lines = issue15_headline(results)
    expected = ["Aggregate model", "from 100 to 400 humans", "200-human lab", "`takeoff --help`",
                "`takeoff run baseline --weeks 1`", "`takeoff run baseline --weeks 1 --no-plots`",
                "`takeoff sweep` to its first run", "Step and redraw through Solara"]
    assert len(lines) == len(expected)
    for line, what in zip(lines, expected, strict=True):
        assert what in line
        assert re.search(r": (met|NOT met)\.$", line), line
    assert "not measured" in lines[0] and "NOT met" in lines[0]  # absent is never met
    text = "\n".join(issue15_sections(results))
    for heading in ("## The command line", "## Sweep start", "## The page's Step through Solara"):
        assert heading in text
    assert text.count("| `takeoff ") == len(cli.COMMANDS)
    for label in cli.FLOORS:  # what a run pays before its first week, beside the commands
        assert f"| `{label}` |" in text


def test_sweep_start_is_timed_from_launch_to_the_first_run(results):
    s = {k: v.median for k, v in results["sweep_start"].items()}
    # The pool is asked for after the process started, the runs end after they began.
    assert 0 < s["pool"] < s["first_run"] < s["total"]


def test_large_labs_fit_an_exponent_and_memory_is_a_whole_process(results):
    big = results["large_scaling"]
    assert big["x"] == [100, 200, 400] and len(big["cost"]) == 3
    assert all(c.median > 0 for c in big["cost"])
    # A process with numpy, numba and Mesa loaded holds tens of MiB before the model.
    assert results["large_memory"]["mib"] > 20


def test_page_clicks_are_timed_one_by_one(results):
    assert len(results["page"]["click"].values) == 2
    assert all(v > 0 for v in results["page"]["click"].values)


def test_cold_aggregate_builds_tables_and_leaves_the_real_ones(monkeypatch):
    from model.aggregate import funnel, simulate_aggregate

    scenario = load_scenario("humans_only").replace({"run.weeks": 4})
    simulate_aggregate(scenario)  # compiled code loaded, tables in memory
    folder, files = funnel.CACHE, sorted(p.name for p in funnel.CACHE.iterdir())
    built = []
    real = funnel.sample
    monkeypatch.setattr(funnel, "sample", lambda rungs: built.append(rungs) or real(rungs))
    assert runs._has_tables(funnel)
    assert runs._cold(funnel, simulate_aggregate, scenario) > 0
    assert len(built) == 1  # built from nothing, not read from memory or disk
    assert funnel.CACHE == folder
    # Every real table is still there (make test's other worker may add its own meanwhile).
    assert set(files) <= {p.name for p in folder.iterdir()}
    simulate_aggregate(scenario)  # the real folder's tables are found again
    assert len(built) == 1
