"""``takeoff run --replicates N``: one scenario on N seeds, and the band of every series.

One run's curve mixes what the mechanisms do with chance. Replicates run the scenario on seeds
``run.seed``, ``run.seed + 1``, ... (in parallel where cores allow), write each run as
``takeoff run`` does into ``seed-S/``, and beside them ``bands.csv``: for every time-series
column and week, how many runs were still going, their median and their 10th and 90th
percentiles (a band over fewer than five runs is their full range, and says so:
``model.bands``), with ``bands.png`` plotting the speedup, both labs' software efficiency and
compression with their bands, and ``replicates.json`` the summaries side by side.
"""

from __future__ import annotations

import json
import math
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from model.bands import band
from model.run import simulate
from model.scenario import Scenario

LOG_COLUMNS = ("software_efficiency", "twin_software_efficiency", "proxy_efficiency", "speedup",
               "compute_total", "ai_copies")


def _one(job: tuple[Scenario, str, bool]) -> dict:
    from takeoff.outputs import plain, write_run

    scenario, folder, plots = job
    result = simulate(scenario)
    write_run(result, Path(folder), plots=plots)
    return {"columns": result.columns, "rows": result.rows,
            "summary": {k: plain(v) for k, v in result.summary.items()}}


def run_replicates(scenario: Scenario, n: int, out: Path, plots: bool = True,
                   workers: int | None = None) -> list[dict]:
    """Run ``scenario`` on ``n`` seeds into ``out``; write the bands; return the summaries."""
    seed = scenario["run.seed"]
    jobs = [(scenario.replace({"run.seed": seed + r}), str(out / f"seed-{seed + r}"), plots)
            for r in range(n)]
    workers = workers or max(1, min(n, os.cpu_count() or 1))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_one, jobs))
    else:
        results = [_one(j) for j in jobs]
    columns = results[0]["columns"]
    series = {c: [[row[i] for row in r["rows"]] for r in results]
              for i, c in enumerate(columns) if c != "week"}
    bands = {c: band(v, log=c in LOG_COLUMNS and min(min(x) for x in v) > 0)
             for c, v in series.items()}
    _write_bands(bands, out / "bands.csv")
    summaries = [r["summary"] for r in results]
    (out / "replicates.json").write_text(json.dumps(summaries, indent=2, allow_nan=False) + "\n")
    if plots:
        _plot(bands, out / "bands.png")
    return summaries


def _write_bands(bands: dict, path: Path) -> None:
    lines = ["series,week,runs,median,low,high,band"]
    for name, b in bands.items():
        for w, runs, m, lo, hi in zip(b.weeks, b.runs, b.median, b.low, b.high, strict=True):
            if runs:
                lines.append(f"{name},{w},{runs},{m:.12g},{lo:.12g},{hi:.12g},{b.label}")
    path.write_text("\n".join(lines) + "\n")


def _plot(bands: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 3.4), layout="constrained")
    panels = ((("speedup",), "speedup over the humans-only twin", True),
              (("software_efficiency", "twin_software_efficiency"), "software efficiency", True),
              (("compression",), "compression (years of progress a year)", False))
    for k, (names, title, log) in enumerate(panels):
        ax = fig.add_subplot(1, 3, k + 1)
        for name, color in zip(names, ("#1f77b4", "#7f7f7f"), strict=False):
            b = bands[name]
            years = b.weeks / 52.0
            label = "lab" if name == names[0] and len(names) > 1 else "twin" if len(names) > 1 \
                else None
            ax.plot(years, b.median, color=color, lw=1.2, label=label)
            ax.fill_between(years, b.low, b.high, color=color, alpha=0.25, lw=0)
        ax.set_title(f"{title}: median, {bands[names[0]].label}", fontsize=9)
        ax.set_xlabel("years", fontsize=8)
        if log:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        if len(names) > 1:
            ax.legend(fontsize=7)
    fig.savefig(path, dpi=80, metadata={"Software": None})


def describe(summaries: list[dict]) -> str:
    """A few lines on the replicates: how many exploded, when, and the spread of key numbers."""
    n = len(summaries)
    exploded = [s["explosion_week"] for s in summaries if s["exploded"]]
    lines = [f"{n} replicates (seeds {summaries[0]['seed']}..{summaries[-1]['seed']})"]
    if exploded:
        lines.append(f"  exploded: {len(exploded)} of {n}, weeks {min(exploded)} to "
                     f"{max(exploded)} (median {int(np.median(exploded))})")
    else:
        lines.append(f"  exploded: 0 of {n}")
    peak = [s["peak_speedup"] for s in summaries]
    squeeze = [s["compression_max"] for s in summaries]
    lines.append(f"  peak speedup {min(peak):.3g}x to {max(peak):.3g}x (median "
                 f"{float(np.median(peak)):.3g}x); most compression {min(squeeze):.3g} to "
                 f"{max(squeeze):.3g} years a year")
    lab = _geo([s["progress_per_year"] for s in summaries])
    twin = _geo([s["twin_progress_per_year"] for s in summaries])
    lines.append(f"  progress {lab:.3g}x/year (geometric mean; twin {twin:.3g}x/year)")
    return "\n".join(lines)


def _geo(values: list[float]) -> float:
    return float(math.exp(np.mean(np.log(np.maximum(values, 1e-300)))))
