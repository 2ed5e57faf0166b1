"""One belief about one scenario key: a distribution, truncated to the key's allowed range.

Each family is given by its parameters or by an 80% interval (``p10``, ``p90``: the 10th and
90th percentiles, the AI Futures model's way of stating a belief):

- ``normal``: ``mean``, ``sd``; from an interval, the mean is its midpoint.
- ``lognormal``: ``median``, ``sigma`` (the sd of ln x); from an interval, the median is its
  geometric midpoint. With ``mirror = m``, x is m minus a lognormal (skewed towards low values,
  bounded above by m: e.g. ``ideas.phi`` as 1 minus a lognormal ``1 - phi``).
- ``uniform``: ``min``, ``max``; an interval is its middle 80%.
- ``loguniform``: ``min``, ``max``; the same in log space.
- ``beta``: ``a``, ``b`` on ``[min, max]`` (default [0, 1]); from an interval, ``a`` and ``b``
  are solved for.
- ``triangular``: ``min``, ``mode``, ``max``; from an interval (and ``mode``, by default its
  midpoint), ``min`` and ``max`` are solved for.
- ``categorical``: ``values`` and optional ``weights`` (default equal).

A continuous belief is truncated to the key's range in :mod:`model.schema`: a draw at quantile
``u`` is the distribution's quantile ``F(lo) + u (F(hi) - F(lo))``. An interval describes the
distribution before truncation. Integer keys round their draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from model.scenario import ScenarioError

Z90 = float(stats.norm.ppf(0.9))
CONTINUOUS = {"normal": ("mean", "sd"), "lognormal": ("median", "sigma"),
              "uniform": ("min", "max"), "loguniform": ("min", "max"), "beta": ("a", "b"),
              "triangular": ("min", "mode", "max")}
OPTIONAL = {"lognormal": ("mirror",), "beta": ("min", "max"), "triangular": ("mode",)}
FAMILIES = (*CONTINUOUS, "categorical")
COMMON = ("dist", "source")
MIN_MASS = 0.01  # a belief with less than this inside the allowed range is surely a mistake


@dataclass(frozen=True)
class Belief:
    """A distribution over one scenario key.

    Attributes:
        key: The scenario key.
        family: One of :data:`FAMILIES`.
        params: The family's parameters as resolved (an interval solved into parameters).
        source: Where the belief comes from (free text, shown in docs and ``--dry-run``).
        lo: Lower end of the allowed range the draws are truncated to (-inf if none).
        hi: Upper end (inf if none).
        integer: Draws are rounded to integers.
        values: A categorical's values (already validated for the key).
        weights: A categorical's probabilities, summing to 1.

    """

    key: str
    family: str
    params: dict
    source: str = ""
    lo: float = -math.inf
    hi: float = math.inf
    integer: bool = False
    values: tuple = ()
    weights: tuple = ()

    @property
    def frozen(self):
        """The untruncated scipy distribution (None for a categorical)."""
        return _frozen(self.family, self.params)

    def ppf(self, u: np.ndarray) -> list:
        """The values at quantiles ``u`` in (0, 1), truncated to the key's range."""
        u = np.asarray(u, dtype=float)
        if self.family == "categorical":
            edges = np.cumsum(self.weights)
            idx = np.minimum(np.searchsorted(edges, u, side="right"), len(self.values) - 1)
            return [self.values[i] for i in idx]
        dist = self.frozen
        f_lo, f_hi = _cdf(dist, self.lo), _cdf(dist, self.hi)
        x = dist.ppf(f_lo + u * (f_hi - f_lo))
        x = np.clip(x, self.lo, self.hi)
        if self.integer:
            return [int(v) for v in np.clip(np.round(x), math.ceil(self.lo), math.floor(self.hi))]
        return [float(v) for v in x]

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (after truncation)."""
        if self.family == "categorical":
            nums = [v for v in self.values
                    if isinstance(v, (int, float)) and not isinstance(v, bool)]
            return (min(nums), max(nums)) if nums else (math.nan, math.nan)
        a, b = self.frozen.support()
        return float(max(a, self.lo)), float(min(b, self.hi))

    def describe(self) -> str:
        """The belief in words, e.g. ``ai.speed: lognormal(median 1, sigma 0.9)``."""
        if self.family == "categorical":
            pairs = ", ".join(f"{v!r} {w:.0%}" for v, w in zip(self.values, self.weights,
                                                               strict=True))
            return f"{self.key}: categorical({pairs})"
        params = ", ".join(f"{k} {v:.4g}" for k, v in self.params.items())
        return f"{self.key}: {self.family}({params})"


def _frozen(family: str, p: dict):
    if family == "normal":
        return stats.norm(p["mean"], p["sd"])
    if family == "lognormal":
        if "mirror" in p:  # x = mirror - y: scipy's lognormal, reflected
            return _Mirrored(p["mirror"], stats.lognorm(p["sigma"], scale=p["median"]))
        return stats.lognorm(p["sigma"], scale=p["median"])
    if family == "uniform":
        return stats.uniform(p["min"], p["max"] - p["min"])
    if family == "loguniform":
        return stats.loguniform(p["min"], p["max"])
    if family == "beta":
        lo, hi = p.get("min", 0.0), p.get("max", 1.0)
        return stats.beta(p["a"], p["b"], loc=lo, scale=hi - lo)
    if family == "triangular":
        lo, hi = p["min"], p["max"]
        return stats.triang((p["mode"] - lo) / (hi - lo), loc=lo, scale=hi - lo)
    return None


class _Mirrored:
    """``m - Y`` for a scipy distribution ``Y``: the quantiles and CDF of the reflection."""

    def __init__(self, mirror: float, dist):
        self.m, self.dist = mirror, dist

    def ppf(self, q):
        return self.m - self.dist.ppf(1.0 - np.asarray(q))

    def cdf(self, x):
        return self.dist.sf(self.m - np.asarray(x))

    def support(self):
        a, b = self.dist.support()
        return self.m - b, self.m - a


def _cdf(dist, x: float) -> float:
    if math.isinf(x):
        return 0.0 if x < 0 else 1.0
    return float(dist.cdf(x))


def parse_belief(where: str, key: str, spec: Any, kind: str, lo: float | None,
                 hi: float | None, check_value) -> Belief:
    """Validate one ``[beliefs]`` entry.

    Args:
        where: Names the file and table in errors.
        key: The scenario key.
        spec: The entry as parsed from TOML.
        kind: The key's kind in the schema (``int``, ``float``, ``bool``, ``choice``).
        lo: The key's smallest allowed value (None: unbounded).
        hi: The key's largest allowed value.
        check_value: ``value -> value as the scenario stores it``, raising the scenario's
            one-line error for a value the key does not allow.

    Raises:
        ScenarioError: One line naming the file and the key.

    """
    name = f"{where}: key '{key}'"
    if not isinstance(spec, dict):
        raise ScenarioError(f"{name}: must be a table such as {{ dist = \"normal\", p10 = .., "
                            f"p90 = .. }}, got {spec!r}")
    family = spec.get("dist")
    if family not in FAMILIES:
        raise ScenarioError(f"{name}: 'dist' must be " + " | ".join(f'"{f}"' for f in FAMILIES)
                            + f", got {family!r}")
    source = spec.get("source", "")
    if not isinstance(source, str):
        raise ScenarioError(f"{name}.source: must be a string, got {source!r}")
    if family == "categorical":
        return _categorical(name, key, spec, source, check_value)
    if kind not in ("int", "float"):
        raise ScenarioError(f"{name}: this key takes {kind} values: give it a "
                            f"dist = \"categorical\" with values (and weights)")
    lo_f = -math.inf if lo is None else float(lo)
    hi_f = math.inf if hi is None else float(hi)
    params = _continuous_params(name, family, spec)
    belief = Belief(key, family, params, source, lo_f, hi_f, integer=kind == "int")
    dist = belief.frozen
    mass = _cdf(dist, hi_f) - _cdf(dist, lo_f)
    if not mass >= MIN_MASS:
        raise ScenarioError(f"{name}: only {mass:.2%} of this {family} lies in the key's "
                            f"allowed range [{lo_f:g}, {hi_f:g}]; move it inside the range")
    return belief


def _number(name: str, spec: dict, field: str) -> float:
    value = spec[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(f"{name}.{field}: must be a number, got {value!r}")
    return float(value)


def _continuous_params(name: str, family: str, spec: dict) -> dict:
    required, optional = CONTINUOUS[family], OPTIONAL.get(family, ())
    interval = "p10" in spec or "p90" in spec
    for field in spec:
        if field not in (*COMMON, *required, *optional, "p10", "p90"):
            raise ScenarioError(f"{name}: unknown field '{field}' for a {family}; it takes "
                                f"{', '.join(required)}, or p10 and p90")
    given = [f for f in required if f in spec and f not in optional]
    if interval and given:
        raise ScenarioError(f"{name}: give either {', '.join(required)} or p10 and p90, not "
                            f"both (found {given[0]})")
    nums = {f: _number(name, spec, f) for f in spec if f not in COMMON}
    if interval:
        if "p10" not in spec or "p90" not in spec:
            raise ScenarioError(f"{name}: an 80% interval needs both p10 and p90")
        if not nums["p10"] < nums["p90"]:
            raise ScenarioError(f"{name}: p10 must be below p90, got p10 {nums['p10']:g}, "
                                f"p90 {nums['p90']:g}")
        return _from_interval(name, family, nums)
    missing = [f for f in required if f not in spec]
    if missing:
        raise ScenarioError(f"{name}: a {family} needs {', '.join(required)} (or p10 and p90); "
                            f"missing {missing[0]}")
    _check_params(name, family, nums)
    return nums


def _check_params(name: str, family: str, p: dict) -> None:
    positive = {"normal": ("sd",), "lognormal": ("median", "sigma"), "beta": ("a", "b")}
    for field in positive.get(family, ()):
        if not p[field] > 0:
            raise ScenarioError(f"{name}.{field}: must be above 0, got {p[field]:g}")
    lo, hi = p.get("min", 0.0), p.get("max", 1.0)
    if family in ("uniform", "loguniform", "beta", "triangular") and not lo < hi:
        raise ScenarioError(f"{name}: min must be below max, got min {lo:g}, max {hi:g}")
    if family == "loguniform" and lo <= 0:
        raise ScenarioError(f"{name}.min: a loguniform needs min above 0, got {lo:g}")
    if family == "triangular" and not lo <= p["mode"] <= hi:
        raise ScenarioError(f"{name}.mode: must lie in [min, max], got {p['mode']:g}")


def _from_interval(name: str, family: str, p: dict) -> dict:
    """Parameters whose 10th and 90th percentiles are ``p10`` and ``p90``."""
    a, b = p["p10"], p["p90"]
    if family == "normal":
        return {"mean": (a + b) / 2, "sd": (b - a) / (2 * Z90)}
    if family == "lognormal":
        m = p.get("mirror")
        if m is not None:  # x = m - y: y's interval is (m - p90, m - p10)
            if not b < m:
                raise ScenarioError(f"{name}: p90 must be below mirror {m:g}, got {b:g}")
            a, b = m - b, m - a
        elif a <= 0:
            raise ScenarioError(f"{name}.p10: a lognormal needs p10 above 0, got {a:g}")
        out = {"median": math.sqrt(a * b), "sigma": math.log(b / a) / (2 * Z90)}
        return {**out, "mirror": m} if m is not None else out
    if family == "uniform":
        width = (b - a) / 0.8
        return {"min": a - 0.1 * width, "max": b + 0.1 * width}
    if family == "loguniform":
        if a <= 0:
            raise ScenarioError(f"{name}.p10: a loguniform needs p10 above 0, got {a:g}")
        width = math.log(b / a) / 0.8
        return {"min": a * math.exp(-0.1 * width), "max": b * math.exp(0.1 * width)}
    if family == "beta":
        return _beta_from_interval(name, a, b, p.get("min", 0.0), p.get("max", 1.0))
    return _triangular_from_interval(name, a, b, p.get("mode", (a + b) / 2))


def _solve(name: str, what: str, residual, start: np.ndarray) -> np.ndarray:
    """Solve ``residual(x) = 0`` (2 unknowns, 2 quantile conditions) or fail with one line."""
    fit = optimize.least_squares(residual, start, xtol=1e-12, ftol=1e-12, gtol=1e-12)
    if not np.all(np.abs(fit.fun) < 1e-6):
        raise ScenarioError(f"{name}: no {what} has this 80% interval")
    return fit.x


def _beta_from_interval(name: str, a: float, b: float, lo: float, hi: float) -> dict:
    if not lo < a < b < hi:
        raise ScenarioError(f"{name}: a beta's p10 and p90 must lie strictly inside [min, max] "
                            f"= [{lo:g}, {hi:g}], got {a:g} and {b:g}")
    qa, qb = (a - lo) / (hi - lo), (b - lo) / (hi - lo)
    mean = (qa + qb) / 2
    var = ((qb - qa) / (2 * Z90)) ** 2
    k = max(mean * (1 - mean) / var - 1, 0.5)  # the moments' a + b, a starting point

    def residual(x):
        dist = stats.beta(math.exp(x[0]), math.exp(x[1]))
        return [dist.ppf(0.1) - qa, dist.ppf(0.9) - qb]

    x = _solve(name, f"beta on [{lo:g}, {hi:g}]", residual,
               np.log([max(mean * k, 0.05), max((1 - mean) * k, 0.05)]))
    return {"a": math.exp(x[0]), "b": math.exp(x[1]), "min": lo, "max": hi}


def _triangular_from_interval(name: str, a: float, b: float, mode: float) -> dict:
    def parts(x):
        lo, hi = min(a, mode) - math.exp(x[0]), max(b, mode) + math.exp(x[1])
        return lo, hi, stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)

    def residual(x):
        _, _, dist = parts(x)
        return [dist.cdf(a) - 0.1, dist.cdf(b) - 0.9]

    width = math.log(max(b - a, 1e-12) * 0.3)
    lo, hi, _ = parts(_solve(name, f"triangular with mode {mode:g}", residual,
                             np.array([width, width])))
    return {"min": lo, "mode": mode, "max": hi}


def _categorical(name: str, key: str, spec: dict, source: str, check_value) -> Belief:
    for field in spec:
        if field not in (*COMMON, "values", "weights"):
            raise ScenarioError(f"{name}: unknown field '{field}' for a categorical; it takes "
                                f"values and weights")
    values = spec.get("values")
    if not isinstance(values, list) or len(values) < 2:
        raise ScenarioError(f"{name}.values: a categorical needs a list of at least two values, "
                            f"got {values!r}")
    checked = tuple(check_value(v) for v in values)
    if len({repr(v) for v in checked}) != len(checked):
        raise ScenarioError(f"{name}.values: a value is listed twice in {list(checked)}")
    weights = spec.get("weights", [1.0] * len(values))
    if (not isinstance(weights, list) or len(weights) != len(values)
            or any(isinstance(w, bool) or not isinstance(w, (int, float)) or not w >= 0
                   for w in weights) or not sum(weights) > 0):
        raise ScenarioError(f"{name}.weights: must be {len(values)} numbers >= 0, one per value, "
                            f"not all 0, got {weights!r}")
    total = float(sum(weights))
    return Belief(key, "categorical", {}, source, values=checked,
                  weights=tuple(float(w) / total for w in weights))
