"""Design points of a sweep, and the runs they make with the replicate seeds.

- ``grid``: every combination of the listed values (the first key varies slowest).
- ``random``: ``samples`` points drawn uniformly (log-uniformly with ``log = true``).
- ``lhs``: a Latin hypercube of ``samples`` points: each key's range is cut into ``samples``
  equal strata and each stratum is used exactly once.
- ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence (``SALib.sample.sobol``, first and
  total order), ``samples * (D + 2)`` points for D keys.
- ``morris``: ``samples`` Morris trajectories on ``levels`` levels (``SALib.sample.morris``),
  ``samples * (D + 1)`` points.
- ``points``: an explicit list of points drawn elsewhere (``takeoff forecast`` draws them from
  beliefs), each with its own seed; no two are merged, since their seeds differ.

Sampled designs draw unit coordinates in [0, 1]^D and map them through each key's range
(:meth:`~takeoff.sweep.spec.Axis.value`); their random source is seeded from the file's
``run.seed``, so a sweep file gives the same points anywhere. A run is a design point with one
replicate seed; its ``run_id`` hashes the resolved scenario TOML, the seed and the takeoff version.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import numpy as np

from model.scenario import Scenario
from model.schema import SHARE_KEYS
from takeoff.sweep.spec import POINTS, SweepSpec

DESIGN_STREAM = 0x5EED  # keeps the design's random stream apart from any run's


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a design point and a replicate seed.

    Attributes:
        run_id: Hash of the resolved scenario TOML, the seed and the takeoff version.
        point: Index of the design point (the first, if the point repeats an earlier one).
        replicate: Replicate number, 0-based.
        seed: The run's ``run.seed``.
        values: The varied keys' values, plus the shares the sweep completed.
        toml: The fully resolved scenario the run executes.

    """

    run_id: str
    point: int
    replicate: int
    seed: int
    values: dict[str, Any]
    toml: str


def takeoff_version() -> str:
    """The installed takeoff version: part of every run_id."""
    return version("takeoff")


def design_seed(spec: SweepSpec) -> int:
    """Seed of the design's own random stream, derived from the file's ``run.seed``."""
    return int(np.random.SeedSequence([spec.seed, DESIGN_STREAM]).generate_state(1)[0])


class Design:
    """The design points of a sweep.

    Attributes:
        spec: The sweep.
        unit: Unit coordinates of sampled designs, one row per point (None for a grid).
        first: For each point, the index of the first point with the same values (repeats run
            once and share that run).

    """

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.axes = spec.axes
        self.unit = None if spec.design == "grid" else _unit_points(spec)
        n = spec.points_count()
        self.first = np.arange(n)
        # Rounding and categories can make two sampled points equal (a points design's points
        # each have their own seed: never equal runs).
        if self.unit is not None and spec.design != POINTS:
            seen: dict[str, int] = {}
            for i in range(n):
                self.first[i] = seen.setdefault(json.dumps(self.raw(i)), i)

    def __len__(self) -> int:
        return self.spec.points_count()

    @property
    def unique(self) -> int:
        """Distinct design points."""
        return int(np.sum(self.first == np.arange(len(self))))

    def grid_index(self, i: int) -> tuple[int, ...]:
        """Index of each axis's value at grid point ``i`` (first axis slowest)."""
        sizes = [len(a.values) for a in self.axes]
        return tuple(int(k) for k in np.unravel_index(i, sizes))

    def raw(self, i: int) -> dict[str, Any]:
        """The varied keys' values at point ``i``."""
        if self.spec.design == POINTS:
            return dict(self.spec.points[i])
        if self.unit is None:
            idx = self.grid_index(i)
            return {a.key: a.values[k] for a, k in zip(self.axes, idx, strict=True)}
        return {a.key: a.value(float(u)) for a, u in zip(self.axes, self.unit[i], strict=True)}

    def point(self, i: int) -> dict[str, Any]:
        """The values at point ``i``, shares completed to sum to 1."""
        return complete_shares(self.raw(i), self.spec.base)

    def runs(self) -> Iterator[Run]:
        """Every distinct run, replicate by replicate.

        Each replicate covers the whole design before the next starts, so a sweep stopped early
        has looked everywhere at least once.
        """
        spec = self.spec
        base = spec.base.as_dict()
        stamp = takeoff_version()
        for r in range(spec.replicates):
            for i in range(len(self)):
                if self.first[i] != i:
                    continue
                seed = spec.run_seed(i, r)
                values = self.point(i)
                origin = f"{spec.origin}: design point {i}"
                scenario = Scenario(base, spec.name, "").replace({**values, "run.seed": seed},
                                                                 origin=origin)
                toml = scenario.to_toml()
                digest = hashlib.sha256(f"{toml}\0{seed}\0{stamp}".encode()).hexdigest()
                yield Run(digest[:20], i, r, seed, values, toml)

    def runs_count(self) -> int:
        """Distinct runs: distinct points times replicates."""
        return self.unique * self.spec.replicates


def complete_shares(values: dict[str, Any], base: Scenario) -> dict[str, Any]:
    """Fill in the compute shares a point does not set, so that all three sum to 1.

    The shares not varied split what the varied ones leave in their base-scenario ratio
    (equally when they are all zero there); rounded to 12 decimals so the TOML stays readable.
    """
    varied = [k for k in SHARE_KEYS if k in values]
    if not varied:
        return dict(values)
    rest = [k for k in SHARE_KEYS if k not in values]
    left = max(0.0, 1.0 - sum(values[k] for k in varied))
    weights = [base[k] for k in rest]
    total = sum(weights)
    out = dict(values)
    for k, w in zip(rest, weights, strict=True):
        out[k] = round(left * (w / total if total > 0 else 1.0 / len(rest)), 12)
    return out


def _unit_points(spec: SweepSpec) -> np.ndarray:
    if spec.design == POINTS:
        return np.asarray(spec.unit, dtype=float).reshape(len(spec.points), len(spec.axes))
    d, n, seed = len(spec.axes), spec.samples, design_seed(spec)
    if spec.design == "random":
        return np.random.default_rng(seed).random((n, d))
    if spec.design == "lhs":
        return latin_hypercube(n, d, np.random.default_rng(seed))
    problem = {"num_vars": d, "names": [a.key for a in spec.axes], "bounds": [[0.0, 1.0]] * d}
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=spec.levels, seed=seed)


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points in [0, 1)^d, each dimension's ``n`` equal strata used exactly once."""
    out = np.empty((n, d))
    for j in range(d):
        out[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return out


def cell_edges(n_bins: int) -> np.ndarray:
    """Equal bins of the unit interval (equal in log space for a log range)."""
    return np.linspace(0.0, 1.0, n_bins + 1)


def bins_for(points: int) -> int:
    """How many bins per axis a heatmap of a sampled design uses: about 5 points per cell."""
    return int(min(8, max(2, math.isqrt(max(points // 5, 1)))))
