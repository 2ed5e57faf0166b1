"""Write a finished run to a folder: time series, summary, resolved scenario and plots."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.run import RunResult
    from model.scenario import Scenario

FOLDER_CHARS = 80  # of a name, in a default output folder
# Log axes pad their range by a share of it on each side; past about 1e+-250 the padding (and
# the tick locator) overflow a float. Plots draw larger magnitudes at this one.
PLOT_LIMIT = 1e200


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


def folder_name(name: str) -> str:
    """A scenario name as one safe path component: never a separator, ``..``, NUL or too long."""
    safe = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip(".-")[:FOLDER_CHARS].strip(".-")
    return safe or "scenario"


def default_folder(scenario: Scenario, changed: bool, aggregate: bool = False,
                   replicates: int | None = None) -> str:
    """The default output folder of a run: ``NAME-seedN`` (``NAME-aggregate``, ``NAME-seedsA-B``).

    When command-line overrides ``changed`` the scenario, a short hash of the resolved scenario
    follows, so that a run with ``--set`` or ``--weeks`` never replaces another.
    """
    seed = scenario.run.seed
    tag = ("aggregate" if aggregate else f"seed{seed}" if replicates is None
           else f"seeds{seed}-{seed + replicates - 1}")
    folder = f"{folder_name(scenario.name)}-{tag}"
    if changed:
        folder += "-" + hashlib.sha256(scenario.to_toml().encode()).hexdigest()[:8]
    return folder


def plot_value(value: float) -> float:
    """A value as the plots draw it: magnitudes kept within [1/PLOT_LIMIT, PLOT_LIMIT]."""
    magnitude = abs(value)
    if magnitude == 0.0 or 1.0 / PLOT_LIMIT <= magnitude <= PLOT_LIMIT:
        return value
    return math.copysign(min(max(magnitude, 1.0 / PLOT_LIMIT), PLOT_LIMIT), value)


def write_run(result: RunResult, folder: Path, plots: bool = True) -> list[str]:
    """Write ``timeseries.csv``, ``summary.json``, ``scenario.toml`` and PNG plots.

    Plots an earlier run left in ``folder`` are removed when this run writes none.

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

        data = {c: [plot_value(row[i]) for row in result.rows]
                for i, c in enumerate(result.columns)}
        written += save_run_plots(data, folder)
    elif any(folder.glob("*.png")):  # an earlier run's plots would not match these files
        from visualization.plots import RUN_PLOTS

        for name in RUN_PLOTS:
            (folder / f"{name}.png").unlink(missing_ok=True)
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
