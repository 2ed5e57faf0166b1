"""Where two guessed defaults sit, and what the model does on either side of them.

Neither ``ideas.heritability`` nor ``ai.autonomy_taste`` has a source; each is set where the
mechanisms keep their documented signs, and these scans show what happens elsewhere
(``docs/calibration.md``):

- **Heritability and the worth of precise experiments.** Children inherit their parent's
  small-scale quirk, and researchers read a result as if a child's quirk started from nothing.
  The more a child inherits, the more a precise small experiment shows the inherited quirk as if
  it were effect, and the greedier the lab's climb up branches that only look good small. The
  scan measures ``experiments.noise`` (low to high, the direction table's probe) at each
  heritability: past a small heritability, noisier experiments make the lab faster.
- **When copies work on their own.** Copies turn from copilots into autonomous researchers as
  their taste nears ``ai.autonomy_taste``. A lab that hands them their own agenda too early
  takes copies from the humans they were helping and gives them to researchers whose ideas earn
  little compute; the scan measures three-year progress and ``ai.taste``'s effect (low to high)
  at each threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import load_scenario
from model.schema import BY_KEY
from takeoff.validation import directions
from takeoff.validation.runs import mean_se, paired

HERITABILITIES = (0.0, 0.02, 0.05, 0.1, 0.15)
AUTONOMY_TASTES = (0.5, 1.0, 2.0, 4.0)


@dataclass
class Scan:
    """A knob's values; at each, mean log10 S at the probe's low end and a probed key's effect."""

    key: str  # the knob scanned
    values: tuple
    probed: str  # the key whose effect is measured at each value
    level: list[float]  # mean log10 S with the probed key at its low end
    effect: list[tuple[float, float]]  # (mean, se) of the probed key's effect, log10

    def at(self, value) -> tuple[float, float]:
        """The probed key's effect at ``value``."""
        return self.effect[self.values.index(value)]


def _scan(key: str, values: tuple, probed: str, seeds: list[int]) -> Scan:
    low, high = directions.PROBES[probed]
    progress = BY_KEY[probed].effect.endswith("progress")
    base = load_scenario("humans_only" if progress else "baseline")
    weeks = directions.PROGRESS_WEEKS if progress else directions.SPEEDUP_WEEKS
    level, effect = [], []
    for v in values:
        lo, hi = paired(base.replace({key: v}), probed, low, high, seeds, weeks,
                        twin=not progress)
        level.append(float(np.mean([r["log10_s"] for r in lo])))
        effect.append(mean_se(b["log10_s"] - a["log10_s"] for a, b in zip(lo, hi, strict=True)))
    return Scan(key, tuple(values), probed, level, effect)


def heritability(seeds: list[int]) -> Scan:
    """``experiments.noise``'s effect on 5-year humans-only progress, by heritability."""
    return _scan("ideas.heritability", HERITABILITIES, "experiments.noise", seeds)


def autonomy(seeds: list[int]) -> Scan:
    """Three-year progress of the lab with AI, and ``ai.taste``'s effect, by autonomy taste."""
    return _scan("ai.autonomy_taste", AUTONOMY_TASTES, "ai.taste", seeds)


def describe(scan: Scan) -> str:
    """The scan as one line per value: level and effect +- se."""
    return "; ".join(f"{v:g}: log10 S {lvl:.2f}, effect {m:+.3f} +- {se:.3f}"
                     for v, lvl, (m, se) in zip(scan.values, scan.level, scan.effect,
                                                strict=True))
