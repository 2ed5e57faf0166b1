"""The researcher network view: who works with whom, coloured by agent type, sized by shipped ideas.

Humans sit on the collaboration network (a Watts-Strogatz graph in the model's Mesa ``Network``
space); each human's AI copilots are drawn beside it; the autonomous AI cohorts, which belong to
no collaboration, ring the network. Node size grows with the ideas an agent has shipped into
frontier runs (log scale: an AI cohort ships for millions of copies).

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

from model.workforce import AI

MAX_DRAWN = 400  # humans drawn at most; a 100,000-person lab is shown by its first 400
LAYOUT_STREAM = 0x1A7  # spawn key of the layout's seed, apart from any stream the model uses
CATEGORIES = [{"name": "human researcher", "itemStyle": {"color": "#1f77b4"}},
              {"name": "AI researcher (autonomous cohort)", "itemStyle": {"color": "#ff7f0e"}},
              {"name": "AI copilots", "itemStyle": {"color": "#17becf"}}]


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


def _size(shipped: float) -> float:
    return round(min(5.0 + 3.0 * math.log2(1.0 + max(shipped, 0.0)), 30.0), 1)


def network_option(model) -> dict:
    """The researcher network as an ECharts graph option."""
    wf = model.workforce
    pos = layout(model)
    graph = wf.network.G
    humans = graph.number_of_nodes()
    drawn = len(pos)
    nodes, links = [], []
    for node in range(drawn):
        row = wf.human_rows[node]
        x, y = pos[node]
        taste = model.settings.humans.taste_noise / wf.noise[row]
        nodes.append({"name": f"human {node}: taste {taste:.2f}x median, "
                              f"{wf.shipped[row]:.0f} ideas shipped",
                      "x": round(x * 100, 2), "y": round(y * 100, 2), "category": 0,
                      "symbolSize": _size(wf.shipped[row]),
                      "value": round(float(wf.shipped[row]), 1)})
    for a, b in graph.subgraph(range(drawn)).edges():
        links.append({"source": int(a), "target": int(b)})
    if wf.ai_enabled and wf.copilot_copies > 0:
        size = round(3.0 + math.log10(1.0 + wf.copilot_copies), 1)
        for node in range(drawn):
            x, y = pos[node]
            r = math.hypot(x, y) or 1.0
            nodes.append({"name": f"copilots of human {node}: {wf.copilot_copies:.3g} copies",
                          "x": round((x + 0.09 * x / r) * 100, 2),
                          "y": round((y + 0.09 * y / r) * 100, 2), "category": 2,
                          "symbolSize": size, "value": round(float(wf.copilot_copies), 1)})
            links.append({"source": node, "target": len(nodes) - 1,
                          "lineStyle": {"type": "dotted", "color": "#17becf"}})
    cohorts = np.flatnonzero(wf.kind == AI)
    for k, row in enumerate(cohorts):
        angle = 2 * math.pi * k / max(len(cohorts), 1)
        nodes.append({"name": f"AI cohort {k}: {wf.copies[row]:.3g} copies, "
                              f"{wf.shipped[row]:.3g} ideas shipped",
                      "x": round(135 * math.cos(angle), 2), "y": round(135 * math.sin(angle), 2),
                      "category": 1, "symbolSize": _size(wf.shipped[row]),
                      "value": round(float(wf.shipped[row]), 1)})
    shown = f"{humans} humans" if drawn == humans else f"{drawn} of {humans} humans"
    return {
        "animation": False,
        "title": {"text": f"Researcher network: {shown}, {len(cohorts)} AI cohorts",
                  "subtext": "size: ideas shipped into frontier runs", "left": "center",
                  "textStyle": {"fontSize": 13}, "subtextStyle": {"fontSize": 10}},
        "tooltip": {"confine": True, "formatter": "{b}"},
        "legend": {"bottom": 0, "data": [c["name"] for c in CATEGORIES],
                   "textStyle": {"fontSize": 10}},
        "series": [{"type": "graph", "layout": "none", "roam": True, "categories": CATEGORIES,
                    "data": nodes, "links": links, "top": 50, "bottom": 40,
                    "lineStyle": {"color": "#b0b0b0", "opacity": 0.6, "width": 0.6},
                    "emphasis": {"focus": "adjacency"}, "label": {"show": False}}],
    }
