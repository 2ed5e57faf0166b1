"""The ``takeoff`` command: run scenarios and manage scenario files.

A user's mistake (a bad key, value or file) prints one line starting with ``error:`` on stderr and
exits with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from model.scenario import ScenarioError, diff, load_scenario, parse_set, shipped
from takeoff.errors import EXIT_USAGE, UsageError


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr, not a usage block."""

    def error(self, message: str):  # noqa: D102
        raise UsageError(f"{self.prog}: {message}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not hasattr(args, "func"):
            parser.print_help()
            return EXIT_USAGE
        return args.func(args) or 0
    except (ScenarioError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped (e.g. head)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


def build_parser() -> Parser:
    """The command-line grammar."""
    parser = Parser(prog="takeoff", description="An agent-based model of the intelligence "
                    "explosion: human and AI researchers compete for one lab's compute.")
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=Parser)

    run = sub.add_parser("run", help="run a scenario and write its outputs")
    run.add_argument("scenario", help="a shipped scenario name or a scenario file")
    run.add_argument("--out", type=Path, help="output folder (default runs/NAME-seedN)")
    run.add_argument("--seed", type=int, help="override run.seed")
    run.add_argument("--weeks", type=int, help="override run.weeks")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override any scenario key, e.g. compute.experiment_boost=10")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    run.add_argument("--aggregate", action="store_true",
                     help="run the deterministic aggregate (mean-field) equations instead of "
                     "the agents; same outputs")
    run.set_defaults(func=cmd_run)

    scen = sub.add_parser("scenario", help="list, show, validate or compare scenarios")
    ssub = scen.add_subparsers(metavar="ACTION", parser_class=Parser, required=True)
    ssub.add_parser("list", help="shipped scenarios").set_defaults(func=cmd_list)
    show = ssub.add_parser("show", help="print a scenario fully resolved, as TOML")
    show.add_argument("scenario")
    show.set_defaults(func=cmd_show)
    val = ssub.add_parser("validate", help="check a scenario file")
    val.add_argument("file")
    val.set_defaults(func=cmd_validate)
    dif = ssub.add_parser("diff", help="keys whose values differ between two scenarios")
    dif.add_argument("a")
    dif.add_argument("b")
    dif.set_defaults(func=cmd_diff)
    ssub.add_parser("params", help="every parameter as a Markdown table (unit, default, "
                    "range, source)").set_defaults(func=cmd_params)

    # --- faces register their commands here, one line each: module.register(sub) ---
    from takeoff.validation import command as validate_command
    validate_command.register(sub)
    from visualization import server as app_server
    app_server.register(sub)
    from takeoff.sweep import command as sweep_command
    sweep_command.register(sub)
    from takeoff.forecast import command as forecast_command
    forecast_command.register(sub)
    from takeoff.forecast import discover as discover_command
    discover_command.register(sub)

    cal = sub.add_parser("calibrate", help="measure the calibration facts of the default "
                         "scenario (docs/model.md) and print them with their targets")
    cal.add_argument("--seeds", type=int, default=3, help="seeds per fact (default 3)")
    cal.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="measure on the baseline with this key changed")
    cal.set_defaults(func=cmd_calibrate)
    return parser


def resolve(name: str, seed: int | None = None, weeks: int | None = None,
            sets: list[str] = ()):
    """Load a scenario and apply command-line overrides, each validated like a file."""
    scenario = load_scenario(name)
    if seed is not None:
        scenario = scenario.replace({"run.seed": seed}, origin="--seed")
    if weeks is not None:
        scenario = scenario.replace({"run.weeks": weeks}, origin="--weeks")
    for assignment in sets:
        key, value = parse_set(assignment)
        scenario = scenario.replace({key: value}, origin=f"--set {assignment}")
    return scenario


def cmd_run(args) -> int:
    """``takeoff run``."""
    from model.run import simulate
    from takeoff.outputs import describe, write_run

    scenario = resolve(args.scenario, args.seed, args.weeks, args.sets)
    tag = "aggregate" if args.aggregate else f"seed{scenario.run.seed}"
    out = args.out or Path("runs") / f"{scenario.name}-{tag}"
    if out.exists() and not out.is_dir():
        raise UsageError(f"run: --out {out}: exists and is not a folder")
    if args.aggregate:
        from model.aggregate import simulate_aggregate

        result = simulate_aggregate(scenario)
    else:
        result = simulate(scenario)
    try:
        write_run(result, out, plots=not args.no_plots)
    except OSError as exc:
        raise UsageError(f"run: --out {out}: cannot write ({exc.strerror})") from None
    print(describe(result.summary))
    if args.aggregate:
        print("  aggregate (mean-field) equations: deterministic, no seed")
    print(f"  outputs in {out}/")
    return 0


def cmd_list(args) -> int:
    """``takeoff scenario list``."""
    for name in shipped():
        first = load_scenario(name).description.strip().split("\n")[0]
        print(f"{name:20s} {first}")
    return 0


def cmd_show(args) -> int:
    """``takeoff scenario show``."""
    print(load_scenario(args.scenario).to_toml(), end="")
    return 0


def cmd_validate(args) -> int:
    """``takeoff scenario validate``."""
    if args.file in shipped() and not Path(args.file).exists():
        raise UsageError(f"scenario validate: {args.file}: expected a file; "
                         f"shipped scenarios are valid by construction")
    scenario = load_scenario(args.file)
    print(f"ok: {args.file} is a valid scenario ({scenario.name})")
    return 0


def cmd_params(args) -> int:
    """``takeoff scenario params``."""
    from model.schema import markdown_table

    print(markdown_table())
    return 0


def cmd_calibrate(args) -> int:
    """``takeoff calibrate``: exit 1 when a fact misses its target."""
    from takeoff.validation.calibration import render, table

    if args.seeds < 1:
        raise UsageError("calibrate: --seeds must be at least 1")
    facts = table(range(1, args.seeds + 1), base=resolve("baseline", sets=args.sets))
    print(render(facts))
    return 0 if all(f.passed for f in facts) else 1


def cmd_diff(args) -> int:
    """``takeoff scenario diff``."""
    a, b = load_scenario(args.a), load_scenario(args.b)
    rows = diff(a, b)
    if not rows:
        print(f"{args.a} and {args.b} set every key alike")
        return 0
    width = max(len(k) for k, _, _ in rows)
    print(f"{'key':{width}s}  {args.a}  ->  {args.b}")
    for key, va, vb in rows:
        print(f"{key:{width}s}  {va!r}  ->  {vb!r}")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
