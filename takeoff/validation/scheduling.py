"""No artefacts of the queue, and big runs that carry information.

- **Utilisation**: in every week that requests still wait once the week's compute is given out,
  at least 99% of the experiment budget is in use (the default lab and ``compute_bound``).
- **Cadence**: with frontier runs every 13, 52 and 156 weeks the lab keeps researching: every
  rung is served (the longest wait of a request is finite, and reported), ideas are merged,
  and the proxy rises between runs; rarer runs widen the gap between what small experiments
  claim and what is true (the drift claim), measured after ten years.
- **Allocation**: under the track-record policy the AI researchers' share of experiment compute
  follows what their ideas are worth: it rises once their taste passes the humans'. The early
  AI years are reported under every policy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import load_scenario
from takeoff.validation.runs import Job, run_all

INTERVALS = (13, 52, 156)
POLICIES = ("track_record", "fair", "value", "fifo")


@dataclass
class Utilisation:
    """Least utilisation over the weeks that requests waited, per scenario and seed."""

    least: dict  # scenario -> list of (seed, least utilisation, weeks waited)

    @property
    def worst(self) -> float:
        """The least utilisation of all."""
        return min(u for runs in self.least.values() for _, u, _ in runs)

    @property
    def passed(self) -> bool:
        """At least 99% wherever requests waited."""
        return self.worst >= 0.99


def utilisation(seeds: list[int], weeks: int = 260) -> Utilisation:
    """Utilisation in the weeks requests waited, in the baseline and ``compute_bound``."""
    names = ("baseline", "compute_bound")
    jobs = [Job(load_scenario(n).replace({"run.seed": s, "run.weeks": weeks}))
            for n in names for s in seeds]
    out = run_all(jobs)
    least = {}
    for i, name in enumerate(names):
        rows = []
        for seed, r in zip(seeds, out[i * len(seeds):(i + 1) * len(seeds)], strict=True):
            u = np.array(r["series"]["utilisation"][1:])
            waited = np.array(r["series"]["waiting_after_allocation"][1:]) > 0
            rows.append((seed, float(u[waited].min()) if waited.any() else 1.0,
                         int(waited.sum())))
        least[name] = rows
    return Utilisation(least)


@dataclass
class Cadence:
    """Humans-only labs with rarer and rarer frontier runs, per interval (means over seeds)."""

    intervals: tuple
    gap: list[float]  # log10 proxy minus log10 true after ten years
    gap_se: list[float]
    merged: list[float]
    longest_wait: list[list[float]]  # per interval, per rung (worst over seeds)
    true: list[float]

    @property
    def passed(self) -> bool:
        """Research goes on (ideas merged, every rung served) and rarer runs widen the gap."""
        served = all(np.isfinite(w).all() and min(w) > 0 for w in self.longest_wait)
        widening = all(b > a for a, b in zip(self.gap, self.gap[1:], strict=False))
        return served and min(self.merged) > 0 and widening


def cadence(seeds: list[int], weeks: int = 520) -> Cadence:
    """The humans-only lab at each frontier interval of ``INTERVALS``."""
    base = load_scenario("humans_only")
    jobs = [Job(base.replace({"frontier.interval_weeks": k, "run.seed": s, "run.weeks": weeks}))
            for k in INTERVALS for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    gap, se, merged, waits, true = [], [], [], [], []
    for i in range(len(INTERVALS)):
        runs = out[i * n:(i + 1) * n]
        g = [r["log10_proxy"] - r["log10_s"] for r in runs]
        gap.append(float(np.mean(g)))
        se.append(float(np.std(g, ddof=1) / np.sqrt(n)) if n > 1 else 0.0)
        merged.append(float(np.mean([r["merged"] for r in runs])))
        waits.append([float(max(r["longest_wait"][k] for r in runs))
                      for k in range(len(runs[0]["longest_wait"]))])
        true.append(float(np.mean([r["log10_s"] for r in runs])))
    return Cadence(INTERVALS, gap, se, merged, waits, true)


@dataclass
class Allocation:
    """The AI's share of experiment compute, year by year, under each policy (seed means)."""

    policies: tuple
    shares: dict  # policy -> list of yearly mean AI shares
    speedups: dict  # policy -> list of yearly mean speedups
    explosion: dict  # policy -> median explosion week (None: none)

    @property
    def passed(self) -> bool:
        """Under the track record the AI's share grows from its first year to its last."""
        s = self.shares["track_record"]
        return len(s) >= 2 and s[-1] > s[0]


def allocation(seeds: list[int], weeks: int = 260) -> Allocation:
    """The baseline under each scheduling policy: AI compute share and speedup per year."""
    base = load_scenario("baseline")
    jobs = [Job(base.replace({"policy.scheduler": p, "run.seed": s, "run.weeks": weeks}),
                twin=True) for p in POLICIES for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    shares, speedups, explosion = {}, {}, {}
    for i, policy in enumerate(POLICIES):
        runs = out[i * n:(i + 1) * n]
        years = min(len(r["ai_share"]) for r in runs) // 52
        shares[policy] = [float(np.mean([np.mean(r["ai_share"][52 * y:52 * (y + 1)])
                                         for r in runs])) for y in range(years)]
        speedups[policy] = [float(np.mean([np.mean(r["series"]["speedup"][52 * y + 1:
                                                                         52 * (y + 1) + 1])
                                           for r in runs])) for y in range(years)]
        weeks_ = [r["explosion_week"] for r in runs if r["explosion_week"] is not None]
        explosion[policy] = float(np.median(weeks_)) if 2 * len(weeks_) >= n else None
    return Allocation(POLICIES, shares, speedups, explosion)
