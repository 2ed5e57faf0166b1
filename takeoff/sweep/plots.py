"""Figures of a finished sweep, written to ``DIR/plots/``.

- ``speedup.png``: the speedup over the humans-only twin against time, median and 10-90% band
  of the replicates of each design point (each point in its own panel when there are more than
  10; grouped by the first varied key when there are more than 36).
- ``explosion_probability.png`` and ``weeks_to_1000x.png``: heatmaps over the first two varied
  keys (a strip for one key), other keys pooled. Ranges are cut into equal bins (equal in log
  space for a log range). Weeks to 1000x is the median over runs; a cell where most runs never
  got there reads "not reached".

Everything is streamed from the store: a figure never holds more than a few hundred series.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pyarrow.parquet as pq

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from takeoff.sweep.design import Design  # noqa: E402
from takeoff.sweep.spec import Axis  # noqa: E402
from takeoff.sweep.store import Store  # noqa: E402

BAND = (10, 50, 90)  # percentiles drawn
MAX_SERIES_PER_GROUP = 200  # a band's shape is settled long before this many runs
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
          "#17becf", "#bcbd22", "#7f7f7f"]


def write_plots(design: Design, store: Store, folder: Path) -> list[str]:
    """Write the sweep's figures into ``folder``; returns the file names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    fig = speedup_bands(design, store)
    if fig is not None:
        fig.savefig(folder / "speedup.png", dpi=110)
        written.append("speedup.png")
    for name, fig in outcome_maps(design, store).items():
        fig.savefig(folder / f"{name}.png", dpi=110)
        written.append(f"{name}.png")
    return written


def short_names(axes: tuple[Axis, ...]) -> list[str]:
    """Each key's last part (``experiment_boost``), or the whole key when two would clash."""
    leaves = [a.key.rsplit(".", 1)[-1] for a in axes]
    return [leaf if leaves.count(leaf) == 1 else a.key for leaf, a in zip(leaves, axes,
                                                                          strict=True)]


