"""Sensitivity indices of a sobol or morris sweep's outputs (SALib).

Each design point's output is the mean over its replicates. Outputs, from each run's summary:

- ``log10_peak_speedup`` and ``log10_progress_per_year`` (log: both span orders of magnitude);
- ``explosion_probability`` (the share of a point's replicates that exploded);
- ``weeks_to_10x`` and ``weeks_to_1000x``: censored, a run that never got there counts as the
  horizon plus one week.

Methods: a ``sobol`` design gets Sobol' first-order and total indices (``S1``, ``ST``, with 95%
bootstrap intervals) of the uncensored outputs, and PAWN indices (median and maximum
Kolmogorov-Smirnov distance over 10 conditioning slices) of the censored ones, where variance is
dominated by the censoring value, next to the PAWN index of a dummy input that cannot matter (the
noise floor of so many points). A ``morris`` design gets Morris ``mu_star`` (with its 95%
interval), ``mu`` and ``sigma`` of every output, on the unit scale of each key's range. Results
go to ``DIR/sensitivity.csv`` and ``DIR/plots/sensitivity.png``; an output that does not vary
across the sweep has no indices.
"""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from takeoff.sweep.design import Design, design_seed  # noqa: E402
from takeoff.sweep.plots import short_names  # noqa: E402
from takeoff.sweep.store import Store  # noqa: E402

COLUMNS = ["point", "peak_speedup", "progress_per_year", "exploded", "weeks_to_10x",
           "weeks_to_1000x", "horizon_weeks"]
OUTPUTS = {  # name: (value from a summary row, censored)
    "log10_peak_speedup": (lambda r: math.log10(max(r["peak_speedup"], 1e-3)), False),
    "log10_progress_per_year": (lambda r: math.log10(max(r["progress_per_year"], 1e-6)), False),
    "explosion_probability": (lambda r: float(bool(r["exploded"])), False),
    "weeks_to_10x": (lambda r: _censored(r, "weeks_to_10x"), True),
    "weeks_to_1000x": (lambda r: _censored(r, "weeks_to_1000x"), True),
}
RESAMPLES = 200
NOISE_FLOOR = "(dummy: noise floor)"  # PAWN's index of an input that cannot matter
AXIS_LABEL = {"sobol": "share of the output's variance (95% interval)",
              "morris": "mean |elementary effect| per unit of the key's range (95% interval)",
              "pawn": "Kolmogorov-Smirnov distance (0: no influence)"}


def _censored(row: dict, key: str) -> float:
    return float(row[key] if row[key] is not None else row["horizon_weeks"] + 1)


def point_outputs(design: Design, store: Store) -> np.ndarray:
    """Mean of each output over each point's finished replicates (NaN: no finished run)."""
    n = len(design)
    sums = np.zeros((n, len(OUTPUTS)))
    counts = np.zeros(n)
    for rows in store.iter_done(COLUMNS):
        for values in rows:
            row = dict(zip(COLUMNS, values, strict=True))
            p = row["point"]
            sums[p] += [f(row) for f, _ in OUTPUTS.values()]
            counts[p] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    return means[design.first]  # repeated points share their first occurrence's runs


def analyse(design: Design, store: Store) -> tuple[list[dict], list[str]]:
    """Sensitivity indices of every output: (rows for the CSV, notes for the user)."""
    spec = design.spec
    if spec.design not in ("sobol", "morris"):
        return [], []
    y_all = point_outputs(design, store)
    missing = int(np.isnan(y_all[:, 0]).sum())
    if missing:
        return [], [f"sensitivity: skipped, {missing} of {len(design)} design points have no "
                    f"finished run (rerun the sweep to retry failed runs)"]
    names = [a.key for a in design.axes]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    seed = design_seed(spec)
    rows, notes = [], []
    for k, (output, (_, censored)) in enumerate(OUTPUTS.items()):
        y = y_all[:, k]
        if np.ptp(y) == 0:
            notes.append(f"sensitivity: {output} is the same in every run; no indices")
            continue
        note = "censored at horizon + 1 week" if censored else ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # SALib's 0/0 on flat slices
            if spec.design == "morris":
                from SALib.analyze import morris

                res = morris.analyze(problem, design.unit, y, num_resamples=RESAMPLES,
                                     conf_level=0.95, num_levels=spec.levels, seed=seed)
                found = [("morris", "mu_star", res["mu_star"], res["mu_star_conf"]),
                         ("morris", "mu", res["mu"], None), ("morris", "sigma", res["sigma"], None)]
            elif censored:
                found = _pawn(problem, design.unit, y, seed)
            else:
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                                    conf_level=0.95, seed=seed)
                found = [("sobol", "S1", res["S1"], res["S1_conf"]),
                         ("sobol", "ST", res["ST"], res["ST_conf"])]
        for method, index, values, conf in found:
            for j, name in enumerate(names + ([NOISE_FLOOR] if method == "pawn" else [])):
                value = float(values[j])
                if not math.isfinite(value):
                    continue
                c = float(conf[j]) if conf is not None else None
                rows.append({"output": output, "method": method, "parameter": name,
                             "index": index, "value": value,
                             "conf": c if c is not None and math.isfinite(c) else "",
                             "note": note})
    return rows, notes


