"""A forecast's figures, drawn from ``forecast.json`` alone, into ``DIR/plots/``.

- ``fan.png``: speedup over the humans-only twin and software efficiency against time, median
  and 10-90% fan over the samples (a quantile beyond the cap is drawn at the top edge).
- ``explosion_cdf.png``: the share of samples exploded by each week, with a band of two
  standard errors, and the probabilities at 2, 5 and 10 years.
- ``tornado.png``: each belief's rank correlation with the explosion week (and with the
  compression or peak speedup), strongest first, against the noise level of the sample size.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from takeoff.forecast.outcomes import YEARS, noise_level  # noqa: E402

BLUE, RED, GREY = "#1f77b4", "#d62728", "#7f7f7f"


def write_plots(found: dict, folder: Path) -> list[str]:
    """Write the figures; returns their file names."""
    folder.mkdir(parents=True, exist_ok=True)
    figures = {"fan.png": fan_chart(found), "explosion_cdf.png": explosion_cdf(found),
               "tornado.png": tornado(found)}
    written = []
    for name, fig in figures.items():
        if fig is not None:
            fig.savefig(folder / name, dpi=110)
            written.append(name)
    return written


def _title(found: dict) -> str:
    return (f"forecast {found['forecast']}: {found['finished']} samples "
            f"({found['sampler']}, seed {found['seed']})")


def fan_chart(found: dict) -> Figure:
    """Median and 10-90% fan of speedup and software efficiency over time (log scales)."""
    fan = found["fan"]
    years = np.asarray(fan["weeks"], dtype=float) / 52.0
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    panels = fig.subplots(1, 2)
    for ax, name, label in zip(panels, ("speedup", "software_efficiency"),
                               ("speedup over the humans-only twin",
                                "software efficiency (x week 0)"), strict=True):
        rows = {q: np.array([np.inf if v is None else v for v in fan[name][q]], dtype=float)
                for q in ("p10", "p50", "p90")}
        finite = np.concatenate([r[np.isfinite(r)] for r in rows.values()])
        top = float(finite.max()) * 3 if finite.size else 10.0
        clipped = {q: np.minimum(r, top) for q, r in rows.items()}
        ax.fill_between(years, clipped["p10"], clipped["p90"], color=BLUE, alpha=0.25,
                        lw=0, label="10-90% of samples")
        ax.plot(years, clipped["p50"], color=BLUE, lw=2, label="median")
        if name == "speedup":
            ax.axhline(1.0, color=GREY, lw=0.8, ls=":")
        ax.set_yscale("log")
        ax.set_xlabel("years")
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3, which="both", lw=0.4)
        if any(np.isinf(r).any() for r in rows.values()):
            ax.text(0.02, 0.97, "at the top edge: beyond the cap (exploded runs)",
                    transform=ax.transAxes, fontsize=7, va="top", color=GREY)
    panels[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(_title(found), fontsize=10)
    return fig


def explosion_cdf(found: dict) -> Figure:
    """Share of samples exploded by each week, +- 2 standard errors."""
    week = found["explosion"]["week"]
    n, horizon = week["runs"], week["horizon_weeks"]
    grid = np.arange(horizon + 1)
    done = np.asarray(week["weeks"], dtype=float)
    p = np.searchsorted(np.sort(done), grid, side="right") / max(n, 1)
    se = np.sqrt(p * (1 - p) / max(n, 1))
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.fill_between(grid / 52, np.clip(p - 2 * se, 0, 1), np.clip(p + 2 * se, 0, 1),
                    color=RED, alpha=0.2, lw=0, step="post", label="+- 2 standard errors")
    ax.step(grid / 52, p, where="post", color=RED, lw=2, label="exploded by then")
    for years in YEARS:
        est = found["explosion"].get(f"within_{years}_years", {})
        if est.get("p") is not None:
            ax.axvline(years, color=GREY, lw=0.8, ls=":")
            ax.annotate(f"{est['p']:.2f}", (years, est["p"]), xytext=(4, 4),
                        textcoords="offset points", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, horizon / 52)
    ax.set_xlabel("years")
    ax.set_ylabel("share of samples exploded")
    ax.grid(alpha=0.3, lw=0.4)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"{_title(found)}\n{week['exploded']} of {n} exploded within {horizon} weeks",
                 fontsize=9)
    return fig


def tornado(found: dict) -> Figure | None:
    """Each belief's rank correlation with each outcome, strongest first."""
    rows = [r for r in found["sensitivity"] if r["rank_correlation"] is not None]
    if not rows:
        return None
    outputs = list(dict.fromkeys(r["outcome"] for r in found["sensitivity"]))
    keys = list(dict.fromkeys(r["key"] for r in found["sensitivity"]))
    value = {(r["key"], r["outcome"]): r["rank_correlation"] or 0.0 for r in found["sensitivity"]}
    first = outputs[0]
    keys.sort(key=lambda k: abs(value[(k, first)]))  # strongest at the top
    noise = noise_level(found["finished"])
    fig = Figure(figsize=(4.2 * len(outputs) + 1.5, 0.38 * len(keys) + 1.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outputs), sharey=True))
    y = np.arange(len(keys))
    for ax, output in zip(axes, outputs, strict=True):
        v = np.array([value[(k, output)] for k in keys])
        ax.barh(y, v, color=[RED if x < 0 else BLUE for x in v], height=0.6)
        ax.axvspan(-noise, noise, color=GREY, alpha=0.15, lw=0)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-1, 1)
        ax.set_xlabel(f"rank correlation with {output}", fontsize=9)
        ax.grid(alpha=0.3, axis="x", lw=0.4)
    axes[0].set_yticks(y, keys, fontsize=8)
    fig.suptitle(f"{_title(found)}: which beliefs move the outcome\n(grey: within 2 standard "
                 f"errors of no effect; explosion week: < 0 means sooner)", fontsize=9)
    return fig


def peeling_trajectory(boxes: list, outcome: str) -> Figure:
    """Coverage against density along each box's peeling trajectory, the chosen box marked."""
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    for i, box in enumerate(boxes):
        t = box.trajectory
        points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=14,
                            marker="os^"[i % 3], label=f"box {i + 1}'s trajectory")
        ax.plot(t["coverage"], t["density"], color=GREY, lw=0.5)
        ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors=RED,
                   lw=1.5)
        ax.annotate(f"box {i + 1}", (box.coverage, box.density), xytext=(6, -12),
                    textcoords="offset points", fontsize=8, color=RED)
    fig.colorbar(points, ax=ax, label="restricted keys")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("coverage (share of the outcome's runs inside)")
    ax.set_ylabel("density (share of the runs inside with it)")
    ax.grid(alpha=0.3, lw=0.4)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {outcome}", fontsize=10)
    return fig
