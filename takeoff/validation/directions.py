"""Every knob points the right way: the direction table, and the parallelisation exponent.

Each parameter whose effect has a documented sign (``effect`` in ``model/schema.py``) is moved
from a low to a high value on the same seeds (the runs share their random streams, so a
difference is the knob's, not chance's), and its effect is measured:

- ``+progress`` / ``-progress``: log10 software progress of the humans-only lab after five years;
- ``+speedup`` / ``-speedup``: log10 software progress of the lab with AI researchers after three
  years (its humans-only twin is the same in both runs, so this is the speedup's change).

A row fails when the mean effect has the wrong sign by more than two standard errors. The
implied parallelisation exponent lambda comes from doubling the humans: research speed at week-0
difficulty over the first two years, log2 of its ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.scenario import Scenario, load_scenario
from model.schema import BY_KEY, PARAMS
from takeoff.validation.runs import Job, mean_se, paired, run_all

PROGRESS_WEEKS, SPEEDUP_WEEKS = 260, 156


def _times(key: str, factor: float):
    default = BY_KEY[key].default
    if isinstance(default, list):
        return [x * factor for x in default]
    return type(default)(default * factor) if isinstance(default, int) else default * factor


# Where each documented knob is moved from and to (low, high): around its default, by enough to
# show, within its range.
PROBES: dict[str, tuple] = {
    "compute.initial": (1.0e5, 1.0e6),
    "compute.experiment_boost": (1.0, 3.0),
    "compute.shares.experiments": None,  # moved through compute.experiment_boost
    "policy.newcomer_share": (0.05, 0.3),
    "policy.track_record_rate": (0.0, 1.0),
    "humans.count": (100, 200),
    "humans.hiring_per_year": (1.0, 1.5),
    "humans.taste_noise": (_times("humans.taste_noise", 1.0), _times("humans.taste_noise", 2.0)),
    "humans.pipelines": (4, 8),
    "humans.learning_rate": (0.0, 0.03),
    "humans.taste_floor": (0.3, 0.9),
    "humans.shortlist": (1, 3),
    "humans.review_weight": (0.0, 0.5),
    "ai.speed": (1.0, 3.0),
    "ai.speed_per_oom": (1.2, 2.0),
    "ai.taste": (0.15, 0.4),
    "ai.taste_per_oom": (1.5, 2.2),
    "ai.copy_cost": (300.0, 3000.0),
    "ai.setup_taste": (0.1, 1.0),
    "ideas.phi": (0.7, 0.8),
    "ideas.effect_scale": (_times("ideas.effect_scale", 1.0), _times("ideas.effect_scale", 1.5)),
    "ideas.small_scale_bias": (0.3, 0.8),
    "ideas.per_week": (2.0, 4.0),
    "experiments.run_weeks": (_times("experiments.run_weeks", 1.0),
                              _times("experiments.run_weeks", 3.0)),
    "experiments.implement_weeks": (_times("experiments.implement_weeks", 1.0),
                                    _times("experiments.implement_weeks", 3.0)),
    "experiments.interpret_weeks": (_times("experiments.interpret_weeks", 1.0),
                                    _times("experiments.interpret_weeks", 3.0)),
    "experiments.transfer_decades": (5.0, 13.0),
    "experiments.noise": (0.08, 0.4),
    "experiments.reading_noise": (0.05, 0.4),
    "experiments.frontier_coupling": (0.5, 0.9),
    "experiments.labour_substitution": (0.0, 0.2),
}
FAST = ("humans.count", "humans.taste_noise", "experiments.interpret_weeks",
        "compute.experiment_boost", "ai.taste", "experiments.frontier_coupling")


@dataclass
class Direction:
    """One knob's measured effect against its documented sign."""

    key: str
    low: object
    high: object
    effect: str  # e.g. "+progress"
    diffs: list[float]

    @property
    def mean_se(self) -> tuple[float, float]:
        """Mean effect (high minus low) and its standard error."""
        return mean_se(self.diffs)

    @property
    def expected(self) -> int:
        """+1 or -1: the documented sign."""
        return 1 if self.effect.startswith("+") else -1

    @property
    def passed(self) -> bool:
        """The effect is not of the wrong sign by more than two standard errors."""
        mean, se = self.mean_se
        return self.expected * mean > -2.0 * se

    @property
    def significant(self) -> bool:
        """The effect has the documented sign by more than two standard errors."""
        mean, se = self.mean_se
        return self.expected * mean > 2.0 * se


def documented() -> list[str]:
    """Keys whose effect has a documented sign and a probe."""
    return [p.key for p in PARAMS if p.effect and PROBES.get(p.key) is not None]


def measure(keys: list[str], seeds: list[int]) -> list[Direction]:
    """The direction table over ``keys``, each on ``seeds``."""
    humans, lab = load_scenario("humans_only"), load_scenario("baseline")
    rows = []
    for key in keys:
        effect = BY_KEY[key].effect
        low, high = PROBES[key]
        progress = effect.endswith("progress")
        base = humans if progress else lab
        weeks = PROGRESS_WEEKS if progress else SPEEDUP_WEEKS
        lo, hi = paired(base, key, low, high, seeds, weeks, twin=not progress)
        diffs = [b["log10_s"] - a["log10_s"] for a, b in zip(lo, hi, strict=True)]
        rows.append(Direction(key, low, high, effect, diffs))
    return rows


@dataclass
class Parallelisation:
    """Lambda from doubling the humans: per-seed estimates."""

    seeds: list[int]
    lambdas: list[float]
    humans: int  # the lab doubled: from this many humans to twice as many

    @property
    def mean_se(self) -> tuple[float, float]:
        """Mean lambda and its standard error."""
        return mean_se(self.lambdas)


def parallelisation(seeds: list[int], base: Scenario | None = None) -> Parallelisation:
    """Lambda = log2(speed with 2N humans / speed with N), speed over two years at week-0 cost."""
    base = base or load_scenario("humans_only")
    n = base["humans.count"]
    jobs = [Job(base.replace({"humans.count": c, "run.seed": s, "run.weeks": 104}))
            for c in (n, 2 * n) for s in seeds]
    out = run_all(jobs)
    one, two = out[:len(seeds)], out[len(seeds):]
    lams = [math.log2(max(b["start_speed"], 1e-300) / max(a["start_speed"], 1e-300))
            for a, b in zip(one, two, strict=True)]
    return Parallelisation(list(seeds), lams, n)


def table(rows: list[Direction]) -> str:
    """The direction table as Markdown."""
    lines = ["| key | low -> high | documented | effect (log10) | +- se | verdict |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        mean, se = r.mean_se
        verdict = ("right sign" if r.significant else "within noise") if r.passed else "WRONG SIGN"
        lines.append(f"| `{r.key}` | {_show(r.low)} -> {_show(r.high)} | {r.effect} | "
                     f"{mean:+.3f} | {se:.3f} | {verdict} |")
    return "\n".join(lines)


def _show(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:g}" for x in v) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def summary_counts(rows: list[Direction]) -> tuple[int, int, int]:
    """Rows with the documented sign beyond 2 se, within noise, and wrong."""
    right = sum(r.significant for r in rows)
    wrong = sum(not r.passed for r in rows)
    return right, len(rows) - right - wrong, wrong


def effect_sizes(rows: list[Direction]) -> np.ndarray:
    """Mean effects, for the plot."""
    return np.array([r.mean_se[0] for r in rows])
