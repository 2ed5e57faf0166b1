"""The run's story, read off a live lab: why and when it stopped, its explosion, its milestones.

The page's headline cards, its end-of-run banner and the markers on its charts all come from
:func:`headline`, so they always agree. Everything is read from the lab's time series, week by
week as the lab runs, with the definitions (and functions) of the run's ``summary.json``
(:func:`model.metrics.summary`, :mod:`model.milestones`); a test checks that they agree at the
end of a run.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from model.milestones import (
    COPIES,
    MULTIPLIERS,
    SPEED,
    automated_researcher_week,
    sustained_crossing,
)

YEAR = 52
AUTOMATED = "automated AI researcher"


@dataclass(frozen=True)
class Milestone:
    """An AI milestone and the week the lab reached it (None: not yet)."""

    name: str
    source: str
    what: str
    week: int | None


@dataclass(frozen=True)
class Headline:
    """What a visitor wants to know about the run so far.

    Attributes:
        week, horizon: The lab's week and its horizon.
        stop: Why the run ended ("horizon" or "cap"), None while it runs.
        explosion_week: The week an explosion was declared, or None.
        week_10x, week_1000x: First week S reached 10x and 1000x its week-0 value, or None.
        peak_speedup, peak_week: The highest speedup over the twin so far, and its week.
        compression, compression_week: The most years of humans-only progress made in a
            trailing year, and its week.
        milestones: The AI 2027 multipliers and Forethought's automated AI researcher.
        cap: The cap on S, in log10.

    """

    week: int
    horizon: int
    stop: str | None
    explosion_week: int | None
    week_10x: int | None
    week_1000x: int | None
    peak_speedup: float
    peak_week: int
    compression: float
    compression_week: int
    milestones: tuple[Milestone, ...]
    cap: float

    @property
    def running(self) -> bool:
        """The run has not ended."""
        return self.stop is None

    def ending(self) -> str | None:
        """The end-of-run sentence, or None while the lab runs."""
        if self.stop is None:
            return None
        how = (f"S hit the safety cap of 10^{self.cap:g} in week {self.week}"
               if self.stop == "cap" else f"the lab reached the horizon in week {self.week}")
        if self.explosion_week is not None:
            return f"Run over: the lab exploded in week {self.explosion_week}; {how}."
        return f"Run over: {how} without exploding."


def column(model, name: str) -> np.ndarray:
    """One time-series column as floats."""
    return np.asarray(model.datacollector.model_vars[name], dtype=float)


def _first(values: np.ndarray, level: float) -> int | None:
    hit = np.flatnonzero(values >= level * (1 - 1e-12))
    return int(hit[0]) if hit.size else None


def milestones(model, speedup: np.ndarray, ended: bool) -> tuple[Milestone, ...]:
    """The AI 2027 research-speed multipliers (held a frontier interval) and Forethought's.

    ``ended``: the run stopped at the cap, so a crossing held to its end counts (as in the
    summary).
    """
    data = model.datacollector.model_vars
    weeks = data["week"]
    hold = model.settings.frontier.interval_weeks
    out = [Milestone(name, "AI 2027", f"{level:g}x research speed",
                     sustained_crossing(weeks, speedup, level, hold, ended))
           for name, level in MULTIPLIERS.items()]
    out.append(Milestone(AUTOMATED, "Forethought",
                         f"{COPIES:g} AI copies per human at {SPEED:g}x speed",
                         automated_researcher_week(data)))
    return tuple(out)


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def headline(model) -> Headline:
    """The run's story so far (kept per model until it steps or stops: every chart asks)."""
    key = (len(model.datacollector.model_vars["week"]), model.running)
    kept = _KEPT.get(model)
    if kept is not None and kept[0] == key:
        return kept[1]
    head = _headline(model)
    _KEPT[model] = (key, head)
    return head


def _headline(model) -> Headline:
    speedup = column(model, "speedup")
    s = column(model, "software_efficiency")
    squeeze = column(model, "compression")
    stop = model.stop
    peak = int(np.argmax(speedup))
    top = int(np.argmax(squeeze))
    return Headline(
        week=int(model.week), horizon=int(model.settings.run.weeks), stop=stop,
        explosion_week=model.explosion_week, week_10x=_first(s, 10.0),
        week_1000x=_first(s, 1000.0), peak_speedup=float(speedup[peak]), peak_week=peak,
        compression=float(squeeze[top]), compression_week=top,
        milestones=milestones(model, speedup, stop == "cap"),
        cap=float(model.settings.explosion.max_log10_efficiency))


def weeks_text(week: int | None) -> str:
    """A week for people: 'week 130 (year 2.5)', or 'not yet'."""
    if week is None:
        return "not yet"
    return f"week {week} (year {week / YEAR:.1f})"
