"""Measure the facts the default scenario must reproduce (``docs/model.md``).

Each measurement runs the model (several seeds) and returns numbers; ``takeoff calibrate`` prints
them as a table with their targets, ``takeoff validate`` adds the rest of the validation and
writes the report with plots. The test suite asserts the same ranges. A measurement given a
``trace`` list appends what its plot needs: ``(label, seed, weeks, values)`` per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from model.metrics import speed_at_start_difficulty
from model.model import TakeoffModel
from model.scenario import Scenario, load_scenario

NOISE_SEEDS = 12  # humans-only runs compared pairwise for the noise-floor report
ELASTICITY_WINDOW = (0, 52)  # weeks: the first year, from the steady state the burn-in leaves

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

    @property
    def passed(self) -> bool:
        """Whether the measured value sits in the accepted range (reports always pass)."""
        return self.lo <= self.value <= self.hi


def _run(scenario: Scenario, seed: int, twin: bool = False, **over) -> TakeoffModel:
    model = TakeoffModel(scenario.replace({"run.seed": seed, **over}), twin=twin,
                         lineage_graph=False)
    model.run()
    return model


def _keep(trace: Trace | None, label: str, seed: int, model: TakeoffModel, column: str) -> None:
    if trace is not None:
        data = model.datacollector.model_vars
        values = model.ln_s_history if column == "ln_s" else data[column]
        trace.append((label, seed, list(data["week"]), list(values)))


def humans_only(base: Scenario | None = None) -> Scenario:
    """The default lab without AI researchers."""
    return (base or load_scenario("baseline")).humans_only()


def progress_per_year(seeds: Iterable[int], base: Scenario | None = None,
                      trace: Trace | None = None) -> list[float]:
    """Humans-only software progress, geometric yearly factor over the whole horizon."""
    out = []
    for seed in seeds:
        m = _run(humans_only(base), seed)
        _keep(trace, "humans-only", seed, m, "ln_s")
        out.append(float(np.exp(m.ln_s * 52.0 / m.week)))
    return out


def elasticity(seeds: Iterable[int], boost: float = 10.0, base: Scenario | None = None,
               trace: Trace | None = None) -> list[float]:
    """log10(speed with ``boost`` x experiment compute / speed without) / log10(boost).

    Measured on the humans-only start at week-0 difficulty (see
    :func:`model.metrics.speed_at_start_difficulty`), one value per seed. ``trace`` gets the two
    speeds per seed, as ``("speeds", seed, [1, boost], [v1, v_boost])``.
    """
    start, end = ELASTICITY_WINDOW
    scenario = humans_only(base)
    b0 = scenario["compute.experiment_boost"]
    out = []
    for seed in seeds:
        v1 = speed_at_start_difficulty(_run(scenario, seed, **{"run.weeks": end}), start, end)
        v10 = speed_at_start_difficulty(
            _run(scenario, seed, **{"run.weeks": end, "compute.experiment_boost": b0 * boost}),
            start, end)
        if trace is not None:
            trace.append(("speeds", seed, [1.0, boost], [v1, v10]))
        out.append(float(np.log10(v10 / v1) / np.log10(boost)))
    return out


def shipped_shares(seeds: Iterable[int], weeks: int = 156, base: Scenario | None = None
                   ) -> tuple[list[float], list[float]]:
    """Shares of shipped ideas that helped and hurt at scale, humans-only, first ``weeks``."""
    helped, hurt = [], []
    for seed in seeds:
        c = _run(humans_only(base), seed, **{"run.weeks": weeks}).counts
        helped.append(float(c["shipped_helpful"] / c["shipped"]))
        hurt.append(float(c["shipped_harmful"] / c["shipped"]))
    return helped, hurt


def drift(seeds: Iterable[int], weeks: int = 260, base: Scenario | None = None,
          trace: Trace | None = None) -> list[tuple[float, float]]:
    """(log10 proxy, log10 true) efficiency at the end of humans-only runs without big runs."""
    out = []
    for seed in seeds:
        m = _run(humans_only(base), seed, **{"run.weeks": weeks, "frontier.enabled": False})
        _keep(trace, "proxy", seed, m, "proxy_efficiency")
        _keep(trace, "true", seed, m, "software_efficiency")
        out.append((float(m.ln_proxy / np.log(10)), float(m.ln_s / np.log(10))))
    return out


def taste_effect(seeds: Iterable[int], noise_factor: float = 2.0, weeks: int = 260,
                 base: Scenario | None = None, trace: Trace | None = None) -> list[float]:
    """Progress with ``noise_factor`` x the taste noise over progress with the default, per seed."""
    scenario = humans_only(base)
    noise = scenario["humans.taste_noise"]
    out = []
    for seed in seeds:
        good = _run(scenario, seed, **{"run.weeks": weeks})
        bad = _run(scenario, seed, **{"run.weeks": weeks,
                                      "humans.taste_noise": noise * noise_factor})
        _keep(trace, "default taste", seed, good, "ln_s")
        _keep(trace, f"{noise_factor:g}x taste noise", seed, bad, "ln_s")
        out.append(float(bad.ln_s / good.ln_s))
    return out


def noise_floor(seeds: Iterable[int], weeks: tuple[int, ...] = (26, 104),
                base: Scenario | None = None, trace: Trace | None = None
                ) -> dict[int, tuple[float, float]]:
    """How far two labs that differ only by chance differ: the speedup's noise floor.

    Runs the humans-only lab on each seed and returns, per week, the 5th and 95th percentiles of
    research-speed ratios between every pair of seeds.
    """
    speeds = []
    for seed in seeds:
        m = _run(humans_only(base), seed, **{"run.weeks": max(weeks)})
        _keep(trace, "research speed", seed, m, "research_speed")
        speeds.append(np.maximum(m.datacollector.model_vars["research_speed"], 0.01))
    out = {}
    for w in weeks:
        v = np.array([s[w] for s in speeds])
        ratios = (v[:, None] / v[None, :])[~np.eye(v.size, dtype=bool)]
        out[w] = (float(np.percentile(ratios, 5)), float(np.percentile(ratios, 95)))
    return out


def table(seeds: Iterable[int] = (1, 2, 3), base: Scenario | None = None,
          traces: dict[str, Trace] | None = None) -> list[Fact]:
    """Every calibration fact measured on ``seeds`` (on ``base`` instead of the baseline).

    Args:
        seeds: Seeds per fact.
        base: The scenario measured (its humans-only version); the baseline when None.
        traces: If given, filled with each fact's plot data, keyed ``progress``,
            ``elasticity``, ``drift``, ``taste`` and ``noise``.

    """
    seeds = list(seeds)
    tr = {k: [] for k in ("progress", "elasticity", "drift", "taste", "noise")}
    prog = progress_per_year(seeds, base, trace=tr["progress"])
    el = elasticity(seeds, base=base, trace=tr["elasticity"])
    helped, hurt = shipped_shares(seeds, base=base)
    dr = drift(seeds, base=base, trace=tr["drift"])
    taste = taste_effect(seeds, base=base, trace=tr["taste"])
    # Two labs a few percent apart by chance need many pairs to show it: at least 12 seeds.
    noise_seeds = range(1, 1 + max(NOISE_SEEDS, len(seeds)))
    noise = noise_floor(noise_seeds, base=base, trace=tr["noise"])
    if traces is not None:
        traces.update(tr)
    facts = [
        Fact("humans-only software progress (x/year, 10 years)", float(np.mean(prog)),
             "about 3 (2 to 5)", 2.0, 5.0, f"per seed {np.round(prog, 2).tolist()}"),
        Fact("compute elasticity of research speed (10x experiment compute)",
             float(np.mean(el)), "0.70 (0.5 to 0.85)", 0.5, 0.85,
             f"per seed {np.round(el, 2).tolist()}; speed ratio {10 ** np.mean(el):.1f}x"),
        Fact("shipped ideas that help at scale (share, humans-only, 3 years)",
             float(np.mean(helped)), "well under half", 0.0, 0.48,
             f"hurt: {np.mean(hurt):.2f}"),
        Fact("shipped ideas that hurt at scale (share)", float(np.mean(hurt)),
             "a visible share", 0.05, 1.0),
        Fact("no big runs: proxy minus true log10 efficiency after 5 years",
             float(np.mean([p - t for p, t in dr])), "proxy rises, true stalls", 0.5, np.inf,
             "(proxy, true) log10 per seed "
             + ", ".join(f"({p:.2f}, {t:.2f})" for p, t in dr)),
        Fact("2x taste noise: progress relative to default taste", float(np.mean(taste)),
             "below 1", 0.0, 0.95, f"per seed {np.round(taste, 2).tolist()}"),
    ]
    if noise:
        (w0, (a0, b0)), (w1, (a1, b1)) = noise.items()
        facts.append(Fact(f"noise floor: 95th percentile speed ratio of same-lab runs (week {w1})",
                          b1, "report", -np.inf, np.inf,
                          f"5-95% of ratios: week {w0} {a0:.2f} to {b0:.2f}, "
                          f"week {w1} {a1:.2f} to {b1:.2f}"))
    return facts


def render(facts: list[Fact]) -> str:
    """The table as Markdown."""
    lines = ["| fact | measured | target | pass | detail |", "| --- | --- | --- | --- | --- |"]
    for f in facts:
        verdict = "-" if f.target == "report" else ("yes" if f.passed else "NO")
        lines.append(f"| {f.name} | {f.value:.3g} | {f.target} | {verdict} | {f.detail} |")
    return "\n".join(lines)
