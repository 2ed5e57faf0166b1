"""The page's controls: scenario picker, upload, download, share link, parameter sliders, compare.

Each slider shows its parameter's value and unit, and its one-line help from :mod:`model.schema`
(the one place a parameter is described). A slider moves over stops: evenly for a narrow range,
by two significant digits per decade for a wide one (boosts, speeds, counts, AI taste, copy
cost), and piecewise where the interesting part of a range is small (phi: most of the track
is 0.5 to 0.95). A move shows its value at once and is handed to ``on_value``; the page applies
a burst of moves once, when they stop (see :mod:`visualization.app`), and then starts the lab
again from week 0, so what is on screen is always exactly the settings shown, downloaded and
shared. The six sliders of the first screen are the contested ones; the rest fold away.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import reacton.ipyvuetify as v
import solara

from model.scenario import Scenario
from model.schema import BY_KEY, Param
from visualization.admission import MAX_HUMANS
from visualization.session import NONE
from visualization.sharing import MAX_SEEDS, download_name, download_text
from visualization.widgets import ShareLink, UploadButton


@dataclass(frozen=True)
class Knob:
    """A slider over one scenario key.

    Attributes:
        key: The dotted scenario key.
        label: A short name for people.
        log: Move on a log scale (two significant digits a stop).
        lo, hi: Slider range (the schema's range when None); a scenario may hold a value
            outside it (shown as is until the slider moves).
        step: Linear step.
        pieces: Piecewise-linear stops instead: ``((lo, hi, step), ...)``, low to high.

    """

    key: str
    label: str
    log: bool = False
    lo: float | None = None
    hi: float | None = None
    step: float = 0.01
    pieces: tuple[tuple[float, float, float], ...] = ()

    @property
    def param(self) -> Param:
        """The schema entry."""
        return BY_KEY[self.key]

    @property
    def bounds(self) -> tuple[float, float]:
        """The slider's range."""
        if self.pieces:
            return self.pieces[0][0], self.pieces[-1][1]
        p = self.param
        return (p.lo if self.lo is None else self.lo), (p.hi if self.hi is None else self.hi)

    @property
    def values(self) -> tuple[float, ...]:
        """Every stop of the slider, low to high."""
        if self.log:
            return _log_stops(*self.bounds, self.param.kind == "int")
        if self.pieces:
            return _piece_stops(self.pieces)
        return _linear_stops(*self.bounds, self.step)

    @property
    def positions(self) -> int:
        """Slider positions from 0 to this."""
        return len(self.values) - 1

    def to_position(self, value: float) -> int:
        """Where ``value`` sits on the slider (the nearest stop; clamped to the ends)."""
        stops = self.values
        value = min(max(float(value), stops[0]), stops[-1])
        i = bisect.bisect_left(stops, value)
        if i > 0 and (i == len(stops) or value - stops[i - 1] < stops[i] - value):
            i -= 1
        return i

    def to_value(self, position: float) -> float | int:
        """The value at a slider position: rounded for people, an int for integer keys."""
        position = int(min(max(round(float(position)), 0), self.positions))
        value = self.values[position]
        return int(round(value)) if self.param.kind == "int" else value


@functools.cache
def _log_stops(lo: float, hi: float, integer: bool) -> tuple[float, ...]:
    """1, 1.1, ... 9.9, 10, 11, ...: round values such as 0.15, 3 or 13 are reachable exactly."""
    stops = set()
    for decade in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for mantissa in range(10, 100):
            value = float(f"{mantissa}e{decade - 1}")  # exact decimal, no float residue
            if lo <= value <= hi:
                stops.add(float(round(value)) if integer else value)
    return tuple(sorted(stops | {float(lo), float(hi)}))


@functools.cache
def _linear_stops(lo: float, hi: float, step: float) -> tuple[float, ...]:
    digits = max(0, -math.floor(math.log10(step)))
    n = max(1, round((hi - lo) / step))
    return tuple(sorted({min(max(round(lo + i * step, digits), lo), hi) for i in range(n + 1)}))


@functools.cache
def _piece_stops(pieces: tuple[tuple[float, float, float], ...]) -> tuple[float, ...]:
    stops: set[float] = set()
    for lo, hi, step in pieces:
        stops.update(_linear_stops(lo, hi, step))
    return tuple(sorted(stops))


MAIN_KNOBS: tuple[Knob, ...] = (  # the first screen: the cruxes of the debate
    Knob("compute.shares.experiments", "experiment share"),
    Knob("compute.experiment_boost", "experiment boost", log=True),
    Knob("ai.taste", "AI taste", log=True, lo=0.01, hi=100.0),
    Knob("ai.copy_cost", "AI copy cost", log=True, lo=0.1, hi=1.0e5),
    Knob("ideas.phi", "phi: ideas get harder", pieces=((-3.0, 0.5, 0.25), (0.5, 0.95, 0.01))),
    Knob("experiments.frontier_coupling", "frontier coupling"),
)
MORE_KNOBS: tuple[Knob, ...] = (
    Knob("compute.growth_per_year", "compute growth", step=0.1),
    Knob("compute.shares.inference", "inference share"),
    Knob("compute.shares.training", "training share"),
    Knob("humans.count", "human researchers", log=True, lo=1, hi=MAX_HUMANS),
    Knob("humans.taste_noise", "human taste noise", log=True, lo=0.1),
    Knob("ai.speed", "AI speed", log=True),
    Knob("ai.taste_per_oom", "AI taste gain per OOM", log=True),
    Knob("experiments.transfer_decades", "transfer across scale", log=True, lo=0.1),
    Knob("frontier.interval_weeks", "frontier interval", log=True),
)
KNOBS = MAIN_KNOBS + MORE_KNOBS
REDRAW_STOPS = (1, 2, 4, 8, 13, 26, 52)  # weeks per redraw


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
        v.Html(tag="div", class_="takeoff-knob-label", attributes={"title": p.help},
               children=[f"{knob.label}: {show(value)}{unit}"])
        slider = v.Slider(v_model=knob.to_position(value), min=0, max=knob.positions, step=1,
                          dense=True, hide_details=True, class_="takeoff-slider")

        def changed(*args):
            on_value(knob.key, knob.to_value(args[-1]))

        v.use_event(slider, "change", changed)
        v.Html(tag="div", class_="takeoff-help", children=[p.help])


@solara.component
def ParameterCard(settings: Scenario, pending: Mapping[str, Any], on_value):
    """The sliders a user turns: the contested ones, then the rest folded away."""
    with solara.Card("Parameters", classes=["takeoff-card"]):
        for knob in MAIN_KNOBS:
            KnobSlider(knob, pending.get(knob.key, settings[knob.key]), on_value)
        with v.ExpansionPanels(flat=True, class_="takeoff-more"):
            with v.ExpansionPanel():
                v.ExpansionPanelHeader(children=["More parameters"])
                with v.ExpansionPanelContent():
                    for knob in MORE_KNOBS:
                        KnobSlider(knob, pending.get(knob.key, settings[knob.key]), on_value)


@solara.component
def ScenarioPicker(names: list[str], base: str, on_base):
    """Pick a scenario (a long name is cut short, the main area says what it asks)."""
    solara.Select("scenario", values=names, value=base, on_value=on_base,
                  classes=["takeoff-ellipsis"])


@solara.component
def RunCard(settings: Scenario, seeds: int, on_value, on_seeds):
    """Seed, horizon (weeks) and the band's seeds: each applies when entered."""
    with solara.Row(gap="8px", style={"align-items": "baseline"}):
        solara.InputText("seed", value=str(settings.run.seed), continuous_update=False,
                         on_value=lambda text: on_value("run.seed", _typed(text)),
                         style={"max-width": "30%"})
        solara.InputText("weeks", value=str(settings.run.weeks),
                         continuous_update=False,
                         on_value=lambda text: on_value("run.weeks", _typed(text)),
                         style={"max-width": "35%"})
        solara.Select("band seeds", values=list(range(1, MAX_SEEDS + 1)), value=seeds,
                      on_value=on_seeds, style={"max-width": "35%"})


def _typed(text: str) -> int | str:
    """An integer from a text box, or the text itself (validation then names it)."""
    try:
        return int(text.strip())
    except ValueError:
        return text


@solara.component
def FilesCard(download: Scenario, query: str, address: bool, on_upload):
    """Upload and download a scenario, and the share link (the page's address)."""
    with solara.Card("Files and link", classes=["takeoff-card"]):
        with solara.Row(style={"flex-wrap": "wrap", "margin": "0 0 12px 0"}):
            UploadButton.element(label="Upload scenario", on_upload=on_upload)
            # The text itself, not a function: a new function each render would cancel a download.
            solara.FileDownload(download_text(download), filename=download_name(download),
                                label="Download scenario", mime_type="application/toml")
        ShareLink.element(query=query, address=address)


@solara.component
def CompareCard(names: list[str], compare: str, on_compare, on_pin):
    """Overlay a second scenario's curves: a shipped one, an upload, or pinned settings."""
    with solara.Card("Compare", classes=["takeoff-card"]):
        solara.Select("compare with", values=[NONE, *names], value=compare,
                      on_value=on_compare, classes=["takeoff-ellipsis"])
        solara.Button("Pin these settings", on_click=on_pin, text=True, color="primary")


GUIDE = r"""
**Speedup** is the lab's research speed over that of its *humans-only twin* (same scenario, seed
and compute, AI switched off), both measured as software progress per year,
$\frac{d \ln S}{dt}$, over a trailing year. Above 1, AI researchers speed research up. The
progress chart shows both labs, so a stalled twin (which inflates the ratio) is in plain view.

**Compression** is how many years of progress at the humans-only pace the lab made in the last
year. **Proxy efficiency** is what small experiments claim; the frontier runs reveal the true $S$.

Sliders apply when they stop moving and start the lab again from week 0. **Step** advances the
lab *weeks per redraw* weeks; **Play** redraws every that many weeks (raise it for long runs).
**Band seeds** runs the same settings on more seeds in the background and draws their median
and spread. The address bar and the share link reopen exactly these settings.
"""


@solara.component
def GuideCard():
    """How to read the page, in a few lines."""
    with solara.Card("How to read it", classes=["takeoff-card"]):
        solara.Markdown(GUIDE, style={"font-size": "0.85rem"})
