"""``takeoff forecast``: Monte Carlo over beliefs, on the sweep engine, resumably."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from takeoff.errors import UsageError

EXIT_INTERRUPTED = 130


def register(sub) -> None:
    """Add the ``forecast`` command to the ``takeoff`` parser."""
    p = sub.add_parser(
        "forecast", help="sample a beliefs file and report the probabilities of an explosion "
        "and of compression, with fans and what moves them",
        description="Draw samples of a beliefs file (a distribution per uncertain key), run "
        "each on the sweep engine (recorded as it finishes in DIR/runs.sqlite; running the "
        "same command again resumes), and write DIR/forecast.json and DIR/plots/.")
    p.add_argument("beliefs", nargs="?", help="a beliefs file, or a shipped beliefs name "
                   "(takeoff forecast --list)")
    p.add_argument("--samples", type=int, metavar="N",
                   help="samples to draw, one run each (default: the file's forecast.samples)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="results folder (default runs/forecast-NAME)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="local processes (default: one per core)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster whose "
                   "scheduler is at ADDRESS (default: $DASK_SCHEDULER_ADDRESS when set and "
                   "--workers is not given)")
    p.add_argument("--weeks", type=int, help="override run.weeks of the base scenario")
    p.add_argument("--seed", type=int, help="override run.seed (the samples derive from it)")
    p.add_argument("--no-plots", action="store_true", help="skip the plots")
    p.add_argument("--dry-run", action="store_true", help="check the file and show the "
                   "beliefs and the first samples without running anything")
    p.add_argument("--scenario", metavar="RUN_ID", help="print one sample's resolved "
                   "scenario as TOML (rerun it with takeoff run FILE)")
    p.add_argument("--list", action="store_true", help="the shipped beliefs")
    p.set_defaults(func=cmd_forecast)


def cmd_forecast(args) -> int:
    """``takeoff forecast``."""
    from takeoff.forecast.beliefs import check_samples, load_beliefs

    if args.list:
        return _list()
    if not args.beliefs:
        raise UsageError("forecast: give a beliefs file or a shipped beliefs name "
                         "(see takeoff forecast --list)")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise UsageError(f"forecast: --workers must be an integer in [1, 1024], "
                         f"got {args.workers}")
    scheduler = args.scheduler
    if scheduler is None and args.workers is None:
        scheduler = os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if scheduler and args.workers is not None:
        raise UsageError("forecast: --workers is for local runs; a Dask cluster (--scheduler) "
                         "has its own workers")
    beliefs = load_beliefs(args.beliefs)
    overrides = {}
    if args.weeks is not None:
        overrides["run.weeks"] = args.weeks
    if args.seed is not None:
        overrides["run.seed"] = args.seed
    if overrides:
        beliefs = beliefs.on(beliefs.base.replace(overrides, origin="--weeks/--seed"))
    samples = beliefs.samples if args.samples is None else args.samples
    check_samples("forecast: --samples", samples, beliefs.sampler)
    out = args.out or Path("runs") / f"forecast-{beliefs.name}"
    if args.dry_run:
        print(_describe(beliefs, samples))
        return 0
    if args.scenario:
        return _scenario(beliefs, samples, args.scenario)
    return _run(args, beliefs, samples, out, scheduler)


def _run(args, beliefs, samples: int, out: Path, scheduler: str | None) -> int:
    from takeoff.forecast import engine
    from takeoff.sweep.runner import make_pool

    pool = make_pool(args.workers, scheduler)  # an unreachable cluster fails before DIR is made
    print(f"forecast {beliefs.name}: {samples} samples of {len(beliefs.beliefs)} beliefs "
          f"({beliefs.sampler}, seed {beliefs.seed}), {beliefs.base['run.weeks']} weeks each, "
          f"on {pool.where}")
    outcome, found = engine.run(beliefs, samples, out, pool)
    resume = _command_line(args, out)
    if outcome.interrupted:
        print(f"interrupted: {outcome.done} of {outcome.total} runs done and kept in {out}/; "
              f"run the same command again to resume:\n  {resume}", file=sys.stderr)
        return EXIT_INTERRUPTED
    for line in engine.headline(found):
        print(line)
    written = []
    if not args.no_plots and found["finished"]:
        from takeoff.forecast.plots import write_plots

        written = write_plots(found, out / "plots")
    print(f"  results in {out}/ (forecast.json, runs.sqlite, summary.parquet, timeseries/"
          f"{', plots/: ' + ', '.join(written) if written else ''})")
    if outcome.failed:
        print(f"{outcome.failed} runs failed and are left out of the probabilities (status "
              f"'failed' in {out}/runs.sqlite, with their tracebacks); run the same command "
              f"again to retry them:\n  {resume}", file=sys.stderr)
        return 1
    return 0


def _describe(beliefs, samples: int) -> str:
    from takeoff.forecast.sampling import draw

    lines = [f"forecast {beliefs.name}: {samples} samples ({beliefs.sampler}, seed "
             f"{beliefs.seed}) over the base scenario '{beliefs.base.name}', "
             f"{beliefs.base['run.weeks']} weeks each"]
    for b in beliefs.beliefs:
        lines.append(f"  {b.describe()}" + (f"  [{b.source}]" if b.source else ""))
    keys = beliefs.keys
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if beliefs.rank[i, j]:
                lines.append(f"  rank correlation {keys[i]} ~ {keys[j]}: "
                             f"{beliefs.rank[i, j]:+.2f}")
    shown = draw(beliefs, samples)
    lines.append("  first samples:")
    for i in range(min(samples, 5)):
        values = ", ".join(f"{k}={_short(v)}" for k, v in shown.points[i].items())
        lines.append(f"    {i}: seed {shown.seeds[i]}: {values}")
    return "\n".join(lines)


def _short(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else repr(v)


def _scenario(beliefs, samples: int, run_id: str) -> int:
    from takeoff.forecast.sampling import forecast_spec
    from takeoff.sweep.design import Design

    for run in Design(forecast_spec(beliefs, samples)).runs():
        if run.run_id == run_id:
            print(run.toml, end="")
            return 0
    raise UsageError(f"forecast: --scenario {run_id}: no sample of {beliefs.origin} with "
                     f"{samples} samples has this run_id (see the run_id column of runs.sqlite)")


def _list() -> int:
    from model.scenario import ScenarioError
    from takeoff.forecast.beliefs import load_beliefs, shipped_beliefs

    for name in shipped_beliefs():
        try:
            beliefs = load_beliefs(name)
        except ScenarioError as exc:  # e.g. a key this version of the model does not have yet
            print(f"{name:22s} (cannot be used with this version: {exc})")
            continue
        first = beliefs.description.strip().split("\n")[0]
        print(f"{name:22s} {len(beliefs.beliefs):2d} beliefs  {first}")
    return 0


def _command_line(args, out: Path) -> str:
    parts = ["takeoff", "forecast", args.beliefs, "--out", str(out)]
    for flag in ("samples", "workers", "scheduler", "weeks", "seed"):
        value = getattr(args, flag)
        if value is not None:
            parts += [f"--{flag}", str(value)]
    if args.no_plots:
        parts.append("--no-plots")
    return shlex.join(parts)
