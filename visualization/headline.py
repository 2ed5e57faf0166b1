"""The first screen's answer: headline cards, the milestones, and the end-of-run banner.

All of it is :func:`visualization.story.headline` of the lab on screen (and of the comparison
lab, on each card's second line), redrawn with the charts. The cards are one block of HTML, so
a redraw updates one widget.
"""

from __future__ import annotations

import html

import solara

from visualization import story
from visualization.player import LiveHTML
from visualization.sharing import display_name
from visualization.views import number

CARDS = ("run", "explosion", "S reached 10x", "S reached 1000x", "peak speedup", "compression")


def card_values(head: story.Headline) -> dict[str, str]:
    """Each card's value, in words."""
    run = (f"running: week {head.week}/{head.horizon}" if head.running
           else f"{head.stop}: week {head.week}")
    explosion = (story.weeks_text(head.explosion_week) if head.explosion_week is not None
                 else ("not yet" if head.running else "none"))
    return {
        "run": run,
        "explosion": explosion,
        "S reached 10x": story.weeks_text(head.week_10x),
        "S reached 1000x": story.weeks_text(head.week_1000x),
        "peak speedup": f"{number(head.peak_speedup)}x (week {head.peak_week})",
        "compression": f"{number(head.compression)} years in a year "
                       f"(week {head.compression_week})",
    }


def milestone_text(head: story.Headline) -> str:
    """The AI milestones in one line: reached where, or not yet."""
    return "Milestones: " + " · ".join(
        f"{m.what} ({m.source}'s {m.name}): {story.weeks_text(m.week)}" for m in head.milestones)


def milestones_html(model) -> str:
    """The milestones line of ``model`` as HTML."""
    return html.escape(milestone_text(story.headline(model)))


def cards_html(model) -> str:
    """The headline cards of ``model``, each with the comparison lab's value below."""
    head = story.headline(model)
    other = getattr(model, "compare", None)
    theirs = card_values(story.headline(other)) if other is not None else None
    ours = card_values(head)
    cells = []
    for name in CARDS:
        extra = (f"<div class='takeoff-card-vs'>vs {html.escape(display_name(other.settings.name))}"
                 f": {html.escape(theirs[name])}</div>" if theirs else "")
        cells.append(f"<div class='takeoff-headcard' data-card='{html.escape(name)}'>"
                     f"<div class='takeoff-card-name'>{html.escape(name)}</div>"
                     f"<div class='takeoff-card-value'>{html.escape(ours[name])}</div>"
                     f"{extra}</div>")
    return "".join(cells)


@solara.component
def Headline(lab):
    """The headline cards, the milestones line and, once the lab stops, the banner."""
    model = lab.model.value
    ended = lab.ended.value
    ending = story.headline(model).ending() if ended else None
    with solara.Div():  # always there, so the cards below keep their place (and widget)
        if ending:
            solara.v.Alert(type="info", dense=True, outlined=True, class_="takeoff-banner",
                           children=[f"{ending} Reset or change a setting to run it again."])
    LiveHTML(lab, cards_html, "takeoff-headcards")
    LiveHTML(lab, milestones_html, "takeoff-milestones")
