"""One small PNG per validation row (matplotlib, Agg): what the measured number comes from."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

SIZE = (6.0, 3.3)
DPI = 80
LN10 = math.log(10.0)
AGENTS, AGGREGATE, OTHER = "#1f77b4", "#d62728", "#7f7f7f"


def _figure(title: str, xlabel: str, ylabel: str, size=SIZE, log: bool = False):
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    if log:
        ax.set_yscale("log")
    return fig, ax


def save(fig: Figure, path) -> None:
    """Write a figure as a small PNG with no timestamp (same bytes for the same figure)."""
    fig.savefig(path, dpi=DPI, metadata={"Software": None})


def progress(trace) -> Figure:
    """Humans-only log10 S per seed, against the 2x and 5x a year band."""
    fig, ax = _figure("Humans-only software progress", "years", "log10 S")
    for _, _, weeks, ln_s in trace:
        ax.plot(np.array(weeks) / 52, np.array(ln_s) / LN10, color=AGENTS, lw=1, alpha=0.7)
    years = np.linspace(0, max(t[2][-1] for t in trace) / 52, 20)
    for rate, style in ((2.0, ":"), (3.0, "--"), (5.0, ":")):
        ax.plot(years, years * math.log10(rate), color=OTHER, ls=style, lw=1,
                label=f"{rate:g}x/year")
    ax.legend(fontsize=7)
    return fig


def elasticity(trace, boost: float = 10.0) -> Figure:
    """Speed at week-0 difficulty with and without 10x experiment compute, per seed."""
    fig, ax = _figure("10x experiment compute: research speed", "experiment compute (x)",
                      "ln S per year (week-0 difficulty)", log=True)
    ax.set_xscale("log")
    for _, _, x, v in trace:
        ax.plot(x, v, "o-", color=AGENTS, lw=1, ms=3, alpha=0.7)
    v0 = float(np.exp(np.mean([np.log(t[3][0]) for t in trace])))
    for el, style in ((0.5, ":"), (0.7, "--"), (0.85, ":")):
        ax.plot([1, boost], [v0, v0 * boost**el], color=OTHER, ls=style, lw=1,
                label=f"elasticity {el:g}")
    ax.legend(fontsize=7)
    return fig


def shipped(helped: list[float], hurt: list[float]) -> Figure:
    """Shares of shipped ideas that helped, did little and hurt at scale, per seed."""
    fig, ax = _figure("What shipped ideas do at scale", "seed", "share of shipped ideas")
    x = np.arange(len(helped))
    useless = 1.0 - np.array(helped) - np.array(hurt)
    ax.bar(x, helped, color="#2ca02c", label="help")
    ax.bar(x, useless, bottom=helped, color="#c7c7c7", label="little effect")
    ax.bar(x, hurt, bottom=np.array(helped) + useless, color=AGGREGATE, label="hurt")
    ax.axhline(0.5, color="k", lw=0.8, ls="--")
    ax.set_xticks(x, [str(i + 1) for i in x])
    ax.legend(fontsize=7, loc="lower right")
    return fig


def drift(trace) -> Figure:
    """Proxy (small-scale claims) against true efficiency, without frontier runs."""
    fig, ax = _figure("No big runs: proxy vs true efficiency", "years", "log10 efficiency")
    for label, _, weeks, values in trace:
        color = AGENTS if label == "proxy" else AGGREGATE
        ax.plot(np.array(weeks) / 52, np.log10(np.maximum(values, 1e-300)), color=color, lw=1,
                alpha=0.7, label=label)
    _dedupe_legend(ax)
    return fig


def taste(trace) -> Figure:
    """Log S with default taste and with twice the taste noise, per seed."""
    fig, ax = _figure("Worse taste, same compute", "years", "log10 S")
    colors = {}
    for label, _, weeks, ln_s in trace:
        color = colors.setdefault(label, AGENTS if not colors else AGGREGATE)
        ax.plot(np.array(weeks) / 52, np.array(ln_s) / LN10, color=color, lw=1, alpha=0.7,
                label=label)
    _dedupe_legend(ax)
    return fig


def noise(trace, weeks=(26, 104)) -> Figure:
    """Research speed of the same humans-only lab under different seeds: the noise floor."""
    fig, ax = _figure("Same lab, different seeds: research speed", "weeks", "ln S per year")
    for _, _, w, v in trace:
        ax.plot(w, v, color=AGENTS, lw=1, alpha=0.7)
    for week in weeks:
        ax.axvline(week, color=OTHER, lw=0.8, ls=":")
    return fig


def boundary(b) -> Figure:
    """Agents' and aggregate's fate against phi, and the aggregate's lambda along S."""
    fig = Figure(figsize=(6.0, 5.6), layout="constrained")
    ax, ax2 = fig.subplots(2, 1)
    for phi, weeks in b.agents.items():
        for w in weeks:
            ax.plot(phi, w if w is not None else b.weeks + 20, "o", color=AGENTS, ms=4,
                    alpha=0.6)
    ax.plot(list(b.aggregate), [w if w is not None else b.weeks + 20 for w, _ in
                                b.aggregate.values()], "s--", color=AGGREGATE, ms=4,
            label="aggregate")
    ax.plot([], [], "o", color=AGENTS, label="agents (seeds)")
    ax.axhline(b.weeks, color=OTHER, lw=0.8)
    ax.text(b.phis[0], b.weeks + 8, "no explosion within the horizon", fontsize=7)
    ax.axvline(b.aggregate_phi, color=AGGREGATE, lw=1, ls=":")
    ax.axvspan(b.agents_below, b.agents_phi, color=AGENTS, alpha=0.12, label="agents' boundary")
    ax.set_xlabel("ideas.phi", fontsize=9)
    ax.set_ylabel("explosion week", fontsize=9)
    ax.set_title("Explosion boundary (experiment compute not binding)", fontsize=10)
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(alpha=0.3)
    ax2.plot(b.lambda_s, b.lambda_eff, "o-", color=AGGREGATE, ms=3)
    ax2.axhline(1 - b.aggregate_phi, color=AGGREGATE, ls=":", lw=1,
                label=f"1 - phi at the boundary ({1 - b.aggregate_phi:.2f})")
    ax2.set_xlabel("log10 S", fontsize=9)
    ax2.set_ylabel("lambda (aggregate)", fontsize=9)
    ax2.set_title("Returns: r = lambda / (1 - phi) > 1 where lambda is above 1 - phi",
                  fontsize=10)
    ax2.legend(fontsize=7)
    ax2.grid(alpha=0.3)
    return fig


