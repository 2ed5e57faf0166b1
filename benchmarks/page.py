"""The page's Step and redraw, through Solara: server CPU per click.

``visualization.measure`` renders the page as the tests do (``solara.render`` of ``Page`` inside
an ``AppLayout``, widgets synced as for a browser), clicks Step a few times to warm up, then
times each of ``clicks`` more clicks with ``time.process_time``: this process's CPU for the
week of the lab, the views' redraw and Solara's re-render and widget sync, every thread of the
process included (what the server spends per click, not the browser's drawing).
"""

from __future__ import annotations

from benchmarks.runs import optional
from benchmarks.timing import Sample


def step_clicks(clicks: int) -> dict | None:
    """CPU seconds per Step click (one Sample over the clicks) and to open the page.

    None while ``visualization.measure.measure`` does not exist.
    """
    measure = optional("visualization.measure", "measure")
    if measure is None:
        return None
    opened, costs = measure(clicks)
    return {"click": Sample([ms / 1000.0 for ms in costs]), "open": opened, "clicks": clicks}
