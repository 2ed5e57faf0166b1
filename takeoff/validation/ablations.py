"""Mechanisms switched off: each must matter, and the speedup must be readable from one run.

- **Signal**: with results made independent of ideas' true effects
  (``experiments.results = "uninformative"``) ten-year humans-only log progress must fall by at
  least half; with perfect results it must rise.
- **Fates**: most started ideas that end are dropped on the evidence of a rung; none die of old
  age waiting for compute (queued requests never expire).
- **Network**: collaborators talk shortlisted ideas over; with no collaborators
  (``humans.network_degree = 0``) five-year progress must fall by more than two standard errors.
- **Common random numbers**: a lab whose AI gets no compute has a speedup of exactly 1 in every
  week; the baseline's speedup over 8 seeds has sd(log) at most 0.10 at week 104.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import load_scenario
from takeoff.validation.runs import Job, mean_se, run_all

SIGNAL_WEEKS, NETWORK_WEEKS, SPREAD_WEEK = 520, 260, 104


@dataclass
class Signal:
    """Ten-year log progress with informative, uninformative and perfect results, per seed."""

    seeds: list[int]
    informative: list[float]
    uninformative: list[float]
    perfect: list[float]
    fates: list[dict]  # started, dropped, merged per informative run

    @property
    def ratio(self) -> float:
        """Uninformative over informative log progress (mean over seeds)."""
        return float(np.mean(np.array(self.uninformative) / np.array(self.informative)))

    @property
    def perfect_ratio(self) -> float:
        """Perfect over informative log progress."""
        return float(np.mean(np.array(self.perfect) / np.array(self.informative)))

    @property
    def dropped_share(self) -> float:
        """Share of the started ideas that ended which were dropped on evidence."""
        dropped = sum(f["dropped"] for f in self.fates)
        return dropped / max(dropped + sum(f["merged"] for f in self.fates), 1e-300)

    @property
    def passed(self) -> bool:
        """Uninformative results at most halve progress; perfect ones raise it."""
        return self.ratio <= 0.5 and self.perfect_ratio > 1.0


def signal(seeds: list[int], weeks: int = SIGNAL_WEEKS) -> Signal:
    """The signal ablation on the humans-only lab."""
    base = load_scenario("humans_only")
    modes = ("informative", "uninformative", "perfect")
    jobs = [Job(base.replace({"experiments.results": mode, "run.seed": s, "run.weeks": weeks}))
            for mode in modes for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    by = {mode: out[i * n:(i + 1) * n] for i, mode in enumerate(modes)}
    return Signal(list(seeds), *([r["log10_s"] for r in by[m]] for m in modes),
                  fates=[{k: r[k] for k in ("started", "dropped", "merged")}
                         for r in by["informative"]])


@dataclass
class Network:
    """Five-year log progress with the collaboration network and without it, per seed."""

    seeds: list[int]
    connected: list[float]
    alone: list[float]
    # The same with ideas.small_scale_bias 0: collaborators' errors independent of the owner's.
    connected_unbiased: list[float]
    alone_unbiased: list[float]

    @property
    def effect(self) -> tuple[float, float]:
        """Mean log10 progress lost without collaborators, and its standard error."""
        return mean_se(np.array(self.connected) - np.array(self.alone))

    @property
    def effect_unbiased(self) -> tuple[float, float]:
        """The same when no share of taste noise is an appeal everyone sees alike."""
        return mean_se(np.array(self.connected_unbiased) - np.array(self.alone_unbiased))

    @property
    def passed(self) -> bool:
        """Removing the network lowers progress by more than two standard errors."""
        mean, se = self.effect
        return mean > 2.0 * se


def network(seeds: list[int], weeks: int = NETWORK_WEEKS) -> Network:
    """The network ablation on the humans-only lab."""
    base = load_scenario("humans_only")
    jobs = [Job(base.replace({"humans.network_degree": d, "run.seed": s, "run.weeks": weeks,
                              "ideas.small_scale_bias": bias}))
            for bias in (base["ideas.small_scale_bias"], 0.0)
            for d in (base["humans.network_degree"], 0) for s in seeds]
    out = [r["log10_s"] for r in run_all(jobs)]
    n = len(seeds)
    return Network(list(seeds), *(out[i * n:(i + 1) * n] for i in range(4)))


@dataclass
class Spread:
    """The baseline's speedup at a week, over seeds; and a lab whose AI gets no compute."""

    seeds: list[int]
    speedups: list[float]
    idle_ai: list[float]  # every week's speedup of a lab whose AI gets no compute

    @property
    def sd_log(self) -> float:
        """Standard deviation of the log speedup over seeds."""
        return float(np.std(np.log(self.speedups), ddof=1)) if len(self.speedups) > 1 else 0.0

    @property
    def exactly_one(self) -> bool:
        """The idle-AI lab's speedup is 1.0 to the bit in every week."""
        return all(v == 1.0 for v in self.idle_ai)

    @property
    def passed(self) -> bool:
        """sd(log) at most 0.10 and the idle-AI lab exactly 1."""
        return self.sd_log <= 0.10 and self.exactly_one


def spread(seeds: list[int], week: int = SPREAD_WEEK) -> Spread:
    """The baseline's speedup at ``week`` over seeds, and the idle-AI check."""
    base = load_scenario("baseline")
    jobs = [Job(base.replace({"run.seed": s, "run.weeks": week}), twin=True) for s in seeds]
    # Inference compute goes to experiments instead: the AI researchers exist but never run.
    idle = base.replace({"compute.shares.experiments": base["compute.shares.experiments"]
                         + base["compute.shares.inference"], "compute.shares.inference": 0.0,
                         "run.weeks": week, "run.seed": seeds[0]})
    out = run_all([*jobs, Job(idle, twin=True)])
    speedups = [r["series"]["speedup"][min(week, len(r["series"]["speedup"]) - 1)]
                for r in out[:-1]]
    return Spread(list(seeds), speedups, out[-1]["series"]["speedup"])
