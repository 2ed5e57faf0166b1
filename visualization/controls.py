"""The page's controls: scenario picker, upload, download, share link, parameter sliders, compare.

Each slider shows its parameter's unit and one-line help from :mod:`model.schema` (the one place
a parameter is described) and applies when released: the page then starts the lab again from
week 0 with the new value, so what is on screen is always exactly the settings shown, downloaded
and shared. Wide ranges (boosts, speeds, counts) move on a log scale.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reacton.ipyvuetify as v
import solara

from model.scenario import Scenario
from model.schema import BY_KEY, Param
from visualization.session import NONE
from visualization.sharing import download_name, download_text
from visualization.widgets import ShareLink, UploadButton


@dataclass(frozen=True)
class Knob:
    """A slider over one scenario key.

    Attributes:
        key: The dotted scenario key.
        label: A short name for people.
        log: Move on a log scale.
        lo, hi: Slider range (the schema's range when None); a scenario may hold a value
            outside it (shown as is until the slider moves).
        step: Linear step.

    """

    key: str
    label: str
    log: bool = False
    lo: float | None = None
    hi: float | None = None
    step: float = 0.01

    @property
    def param(self) -> Param:
        """The schema entry."""
        return BY_KEY[self.key]

    @property
    def bounds(self) -> tuple[float, float]:
        """The slider's range."""
        p = self.param
        return (p.lo if self.lo is None else self.lo), (p.hi if self.hi is None else self.hi)

    @property
    def values(self) -> tuple[float, ...]:
        """A log slider's stops: every two-significant-digit number in its range.

        1, 1.1, ... 9.9, 10, 11, ...: round values such as 0.15, 3 or 13 are reachable exactly.
        """
        return _log_stops(*self.bounds, self.param.kind == "int")

    @property
    def positions(self) -> int:
        """Slider positions from 0 to this."""
        if self.log:
            return len(self.values) - 1
        lo, hi = self.bounds
        return max(1, round((hi - lo) / self.step))

    def to_position(self, value: float) -> int:
        """Where ``value`` sits on the slider (the nearest stop; clamped to the ends)."""
        lo, hi = self.bounds
        value = min(max(float(value), lo), hi)
        if self.log:
            return bisect.bisect_left(self.values, value * (1 - 1e-9))
        return round((value - lo) / self.step)

    def to_value(self, position: float) -> float | int:
        """The value at a slider position: rounded for people, an int for integer keys."""
        position = int(min(max(round(float(position)), 0), self.positions))
        if self.log:
            value = self.values[position]
        else:
            lo, hi = self.bounds
            digits = max(0, -math.floor(math.log10(self.step)))
            value = min(max(round(lo + position * self.step, digits), lo), hi)
        return int(round(value)) if self.param.kind == "int" else value


@functools.cache
def _log_stops(lo: float, hi: float, integer: bool) -> tuple[float, ...]:
    stops = set()
    for decade in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for mantissa in range(10, 100):
            value = float(f"{mantissa}e{decade - 1}")  # exact decimal, no float residue
            if lo <= value <= hi:
                stops.add(float(round(value)) if integer else value)
    return tuple(sorted(stops | {float(lo), float(hi)}))


KNOBS: tuple[Knob, ...] = (
    Knob("compute.growth_per_year", "compute growth", step=0.1),
    Knob("compute.shares.inference", "inference share"),
    Knob("compute.shares.experiments", "experiment share"),
    Knob("compute.shares.training", "training share"),
    Knob("compute.experiment_boost", "experiment boost", log=True),
    Knob("humans.count", "human researchers", log=True, lo=1, hi=10_000),
    Knob("humans.taste_noise", "human taste noise", log=True, lo=0.1),
    Knob("ai.speed", "AI speed", log=True),
    Knob("ai.taste", "AI taste", log=True),
    Knob("ideas.phi", "phi: ideas get harder"),
    Knob("experiments.transfer_decades", "transfer across scale", log=True, lo=0.1),
    Knob("experiments.frontier_coupling", "frontier coupling"),
    Knob("frontier.interval_weeks", "frontier interval", log=True),
)


def show(value: Any) -> str:
    """A control's value for people."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@solara.component
def KnobSlider(knob: Knob, value: float, on_value: Callable[[str, Any], None]):
    """One parameter: its name, value and unit, a slider, and its one-line help."""
    p = knob.param
    unit = f" {p.unit}" if p.unit and p.unit != "-" else ""
    with solara.Column(gap="0px", classes=["takeoff-knob"]):
        solara.Text(f"{knob.label}: {show(value)}{unit}", style={"font-weight": "500"})
        slider = v.Slider(v_model=knob.to_position(value), min=0, max=knob.positions, step=1,
                          dense=True, hide_details=True, class_="takeoff-slider")

        def changed(*args):
            on_value(knob.key, knob.to_value(args[-1]))

        v.use_event(slider, "change", changed)
        solara.Text(p.help, style={"font-size": "0.75rem", "color": "#666",
                                   "line-height": "1.2"})


@solara.component
def ScenarioCard(names: list[str], base: str, settings: Scenario, query: str,
                 error: str | None, on_base, on_upload, on_value):
    """Pick, upload, download and share a scenario; set its horizon (the seed is Mesa's card)."""
    with solara.Card("Scenario"):
        if error:
            solara.Error(error, dense=True)
        solara.Select("scenario", values=names, value=base, on_value=on_base)
        solara.Text(settings.description.strip().split("\n")[0][:200],
                    style={"font-size": "0.8rem", "color": "#555"})
        solara.InputInt("horizon (weeks)", value=settings.run.weeks, continuous_update=False,
                        on_value=lambda weeks: on_value("run.weeks", weeks))
        with solara.Row(style={"flex-wrap": "wrap", "margin": "8px 0 12px 0"}):
            UploadButton.element(label="Upload scenario", on_upload=on_upload)
            # The text itself, not a function: a new function each render would cancel a download.
            solara.FileDownload(download_text(settings), filename=download_name(settings),
                                label="Download scenario", mime_type="application/toml")
        solara.Div(style={"height": "6px"})
        ShareLink.element(query=query)


@solara.component
def ParameterCard(settings: Scenario, on_value):
    """The sliders a user turns, each with its unit and help."""
    with solara.Card("Parameters"):
        for knob in KNOBS:
            KnobSlider(knob, settings[knob.key], on_value)


@solara.component
def CompareCard(names: list[str], compare: str, on_compare, on_pin):
    """Overlay a second scenario's curves: a shipped one, an upload, or pinned settings."""
    with solara.Card("Compare"):
        solara.Select("compare with", values=[NONE, *names], value=compare,
                      on_value=on_compare)
        solara.Button("Pin these settings to compare", on_click=on_pin, text=True,
                      color="primary")


GUIDE = r"""
**Speedup** is the lab's research speed over that of its *humans-only twin* (same scenario, seed
and compute, AI switched off), both measured as software progress per year,
$\frac{d \ln S}{dt}$, over a trailing year. Above 1, AI researchers speed research up.

**Proxy efficiency** is what small experiments claim; the frontier runs reveal the true $S$.

Sliders apply when released and start the lab again from week 0. **Step** advances
*Render Interval* weeks; **Play** redraws every that many weeks (raise it for long runs).
The seed applies on **Reset**. The share link reopens exactly these settings.
"""


@solara.component
def GuideCard():
    """How to read the page, in a few lines."""
    with solara.Card("How to read it"):
        solara.Markdown(GUIDE, style={"font-size": "0.85rem"})
