"""Write a finished run to a folder: time series, summary, resolved scenario and plots."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from model.run import RunResult


def number(value) -> str:
    """A CSV cell: integers as integers, floats to 12 significant digits (same bytes every run)."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return format(float(value), ".12g")


def plain(value):
    """JSON-safe Python value: numpy scalars unwrapped, non-finite numbers refused."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise FloatingPointError(f"non-finite value {value} in summary")
        return float(value)
    return value


def write_run(result: RunResult, folder: Path, plots: bool = True) -> list[str]:
    """Write ``timeseries.csv``, ``summary.json``, ``scenario.toml`` and PNG plots.

    Returns:
        Names of the files written.

    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = [",".join(result.columns)]
    lines += [",".join(number(v) for v in row) for row in result.rows]
    (folder / "timeseries.csv").write_text("\n".join(lines) + "\n")
    summary = {k: plain(v) for k, v in result.summary.items()}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n")
    (folder / "scenario.toml").write_text(result.scenario.to_toml())
    written = ["timeseries.csv", "summary.json", "scenario.toml"]
    if plots:
        from visualization.plots import save_run_plots

        data = {c: [row[i] for row in result.rows] for i, c in enumerate(result.columns)}
        written += save_run_plots(data, folder)
    return written


def describe(summary: dict) -> str:
    """A few lines a person reads after a run."""
    s = summary
    lines = [f"{s['scenario']} (seed {s['seed']}): {s['weeks']} weeks"]
    if s["exploded"]:
        lines.append(f"  EXPLODED in week {s['explosion_week']}: software efficiency "
                     f"{s['software_efficiency']:.3g}x")
    lines.append(f"  software progress {s['progress_per_year']:.3g}x/year "
                 f"(humans-only twin {s['twin_progress_per_year']:.3g}x/year)")
    lines.append(f"  speedup over the twin: peak {s['peak_speedup']:.3g}x, "
                 f"final {s['final_speedup']:.3g}x")
    reached = [f"{k.split('_')[-1]} in week {s[k]}" for k in
               ("weeks_to_10x", "weeks_to_100x", "weeks_to_1000x") if s[k] is not None]
    lines.append("  software progress reached " + (", ".join(reached) if reached else "<10x"))
    lines.append(f"  proxy (small-scale claims) {s['proxy_efficiency']:.3g}x vs true "
                 f"{s['software_efficiency']:.3g}x; shipped ideas: "
                 f"{s['shipped_helpful_share']:.0%} helped, {s['shipped_harmful_share']:.0%} hurt")
    return "\n".join(lines)