def agreement(results) -> Figure:
    """Aggregate against the agents' mean (and range) of ln S, one panel per regime."""
    n = len(results)
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(6.4, 2.6 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, a in zip(axes, results, strict=False):
        weeks = np.arange(a.agents.shape[1]) / 52
        ax.fill_between(weeks, a.agents.min(axis=0) / LN10, a.agents.max(axis=0) / LN10,
                        color=AGENTS, alpha=0.2, lw=0)
        ax.plot(weeks, a.mean / LN10, color=AGENTS, lw=1.2, label="agents (mean)")
        ax.plot(weeks, a.aggregate / LN10, color=AGGREGATE, lw=1.2, ls="--", label="aggregate")
        tol = "report" if a.regime.tolerance is None else f"tol. {a.regime.tolerance:.0%}"
        ax.set_title(f"{a.regime.key}: worst {a.worst:.1%} ({tol})", fontsize=9)
        ax.set_xlabel("years", fontsize=8)
        ax.set_ylabel("log10 S", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig


def returns(r) -> Figure:
    """Block research speeds against lab size, coloured by software efficiency."""
    fig, ax = _figure(f"Implied lambda {r.lam:.2f}, beta {r.beta:.2f}, r {r.r:.2g}",
                      "ln researchers", "ln research speed (ln S / year)")
    sc = ax.scatter(r.points[:, 0], r.points[:, 2], c=r.points[:, 1] / LN10, s=12,
                    cmap="viridis")
    cb = fig.colorbar(sc, ax=ax)
    cb.set_label("log10 S", fontsize=8)
    return fig


def milestones(m, levels: dict) -> Figure:
    """The baseline's speedup per seed, the aggregate's, and the AI 2027 multipliers."""
    fig, ax = _figure("Baseline speedup and AI 2027 milestones", "years", "speedup (x)",
                      log=True)
    for _, weeks, speedup in m.series:
        ax.plot(np.array(weeks) / 52, np.maximum(speedup, 1e-2), color=AGENTS, lw=0.9,
                alpha=0.6)
    weeks, speedup = m.aggregate_series
    ax.plot(np.array(weeks) / 52, np.maximum(speedup, 1e-2), color=AGGREGATE, lw=1.2, ls="--",
            label="aggregate")
    ax.plot([], [], color=AGENTS, label="agents (seeds)")
    for name, level in levels.items():
        ax.axhline(level, color=OTHER, lw=0.8, ls=":")
        ax.text(0.05, level * 1.08, f"{name} {level:g}x", fontsize=7)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def _dedupe_legend(ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    seen = {}
    for h, lab in zip(handles, labels, strict=True):
        seen.setdefault(lab, h)
    ax.legend(list(seen.values()), list(seen), fontsize=7)
