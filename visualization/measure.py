"""What the page costs the server: ``python -m visualization.measure``.

Renders the page through Solara (``solara.render`` in an ``AppLayout``, the widgets synced as
they are for a browser) and clicks Step: each click is a week of the lab and a redraw of the
open views. Prints the server CPU milliseconds per click (min, median, max) after a few warm-up
clicks, and the CPU seconds to open the page (building its lab included).
"""

from __future__ import annotations

import argparse
import statistics
import time


def measure(clicks: int, query: str | None = None) -> tuple[float, list[float]]:
    """CPU seconds to open the page, and CPU milliseconds of each of ``clicks`` Step clicks."""
    import ipyvuetify
    import solara
    from solara.components.applayout import AppLayout

    from visualization.app import Page

    start = time.process_time()
    _, rc = solara.render(AppLayout(children=[Page(query=query)]), handle_error=False)
    opened = time.process_time() - start
    step = rc.find(ipyvuetify.Btn, children=["Step"]).widget
    for _ in range(5):  # warm-up: first redraws compile and lay out
        step.click()
    costs = []
    for _ in range(clicks):
        t = time.process_time()
        step.click()
        costs.append((time.process_time() - t) * 1000.0)
    return opened, costs


def main(argv: list[str] | None = None) -> int:
    """Print the page's costs."""
    parser = argparse.ArgumentParser(prog="python -m visualization.measure",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=60, help="Step clicks timed (default 60)")
    parser.add_argument("--query", default=None, help="a share link's query (default: baseline)")
    args = parser.parse_args(argv)
    opened, costs = measure(args.clicks, args.query)
    print(f"open the page: {opened:.2f} s CPU")
    print(f"Step and redraw, {len(costs)} clicks: min {min(costs):.1f} ms, median "
          f"{statistics.median(costs):.1f} ms, max {max(costs):.1f} ms CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
