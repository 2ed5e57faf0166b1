"""The interactive takeoff lab: a Solara page over the core model.

Serve it with ``takeoff app`` (or ``solara run visualization/app.py``), or show it in a Jupyter
notebook::

    from visualization.app import page
    page

The first screen answers the question at a laptop's 1366x768: the sidebar holds Play / Step /
Reset (:mod:`visualization.player`), the scenario and the six contested sliders; the main area
says what the scenario asks, shows the headline cards and the banner once the run is over
(:mod:`visualization.headline`), and the speedup beside both labs' progress. Further tabs hold
the mechanisms' charts, the researcher network, the numbers and a forecast of the settings
(:mod:`visualization.forecast_view`). Only the open tab's views are drawn, and only they redraw
as the lab steps.

Every setting is in the page's address as it changes (:func:`visualization.session.query_of`),
so a reload, a bookmark or a shared link reopens exactly this page.
"""

from __future__ import annotations

import html
import threading
import time

import solara
from solara import _using_solara_server

from model.scenario import ScenarioError
from visualization import session
from visualization.controls import (
    CompareCard,
    FilesCard,
    GuideCard,
    ParameterCard,
    RunCard,
    ScenarioPicker,
)
from visualization.echart import EChart, Opaque
from visualization.forecast_view import ForecastView
from visualization.headline import Headline
from visualization.live import LiveModel
from visualization.memory import release_closed_sessions
from visualization.player import Lab, LiveHTML, Player, use_lab, use_redraw
from visualization.replicates import Replicates, bands_of
from visualization.sharing import display_name
from visualization.style import CSS
from visualization.views import VIEWS, numbers, render_views

DEBOUNCE_SECONDS = 0.4  # a burst of slider moves closer together than this applies once
OVERVIEW_PX = 370  # the first screen's two charts: above the fold at 1366x768
MECHANISMS = ("efficiency", "capability", "compute", "researchers", "funnel", "queue")
release_closed_sessions()


@solara.component
def Chart(name: str, lab: Lab, bands: solara.Reactive | None = None, height: int = 300):
    """View ``name`` of the lab on screen, redrawn as it steps, in the page's theme."""
    dark = bool(solara.lab.use_dark_effective())  # None until the browser says
    model = lab.model.value
    band = bands.value if bands is not None else None
    build = VIEWS[name]
    element = EChart.element(option=Opaque(build(model, band)), dark=dark, responsive=True,
                             attributes={"style": f"height: {height}px; width: 100%;",
                                         "data-view": name})
    use_redraw(lab, element, lambda: {"option": Opaque(build(model, band))})
    return element


