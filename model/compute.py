"""One lab's compute, split three ways (podcast [01:24-01:56]).

Compute grows on an exogenous schedule: it is "not bottlenecked on more intelligence" [00:50].
Each week it is split between inference (running AI researchers), experiments (small-scale
research runs) and training (the next frontier run). The split is a lab policy: fixed, or adaptive.
"""

from __future__ import annotations

import numpy as np

USES = ("inference", "experiments", "training")


class ComputeBudget:
    """The lab's compute schedule and its split.

    The adaptive policy is a congestion rule between the two research uses, reviewed every
    ``policy.review_weeks``: when requests waiting for experiments want at least half a week's
    budget, experiment compute is what researchers lack, so it takes share from inference; when
    experiment compute sits idle (under 80% used) and little waits, researchers are what is
    lacking, so inference takes share back. Training keeps its share: a frontier run is a
    commitment made in advance, and without it the lab drifts (podcast [01:49-02:34]).

    Args:
        settings: The scenario.
        follow: Another budget whose split this one copies (the humans-only twin uses the same
            compute as the run it is compared with).

    """

    def __init__(self, settings, follow: ComputeBudget | None = None):
        c = settings.compute
        self.initial = c.initial
        self.growth = c.growth_per_year
        self.boost = c.experiment_boost
        self.shares = np.array([c.shares.inference, c.shares.experiments, c.shares.training])
        self.adaptive = settings.policy.allocation == "adaptive"
        self.review_weeks = settings.policy.review_weeks
        self.step_size = settings.policy.adapt_step
        self.min_share = settings.policy.min_share
        self.follow = follow
        self.total = self.initial
        self.forget()

    def advance(self, week: int) -> None:
        """Set this week's total compute and, if due, revise the split."""
        self.total = self.initial * self.growth ** (week / 52.0)
        if self.follow is not None:
            self.shares = self.follow.shares.copy()
        elif self.adaptive and week > 0 and week % self.review_weeks == 0:
            self._review()

    def record(self, used: float, offered: float, waiting: float) -> None:
        """Note a week of experiment use: compute used, offered, and wanted by waiting requests."""
        self._used += used
        self._offered += offered
        self._waiting += waiting

    def forget(self) -> None:
        """Start a new review period."""
        self._used = self._offered = self._waiting = 0.0

    def _review(self) -> None:
        utilisation = self._used / max(self._offered, 1e-300)
        pressure = self._waiting / max(self._offered, 1e-300)
        inf, exp = 0, 1
        if pressure >= 0.5:
            self._shift(inf, exp)
        elif utilisation < 0.8 and pressure < 0.1:
            self._shift(exp, inf)
        self.forget()

    def _shift(self, source: int, target: int) -> None:
        moved = min(self.step_size, max(self.shares[source] - self.min_share, 0.0))
        self.shares[source] -= moved
        self.shares[target] += moved

    @property
    def inference(self) -> float:
        """H100e running AI researchers this week."""
        return self.total * self.shares[0]

    @property
    def experiments(self) -> float:
        """H100e-weeks of experiment compute this week, boost included."""
        return self.total * self.shares[1] * self.boost

    @property
    def training(self) -> float:
        """H100e-weeks accumulating into the next frontier run this week."""
        return self.total * self.shares[2]
