"""``python -m model.kernels``: compile every kernel into numba's cache (``make`` runs it)."""

from __future__ import annotations

from model.model import TakeoffModel
from model.scenario import load_scenario


def compile_all() -> None:
    """Compile every kernel (or load it from the cache) for the types a run gives it.

    A few short labs run: every scheduler policy, AI on and off, so each kernel meets the
    argument types of a real run.
    """
    for name, policy in (("baseline", "fair"), ("compute_bound", "value"),
                         ("compute_bound", "fifo"), ("humans_only", "fair")):
        scenario = load_scenario(name).replace({
            "humans.count": 20, "run.burn_in_weeks": 30, "run.weeks": 10,
            "policy.scheduler": policy})
        TakeoffModel(scenario, lineage_graph=False).run()


if __name__ == "__main__":
    compile_all()
