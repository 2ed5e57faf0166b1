"""Play, Step and Reset: the page's lab advanced week by week and redrawn every few weeks.

The lab lives in a :class:`Lab` (the model, a lock, and the views to redraw). Step advances it
``weeks per redraw`` weeks and redraws once; Play does that over and over in a background
thread until the lab stops or the visitor pauses; Reset builds the same settings again from
week 0. A redraw writes the open views' widgets directly (:func:`use_redraw`), so a step
redraws them and nothing else: no component of the page runs again. When the lab stops, Play
and Step are disabled and the page says why (:mod:`visualization.headline`); Reset, or any
change of settings, starts again.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import solara

from visualization.controls import REDRAW_STOPS
from visualization.live import LiveModel

PLAY_PAUSE_SECONDS = 0.02  # between redraws while playing: the browser keeps up, others too


class Lab:
    """The page's lab: the model on screen, swapped whole when the settings change.

    A step does not re-render the page: each view on screen registers a ``redraw`` (see
    :meth:`watch`) that writes its widget's new content directly, so a step costs the views'
    content and its trip to the browser, not a pass over the page's components.

    Attributes:
        model: A reactive holding the :class:`LiveModel`; the views follow its swaps.
        ended: The lab has stopped (Play, Step and the banner read it).
        lock: Held while the model steps or is swapped, so neither happens mid-week.

    """

    def __init__(self, model: solara.Reactive, ended: solara.Reactive):
        self.model, self.ended = model, ended
        self.lock = threading.Lock()
        self._views: dict[int, Callable[[], None]] = {}
        self._ids = itertools.count()

    def watch(self, redraw: Callable[[], None]) -> Callable[[], None]:
        """Call ``redraw`` after every step; returns the function that stops it."""
        key = next(self._ids)
        self._views[key] = redraw

        def stop() -> None:
            self._views.pop(key, None)

        return stop

    def advance(self, weeks: int) -> None:
        """Step the lab up to ``weeks`` weeks, then redraw every view once."""
        with self.lock:
            model = self.model.value
            for _ in range(weeks):
                if not model.running:
                    break
                model.step()
            stopped = not model.running
            for redraw in list(self._views.values()):
                redraw()
        if stopped:
            self.ended.set(True)

    def swap(self, model: LiveModel) -> None:
        """Show a new lab from week 0 (the views re-render for it)."""
        with self.lock:
            self.model.set(model)
        self.ended.set(not model.running)


def use_lab(build: Callable[[], LiveModel]) -> Lab:
    """The page's :class:`Lab`, built once with ``build``."""
    model = solara.use_reactive(solara.use_memo(build, []))
    ended = solara.use_reactive(False)
    return solara.use_memo(lambda: Lab(model, ended), [])


def use_redraw(lab: Lab, element, content: Callable[[], dict]) -> None:
    """Keep ``element``'s widget up to date as the lab steps, without re-rendering.

    Args:
        lab: The page's lab.
        element: The element the component renders (its widget gets the new content).
        content: The widget's new traits for the model now, e.g. ``{"option": ...}``.

    ``element`` must be a widget's element (``Widget.element(...)``), not a component's:
    Reacton sets each widget element's arguments on its widget at every render pass of the
    page, so the latest element is given the new values too, and a later pass keeps them.

    """
    latest = solara.use_ref((element, None))
    produce = solara.use_ref(content)
    produce.current = content

    def follow():  # after each render: this render's element and its widget
        latest.current = (element, solara.get_widget(element))

    def attach():
        def redraw() -> None:
            shown, widget = latest.current
            for name, value in produce.current().items():
                shown.kwargs[name] = value
                setattr(widget, name, value)

        return lab.watch(redraw)

    solara.use_effect(follow, None)
    solara.use_effect(attach, [])


@solara.component
def LiveHTML(lab: Lab, make: Callable[[LiveModel], str], css_class: str):
    """A block of HTML made from the lab by ``make``, rewritten as the lab steps."""
    model = lab.model.value
    element = solara.widgets.HTML.element(tag="div", unsafe_innerHTML=make(model),
                                          attributes={"class": css_class})
    use_redraw(lab, element, lambda: {"unsafe_innerHTML": make(model)})
    return element


@solara.component
def Player(lab: Lab, on_reset: Callable[[], None]):
    """Reset, Play / Pause and Step, and how many weeks each redraw advances."""
    playing = solara.use_reactive(False)
    every = solara.use_reactive(REDRAW_STOPS[0])
    ended = lab.ended.value

    def play() -> None:
        started = lab.model.value  # a swap (new settings, Reset) stops the play
        while playing.value and task.is_current() and lab.model.value is started:
            lab.advance(every.value)
            if lab.ended.value:
                break
            time.sleep(PLAY_PAUSE_SECONDS)
        if task.is_current():
            playing.set(False)

    task = solara.lab.use_task(play, dependencies=[playing.value])

    def reset() -> None:
        playing.set(False)
        on_reset()

    with solara.Row(justify="space-between", classes=["takeoff-player"]):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button("❚❚ Pause" if playing.value else "▶ Play", color="primary",
                      on_click=lambda: playing.set(not playing.value), disabled=ended)
        solara.Button("Step", color="primary", on_click=lambda: lab.advance(every.value),
                      disabled=ended or playing.value)
    position = REDRAW_STOPS.index(every.value)
    solara.v.Html(tag="div", class_="takeoff-knob-label", children=[
        f"weeks per redraw: {every.value}"],
        attributes={"title": "Step advances this many weeks; Play redraws every this many"})
    solara.v.Slider(v_model=position, min=0, max=len(REDRAW_STOPS) - 1, step=1, dense=True,
                    hide_details=True, class_="takeoff-redraw",
                    on_v_model=lambda i: every.set(REDRAW_STOPS[int(i)]))