def _pawn(problem: dict, unit: np.ndarray, y: np.ndarray, seed: int) -> list:
    """PAWN indices, with a dummy input that cannot matter: its index is the noise floor.

    Slices: a tenth of the points each at most, at least 16 points per slice, 3 slices at least.
    """
    from SALib.analyze import pawn

    n = len(y)
    dummy = np.random.default_rng(seed).random(n)
    augmented = {"num_vars": problem["num_vars"] + 1,
                 "names": [*problem["names"], NOISE_FLOOR],
                 "bounds": [*problem["bounds"], [0.0, 1.0]]}
    slices = int(min(10, max(3, n // 16)))
    res = pawn.analyze(augmented, np.column_stack([unit, dummy]), y, S=slices, seed=seed)
    return [("pawn", "median", res["median"], None), ("pawn", "maximum", res["maximum"], None)]


def headline(rows: list[dict]) -> list[str]:
    """Per output, the key it is most sensitive to, in words."""
    main = {"S1": False, "ST": True, "mu_star": True, "median": True}
    lines = []
    for output in OUTPUTS:
        ranked = [r for r in rows if r["output"] == output and main.get(r["index"])
                  and r["parameter"] != NOISE_FLOOR]
        if ranked:
            top = max(ranked, key=lambda r: r["value"])
            lines.append(f"  {output}: most sensitive to {top['parameter']} "
                         f"({top['method']} {top['index']} {top['value']:.3g})")
    return lines


def write(rows: list[dict], csv_path: Path, png_path: Path, design: Design) -> list[str]:
    """Write the indices as CSV and as a bar chart per output; returns the paths written."""
    if not rows:
        return []
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, ["output", "method", "parameter", "index", "value",
                                         "conf", "note"])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "value": format(r["value"], ".6g"),
                             "conf": format(r["conf"], ".6g") if r["conf"] != "" else ""})
    png_path.parent.mkdir(parents=True, exist_ok=True)
    _figure(rows, design).savefig(png_path, dpi=110)
    return [str(csv_path), str(png_path)]


def _figure(rows: list[dict], design: Design) -> Figure:
    keys = [a.key for a in design.axes]
    labels = short_names(design.axes)
    if any(r["parameter"] == NOISE_FLOOR for r in rows):
        keys, labels = [*keys, NOISE_FLOOR], [*labels, NOISE_FLOOR]
    outputs = [o for o in OUTPUTS if any(r["output"] == o for r in rows)]
    fig = Figure(figsize=(7.2, 1.0 + 0.35 * len(keys) * len(outputs) + 0.5 * len(outputs)),
                 layout="constrained")
    axes = fig.subplots(len(outputs), 1, squeeze=False)[:, 0]
    for ax, output in zip(axes, outputs, strict=True):
        mine = [r for r in rows if r["output"] == output]
        shown = [i for i in ("S1", "ST", "mu_star", "median", "maximum")
                 if any(r["index"] == i for r in mine)]
        height = 0.8 / len(shown)
        for s, index in enumerate(shown):
            by_key = {r["parameter"]: r for r in mine if r["index"] == index}
            ys = np.arange(len(keys)) + (s - (len(shown) - 1) / 2) * height
            vals = [by_key[k]["value"] if k in by_key else 0.0 for k in keys]
            errs = [by_key[k]["conf"] if k in by_key and by_key[k]["conf"] != "" else 0.0
                    for k in keys]
            ax.barh(ys, vals, height=height, xerr=errs, label=index, alpha=0.85,
                    error_kw={"lw": 0.8})
        ax.set_yticks(range(len(keys)), labels, fontsize=7)
        ax.invert_yaxis()
        method = mine[0]["method"]
        ax.set_title(f"{output} ({method}{', censored' if mine[0]['note'] else ''})",
                     fontsize=9)
        ax.set_xlabel(AXIS_LABEL[method], fontsize=7)
        ax.axvline(0, color="#7f7f7f", lw=0.6)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(axis="x", alpha=0.3)
    reps = design.spec.replicates
    fig.suptitle(f"{design.spec.name}: sensitivity ({design.spec.design} design, {reps} "
                 f"replicate{'s' if reps > 1 else ''} per point)", fontsize=10)
    return fig
