"""Measure the facts the default scenario must reproduce (``docs/model.md``, calibration).

Each measurement runs the humans-only lab on several seeds (in parallel, ``runs.run_all``) and
returns numbers; ``takeoff calibrate`` prints them as a table with their targets, ``takeoff
validate`` adds the rest of the validation and writes the report with plots. A fact that the
model's mechanisms cannot meet carries the reason (``Fact.unmet``): it is reported as not met,
with ``docs/calibration.md`` saying why, rather than met by bending a mechanism.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from model.scenario import Scenario, load_scenario
from takeoff.validation.runs import Job, run_all

ELASTICITY_WEEKS = 104  # the first two years, from the steady state the burn-in leaves
SHIPPED_WEEKS = 156
DRIFT_WEEKS = TASTE_WEEKS = 260
# Why the shipped-ideas fact is not met (docs/calibration.md, "What is not met, and why").
HELPFUL_UNMET = ("not met by design: researchers who read informative results and hold each "
                 "rung to a higher bar ship mostly ideas that help; what fails is most tested "
                 "ideas (see the fates row), and a visible share of shipped ones still hurts")

Trace = list[tuple[str, int, list, list]]


@dataclass
class Fact:
    """One row of the calibration table."""

    name: str
    value: float
    target: str
    lo: float
    hi: float
    detail: str = ""
    unmet: str = ""  # why the mechanisms cannot meet it, when they cannot

    @property
    def passed(self) -> bool:
        """Whether the measured value sits in the accepted range (reports always pass)."""
        return self.lo <= self.value <= self.hi


def humans_only(base: Scenario | None = None) -> Scenario:
    """The default lab without AI researchers."""
    return (base or load_scenario("baseline")).humans_only()


def _runs(scenario: Scenario, seeds: Iterable[int], weeks: int, **over) -> list[dict]:
    return run_all(Job(scenario.replace({"run.seed": s, "run.weeks": weeks, **over}))
                   for s in seeds)


def _trace(trace: Trace | None, label: str, seeds, runs: list[dict], column: str,
           ln: bool = False) -> None:
    if trace is None:
        return
    for seed, r in zip(seeds, runs, strict=True):
        values = r["series"][column]
        trace.append((label, seed, r["series"]["week"], list(np.log(values)) if ln else values))


def progress_per_year(seeds: Iterable[int], base: Scenario | None = None,
                      trace: Trace | None = None) -> list[float]:
    """Humans-only software progress, geometric yearly factor over ten years."""
    seeds = list(seeds)
    runs = _runs(humans_only(base), seeds, 520)
    _trace(trace, "humans-only", seeds, runs, "software_efficiency", ln=True)
    return [float(10 ** (r["log10_s"] * 52.0 / r["weeks"])) for r in runs]


def elasticity(seeds: Iterable[int], boost: float = 10.0, base: Scenario | None = None,
               trace: Trace | None = None) -> list[float]:
    """log10(speed with ``boost`` x experiment compute / speed without) / log10(boost).

    Measured on the humans-only start, at week-0 difficulty (a faster lab makes ideas harder
    sooner, which would hide part of what compute buys): research speed over the first two
    years from the quality of what shipped (:func:`model.metrics.speed_at_start_difficulty`).
    """
    seeds = list(seeds)
    scenario = humans_only(base)
    b0 = scenario["compute.experiment_boost"]
    plain = _runs(scenario, seeds, ELASTICITY_WEEKS)
    boosted = _runs(scenario, seeds, ELASTICITY_WEEKS, **{"compute.experiment_boost":
                                                            b0 * boost})
    out = []
    for seed, a, b in zip(seeds, plain, boosted, strict=True):
        if trace is not None:
            trace.append(("speeds", seed, [1.0, boost], [a["start_speed"], b["start_speed"]]))
        out.append(float(np.log10(b["start_speed"] / a["start_speed"]) / np.log10(boost)))
    return out


def shipped_shares(seeds: Iterable[int], weeks: int = SHIPPED_WEEKS,
                   base: Scenario | None = None
                   ) -> tuple[list[float], list[float], list[float]]:
    """Shares of shipped ideas that helped and that hurt at scale, and harmful ideas a run.

    Humans-only, the first ``weeks``; one value per seed in each list.
    """
    runs = _runs(humans_only(base), list(seeds), weeks)
    return ([r["helpful"] / r["shipped"] for r in runs],
            [r["harmful"] / r["shipped"] for r in runs],
            [r["harmful"] / max(len(r["frontier_log"]), 1) for r in runs])


def drift(seeds: Iterable[int], weeks: int = DRIFT_WEEKS, base: Scenario | None = None,
          trace: Trace | None = None) -> list[tuple[float, float]]:
    """(log10 proxy, log10 true) efficiency at the end of humans-only runs without big runs."""
    seeds = list(seeds)
    runs = _runs(humans_only(base), seeds, weeks, **{"frontier.enabled": False})
    _trace(trace, "proxy", seeds, runs, "proxy_efficiency")
    _trace(trace, "true", seeds, runs, "software_efficiency")
    return [(r["log10_proxy"], r["log10_s"]) for r in runs]


def taste_effect(seeds: Iterable[int], noise_factor: float = 2.0, weeks: int = TASTE_WEEKS,
                 base: Scenario | None = None, trace: Trace | None = None) -> list[float]:
    """Progress with ``noise_factor`` x the taste noise over progress with the default, per seed."""
    seeds = list(seeds)
    scenario = humans_only(base)
    good = _runs(scenario, seeds, weeks)
    bad = _runs(scenario, seeds, weeks,
                **{"humans.taste_noise": scenario["humans.taste_noise"] * noise_factor})
    _trace(trace, "default taste", seeds, good, "software_efficiency", ln=True)
    _trace(trace, f"{noise_factor:g}x taste noise", seeds, bad, "software_efficiency", ln=True)
    return [b["log10_s"] / a["log10_s"] for a, b in zip(good, bad, strict=True)]


def table(seeds: Iterable[int] = (1, 2, 3), base: Scenario | None = None,
          traces: dict[str, Trace] | None = None) -> list[Fact]:
    """Every calibration fact measured on ``seeds`` (on ``base`` instead of the baseline).

    Args:
        seeds: Seeds per fact.
        base: The scenario measured (its humans-only version); the baseline when None.
        traces: If given, filled with each fact's plot data, keyed ``progress``,
            ``elasticity``, ``drift`` and ``taste``.

    """
    seeds = list(seeds)
    tr = {k: [] for k in ("progress", "elasticity", "drift", "taste")}
    prog = progress_per_year(seeds, base, trace=tr["progress"])
    el = elasticity(seeds, base=base, trace=tr["elasticity"])
    helped, hurt, hurt_per_run = shipped_shares(seeds, base=base)
    dr = drift(seeds, base=base, trace=tr["drift"])
    taste = taste_effect(seeds, base=base, trace=tr["taste"])
    if traces is not None:
        traces.update(tr)
    return [
        Fact("humans-only software progress (x/year, 10 years)", float(np.mean(prog)),
             "about 3 (2 to 5)", 2.0, 5.0, f"per seed {np.round(prog, 2).tolist()}"),
        Fact("compute elasticity of research speed (10x experiment compute, first 2 years)",
             float(np.mean(el)), "0.70 (0.5 to 0.85)", 0.5, 0.85,
             f"per seed {np.round(el, 2).tolist()}; speed ratio {10 ** np.mean(el):.1f}x"),
        Fact("shipped ideas that help at scale (share, humans-only, 3 years)",
             float(np.mean(helped)), "well under half", 0.0, 0.48,
             f"hurt: {np.mean(hurt):.2f}", unmet=HELPFUL_UNMET),
        Fact("shipped ideas that hurt at scale (per frontier run)", float(np.mean(hurt_per_run)),
             "a visible share: at least one a run", 1.0, np.inf,
             f"share {np.mean(hurt):.3f}, per seed {np.round(hurt, 3).tolist()}"),
        Fact("no big runs: proxy minus true log10 efficiency after 5 years",
             float(np.mean([p - t for p, t in dr])), "proxy rises, true stalls", 0.5, np.inf,
             "(proxy, true) log10 per seed "
             + ", ".join(f"({p:.2f}, {t:.2f})" for p, t in dr)),
        Fact("2x taste noise: progress relative to default taste", float(np.mean(taste)),
             "below 1", 0.0, 0.95, f"per seed {np.round(taste, 2).tolist()}"),
    ]


def render(facts: list[Fact]) -> str:
    """The table as Markdown."""
    lines = ["| fact | measured | target | pass | detail |", "| --- | --- | --- | --- | --- |"]
    for f in facts:
        if f.target == "report":
            verdict = "-"
        elif f.passed:
            verdict = "yes"
        else:
            verdict = "not met (documented)" if f.unmet else "NO"
        detail = f.detail + (f"; {f.unmet}" if f.unmet and not f.passed else "")
        lines.append(f"| {f.name} | {f.value:.3g} | {f.target} | {verdict} | {detail} |")
    return "\n".join(lines)
