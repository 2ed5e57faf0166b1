"""``python -m model.aggregate``: compile the weekly update and build the shipped scenarios' tables.

``make`` runs it at install, as ``python -m model.kernels`` compiles the agents' kernels: a run
then loads its compiled code from numba's cache and its funnel tables from disk
(``model.aggregate.funnel``) instead of building them.
"""

from __future__ import annotations

from model.aggregate.model import simulate_aggregate
from model.scenario import load_scenario, shipped


def build_all() -> None:
    """Run every shipped scenario for a few weeks: tables are built and kept, code compiled."""
    for name in shipped():
        simulate_aggregate(load_scenario(name).replace({"run.weeks": 4}))


if __name__ == "__main__":
    build_all()
