"""Run a scenario to its horizon and collect what a user keeps: the time series and the summary."""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.model import TakeoffModel
from model.scenario import Scenario


@dataclass
class RunResult:
    """One finished run.

    Attributes:
        scenario: The fully resolved scenario that ran.
        columns: Time-series column names, in order.
        rows: One tuple per week (week 0 included), finite numbers only.
        summary: Per-run results (see :func:`model.metrics.summary`).
        model: The model at the end of the run.

    """

    scenario: Scenario
    columns: list[str]
    rows: list[tuple]
    summary: dict
    model: TakeoffModel


def simulate(scenario: Scenario, lineage_graph: bool = False) -> RunResult:
    """Run ``scenario`` with its humans-only twin to the horizon or the explosion."""
    model = TakeoffModel(scenario, lineage_graph=lineage_graph)
    summary = model.run()
    data = model.datacollector.model_vars
    columns = list(data)
    rows = list(zip(*(data[c] for c in columns), strict=True))
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            if isinstance(value, float) and not math.isfinite(value):
                raise FloatingPointError(f"non-finite {name}={value} in week {row[0]}")
    return RunResult(scenario, columns, rows, summary, model)

