"""Milestones a run passes: the takeoff literature's yardsticks, read off a run's series.

AI 2027 names research-speed multipliers for its milestones: a superhuman coder makes AI research
5x faster, a superhuman AI researcher 25x (a superintelligent AI researcher 250x). The model's
speedup is research speed over the humans-only twin's, so a multiplier is crossed when the
speedup passes it; one run's speedup is noisy, so a crossing counts only when the speedup holds
at or above it for a frontier interval, or until the run ends. Forethought's automated AI
researcher (Davidson and Houlden, 2025) is every human replaced by 30 AI copies thinking 30x
faster.
"""

from __future__ import annotations

import numpy as np

MULTIPLIERS = {"superhuman coder": 5.0, "superhuman AI researcher": 25.0}
COPIES, SPEED = 30.0, 30.0  # Forethought: 30 copies per human, each 30x a human's speed


def automated_researcher_week(data: dict) -> int | None:
    """First week with at least 30 AI copies per human, each at least 30x a human's speed."""
    for w, copies, humans, speed in zip(data["week"], data["ai_copies"], data["humans"],
                                        data["ai_speed"], strict=True):
        if copies >= COPIES * humans and speed >= SPEED:
            return int(w)
    return None


def sustained_crossing(weeks: list[int], speedup: list[float], level: float, hold: int,
                       ended: bool) -> int | None:
    """First week the speedup reaches ``level`` and holds it for ``hold`` weeks.

    Args:
        weeks: Week of each value.
        speedup: Speedup per week.
        level: The multiplier.
        hold: Weeks it must stay at or above the level.
        ended: The run stopped early (the cap): a crossing held until the end counts.

    """
    v = np.asarray(speedup)
    above = v >= level
    n = len(v)
    for i in np.nonzero(above)[0]:
        stop = i + hold + 1
        if stop <= n and above[i:stop].all():
            return int(weeks[i])
        if stop > n and ended and above[i:].all():
            return int(weeks[i])
    return None
