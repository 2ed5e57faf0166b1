"""The research programme against scaling the last best thing (podcast [01:33-01:56]).

A lab splits its compute between experiments (the research programme) and frontier training
(scaling what it has). The row reports, after five years of the humans-only lab, the capability
of its frontier model (orders of magnitude of effective compute over week 0's) and its software
progress, as the training share goes from small to large, the other shares keeping their ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import load_scenario
from takeoff.validation.runs import Job, run_all

SHARES = (0.3, 0.5, 0.65, 0.8)
WEEKS = 260


@dataclass
class TrainingShare:
    """Capability and log10 software progress after five years, per training share."""

    shares: tuple
    capability: list[float]
    progress: list[float]


def training_share(seeds: list[int], shares: tuple = SHARES) -> TrainingShare:
    """The humans-only lab at each training share."""
    base = load_scenario("humans_only")
    inf, exp = base["compute.shares.inference"], base["compute.shares.experiments"]
    jobs = []
    for t in shares:
        rest = (1.0 - t) / (inf + exp)
        over = {"compute.shares.training": t, "compute.shares.inference": inf * rest,
                "compute.shares.experiments": 1.0 - t - inf * rest}
        jobs += [Job(base.replace({**over, "run.seed": s, "run.weeks": WEEKS})) for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    cap = [float(np.mean([r["capability"] for r in out[i * n:(i + 1) * n]]))
           for i in range(len(shares))]
    prog = [float(np.mean([r["log10_s"] for r in out[i * n:(i + 1) * n]]))
            for i in range(len(shares))]
    return TrainingShare(tuple(shares), cap, prog)
