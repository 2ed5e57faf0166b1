"""Bands over replicate runs: the median and a spread of each weekly series.

A single run's curve mixes the mechanism with chance; replicates (the same scenario on several
seeds) show both. Runs may stop early (the cap), so a week's band is taken over the runs still
going that week, and each week says how many there were. A band over fewer than
``MIN_PERCENTILE_RUNS`` runs is their full range, labelled with its count: calling the range of
three runs a 10-90% band would claim more than three runs can show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PERCENTILE_RUNS = 5
LOW, HIGH = 10.0, 90.0


@dataclass(frozen=True)
class Band:
    """Median and spread of one series over replicate runs, week by week.

    Attributes:
        weeks: The weeks, 0 to the longest run's last.
        median, low, high: Per week, over the runs still going that week.
        runs: Runs still going each week.
        label: What ``low`` and ``high`` are, e.g. ``"10-90%"`` or ``"range of 3 runs"``.

    """

    weeks: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    runs: np.ndarray
    label: str


def band(series: list[np.ndarray] | list[list[float]], log: bool = False) -> Band:
    """The band of ``series`` (one array per run, week 0 first; runs may differ in length).

    Args:
        series: Each run's values, one per week from week 0.
        log: Take percentiles of the logarithm (for ratios and efficiencies: the median of a
            log-normal spread is its geometric centre). Values must then be positive.

    """
    if not series:
        raise ValueError("band: no runs")
    length = max(len(s) for s in series)
    table = np.full((len(series), length), np.nan)
    for i, s in enumerate(series):
        values = np.asarray(s, dtype=float)
        table[i, :values.size] = np.log(values) if log else values
    runs = np.sum(~np.isnan(table), axis=0)
    if len(series) >= MIN_PERCENTILE_RUNS:
        lo_q, hi_q, label = LOW, HIGH, f"{LOW:g}-{HIGH:g}%"
    else:
        lo_q, hi_q = 0.0, 100.0
        label = f"range of {len(series)} run{'s' if len(series) != 1 else ''}"
    median, low, high = np.nanpercentile(table, [50.0, lo_q, hi_q], axis=0)
    if log:
        median, low, high = np.exp(median), np.exp(low), np.exp(high)
    return Band(np.arange(length), median, low, high, runs, label)
