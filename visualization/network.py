"""The researcher network view: who works with whom, how good their taste is, what AI builds on.

Humans sit on the collaboration network (a Watts-Strogatz graph in the model's Mesa ``Network``
space), coloured by taste (relative to the week-0 median human) and sized by the ideas they have
shipped into frontier runs. Each human's AI copilots are a count in the human's tooltip, not
nodes of their own. An autonomous AI cohort appears once it holds at least one copy, sized by its
copies, and is drawn beside, and linked to, the humans whose lines its ideas in flight build on:
the humans its ideas descend from through the idea lineage. A lab that records who merged each
idea (the page's :class:`~visualization.live.LiveModel` does) has those links; any other
model's cohorts ring the network.

The layout is computed once per model with a seeded spring layout and kept; humans hired later
are placed beside their collaborators. Its seed is derived from the model's seed sequence
without drawing from the model's generators, so drawing never changes the run: the page's lab
and ``takeoff run`` of the same scenario give the same numbers.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from agents.researchers import AI

MAX_DRAWN = 400  # humans drawn at most; a 100,000-person lab is shown by its first 400
LAYOUT_STREAM = 0x1A7  # spawn key of the layout's seed, apart from any stream the model uses
MAX_LINKS = 3  # links drawn per AI cohort: the researchers it builds on most
TASTE_COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")  # 0.5x to 2x the median
AI_COLOR = "#ff7f0e"
CATEGORIES = [{"name": "human researcher (colour: taste)", "itemStyle": {"color": "#21918c"}},
              {"name": "autonomous AI cohort (size: copies)", "symbol": "diamond",
               "itemStyle": {"color": AI_COLOR}}]


@dataclass
class Layout:
    """Node positions of one model's network, kept between redraws."""

    pos: dict[int, tuple[float, float]] = field(default_factory=dict)
    rng: np.random.Generator | None = None


_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def layout_seed(model) -> int:
    """A seed for drawing, derived from the model's seed without touching its generators."""
    seq = getattr(model.rng.bit_generator, "seed_seq", None)
    entropy = seq.entropy if isinstance(seq, np.random.SeedSequence) else model.settings.run.seed
    return int(np.random.SeedSequence(entropy, spawn_key=(LAYOUT_STREAM,)).generate_state(1)[0])


def layout(model) -> dict[int, tuple[float, float]]:
    """Positions of the drawn humans, computed once per model and extended as it hires."""
    graph = model.workforce.network.G
    drawn = min(graph.number_of_nodes(), MAX_DRAWN)
    kept = _LAYOUTS.get(model)
    if kept is None:
        seed = layout_seed(model)
        sub = graph.subgraph(range(drawn))
        pos = (nx.spring_layout(sub, k=2.0 / math.sqrt(drawn), iterations=100, seed=seed)
               if drawn > 1 else {0: (0.0, 0.0)})
        kept = Layout({int(n): (float(p[0]), float(p[1])) for n, p in pos.items()},
                      np.random.default_rng(seed))
        _LAYOUTS[model] = kept
    for node in range(len(kept.pos), drawn):  # humans hired since: beside their collaborators
        near = [kept.pos[m] for m in graph[node] if m in kept.pos]
        cx, cy = np.mean(near, axis=0) if near else (0.0, 0.0)
        dx, dy = kept.rng.normal(0.0, 0.05, 2)
        kept.pos[node] = (float(cx + dx), float(cy + dy))
    return kept.pos


def taste_color(taste: float) -> str:
    """A colour for a taste relative to the median human: 0.5x (dark) to 2x (bright)."""
    t = min(max((math.log2(max(taste, 1e-9)) + 1.0) / 2.0, 0.0), 1.0) * (len(TASTE_COLORS) - 1)
    lo = int(min(math.floor(t), len(TASTE_COLORS) - 2))
    a, b = (np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
            for c in TASTE_COLORS[lo:lo + 2])
    mix = a + (b - a) * (t - lo)
    return "#" + "".join(f"{int(round(v)):02x}" for v in mix)


def _size(shipped: float) -> float:
    return round(min(4.0 + 3.0 * math.log2(1.0 + max(shipped, 0.0)), 26.0), 1)


def _cohort_size(copies: float) -> float:
    return round(min(10.0 + 4.0 * math.log10(max(copies, 1.0)), 44.0), 1)


def builds_on(model, row: int) -> tuple[dict[int, float], float]:
    """Whose lines cohort ``row``'s ideas in flight build on.

    Returns:
        {human row: ideas in flight descending from that human's merged ideas}, and the ideas
        in flight that vary a merged idea at all (the rest are fresh).

    """
    roots = getattr(model, "lineage_roots", None)
    pipes = model.pipelines
    if roots is None or len(pipes) == 0:
        return {}, 0.0
    mine = (pipes.owner == row) & (pipes.state >= 0) & (pipes.parent >= 0)
    parents, weights = pipes.parent[mine], pipes.weight[mine]
    varied = float(weights.sum())
    known = parents < len(roots)
    who, weights = roots[parents[known]], weights[known]
    weights, who = weights[who >= 0], who[who >= 0]
    if who.size == 0:
        return {}, varied
    rows, inverse = np.unique(who, return_inverse=True)
    totals = np.bincount(inverse, weights=weights)
    return {int(r): float(w) for r, w in zip(rows, totals, strict=True)}, varied


