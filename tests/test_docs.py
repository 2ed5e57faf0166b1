"""The docs stay true to the code: parameter table, module map, quickstart, CI entry point."""

import importlib
import re
from pathlib import Path

from takeoff import docs

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_and_defaults_tables_in_docs_are_the_generated_ones():
    assert docs.stale(("params", "defaults")) == [], "regenerate: make docs"


def test_committed_scenario_and_calibration_tables_are_what_their_commands_write():
    assert docs.stale(("scenarios", "calibration")) == [], "regenerate: make docs"


def test_every_module_the_docs_name_exists():
    text = (ROOT / "docs" / "model.md").read_text()
    modules = set(re.findall(r"`((?:model|agents|visualization|takeoff)/[a-z_]+\.py)`", text))
    assert len(modules) >= 10
    for module in modules:
        assert (ROOT / module).is_file(), module


def test_readme_quickstart_is_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.split("\n")[:-1] == ["make app", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_figures_exist():
    text = (ROOT / "README.md").read_text()
    for path in re.findall(r"\]\((docs/img/[^)]+)\)", text):
        assert (ROOT / path).is_file(), path


def test_every_class_method_the_design_docs_name_exists():
    core = {}
    for module in ("agents.researchers", "agents.humans", "agents.ai", "model.model",
                   "model.compute", "model.workforce", "model.ideas", "model.pipelines",
                   "model.scheduler", "model.frontier", "model.lineage"):
        mod = importlib.import_module(module)
        core.update({k: v for k, v in vars(mod).items() if isinstance(v, type)})
    named = set()
    for doc in ("model.md", "architecture.md"):
        text = (ROOT / "docs" / doc).read_text()
        named |= set(re.findall(r"`([A-Z][A-Za-z]+)\.([a-z_]+)`", text))
    assert len(named) >= 15
    missing = sorted(f"{c}.{m}" for c, m in named if c in core and not hasattr(core[c], m))
    unknown = sorted(c for c, _ in named if c not in core)
    assert (missing, unknown) == ([], [])


def test_readme_performance_figures_are_those_make_bench_wrote():
    """Every bold figure of the README's Performance section is one benchmarks/RESULTS.md has."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Performance", 1)[1].split("\n## ", 1)[0]
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    number = re.compile(r"\*\*([0-9][0-9.,]*)")
    quoted, measured = number.findall(section), set(number.findall(results))
    assert len(quoted) >= 10
    assert [q for q in quoted if q not in measured] == [], "rerun make bench, or quote it"
    commit = re.search(r"\| commit \| (\w+) \|", results).group(1)
    assert f"at commit {commit}" in section
