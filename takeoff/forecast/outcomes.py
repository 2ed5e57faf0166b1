"""What a forecast's runs say: probabilities with errors, fans and what moves the outcome.

The explosion week's distribution, P(explosion within 2, 5, 10 years), P(compression), the
median and 10-90% fan of speedup and software efficiency, and each belief's rank correlation
with the outcome. Everything is read from the sweep store's summary columns and time series,
so it applies to any store of runs, and to keys the model adds later: a key the runs do not
have is reported as not available, never guessed.

**Standard errors.** A probability ``p`` over ``N`` finished samples is given with the standard
error ``sqrt(p (1 - p) / N)``: the samples are treated as independent draws from the beliefs
(each with its own seed, so the model's own chance is averaged too). For Latin hypercube samples
this errs on the safe side: their estimate's variance is at most ``N / (N - 1)`` times that of
independent draws (Owen 1997). Scrambled Sobol' samples carry no such guarantee, only a bound
by a constant (Owen 1997), but in ``tests/test_forecast_outcomes.py`` (a yes/no outcome of two
beliefs, 64 samples, 200 seeds) both scatter less than the stated error: 0.2 to 0.7 times it on
the beliefs alone, and 0.75 to 1.1 times it once each run's own chance flips a quarter of the
outcomes, as a model's seed does. The
error is that of the Monte Carlo alone: not of the beliefs, nor of the model. A probability of
0 or 1 has error 0: read it as below ``1/N`` or above ``1 - 1/N``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

YEARS = (2, 5, 10)  # P(explosion within ...)
COMPRESSION = (3, 10)  # P(compression of at least ... years of progress into one year)
FAN_SERIES = ("speedup", "software_efficiency")
FAN_QUANTILES = (10, 50, 90)
SE_NOTE = ("+- is one Monte Carlo standard error, sqrt(p (1 - p) / N), treating the N samples "
           "as independent draws (for Latin hypercube samples an upper bound, Owen 1997)")


@dataclass(frozen=True)
class Estimate:
    """A probability over runs.

    Attributes:
        p: The share of runs with the outcome (None: the runs cannot say, see ``note``).
        se: Its Monte Carlo standard error.
        hits: Runs with the outcome.
        n: Runs counted.
        note: Why ``p`` is None, or how to read it.

    """

    p: float | None
    se: float | None
    hits: int
    n: int
    note: str = ""

    def as_dict(self) -> dict:
        """For ``forecast.json``."""
        out = {"p": self.p, "se": self.se, "hits": self.hits, "runs": self.n}
        return {**out, "note": self.note} if self.note else out

    def text(self) -> str:
        """``0.31 +- 0.03 (79 of 256)``, or the note."""
        if self.p is None:
            return f"n/a ({self.note})"
        return f"{self.p:.3f} +- {self.se:.3f} ({self.hits} of {self.n})"


def probability(flags: np.ndarray) -> Estimate:
    """The share of true ``flags`` with its standard error."""
    flags = np.asarray(flags, dtype=bool)
    n = int(flags.size)
    if n == 0:
        return Estimate(None, None, 0, 0, "no finished runs")
    hits = int(flags.sum())
    p = hits / n
    note = (f"none of {n}: below 1/{n} = {1 / n:.3g}" if hits == 0 else
            f"all of {n}: above 1 - 1/{n}" if hits == n else "")
    return Estimate(p, math.sqrt(p * (1.0 - p) / n), hits, n, note)


def unavailable(note: str, n: int) -> Estimate:
    """A probability the runs cannot give."""
    return Estimate(None, None, 0, n, note)


def explosion_weeks(columns: dict) -> np.ndarray:
    """Each run's explosion week, NaN where it did not explode."""
    weeks = columns.get("explosion_week")
    exploded = columns.get("exploded")
    out = np.array([np.nan if w is None else float(w) for w in weeks], dtype=float)
    if exploded is not None:
        out[~np.asarray([bool(e) for e in exploded])] = np.nan
    return out


def explosion_within(columns: dict, horizon: int) -> dict[str, Estimate]:
    """P(explosion within 2, 5 and 10 years), each where the horizon reaches that far."""
    weeks = explosion_weeks(columns)
    out = {}
    for years in YEARS:
        limit = 52 * years
        if horizon < limit:
            out[f"within_{years}_years"] = unavailable(
                f"the runs stop at week {horizon}, before year {years}", weeks.size)
        else:
            out[f"within_{years}_years"] = probability(np.nan_to_num(weeks, nan=np.inf) <= limit)
    return out


def week_distribution(columns: dict, horizon: int) -> dict:
    """The explosion week over all runs; runs that did not explode are later than the horizon.

    A quantile is the week by which that share of runs had exploded, or None where fewer had by
    the horizon ("after the horizon").
    """
    weeks = explosion_weeks(columns)
    n = weeks.size
    done = np.sort(weeks[~np.isnan(weeks)])
    quantiles = {}
    for q in FAN_QUANTILES:
        k = math.ceil(q / 100 * n)  # the k-th earliest explosion, if there are k
        quantiles[f"p{q}"] = int(done[k - 1]) if n and 0 < k <= done.size else None
    return {"quantiles": quantiles, "exploded": int(done.size), "runs": int(n),
            "horizon_weeks": horizon, "weeks": [int(w) for w in done]}


