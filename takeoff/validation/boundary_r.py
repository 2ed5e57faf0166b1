"""Where the lab explodes, in returns r, at two speeds of research: acceleration, not speed.

With fixed compute and experiments that do not bind (a thousandfold experiment budget that
needs fixed effective compute, ``frontier_coupling = 0``), what grows is what software progress
buys: AI copies in proportion to S, their taste and speed with capability. Research output (the
quality of what ships per week, before ideas get harder) then rises with S with an elasticity
lambda, measured from the runs by regressing log output on log S over their frontier runs, and
semi-endogenous growth says the lab accelerates without end when returns
``r = lambda / (1 - phi)`` exceed 1. ``ideas.phi`` is swept; the boundary is the smallest phi
from which most seeds explode (the doubling clock, ``model.explosion``), and r there must be
near 1, at the default effect scale and at a tenth of it: a rule that called fast growth an
explosion would move the boundary with the speed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.scenario import Scenario, load_scenario
from takeoff.validation.runs import Job, run_all

NO_BOTTLENECK = {"compute.experiment_boost": 1000.0, "experiments.frontier_coupling": 0.0,
                 "compute.growth_per_year": 1.0}
TOLERANCE = 0.15
LN10 = math.log(10.0)


def scenario(phi: float, speed: float, weeks: int) -> Scenario:
    """The baseline without a compute bottleneck, at ``phi`` and ``speed`` x the effect scale."""
    base = load_scenario("baseline")
    return base.replace({**NO_BOTTLENECK, "ideas.phi": float(phi), "run.weeks": weeks,
                         "ideas.effect_scale": base["ideas.effect_scale"] * speed})


def output_elasticity(runs: list[dict]) -> float:
    """D ln(quality shipped per week) / d ln S over the runs' frontier runs (pooled slope)."""
    x, y = [], []
    for r in runs:
        ln_s, last = 0.0, 0
        for week, gain, quality in r["frontier_log"]:
            if quality > 0 and week > last and ln_s > 0.5:
                x.append(ln_s)
                y.append(math.log(quality / (week - last)))
            ln_s += gain
            last = week
    if len(x) < 3:
        return float("nan")
    return float(np.polyfit(np.array(x), np.array(y), 1)[0])


@dataclass
class Boundary:
    """The explosion boundary in phi and in r at one speed."""

    speed: float
    phis: list[float]
    exploded: dict  # phi -> share of seeds that exploded
    lam: dict  # phi -> lambda from the runs
    phi_star: float  # smallest phi from which most seeds explode (inf: none)

    @property
    def r_star(self) -> float:
        """Returns at the boundary: lambda there over 1 - phi."""
        if not math.isfinite(self.phi_star):
            return float("inf")
        return self.lam[self.phi_star] / (1.0 - self.phi_star)

    @property
    def passed(self) -> bool:
        """The boundary is bracketed and r there within TOLERANCE of 1."""
        return (math.isfinite(self.phi_star) and self.phi_star > self.phis[0]
                and abs(self.r_star - 1.0) <= TOLERANCE)


def boundary(speed: float, phis: list[float], seeds: list[int], weeks: int) -> Boundary:
    """Sweep ``phis`` at ``speed`` x the effect scale and locate the boundary."""
    jobs = [Job(scenario(phi, speed, weeks).replace({"run.seed": s})) for phi in phis
            for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    exploded, lam = {}, {}
    for i, phi in enumerate(phis):
        runs = out[i * n:(i + 1) * n]
        exploded[phi] = sum(r["exploded"] for r in runs) / n
        lam[phi] = output_elasticity(runs)
    star = float("inf")
    for phi in reversed(phis):  # the smallest phi from which every larger one explodes
        if exploded[phi] <= 0.5:
            break
        star = phi
    return Boundary(speed, list(phis), exploded, lam, star)