def network_option(model) -> dict:
    """The researcher network as an ECharts graph option."""
    wf = model.workforce
    pos = layout(model)
    graph = wf.network.G
    humans, drawn = graph.number_of_nodes(), len(pos)
    node_of_row = {int(wf.human_rows[n]): n for n in range(drawn)}
    copilots = wf.copilot_copies if wf.ai_enabled else 0.0
    helped = f", {copilots:.3g} AI copilot copies" if copilots >= 0.01 else ""
    nodes, links = [], []
    for node in range(drawn):
        row = wf.human_rows[node]
        x, y = pos[node]
        taste = wf.taste_noise / wf.noise[row]
        nodes.append({"id": f"h{node}", "name": f"human {node}: taste {taste:.2f}x median, "
                      f"{wf.shipped[row]:.0f} ideas shipped{helped}",
                      "x": round(x * 100, 2), "y": round(y * 100, 2), "category": 0,
                      "symbolSize": _size(wf.shipped[row]), "value": round(float(taste), 3),
                      "itemStyle": {"color": taste_color(taste)}})
    for a, b in graph.subgraph(range(drawn)).edges():
        links.append({"source": f"h{a}", "target": f"h{b}"})
    cohorts = [int(r) for r in np.flatnonzero((wf.kind == AI) & (wf.copies >= 1.0))]
    for k, row in enumerate(cohorts):
        sources, varied = builds_on(model, row)
        near = sorted(((r, w) for r, w in sources.items() if r in node_of_row),
                      key=lambda item: -item[1])[:MAX_LINKS]
        x, y = _cohort_place(k, len(cohorts), near, pos, node_of_row)
        traced = sum(sources.values())
        lines = (f"the line of {len(sources)} human" if len(sources) == 1
                 else f"the lines of {len(sources)} humans")
        on = (f"; {100 * traced / varied:.0f}% of the ideas it varies trace back to {lines}"
              if varied else "")
        nodes.append({"id": f"a{k}", "name": f"AI cohort {k}: {wf.copies[row]:.3g} copies, "
                      f"{wf.shipped[row]:.3g} ideas shipped{on}", "x": x, "y": y,
                      "category": 1, "symbol": "diamond",
                      "symbolSize": _cohort_size(wf.copies[row]),
                      "value": round(float(wf.copies[row]), 1)})
        for r, w in near:
            links.append({"source": f"a{k}", "target": f"h{node_of_row[r]}", "lineStyle": {
                "color": AI_COLOR, "type": "dashed", "opacity": 0.8,
                "width": round(0.8 + 2.2 * w / near[0][1], 2)}})
    drawn_text = f"{humans} humans" if drawn == humans else f"{drawn} of {humans} humans"
    return {
        "animation": False, "backgroundColor": "transparent",
        "title": {"text": f"Researcher network: {drawn_text}, {len(cohorts)} AI cohorts",
                  "subtext": "human: colour = taste, size = ideas shipped; AI cohort: size = "
                             "copies, dashed links = whose ideas it builds on",
                  "left": "center", "textStyle": {"fontSize": 13},
                  "subtextStyle": {"fontSize": 10}},
        "tooltip": {"confine": True, "formatter": "{b}"},
        "legend": {"bottom": 0, "data": [c["name"] for c in CATEGORIES],
                   "textStyle": {"fontSize": 10}},
        "graphic": _taste_key(),
        "series": [{"type": "graph", "layout": "none", "roam": True, "categories": CATEGORIES,
                    "data": nodes, "links": links, "top": 56, "bottom": 44,
                    "lineStyle": {"color": "#b0b0b0", "opacity": 0.6, "width": 0.6},
                    "emphasis": {"focus": "adjacency"}, "label": {"show": False}}],
    }


def _cohort_place(k: int, n: int, near: list[tuple[int, float]], pos, node_of_row
                  ) -> tuple[float, float]:
    """Beside the humans a cohort builds on (pushed outwards), else on a ring round them all."""
    angle = 2 * math.pi * k / max(n, 1)
    if near:
        total = sum(w for _, w in near)
        cx = sum(pos[node_of_row[r]][0] * w for r, w in near) / total
        cy = sum(pos[node_of_row[r]][1] * w for r, w in near) / total
        r = math.hypot(cx, cy) or 1.0
        scale = (r + 0.3) / r
        # cohorts on the same lines sit side by side, not on top of each other
        return (round((cx * scale + 0.08 * math.cos(angle)) * 100, 2),
                round((cy * scale + 0.08 * math.sin(angle)) * 100, 2))
    return round(135 * math.cos(angle), 2), round(135 * math.sin(angle), 2)


def _taste_key() -> list[dict]:
    """The colour key: a gradient from 0.5x to 2x the median human's taste, top left."""
    stops = [{"offset": i / (len(TASTE_COLORS) - 1), "color": c}
             for i, c in enumerate(TASTE_COLORS)]
    text = {"fontSize": 9, "fill": "#888"}
    return [{"type": "group", "left": 8, "top": 40, "silent": True, "children": [
        {"type": "text", "style": {"text": "taste", **text}, "x": 0, "y": 0},
        {"type": "rect", "shape": {"x": 30, "y": 1, "width": 70, "height": 8},
         "style": {"fill": {"type": "linear", "x": 0, "y": 0, "x2": 1, "y2": 0,
                            "colorStops": stops}}},
        {"type": "text", "style": {"text": "0.5x", **text}, "x": 30, "y": 11},
        {"type": "text", "style": {"text": "2x", **text}, "x": 90, "y": 11}]}]
