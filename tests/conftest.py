"""Shared fixtures: small, fast labs built from the shipped scenarios."""

import pytest

from model.model import TakeoffModel
from model.scenario import load_scenario

SMALL = {"humans.count": 40, "run.burn_in_weeks": 52, "run.weeks": 104}


def small(name="baseline", **over):
    """A shipped scenario shrunk to a small, fast lab; keyword keys use __ for dots."""
    values = {**SMALL, **{k.replace("__", "."): v for k, v in over.items()}}
    return load_scenario(name).replace(values)


def run(scenario, **kw):
    """Run a model to its horizon and return it."""
    model = TakeoffModel(scenario, **kw)
    model.run()
    return model


@pytest.fixture(scope="session")
def baseline_run():
    """The baseline lab (AI on) over 156 weeks, with its twin and lineage graph."""
    return run(load_scenario("baseline").replace({"run.weeks": 156}), lineage_graph=True)


@pytest.fixture(scope="session")
def humans_run():
    """The humans-only lab over 156 weeks."""
    return run(load_scenario("humans_only").replace({"run.weeks": 156}), lineage_graph=True)
