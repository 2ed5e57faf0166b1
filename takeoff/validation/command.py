"""``takeoff validate``: every row of the calibration table, measured, with a report and plots.

Rows: the calibration facts of ``docs/model.md`` (``takeoff.validation.calibration``), the explosion
boundary against the aggregate equations' prediction, the aggregate's agreement with the mean of
many agent runs in four regimes, the implied parallelisation exponent lambda and returns r, and
the baseline's speedup against the AI 2027 milestone multipliers. The report is Markdown with one
PNG per row; the command exits 1 when a row fails. ``--fast`` runs the same rows with fewer
seeds and a narrower boundary sweep (what the test suite runs).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from takeoff.validation import calibration as cal
from takeoff.validation import mechanism_rows, plots
from takeoff.validation.aggregate import REGIMES, compare
from takeoff.validation.milestones import MILESTONES, milestones
from takeoff.validation.returns import aggregate_boundary, boundary, returns_design
from takeoff.validation.rows import Row, report, table

FULL = {"seeds": 6, "mechanisms": mechanism_rows.FULL,
        "agreement": {"ideas": 8, "time": 8, "compute": 8, "ai": 8, "default": 5},
        "phis": [round(float(x), 2) for x in np.arange(-0.2, 0.81, 0.1)], "boundary_seeds": 3,
        "boundary_weeks": 520, "counts": [25, 50, 100, 200, 400, 800], "returns_seeds": 2,
        "milestone_seeds": 5}
FAST = {"seeds": 2, "mechanisms": mechanism_rows.FAST,
        "agreement": {"ideas": 4, "time": 8, "compute": 4, "ai": 8, "default": 1},
        "phis": None, "boundary_seeds": 2, "boundary_weeks": 520, "counts": [25, 100, 400],
        "returns_seeds": 1, "milestone_seeds": 2}
BOUNDARY_TOLERANCE = 0.1  # in phi: the full sweep's grid step


def register(sub) -> None:
    """Add ``takeoff validate`` to the command line."""
    p = sub.add_parser("validate", help="run every validation row (calibration facts, explosion "
                       "boundary, aggregate agreement, lambda and r, AI 2027 milestones) and "
                       "write a Markdown report with plots")
    p.add_argument("--out", type=Path, default=Path("docs/validation"),
                   help="report folder (default docs/validation)")
    p.add_argument("--seeds", type=int, help="seeds per calibration fact (default 5, --fast 2)")
    p.add_argument("--fast", action="store_true",
                   help="fewer seeds and a two-point boundary check (about a minute)")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    """Run the rows, write ``README.md`` and the PNGs into ``--out``; exit 1 if a row fails."""
    from takeoff.errors import UsageError

    if args.seeds is not None and args.seeds < 1:
        raise UsageError("validate: --seeds must be at least 1")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"validate: --out {args.out}: exists and is not a folder")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"validate: --out {args.out}: cannot write ({exc.strerror})") from None
    settings = dict(FAST if args.fast else FULL)
    if args.seeds is not None:
        settings["seeds"] = args.seeds
    command = "takeoff validate" + (" --fast" if args.fast else "") + (
        f" --seeds {args.seeds}" if args.seeds is not None else "")
    started = time.perf_counter()
    rows = run_rows(settings, args.out, log=lambda m: print(m, file=sys.stderr, flush=True))
    elapsed = time.perf_counter() - started
    (args.out / "README.md").write_text(report(rows, command))
    print(table(rows))
    print(f"report: {args.out / 'README.md'} ({elapsed:.0f} s)")
    return 0 if not any(r.failed for r in rows) else 1


def run_rows(settings: dict, out: Path, log=print) -> list[Row]:
    """Measure every row with ``settings`` (``FULL`` or ``FAST``), saving plots into ``out``."""
    seeds = list(range(1, settings["seeds"] + 1))
    rows: list[Row] = []
    log(f"calibration facts ({len(seeds)} seeds)")
    traces: dict = {}
    facts = cal.table(seeds, traces=traces)
    helped, hurt, _ = cal.shipped_shares(seeds)
    plot_files = ["progress.png", "elasticity.png", "shipped.png", "shipped.png", "drift.png",
                  "taste.png"]
    plots.save(plots.progress(traces["progress"]), out / "progress.png")
    plots.save(plots.elasticity(traces["elasticity"]), out / "elasticity.png")
    plots.save(plots.shipped(helped, hurt), out / "shipped.png")
    plots.save(plots.drift(traces["drift"]), out / "drift.png")
    plots.save(plots.taste(traces["taste"]), out / "taste.png")
    for fact, plot in zip(facts, plot_files, strict=True):
        judged = None if fact.target == "report" else fact.passed
        rows.append(Row(fact.name, f"{fact.value:.3g}", fact.target, judged, fact.detail, plot,
                        fact.unmet))
    rows += mechanism_rows.rows(settings, out, log)
    rows.append(_boundary_row(settings, out, log))
    rows += _agreement_rows(settings, out, log)
    rows.append(_returns_row(settings, out, log))
    rows.append(_milestone_row(settings, out, log))
    return rows


def _boundary_row(settings: dict, out: Path, log) -> Row:
    weeks = settings["boundary_weeks"]
    seeds = list(range(1, settings["boundary_seeds"] + 1))
    phis = settings["phis"]
    if phis is None:  # fast: the agents must not explode just below and must just above
        center = aggregate_boundary(weeks, tol=0.01)
        phis = [round(center - BOUNDARY_TOLERANCE, 3), round(center + BOUNDARY_TOLERANCE, 3)]
    log(f"explosion boundary: phi in {phis}, {len(seeds)} seeds")
    b = boundary(phis, seeds, weeks, BOUNDARY_TOLERANCE)
    plots.save(plots.boundary(b), out / "boundary.png")
    tail = b.lambda_eff[-1]
    peak = float(np.max(b.lambda_eff))
    detail = (f"agents explode within {weeks} weeks from phi {b.agents_phi:g} (not at "
              f"{b.agents_below:g}); aggregate from phi {b.aggregate_phi:.3f}; returns r = "
              f"lambda / (1 - phi) with the aggregate's lambda (output against S when AI copies "
              f"grow with S) rising to {peak:.2f} and settling at {tail:.2f}: r > 1 for every "
              f"S needs phi > {1 - min(peak, tail):.2f}, somewhere along the way phi > "
              f"{1 - peak:.2f}")
    measured = f"agents ({b.agents_below:g}, {b.agents_phi:g}], aggregate {b.aggregate_phi:.2f}"
    return Row("explosion boundary in phi (experiment compute not binding)", measured,
               f"aggregate within {BOUNDARY_TOLERANCE:g} of the agents' boundary", b.passed,
               detail, "boundary.png")


def _agreement_rows(settings: dict, out: Path, log) -> list[Row]:
    results, rows = [], []
    for regime in REGIMES:
        seeds = list(range(1, settings["agreement"][regime.key] + 1))
        log(f"aggregate vs agents, {regime.key} regime ({len(seeds)} seeds)")
        a = compare(regime, seeds)
        results.append(a)
        end = int(a.weeks[-1]) if a.weeks.size else 0
        detail = (f"worst at week {a.worst_week}; ln S at week {end}: agents "
                  f"{a.mean[end]:.2f} (seeds {a.agents[:, end].min():.2f} to "
                  f"{a.agents[:, end].max():.2f}), aggregate {a.aggregate[end]:.2f}")
        if any(e is not None for e in a.explosions):
            weeks = [e for e in a.explosions if e is not None]
            detail += (f"; explosion week: agents {min(weeks)} to {max(weeks)} (median "
                       f"{np.median(weeks):g}), aggregate {a.aggregate_explosion}")
        detail += (f"; ideas started: agents {a.started[0]:,.0f}, aggregate "
                   f"{a.started[1]:,.0f}. Tolerance: {a.regime.why}")
        target = ("report" if regime.tolerance is None
                  else f"worst ln S difference <= {regime.tolerance:.0%}")
        rows.append(Row(f"aggregate vs mean of {len(seeds)} agent runs: {regime.title}",
                        f"{a.worst:.1%}", target, a.passed, detail, "agreement.png",
                        unmet=regime.unmet))
    plots.save(plots.agreement(results), out / "agreement.png")
    return rows


def _returns_row(settings: dict, out: Path, log) -> Row:
    counts, seeds = settings["counts"], list(range(1, settings["returns_seeds"] + 1))
    log(f"implied lambda and r: {counts} researchers, {len(seeds)} seeds")
    r = returns_design(counts, seeds, weeks=104)
    d = returns_design(counts[:-1] if len(counts) > 3 else counts, seeds, weeks=260, over={})
    plots.save(plots.returns(r), out / "returns.png")
    detail = (f"humans-only labs of {counts} researchers, experiment compute not binding, "
              f"{len(seeds)} seed(s), 104 weeks, {r.n} frontier runs: lambda {r.lam:.2f} +- "
              f"{r.lam_se:.2f}, gamma {r.gamma:.3f} +- {r.gamma_se:.3f}, beta = 1 - phi = "
              f"{r.beta:.2f}, r {r.r:.2f}; the aggregate's runs: lambda "
              f"{r.aggregate_lam:.2f}, gamma {r.aggregate_gamma:.3f}, r {r.aggregate_r:.2f}. "
              f"The default (compute-bound) lab: lambda {d.lam:.2f} +- {d.lam_se:.2f} "
              f"(aggregate {d.aggregate_lam:.2f}) and gamma {d.gamma:.2f} (aggregate "
              f"{d.aggregate_gamma:.2f}): more researchers do not speed it up, cheaper "
              f"experiments (frontier_coupling < 1) do. Literature: lambda 0.3 to 0.8 (AI "
              f"Futures), 0.2 to 0.99 (Davidson); r 0.4 to 3.6, median 1.2 (Forethought)")
    return Row("implied parallelisation exponent lambda and returns r (regression)",
               f"lambda {r.lam:.2f}, r {r.r:.2g}", "report (literature: lambda ~0.5, r ~1.2)",
               None, detail, "returns.png")


def _milestone_row(settings: dict, out: Path, log) -> Row:
    seeds = list(range(1, settings["milestone_seeds"] + 1))
    log(f"AI 2027 milestones: baseline, {len(seeds)} seeds")
    m = milestones(seeds)
    plots.save(plots.milestones(m, MILESTONES), out / "milestones.png")
    parts, measured = [], []
    for name, level in MILESTONES.items():
        weeks = m.crossings[name]
        med = m.median(name)
        shown = ", ".join("-" if w is None else str(w) for w in weeks)
        parts.append(f"{name} ({level:g}x): weeks {shown} (aggregate "
                     f"{m.aggregate[name] if m.aggregate[name] is not None else '-'})")
        measured.append(f"{level:g}x: {'not reached' if med is None else f'week {med:g}'}")
    expl = ", ".join("-" if e is None else str(e) for e in m.explosions)
    peak = [max(s) for _, _, s in m.series]
    auto = ", ".join("-" if w is None else str(w) for w in m.automated)
    quarter = "; ".join(
        f"{level:g}x: weeks {', '.join('-' if w is None else str(w) for w in m.quarter[name])} "
        f"(aggregate {m.aggregate_quarter[name] if m.aggregate_quarter[name] is not None else '-'})"
        for name, level in MILESTONES.items())
    detail = ("; ".join(parts) + f"; explosion weeks {expl} (aggregate {m.aggregate_explosion});"
              f" peak speedup {min(peak):.1f}x to {max(peak):.1f}x. A crossing counts when the "
              "speedup holds for a frontier interval (13 weeks) or until the explosion. By the "
              f"speedup over the last quarter instead of the trailing year: {quarter}. "
              "Forethought's automated AI researcher (30 AI copies per human, each 30x a "
              f"human's speed) is reached in weeks {auto} (aggregate "
              f"{m.aggregate_automated if m.aggregate_automated is not None else '-'})")
    return Row("baseline speedup vs AI 2027 milestones (median week over seeds)",
               "; ".join(measured), "report", None, detail, "milestones.png")


