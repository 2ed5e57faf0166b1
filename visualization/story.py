"""The run's story, read off a live lab: why and when it stopped, its explosion, its milestones.

The page's headline cards, its end-of-run banner and the markers on its charts all come from
:func:`headline`, so they always agree. Everything is read from the lab's time series (and its
humans-only twin), week by week as the lab runs, with the definitions the run's
``summary.json`` uses; a test checks that they agree at the end of a run.

The core's newer measurements are read where the model has them and computed here from the
time series where it does not yet (``compression``, ``twin_software_efficiency``, ``stop``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from model.metrics import SPEED_FLOOR
from takeoff.validation.milestones import (
    COPIES,
    MILESTONES,
    SPEED,
    automated_researcher_week,
    sustained_crossing,
)

YEAR = 52
STOPS = {"horizon": "reached the horizon", "cap": "hit the safety cap on S",
         "explosion": "stopped at the explosion"}
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
        stop: Why the run ended ("horizon", "cap", or "explosion" for a core that stops there),
            None while it runs.
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
               if self.stop == "cap" else
               f"the lab {STOPS[self.stop]} in week {self.week}")
        if self.explosion_week is not None and self.stop != "explosion":
            return f"Run over: the lab exploded in week {self.explosion_week}; {how}."
        if self.stop == "explosion":
            return f"Run over: the lab exploded in week {self.week}."
        return f"Run over: {how} without exploding."


def column(model, name: str) -> np.ndarray:
    """One time-series column as floats."""
    return np.asarray(model.datacollector.model_vars[name], dtype=float)


def twin_efficiency(model) -> np.ndarray:
    """The humans-only twin's software efficiency S, week by week (the lab's own without AI)."""
    data = model.datacollector.model_vars
    if "twin_software_efficiency" in data:
        return np.asarray(data["twin_software_efficiency"], dtype=float)
    twin = getattr(model, "twin", None)
    history = twin.ln_s_history if twin is not None else model.ln_s_history
    return np.exp(np.asarray(history[:len(data["week"])], dtype=float))


def compression(model) -> np.ndarray:
    """Years of progress at the humans-only pace made in the trailing 52 weeks, week by week.

    The humans-only pace is the twin's mean rate of ln S per year since week 0 (floored at the
    speed floor of :mod:`model.metrics`); before week 52 the trailing window is what there is.
    """
    data = model.datacollector.model_vars
    if "compression" in data:
        return np.asarray(data["compression"], dtype=float)
    ln_s = np.log(column(model, "software_efficiency"))
    ln_twin = np.log(twin_efficiency(model))
    t = np.arange(ln_s.size)
    back = np.maximum(t - YEAR, 0)
    gained = ln_s - ln_s[back]
    pace = np.maximum(np.where(t > 0, ln_twin / np.maximum(t, 1) * YEAR, 0.0), SPEED_FLOOR)
    return gained / pace


def stop_of(model) -> str | None:
    """Why the run ended, or None while it runs."""
    stop = getattr(model, "stop", False)  # the core's: None while running, else why it ended
    if stop is None or isinstance(stop, str):
        return stop
    if model.running:
        return None
    return "explosion" if model.exploded else "horizon"


def _first(values: np.ndarray, level: float) -> int | None:
    hit = np.flatnonzero(values >= level * (1 - 1e-12))
    return int(hit[0]) if hit.size else None


def milestones(model, speedup: np.ndarray, ended: bool) -> tuple[Milestone, ...]:
    """The AI 2027 research-speed multipliers (held a frontier interval) and Forethought's."""
    data = model.datacollector.model_vars
    weeks = data["week"]
    hold = model.settings.frontier.interval_weeks
    out = [Milestone(name, "AI 2027", f"{level:g}x research speed",
                     sustained_crossing(weeks, speedup, level, hold, ended))
           for name, level in MILESTONES.items()]
    out.append(Milestone(AUTOMATED, "Forethought",
                         f"{COPIES:g} AI copies per human at {SPEED:g}x speed",
                         automated_researcher_week(data) if model.settings.ai.enabled else None))
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
    squeeze = compression(model)
    stop = stop_of(model)
    peak = int(np.argmax(speedup))
    top = int(np.argmax(squeeze))
    return Headline(
        week=int(model.week), horizon=int(model.settings.run.weeks), stop=stop,
        explosion_week=model.explosion_week, week_10x=_first(s, 10.0),
        week_1000x=_first(s, 1000.0), peak_speedup=float(speedup[peak]), peak_week=peak,
        compression=float(squeeze[top]), compression_week=top,
        milestones=milestones(model, speedup, stop is not None),
        cap=float(model.settings.explosion.max_log10_efficiency))


def weeks_text(week: int | None) -> str:
    """A week for people: 'week 130 (year 2.5)', or 'not yet'."""
    if week is None:
        return "not yet"
    return f"week {week} (year {week / YEAR:.1f})"
