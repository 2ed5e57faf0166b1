"""Labour and compute substitute, to a degree the scenario sets (mechanism 11).

Researchers put the time their experiments wait for compute into engineering them, which cuts
their compute by (1 + effort / setup)^-``experiments.labour_substitution``. What that implies for
the lab as a whole is measured, not assumed: humans-only labs on a grid of experiment compute
(``compute.experiment_boost``) and researcher labour (``humans.count``) each give a research
speed (two years, at week-0 difficulty), and a CES production function
``speed = A (a C^rho + (1 - a) L^rho)^(nu / rho)`` is fitted to them by least squares in logs, as
Whitfill and Wu (2025) estimate it from labs' data: the elasticity of substitution is
``sigma = 1 / (1 - rho)`` (0: complements, 1: Cobb-Douglas, above 1: substitutes). The
consequence is shown at ``frontier_coupling = 1`` (experiments keep a fixed share of the
frontier's physical compute): a lab whose labour substitutes for compute can still explode, one
where they are complements cannot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from model.scenario import load_scenario
from takeoff.validation.runs import Job, run_all

COMPUTE = (0.3, 1.0, 3.0)  # experiment compute, times the default
LABOUR = (0.5, 1.0, 2.0)  # humans, times the default
CONTRAST = (0.0, 1.0)  # complements, substitutes (labour_substitution) at coupling 1


def _ces(x, log_a, share, rho, nu):
    c, labour = x
    share = np.clip(share, 1e-6, 1 - 1e-6)
    if abs(rho) < 1e-6:  # Cobb-Douglas, the limit
        return log_a + nu * (share * np.log(c) + (1 - share) * np.log(labour))
    return log_a + nu / rho * np.log(share * c**rho + (1 - share) * labour**rho)


@dataclass
class Fit:
    """The CES fitted to one substitution setting's grid."""

    substitution: float
    points: list[tuple[float, float, float]]  # (compute, labour, speed), relative units
    sigma: float
    sigma_se: float
    scale: float  # nu: returns to scale


def fit(substitution: float, seeds: list[int]) -> Fit:
    """Run the grid at ``substitution`` and fit the CES to its mean speeds."""
    base = load_scenario("humans_only").replace(
        {"experiments.labour_substitution": float(substitution)})
    n0, b0 = base["humans.count"], base["compute.experiment_boost"]
    grid = [(c, lab) for c in COMPUTE for lab in LABOUR]
    jobs = [Job(base.replace({"compute.experiment_boost": b0 * c,
                              "humans.count": max(1, round(n0 * lab)),
                              "run.seed": s, "run.weeks": 104}))
            for c, lab in grid for s in seeds]
    out = run_all(jobs)
    k = len(seeds)
    speeds = [float(np.mean([r["start_speed"] for r in out[i * k:(i + 1) * k]]))
              for i in range(len(grid))]
    x = np.array(grid, dtype=float).T
    y = np.log(np.maximum(speeds, 1e-300))
    try:
        p, cov = curve_fit(_ces, x, y, p0=(float(np.mean(y)), 0.6, -0.5, 0.9),
                           bounds=([-50, 0.01, -20, 0.05], [50, 0.99, 0.95, 3.0]), maxfev=20000)
        rho, rho_se = p[2], math.sqrt(max(cov[2, 2], 0.0)) if np.isfinite(cov[2, 2]) else np.inf
        sigma = 1.0 / (1.0 - rho)
        sigma_se = rho_se / (1.0 - rho) ** 2  # delta method
        scale = float(p[3])
    except (RuntimeError, ValueError):
        sigma, sigma_se, scale = float("nan"), float("inf"), float("nan")
    return Fit(float(substitution), [(c, lab, v) for (c, lab), v in zip(grid, speeds,
                                                                        strict=True)],
               float(sigma), float(sigma_se), scale)


@dataclass
class Contrast:
    """The baseline at coupling 1 with complements and with substitutes, per seed."""

    settings: tuple
    explosions: dict  # substitution -> explosion week per seed (None: none)

    def exploded(self, substitution: float) -> float:
        """Share of seeds that exploded."""
        weeks = self.explosions[substitution]
        return sum(w is not None for w in weeks) / len(weeks)

    @property
    def passed(self) -> bool:
        """Substitutes explode in most seeds, complements in none."""
        low, high = self.settings
        return self.exploded(low) == 0.0 and self.exploded(high) > 0.5


def contrast(seeds: list[int], weeks: int = 520) -> Contrast:
    """The baseline at frontier_coupling 1 with each substitution of ``CONTRAST``."""
    base = load_scenario("baseline").replace({"experiments.frontier_coupling": 1.0})
    jobs = [Job(base.replace({"experiments.labour_substitution": s_, "run.seed": s,
                              "run.weeks": weeks}), twin=True)
            for s_ in CONTRAST for s in seeds]
    out = run_all(jobs)
    n = len(seeds)
    return Contrast(CONTRAST, {s_: [r["explosion_week"] for r in out[i * n:(i + 1) * n]]
                               for i, s_ in enumerate(CONTRAST)})
