"""Static matplotlib figures of one run (or two, overlaid), shared by the CLI and the app.

Each function takes the time-series columns as a mapping of name to sequence and returns a
matplotlib Figure; nothing here knows how the data was produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

Series = Mapping[str, Sequence[float]]
COLORS = {"main": "#1f77b4", "twin": "#7f7f7f", "other": "#d62728"}
SIZE = (6.4, 3.6)


def _years(data: Series) -> list[float]:
    return [w / 52.0 for w in data["week"]]


def _figure(title: str, ylabel: str, log: bool = False) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("years")
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    return fig, ax


def speedup(data: Series, other: Series | None = None, label: str = "", other_label: str = ""
            ) -> Figure:
    """Research speed over the humans-only twin's: the emergent speedup curve (log scale)."""
    fig, ax = _figure("Speedup over the humans-only twin", "speedup (x)", log=True)
    ax.plot(_years(data), [max(v, 1e-3) for v in data["speedup"]], color=COLORS["main"],
            label=label or "this run")
    if other is not None:
        ax.plot(_years(other), [max(v, 1e-3) for v in other["speedup"]], color=COLORS["other"],
                label=other_label or "compared", alpha=0.8)
    ax.axhline(1.0, color=COLORS["twin"], lw=0.8, ls="--")
    ax.legend(fontsize=8)
    return fig


def efficiency(data: Series, other: Series | None = None) -> Figure:
    """True software efficiency against what small-scale results claim (proxy)."""
    fig, ax = _figure("Software efficiency: true vs proxy", "x week 0", log=True)
    ax.plot(_years(data), data["software_efficiency"], color=COLORS["main"], label="true S")
    ax.plot(_years(data), data["proxy_efficiency"], color=COLORS["main"], ls=":",
            label="proxy (small-scale claims)")
    if other is not None:
        ax.plot(_years(other), other["software_efficiency"], color=COLORS["other"],
                label="true S (compared)")
    ax.legend(fontsize=8)
    return fig


def capability(data: Series, other: Series | None = None) -> Figure:
    """Capability of the latest frontier model, in OOMs of effective compute above week 0."""
    fig, ax = _figure("Frontier capability", "OOMs above week 0")
    ax.plot(_years(data), data["capability"], color=COLORS["main"])
    if other is not None:
        ax.plot(_years(other), other["capability"], color=COLORS["other"])
    return fig


def compute_shares(data: Series) -> Figure:
    """The lab's compute split, stacked."""
    fig, ax = _figure("Compute split", "share of lab compute")
    ax.stackplot(_years(data), data["share_inference"], data["share_experiments"],
                 data["share_training"], labels=["inference", "experiments", "training"],
                 colors=["#9467bd", "#2ca02c", "#ff7f0e"], alpha=0.85)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def researchers(data: Series) -> Figure:
    """Humans against AI copies (human-equivalents at AI speed), log scale."""
    fig, ax = _figure("Researchers", "count", log=True)
    ax.plot(_years(data), [max(v, 1e-3) for v in data["humans"]], label="humans",
            color="#8c564b")
    ax.plot(_years(data), [max(v, 1e-3) for v in data["ai_copies"]], label="AI copies",
            color="#17becf")
    ax.plot(_years(data), [max(v, 1e-3) for v in data["ai_human_equivalents"]],
            label="AI copies x speed", color="#17becf", ls=":")
    ax.legend(fontsize=8)
    return fig


def idea_funnel(data: Series) -> Figure:
    """Cumulative ideas at each stage: generated, tested per rung, merged, shipped, harmful."""
    fig, ax = _figure("Idea funnel (cumulative)", "ideas", log=True)
    rungs = sorted(k for k in data if k.startswith("ideas_tested_rung"))
    for key in ["ideas_generated", "ideas_started", *rungs, "ideas_merged", "ideas_shipped",
                "ideas_shipped_harmful"]:
        ax.plot(_years(data), [max(v, 1e-1) for v in data[key]],
                label=key.replace("ideas_", "").replace("_", " "))
    ax.legend(fontsize=7, ncol=2)
    return fig


def queue(data: Series) -> Figure:
    """Experiment queue and cycle time."""
    fig, ax = _figure("Experiment queue and cycle time", "ideas waiting", log=True)
    ax.plot(_years(data), [max(v, 1e-1) for v in data["queue_length"]], color="#e377c2",
            label="queue")
    ax2 = ax.twinx()
    ax2.plot(_years(data), data["mean_cycle_weeks"], color="#7f7f7f", label="cycle (weeks)")
    ax2.set_ylabel("weeks per rung")
    return fig


RUN_PLOTS = {"speedup": speedup, "efficiency": efficiency, "compute": compute_shares,
             "researchers": researchers, "ideas": idea_funnel}


def save_run_plots(data: Series, folder) -> list[str]:
    """Write the CLI's PNG plots of one run into ``folder``; return the file names."""
    names = []
    for name, make in RUN_PLOTS.items():
        fig = make(data)
        fig.savefig(f"{folder}/{name}.png", dpi=110, metadata={"Software": None})
        names.append(f"{name}.png")
    return names