def compression(columns: dict) -> dict[str, Estimate]:
    """P(compression >= 3 and >= 10 years of progress in one year), from the summary.

    Reads ``compression_max``; failing that, whether ``compression_3_week`` and
    ``compression_10_week`` were reached. A store without either says so.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    peak = columns.get("compression_max")
    out = {}
    for years in COMPRESSION:
        name = f"at_least_{years}"
        reached = columns.get(f"compression_{years}_week")
        if peak is not None:
            values = np.array([np.nan if v is None else v for v in peak], dtype=float)
            out[name] = probability(np.nan_to_num(values, nan=-np.inf) >= years)
        elif reached is not None:
            out[name] = probability(np.array([v is not None for v in reached]))
        else:
            out[name] = unavailable("the runs' summaries have no compression keys (this "
                                    "takeoff version does not measure compression)", n)
    return out


def fans(run_ids: list[str], stopped_at_cap: list[bool], load: Callable[[str], dict],
         horizon: int) -> dict:
    """Median and 10-90% of speedup and software efficiency, week by week, over all runs.

    A run that stopped at the cap on software efficiency (it exploded) stays in the fan: its
    efficiency keeps its last value (a lower bound, above every run still going) and its speedup
    counts as beyond every run still going (``inf``). Quantiles are order statistics (no
    interpolation), so they are exact under that ordering; a quantile that falls among the
    stopped runs is ``inf`` for speedup ("beyond the cap").

    Args:
        run_ids: The runs.
        stopped_at_cap: Per run, whether it ended at the cap rather than the horizon.
        load: ``run_id -> {"week": ..., "speedup": ..., "software_efficiency": ...}``.
        horizon: Weeks of every run that reached its horizon.

    """
    weeks = np.arange(horizon + 1)
    tables = {name: np.full((len(run_ids), weeks.size), np.nan) for name in FAN_SERIES}
    for i, (run_id, capped) in enumerate(zip(run_ids, stopped_at_cap, strict=True)):
        series = load(run_id)
        n = min(len(series["week"]), weeks.size)
        for name in FAN_SERIES:
            values = np.asarray(series[name], dtype=float)[:n]
            tables[name][i, :n] = values
            if capped and n < weeks.size:
                tables[name][i, n:] = np.inf if name == "speedup" else values[-1]
    out: dict = {"weeks": weeks.tolist(), "runs": len(run_ids)}
    for name, table in tables.items():
        if not run_ids:
            out[name] = {f"p{q}": [] for q in FAN_QUANTILES}
            continue
        qs = np.nanpercentile(table, FAN_QUANTILES, axis=0, method="inverted_cdf")
        out[name] = {f"p{q}": row for q, row in zip(FAN_QUANTILES, qs, strict=True)}
    return out


def at_years(fan: dict, name: str, years: tuple[int, ...] = YEARS) -> list[tuple]:
    """(week, p10, median, p90) of one fan at 2, 5 and 10 years, or the horizon if sooner."""
    last = len(fan["weeks"]) - 1
    weeks = sorted({min(52 * y, last) for y in years} - {0})
    f = fan[name]
    return [(w, f["p10"][w], f["p50"][w], f["p90"][w]) for w in weeks]


def sensitivity(values: dict[str, list], outcomes: dict[str, np.ndarray],
                orders: dict[str, tuple]) -> list[dict]:
    """Spearman rank correlation of each belief with each outcome, strongest first.

    Args:
        values: Each uncertain key's sampled values, one per run.
        outcomes: Each outcome's finite value per run (a censored one, such as "no explosion",
            tied above every observed value: ranks need no number for "never").
        orders: A categorical key's values in order (their ranks are their positions; with two
            values, the correlation is that of the yes/no).

    """
    from scipy.stats import spearmanr

    rows = []
    for key, xs in values.items():
        order = orders.get(key)
        x = np.array([order.index(v) for v in xs] if order else xs, dtype=float)
        for outcome, y in outcomes.items():
            y = np.asarray(y, dtype=float)
            rho = float("nan")
            if x.size > 2 and np.ptp(x) > 0 and np.ptp(y) > 0:  # else nothing to rank
                rho = float(spearmanr(x, y).statistic)
            rows.append({"key": key, "outcome": outcome,
                         "rank_correlation": None if math.isnan(rho) else rho})
    rows.sort(key=lambda r: -abs(r["rank_correlation"] or 0.0))
    return rows


def noise_level(n: int) -> float:
    """Two standard errors of a rank correlation under no association (about 2 / sqrt(n - 1))."""
    return 2.0 / math.sqrt(max(n - 1, 1))