def numbers_html(model) -> str:
    """The numbers table of ``model`` (and its comparison lab) as HTML."""
    rows = numbers(model)
    other = getattr(model, "compare", None)
    theirs = dict(numbers(other)) if other is not None else {}
    head = "".join(f"<th>{html.escape(h)}</th>" for h in
                   ["", "this lab", *(["compared"] if theirs else [])])
    body = "".join(
        f"<tr><td>{html.escape(what)}</td><td>{html.escape(value)}</td>"
        + (f"<td>{html.escape(theirs.get(what, ''))}</td>" if theirs else "") + "</tr>"
        for what, value in rows)
    title = html.escape(f"{display_name(model.settings.name)}, seed {model.settings.run.seed}")
    return (f"<div style='font-weight: 500; margin: 4px 8px'>{title}</div>"
            f"<table class='takeoff-numbers' style='border-spacing: 8px 3px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@solara.component
def Numbers(lab: Lab):
    """The lab's state now, in words and numbers, beside the comparison lab's."""
    LiveHTML(lab, numbers_html, "takeoff-numbers-panel")


@solara.component
def BandRuns(lab: Lab, seeds: int, bands: solara.Reactive):
    """Runs the replicate seeds in the background and hands their bands to the charts."""
    settings = lab.model.value.settings
    status = solara.use_reactive("")

    def run() -> None:
        bands.set(None)
        status.set("")
        if seeds <= 1:
            return
        job = Replicates(settings, seeds)
        shown = 0
        try:
            while task.is_current() and shown < seeds:
                job.wait(0.5)
                done = job.done
                if done != shown and task.is_current():
                    shown = done
                    if done >= 2:
                        bands.set(bands_of(job.results()))
                    status.set(f"band: {done} of {seeds} seeds run")
        except Exception as exc:  # a failed replicate is reported, the page goes on
            status.set(f"error: band: a replicate run failed ({exc.__class__.__name__}: {exc})")
        finally:
            job.cancel()

    task = solara.lab.use_task(run, dependencies=[settings.to_toml(), seeds])
    if status.value:
        solara.Text(status.value, classes=["takeoff-band-status"])


@solara.component
def Debounced(pending: solara.Reactive, apply):
    """Applies the slider moves in ``pending`` once they have stopped for a moment."""

    def settle() -> None:
        moves = dict(pending.value)
        if not moves:
            return
        time.sleep(DEBOUNCE_SECONDS)
        if not task.is_current():
            return  # another move came: its own wait applies them all
        apply(moves)
        pending.set({k: v for k, v in pending.value.items() if moves.get(k) != v})

    task = solara.lab.use_task(settle, dependencies=[pending.value])


@solara.component
def Page(query: str | None = None):
    """The page. ``query`` stands in for the address's query string (tests, notebooks)."""
    router = solara.use_router()
    start = solara.use_memo(lambda: session.initial(router.search if query is None else query),
                            [])
    library = solara.use_reactive(start[0])
    choice = solara.use_reactive(start[1])
    error = solara.use_reactive(start[2])
    pending = solara.use_reactive({})
    bands = solara.use_reactive(None)
    lab = use_lab(lambda: LiveModel(session.settings_of(start[0], start[1]),
                                    compare=session.compare_of(start[0], start[1])))
    building = solara.use_memo(threading.Lock, [])  # one rebuild at a time

    def run(new_library, new_choice) -> None:
        """Start the lab again from week 0 with new settings (validated and admitted)."""
        with building:
            model = LiveModel(session.settings_of(new_library, new_choice),
                              compare=session.compare_of(new_library, new_choice))
            library.set(new_library)
            choice.set(new_choice)
            error.set(None)
            lab.swap(model)

    def attempt(change) -> None:
        try:
            change()
        except ScenarioError as exc:
            error.set(f"error: {exc}")

    def moves(values) -> None:
        attempt(lambda: run(library.value,
                            session.with_values(library.value, choice.value, values)))

    def set_value(key, value) -> None:
        moves({key: value})

    def move(key, value) -> None:
        pending.set({**pending.value, key: value})

    def set_base(name) -> None:
        attempt(lambda: run(library.value, session.with_base(library.value, choice.value, name)))

    def upload(name, text, size) -> None:
        attempt(lambda: run(*session.with_upload(library.value, choice.value, name, text, size)))

    def set_compare(name) -> None:
        attempt(lambda: run(library.value,
                            session.with_compare(library.value, choice.value, name)))

    def set_seeds(n) -> None:
        def change():
            choice.set(session.with_seeds(choice.value, n))
            error.set(None)
        attempt(change)

    def pin() -> None:
        attempt(lambda: run(*session.with_pin(library.value, choice.value)))

    def reset() -> None:
        attempt(lambda: run(library.value, choice.value))

    lib, ch = library.value, choice.value
    settings = session.settings_of(lib, ch)
    names = list(lib)
    title = f"takeoff · {display_name(ch.base, 200)}" + (
        " (modified)" if session.modified(lib, ch) else "")
    with solara.Div():  # one root: the portals and helpers below take no room
        solara.Style(CSS)
        solara.Title(title)
        with solara.AppBarTitle():
            solara.v.Html(tag="div", class_="takeoff-ellipsis takeoff-title",
                          attributes={"title": title}, children=[title])
        with solara.AppBar():
            solara.lab.ThemeToggle(enable_auto=False)
        Debounced(pending, moves)
        with solara.Sidebar():
            with solara.Column(gap="10px", classes=["takeoff-sidebar"]):
                if error.value:
                    solara.Error(error.value, dense=True)
                with solara.Card(classes=["takeoff-card"]):
                    Player(lab, on_reset=reset)
                    ScenarioPicker(names, ch.base, on_base=set_base)
                ParameterCard(settings, pending.value, on_value=move)
                with solara.Card("Run", classes=["takeoff-card"]):
                    RunCard(settings, ch.seeds, on_value=set_value, on_seeds=set_seeds)
                CompareCard(names, ch.compare, on_compare=set_compare, on_pin=pin)
                FilesCard(session.download_of(lib, ch), session.query_of(lib, ch),
                          address=query is None and _using_solara_server(), on_upload=upload)
                GuideCard()
        Main(lab, lib, ch, bands)


@solara.component
def Main(lab: Lab, library, choice: session.Choice, bands: solara.Reactive):
    """The main area: what the scenario asks, the answer so far, and the charts by tab.

    Only the open tab's views are built; each redraws itself as the lab steps.
    """
    asks = " ".join(library[choice.base].description.split())
    with solara.Column(gap="6px", classes=["takeoff-main"]):
        solara.v.Html(tag="div", class_="takeoff-asks-main", attributes={"title": asks},
                      children=[f"{display_name(choice.base)}: {asks}" if asks
                                else display_name(choice.base)])
        Headline(lab)
        BandRuns(lab, choice.seeds, bands)
        with solara.lab.Tabs(lazy=True):
            with solara.lab.Tab("Speedup and progress"):
                with solara.Row(gap="8px", classes=["takeoff-pair"]):
                    Chart("speedup", lab, bands, height=OVERVIEW_PX)
                    Chart("progress", lab, bands, height=OVERVIEW_PX)
            with solara.lab.Tab("Mechanisms"):
                with solara.GridFixed(columns=2):
                    for name in MECHANISMS:
                        Chart(name, lab)
            with solara.lab.Tab("Network"):
                Chart("network", lab, height=520)
            with solara.lab.Tab("Numbers"):
                Numbers(lab)
            with solara.lab.Tab("Forecast"):
                ForecastView(lab.model.value.settings)

page = Page()

__all__ = ["Page", "page", "render_views", "LiveModel"]