def fmt(value) -> str:
    """A parameter value, short."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def point_label(design: Design, point: int, sep: str = ", ") -> str:
    """``boost=10, speed=3``."""
    raw = design.raw(point)
    names = short_names(design.axes)
    return sep.join(f"{n}={fmt(raw[a.key])}" for n, a in zip(names, design.axes, strict=True))


class Cells:
    """Which cell of a plot axis each design point falls in, for one varied key."""

    def __init__(self, design: Design, j: int, bins: int):
        self.design, self.j = design, j
        axis = design.axes[j]
        self.axis = axis
        if axis.values is not None:
            self.labels = [fmt(v) for v in axis.values]
        else:
            edges = np.linspace(0.0, 1.0, bins + 1)
            values = [axis.value(float(u)) for u in edges]
            self.labels = [f"{fmt(a)}-{fmt(b)}" for a, b in zip(values, values[1:], strict=False)]
        self.n = len(self.labels)

    def of(self, point: int) -> int:
        """The cell of design point ``point``."""
        if self.design.unit is None:
            return self.design.grid_index(point)[self.j]
        u = float(self.design.unit[point, self.j])
        return min(int(u * self.n), self.n - 1)


def _bins(design: Design) -> int:
    """Bins per range axis: about five design points per cell, 2 to 8 bins."""
    cells = max(1, design.unique // 5)
    per_axis = cells ** (1.0 / min(2, len(design.axes)))
    return int(min(8, max(2, round(per_axis))))


def speedup_bands(design: Design, store: Store) -> Figure | None:
    """Speedup over the twin, median and 10-90% band per design point (or group of points)."""
    unique = design.unique
    if unique > 36:
        cells = Cells(design, 0, 6)
        group_of = cells.of
        titles = [f"{short_names(design.axes)[0]}={label}" for label in cells.labels]
    else:
        group_of = _identity
        titles = None
    groups: dict[int, list[np.ndarray]] = {}
    for rows in store.iter_done(["run_id", "point"]):
        for run_id, point in rows:
            group = groups.setdefault(group_of(point), [])
            if len(group) < MAX_SERIES_PER_GROUP:
                table = pq.read_table(store.series_dir / f"{run_id}.parquet",
                                      columns=["week", "speedup"])
                group.append(table.column("speedup").to_numpy())
    if not groups:
        return None
    bands = {g: _band(series) for g, series in sorted(groups.items())}
    small = len(groups) > 10  # small multiples: one panel per point, one key per title line

    def label(g: int) -> str:
        return titles[g] if titles else point_label(design, g, "\n" if small else ", ")

    spec = design.spec
    reps = f"{spec.replicates} replicate{'s' if spec.replicates > 1 else ''} per point"
    if not small:
        fig = Figure(figsize=(7.2, 4.2), layout="constrained")
        ax = fig.add_subplot()
        for k, (g, band) in enumerate(bands.items()):
            _draw_band(ax, band, COLORS[k % len(COLORS)], label(g))
        ax.legend(fontsize=7, loc="upper left")
        axes = [ax]
    else:
        cols = int(np.ceil(np.sqrt(len(bands))))
        rows_n = int(np.ceil(len(bands) / cols))
        lines = 1 if titles else len(design.axes)
        fig = Figure(figsize=(2.4 * cols + 1, (1.7 + 0.14 * lines) * rows_n + 1),
                     layout="constrained")
        grid = fig.subplots(rows_n, cols, sharex=True, sharey=True, squeeze=False)
        axes = list(grid.flat)
        for ax, (g, band) in zip(axes, bands.items(), strict=False):
            _draw_band(ax, band, COLORS[0], None)
            ax.set_title(label(g), fontsize=7)
        for ax in axes[len(bands):]:
            ax.set_visible(False)
    for ax in axes:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.axhline(1.0, color="#7f7f7f", lw=0.8, ls="--")
        ax.grid(alpha=0.3)
    fig.supxlabel("years", fontsize=9)
    fig.supylabel("speedup over the humans-only twin (x)", fontsize=9)
    fig.suptitle(f"{spec.name}: speedup, median and 10-90% band ({reps})", fontsize=10)
    return fig


def _identity(point: int) -> int:
    return point


def _band(series: list[np.ndarray]) -> np.ndarray:
    """Percentiles per week; a run that stopped (exploded) keeps its last value."""
    length = max(len(s) for s in series)
    stack = np.array([np.pad(s, (0, length - len(s)), mode="edge") for s in series])
    return np.percentile(np.maximum(stack, 1e-3), BAND, axis=0)


def _draw_band(ax, band: np.ndarray, color: str, label: str | None) -> None:
    years = np.arange(band.shape[1]) / 52.0
    ax.fill_between(years, band[0], band[2], color=color, alpha=0.2, lw=0)
    ax.plot(years, band[1], color=color, lw=1.4, label=label)


def outcome_maps(design: Design, store: Store) -> dict[str, Figure]:
    """Explosion probability and median weeks to 1000x over the first two varied keys."""
    bins = _bins(design)
    cx = Cells(design, 0, bins)
    cy = Cells(design, 1, bins) if len(design.axes) > 1 else None
    ny = cy.n if cy else 1
    runs = np.zeros((ny, cx.n), dtype=np.int64)
    exploded = np.zeros((ny, cx.n), dtype=np.int64)
    never = longest_horizon(design) + 1  # the bucket of runs that never got there
    weeks = np.zeros((ny, cx.n, never + 1), dtype=np.int32)  # a histogram: flat in memory
    for rows in store.iter_done(["point", "exploded", "weeks_to_1000x"]):
        for point, boom, w in rows:
            x, y = cx.of(point), (cy.of(point) if cy else 0)
            runs[y, x] += 1
            exploded[y, x] += bool(boom)
            weeks[y, x, never if w is None else int(w)] += 1
    if not runs.any():
        return {}
    with np.errstate(invalid="ignore", divide="ignore"):
        probability = np.where(runs > 0, exploded / np.maximum(runs, 1), np.nan)
    median = np.full(runs.shape, np.nan)
    reached_most = np.zeros(runs.shape, dtype=bool)
    for y in range(ny):
        for x in range(cx.n):
            if runs[y, x]:
                k = int(np.searchsorted(np.cumsum(weeks[y, x]), (runs[y, x] + 1) // 2))
                reached_most[y, x] = k < never
                median[y, x] = k if reached_most[y, x] else np.nan
    names = short_names(design.axes)
    pooled = (f"; pooled over {', '.join(names[2:])}" if len(design.axes) > 2 else "")
    return {
        "explosion_probability": _heatmap(
            probability, runs, cx, cy, names, "share of runs that exploded" + pooled,
            lambda v: f"{v:.2f}", vmin=0.0, vmax=1.0, cmap="viridis"),
        "weeks_to_1000x": _heatmap(
            median, runs, cx, cy, names, "median weeks to 1000x software progress" + pooled,
            lambda v: f"{v:.0f}", cmap="magma_r", missing="not\nreached"),
    }


def longest_horizon(design: Design) -> int:
    """The largest ``run.weeks`` of any run of the sweep."""
    for axis in design.axes:
        if axis.key == "run.weeks":
            return int(max(axis.values) if axis.values is not None else axis.hi)
    return int(design.spec.base["run.weeks"])


def _heatmap(values, runs, cx: Cells, cy: Cells | None, names, title, text, vmin=None,
             vmax=None, cmap="viridis", missing="") -> Figure:
    fig = Figure(figsize=(1.1 * cx.n + 2.6, 0.75 * values.shape[0] + 1.9), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(values), origin="lower", aspect="auto", cmap=cmap,
                      vmin=vmin, vmax=vmax)
    ax.set_facecolor("#e0e0e0")  # cells with no value
    ax.set_xticks(range(cx.n), cx.labels, fontsize=7, rotation=30 if cx.n > 5 else 0)
    ax.set_xlabel(names[0])
    if cy is not None:
        ax.set_yticks(range(cy.n), cy.labels, fontsize=7)
        ax.set_ylabel(names[1])
    else:
        ax.set_yticks([])
    for (y, x), v in np.ndenumerate(values):
        if runs[y, x] == 0:
            continue
        label = text(v) if np.isfinite(v) else missing
        dark = np.isfinite(v) and _luminance(image.cmap(image.norm(v))) < 0.5
        ax.text(x, y, f"{label}\nn={runs[y, x]}", ha="center", va="center", fontsize=7,
                color="white" if dark else "black")
    if np.isfinite(values).any():
        fig.colorbar(image, ax=ax, shrink=0.9)
    ax.set_title(title, fontsize=10)
    return fig


def _luminance(rgba) -> float:
    return 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
