"""``takeoff sweep``: run a sweep file headlessly, locally or on a Dask cluster, resumably."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from takeoff.errors import UsageError

EXIT_INTERRUPTED = 130


def register(sub) -> None:
    """Add the ``sweep`` command to the ``takeoff`` parser."""
    p = sub.add_parser(
        "sweep", help="run a parameter sweep (grid, random, lhs, sobol, morris) into a "
        "resumable store, with plots and sensitivity indices",
        description="Run every design point of a sweep file times its replicate seeds. Each "
        "run is recorded as it finishes in DIR/runs.sqlite and DIR/timeseries/; running the "
        "same command again skips finished runs. Ends with DIR/summary.parquet and DIR/plots/.")
    p.add_argument("file", nargs="?", help="a sweep file, or a shipped sweep's name "
                   "(takeoff sweep --list)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="results folder (default runs/sweep-NAME)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="local processes (default: one per core)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster whose "
                   "scheduler is at ADDRESS, e.g. tcp://host:8786 (default: "
                   "$DASK_SCHEDULER_ADDRESS when set and --workers is not given)")
    p.add_argument("--no-plots", action="store_true", help="skip the plots and sensitivity")
    p.add_argument("--dry-run", action="store_true", help="check the file and show the design "
                   "without running anything")
    p.add_argument("--scenario", metavar="RUN_ID", help="print one run's resolved scenario "
                   "as TOML (rerun it with takeoff run FILE) instead of running the sweep")
    p.add_argument("--list", action="store_true", help="the shipped sweeps")
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args) -> int:
    """``takeoff sweep``."""
    from takeoff.sweep.design import Design, takeoff_version
    from takeoff.sweep.spec import load_sweep

    if args.list:
        return _list()
    if not args.file:
        raise UsageError("sweep: give a sweep file or a shipped sweep name "
                         "(see takeoff sweep --list)")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise UsageError(f"sweep: --workers must be an integer in [1, 1024], got {args.workers}")
    scheduler = args.scheduler
    if scheduler is None and args.workers is None:
        scheduler = os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if scheduler and args.workers is not None:
        raise UsageError("sweep: --workers is for local runs; a Dask cluster (--scheduler) "
                         "has its own workers")
    from takeoff.outputs import folder_name
    from takeoff.sweep.runner import check_limits

    spec = load_sweep(args.file)
    design = Design(spec)
    check_limits(design)  # every point runs here, or nothing starts
    out = args.out or Path("runs") / f"sweep-{folder_name(spec.name)}"
    if args.dry_run:
        print(_describe(spec, design))
        return 0
    if args.scenario:
        for run in design.runs():
            if run.run_id == args.scenario:
                print(run.toml, end="")
                return 0
        raise UsageError(f"sweep: --scenario {args.scenario}: no run of {args.file} has this "
                         f"run_id (see the run_id column of runs.sqlite)")
    return _run(args, spec, design, out, scheduler, takeoff_version())


def _run(args, spec, design, out: Path, scheduler: str | None, version: str) -> int:
    from takeoff.sweep.runner import Progress, execute, make_pool
    from takeoff.sweep.store import Store

    pool = make_pool(args.workers, scheduler)  # an unreachable cluster fails before DIR is made
    try:
        store = Store(out, spec, version)
    except OSError as exc:
        pool.close(kill=False)
        raise UsageError(f"sweep: --out {out}: cannot write ({exc.strerror})") from None
    except UsageError:
        pool.close(kill=False)
        raise
    try:
        already = len(store.done_ids())
        total = design.runs_count()
        print(f"{_describe(spec, design, brief=True)}; {already} done already, "
              f"{total - already} to run on {pool.where}")
        progress = Progress(f"sweep {spec.name}", total, already)
        try:
            outcome = execute(design, store, pool, progress)
        finally:
            progress.close()
            store.write_summary()
        resume = _command_line(args, out)
        if outcome.interrupted:
            print(f"interrupted: {outcome.done} of {outcome.total} runs done and kept in "
                  f"{out}/; run the same command again to resume:\n  {resume}", file=sys.stderr)
            return EXIT_INTERRUPTED
        print(f"{outcome.done} of {outcome.total} runs done, {outcome.failed} failed "
              f"({outcome.ran} this time, {outcome.seconds:.1f} s)")
        if not args.no_plots and outcome.done:
            _figures(design, store, out)
        print(f"  results in {out}/ (runs.sqlite, summary.parquet, timeseries/"
              f"{'' if args.no_plots else ', plots/'})")
        if outcome.failed:
            for run_id, error in store.failures():
                print(f"  failed run {run_id}: {error}", file=sys.stderr)
            print(f"{outcome.failed} runs failed (status 'failed' in {out}/runs.sqlite, with "
                  f"their tracebacks); run the same command again to retry them:\n  {resume}",
                  file=sys.stderr)
            return 1
        return 0
    except OSError as exc:
        raise UsageError(f"sweep: --out {out}: cannot write ({exc.strerror or exc})") from None
    finally:
        store.close()


def _figures(design, store, out: Path) -> None:
    from takeoff.sweep import sensitivity
    from takeoff.sweep.plots import write_plots

    written = write_plots(design, store, out / "plots")
    rows, notes = sensitivity.analyse(design, store)
    if sensitivity.write(rows, out / "sensitivity.csv", out / "plots" / "sensitivity.png",
                         design):
        written.append("sensitivity.png")
        print(f"sensitivity indices in {out}/sensitivity.csv:")
        for line in sensitivity.headline(rows):
            print(line)
    for note in notes:
        print(note)
    if written:
        print(f"  plots: {', '.join(written)}")


def _describe(spec, design, brief: bool = False) -> str:
    runs = design.runs_count()
    repeat = len(design) - design.unique
    points = f"{len(design)} points" + (f" ({repeat} repeating an earlier one, run once)"
                                        if repeat else "")
    head = (f"sweep {spec.name}: {spec.design} design, {points} x {spec.replicates} "
            f"replicate{'s' if spec.replicates > 1 else ''} = {runs} runs of "
            f"{spec.base['run.weeks']} weeks")
    if brief:
        return head
    lines = [head, f"  seeds: {spec.replicate_seed(0)} to "
             f"{spec.replicate_seed(spec.replicates - 1)} (run.seed + replicate)"]
    lines += [f"  varies {a.describe()}" for a in spec.axes]
    if spec.varied_shares:
        lines.append("  compute shares not varied take what the varied ones leave, in their "
                     "base ratio")
    shown = [i for i in range(len(design)) if design.first[i] == i][:10]
    lines.append("  first points:" if len(shown) < design.unique else "  points:")
    lines += [f"    {i}: " + ", ".join(f"{k}={v!r}" for k, v in design.point(i).items())
              for i in shown]
    return "\n".join(lines)


def _list() -> int:
    from takeoff.sweep.design import Design
    from takeoff.sweep.spec import load_sweep, shipped_sweeps

    for name in shipped_sweeps():
        spec = load_sweep(name)
        first = spec.description.strip().split("\n")[0]
        print(f"{name:20s} {Design(spec).runs_count():5d} runs  {first}")
    return 0


def _command_line(args, out: Path) -> str:
    parts = ["takeoff", "sweep", args.file, "--out", str(out)]
    if args.workers is not None:
        parts += ["--workers", str(args.workers)]
    if args.scheduler:
        parts += ["--scheduler", args.scheduler]
    if args.no_plots:
        parts.append("--no-plots")
    return shlex.join(parts)
