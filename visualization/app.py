"""The interactive takeoff lab: Mesa's SolaraViz over the core model.

Serve it with ``takeoff app`` (or ``solara run visualization/app.py``), or show it in a Jupyter
notebook::

    from visualization.app import page
    page

The sidebar holds Mesa's cards first: Play / Step / Reset (Step advances "Render Interval" weeks,
and Play redraws every that many weeks, which keeps long runs responsive) and the seed (applied on
Reset). Then the scenario (pick, upload, download, share link, horizon), the parameter sliders,
the comparison and a short guide. The main area shows the views of :mod:`visualization.views`,
redrawn as the lab steps.

A share link is this page's address with the settings in its query string
(``?base=baseline&ideas.phi=0.9``); opening it starts from exactly those settings.
"""

from __future__ import annotations

import html
from dataclasses import replace

import ipyvuetify
import reacton.core
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from solara.components.applayout import sidebar_portal

from model.scenario import ScenarioError
from visualization import session
from visualization.controls import CompareCard, GuideCard, ParameterCard, ScenarioCard
from visualization.live import LabSpec, LiveModel, lab_class
from visualization.sharing import share_query
from visualization.views import VIEWS, numbers, render_views
from visualization.widgets import EChart, Opaque

CHART_STYLE = {"style": "height: 370px; width: 100%;"}
PLAY_INTERVAL_MS = 20
SIDEBAR_RANK = 1 << 20  # solara.Sidebar ranks by nesting depth, 2**depth: far below this
# The step count, handed from LabView to every view: one redraw pass per step for all views.
tick = solara.create_context(0)


def chart(name: str):
    """A SolaraViz component drawing view ``name``, redrawn whenever the lab steps."""
    build = VIEWS[name]

    @solara.component
    def Chart(model):
        tick.use()
        EChart.element(option=Opaque(build(model)), attributes=CHART_STYLE, responsive=True)

    Chart.__name__ = Chart.__qualname__ = f"{name.title()}Chart"
    return Chart


@solara.component
def Numbers(model):
    """The lab's state now, in words and numbers, beside the comparison lab's."""
    tick.use()
    rows = numbers(model)
    other = getattr(model, "compare", None)
    theirs = dict(numbers(other)) if other is not None else {}
    head = "".join(f"<th>{html.escape(h)}</th>" for h in
                   ["", "this lab", *(["compared"] if theirs else [])])
    body = "".join(
        f"<tr><td>{html.escape(what)}</td><td>{html.escape(value)}</td>"
        + (f"<td>{html.escape(theirs.get(what, ''))}</td>" if theirs else "") + "</tr>"
        for what, value in rows)
    title = html.escape(f"{model.settings.name}, seed {model.settings.run.seed}")
    solara.HTML(tag="div", unsafe_innerHTML=f"<div style='font-weight: 500; margin: 4px 8px'>"
                f"{title}</div><table class='takeoff-numbers' style='border-spacing: 8px 3px'>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                style="height: 370px; overflow: auto; font-size: 0.8rem; line-height: 1.25")


COMPONENTS = [(Numbers, 0), *((chart(name), 0) for name in VIEWS)]


@solara.component
def LabView(model: solara.Reactive, seed_box: solara.Reactive):
    """SolaraViz over the page's lab, redrawn as a whole when Mesa steps it.

    Mesa bumps ``update_counter`` after each step (or each k steps). Reading it here, once, and
    handing it to the views through ``tick`` redraws them all in one pass; a view reading the
    counter itself would cost a pass of the whole page per view. The seed box is Mesa's Model
    Parameters card, bound to ``seed_box``; it applies on Reset.
    """
    tick.provide(update_counter.get())
    params = {"seed": {"type": "InputText", "value": seed_box, "label": "seed (applies on Reset)"}}
    SolaraViz(model, components=COMPONENTS, model_params=params,
              name="takeoff: human and AI researchers, one lab", play_interval=PLAY_INTERVAL_MS)


@solara.component
def Page(query: str | None = None):
    """The page. ``query`` stands in for the address's query string (tests, notebooks).

    One SolaraViz lives as long as the page. A change of settings updates what Reset builds
    (``spec``) and presses Mesa's own Reset, so Play / Step / Reset always agree with the lab on
    screen (SolaraViz cannot be mounted afresh: its sidebar state would outlive it).
    """
    router = solara.use_router()
    start = solara.use_memo(lambda: session.initial(router.search if query is None else query),
                            [])
    library = solara.use_reactive(start[0])
    choice = solara.use_reactive(start[1])
    error = solara.use_reactive(start[2])
    first = solara.use_memo(lambda: session.settings_of(start[0], start[1]), [])
    seed_box = solara.use_reactive(str(first.run.seed))
    spec = solara.use_memo(lambda: LabSpec(first, session.compare_of(start[0], start[1])), [])
    lab = solara.use_memo(lambda: lab_class(spec, lambda: seed_box.value), [])
    model = solara.use_reactive(solara.use_memo(lambda: lab(), []))
    context = reacton.core.get_render_context()
    shown = model.value.settings  # what runs, downloads and shares

    def apply(new_library, new_choice, seed: int | None = None) -> None:
        """Run new settings: validate, hand them to Reset, press Reset; or show the error."""
        try:
            spec.settings = session.settings_of(new_library, new_choice)
            spec.compare = session.compare_of(new_library, new_choice)
        except ScenarioError as exc:
            error.set(f"error: {exc}")
            return
        error.set(None)
        if seed is not None:  # a new scenario brings its seed; otherwise the box keeps its own
            seed_box.set(str(seed))
        library.set(new_library)
        choice.set(new_choice)
        context.find(ipyvuetify.Btn, children=["Reset"]).widget.click()

    def attempt(change) -> None:
        try:
            change()
        except ScenarioError as exc:
            error.set(f"error: {exc}")

    def set_value(key: str, value) -> None:
        attempt(lambda: apply(library.value,
                              session.with_value(library.value, choice.value, key, value)))

    def set_base(name: str) -> None:
        def change():
            new_choice = session.with_base(library.value, choice.value, name)
            apply(library.value, new_choice, library.value[name].run.seed)
        attempt(change)

    def upload(name: str, text: str, size: int) -> None:
        def change():
            new_library, new_choice = session.with_upload(library.value, choice.value, name,
                                                          text, size)
            apply(new_library, new_choice, new_library[new_choice.base].run.seed)
        attempt(change)

    def set_compare(name: str) -> None:
        apply(library.value, replace(choice.value, compare=name))

    def pin() -> None:
        apply(*session.with_pin(library.value, choice.value, shown))

    names = list(library.value)
    solara.Title("takeoff")
    LabView(model, seed_box)
    base = choice.value.base
    with AfterMesaControls():
        ScenarioCard(names, base, shown, share_query(shown, base),
                     error.value or model.value.notice,
                     on_base=set_base, on_upload=upload, on_value=set_value)
        ParameterCard(shown, on_value=set_value)
        CompareCard(names, choice.value.compare, on_compare=set_compare, on_pin=pin)
        GuideCard()


@solara.component
def AfterMesaControls(children=()):
    """Put ``children`` in the sidebar below SolaraViz's own cards (Play / Step / Reset first).

    ``solara.Sidebar`` gives SolaraViz's cards and these the same rank and keeps them in the order
    they were added, which differs between a server and a test; a higher rank keeps these last.
    """
    sidebar_portal.use_portal_add([solara.Column(children=list(children))], SIDEBAR_RANK)
    return solara.Div(style="display: none")


page = Page()

__all__ = ["Page", "page", "render_views", "LiveModel"]
