"""The ``takeoff`` command: run scenarios and manage scenario files.

A user's mistake (a bad key, value, flag or file) prints one line starting with ``error:`` on
stderr and exits with code 2, never a traceback; so does Ctrl-C, from the first instruction.

Commands that live in other modules are listed in :data:`FACES` and registered lazily: only the
module of the command being run is imported, so ``takeoff --help`` loads no numpy, Mesa or model.
"""

from __future__ import annotations

import sys

from takeoff.errors import EXIT_USAGE, UsageError, one_line

EXIT_INTERRUPTED = 130
MAX_REPLICATES = 200  # seeds of one --replicates run: a band, not a sweep (takeoff sweep)
ALL = "*"  # build_parser(ALL): every command in full

# Commands of other modules: (name, module with a ``register(sub)``, the one line shown in
# ``takeoff --help``, which must be the help its register() gives; a test checks). One line each.
FACES = (
    ("validate", "takeoff.validation.command", "run every validation row (calibration facts, "
     "explosion boundary, aggregate agreement, lambda and r, AI 2027 milestones) and write a "
     "Markdown report with plots"),
    ("app", "visualization.server", "serve the interactive model in a browser "
     "(http://127.0.0.1:8765)"),
    ("sweep", "takeoff.sweep.command", "run a parameter sweep (grid, random, lhs, sobol, morris) "
     "into a resumable store, with plots and sensitivity indices"),
    ("forecast", "takeoff.forecast.command", "sample a beliefs file and report the probabilities "
     "of an explosion and of compression, with fans and what moves them"),
    ("discover", "takeoff.forecast.discover", "scenario discovery (PRIM): the boxes of the "
     "varied keys where an outcome is likely, over a sweep's or a forecast's runs"),
)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        _take_back_interrupts()
        args = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(_command(args))
        parsed = parser.parse_args(args)
        if not hasattr(parsed, "func"):
            parser.print_help()
            return EXIT_USAGE
        return parsed.func(parsed) or 0
    except KeyboardInterrupt:  # first: it may come before anything else below is imported
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UsageError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into a reader that stopped (e.g. head)
        import os

        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except ValueError as exc:  # model.scenario.ScenarioError, without importing it up front
        from model.scenario import ScenarioError

        if not isinstance(exc, ScenarioError):
            raise
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


def _command(argv: list[str]) -> str | None:
    """The command word of ``argv`` (the top-level parser has no option but ``-h``)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(command: str | None = ALL):
    """The command-line grammar; of the :data:`FACES`, only ``command``'s module is imported.

    Args:
        command: The command being run (None: none, as for ``takeoff --help``). ``ALL``
            registers every face in full (for tests), at the cost of importing them all.

    """
    import argparse
    import difflib
    import importlib
    import re
    from pathlib import Path

    class Parser(argparse.ArgumentParser):
        """argparse, but a mistake is one line naming the flag, with a "did you mean"."""

        def error(self, message: str):  # noqa: D102
            wrong = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
            if wrong:
                choices = re.findall(r"'([^']*)'", wrong.group(2))
                message += _hint(wrong.group(1), choices)
            raise UsageError(f"{self.prog}: {message}")

        def parse_known_args(self, args=None, namespace=None):  # noqa: D102
            namespace, extras = super().parse_known_args(args, namespace)
            flags = [a.split("=", 1)[0] for a in extras if a.startswith("--")]
            if flags:  # this parser's own flags are the ones a typo was meant as
                known = [o for action in self._actions for o in action.option_strings]
                hint = _hint(flags[0], known)
                if hint:
                    self.error(f"unrecognized argument {flags[0]}{hint}")
            return namespace, extras

    def _hint(word: str, choices: list[str]) -> str:
        close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        return f"; did you mean {close[0]}?" if close else ""

    parser = Parser(prog="takeoff", description="An agent-based model of the intelligence "
                    "explosion: human and AI researchers compete for one lab's compute.")
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=Parser)

    run = sub.add_parser("run", help="run a scenario and write its outputs",
                         description="Run a scenario with its humans-only twin and write "
                         "timeseries.csv, summary.json, scenario.toml and PNG plots.")
    run.add_argument("scenario", help="a shipped scenario name (takeoff scenario list) or a "
                     "scenario file")
    run.add_argument("--out", type=Path, metavar="DIR", help="output folder (default "
                     "runs/NAME-seedN, plus a short hash of the scenario when --set or --weeks "
                     "change it)")
    run.add_argument("--seed", type=int, help="override run.seed")
    run.add_argument("--weeks", type=int, help="override run.weeks")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override any scenario key, e.g. compute.experiment_boost=10 "
                     "(repeatable)")
    run.add_argument("--replicates", type=int, metavar="N",
                     help=f"run seeds run.seed to run.seed + N - 1 (N from 1 to {MAX_REPLICATES}) "
                     "into seed-S/ folders, with bands.csv (median and 10th-90th percentile of "
                     "every series), bands.png and replicates.json")
    run.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    run.add_argument("--aggregate", action="store_true",
                     help="run the deterministic aggregate (mean-field) equations instead of "
                     "the agents; same outputs")
    run.set_defaults(func=cmd_run)

    scen = sub.add_parser("scenario", help="list, show, validate or compare scenarios")
    ssub = scen.add_subparsers(metavar="ACTION", parser_class=Parser, required=True)
    ssub.add_parser("list", help="shipped scenarios").set_defaults(func=cmd_list)
    show = ssub.add_parser("show", help="print a scenario fully resolved, as TOML")
    show.add_argument("scenario", help="a shipped scenario name or a scenario file")
    show.set_defaults(func=cmd_show)
    val = ssub.add_parser("validate", help="check a scenario file, and that it is small enough "
                          "to run here")
    val.add_argument("file", help="the scenario file")
    val.set_defaults(func=cmd_validate)
    dif = ssub.add_parser("diff", help="keys whose values differ between two scenarios")
    dif.add_argument("a", help="a shipped scenario name or a scenario file")
    dif.add_argument("b", help="another one")
    dif.set_defaults(func=cmd_diff)
    ssub.add_parser("params", help="every parameter as a Markdown table (unit, default, "
                    "range, source)").set_defaults(func=cmd_params)

    for name, module, summary in FACES:
        if command in (ALL, name):
            importlib.import_module(module).register(sub)
        else:  # listed in the help; replaced by the real parser when it is the command
            sub.add_parser(name, help=summary, add_help=False)

    cal = sub.add_parser("calibrate", help="measure the calibration facts of the default "
                         "scenario (docs/model.md) and print them with their targets")
    cal.add_argument("--seeds", type=int, default=3, help="seeds per fact (default 3)")
    cal.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="measure on the baseline with this key changed (repeatable)")
    cal.set_defaults(func=cmd_calibrate)
    return parser


def resolve(name: str, seed: int | None = None, weeks: int | None = None,
            sets: list[str] = ()):
    """Load a scenario and apply command-line overrides, each validated like a file."""
    from model.scenario import load_scenario, parse_set, show_text

    scenario = load_scenario(name)
    if seed is not None:
        scenario = scenario.replace({"run.seed": seed}, origin="--seed")
    if weeks is not None:
        scenario = scenario.replace({"run.weeks": weeks}, origin="--weeks")
    for assignment in sets:
        key, value = parse_set(assignment)
        scenario = scenario.replace({key: value}, origin=f"--set {show_text(assignment)}")
    return scenario


def cmd_run(args) -> int:
    """``takeoff run``."""
    from pathlib import Path

    from model import limits
    from model.scenario import load_scenario
    from takeoff.outputs import default_folder

    scenario = resolve(args.scenario, args.seed, args.weeks, args.sets)
    n = args.replicates
    if n is not None and not 1 <= n <= MAX_REPLICATES:
        raise UsageError(f"run: --replicates {n}: must be a whole number from 1 to "
                         f"{MAX_REPLICATES}")
    if n is not None and args.aggregate:
        raise UsageError("run: --replicates: the aggregate is deterministic (no seed); "
                         "give --aggregate or --replicates, not both")
    if not args.aggregate:
        limits.check(scenario)
    if args.out is None:
        as_named = load_scenario(args.scenario).replace({"run.seed": scenario.run.seed})
        out = Path("runs") / default_folder(scenario, changed=scenario != as_named,
                                            aggregate=args.aggregate, replicates=n)
    else:
        out = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"run: --out {out}: exists and is not a folder")
    if (out / "runs.sqlite").exists():  # takeoff.sweep.store's database
        raise UsageError(f"run: --out {out}: holds a sweep (runs.sqlite); give a folder of its "
                         f"own to a single run")
    if n is not None:
        return _replicates(args, scenario, out)
    return _run(args, scenario, out)


def _replicates(args, scenario, out) -> int:
    import statistics

    from takeoff.replicates import run_replicates

    try:
        out.mkdir(parents=True, exist_ok=True)
        summaries = run_replicates(scenario, args.replicates, out, plots=not args.no_plots)
    except OSError as exc:
        raise UsageError(f"run: --out {out}: cannot write ({exc.strerror})") from None
    seeds = [s["seed"] for s in summaries]
    weeks = sorted(s["explosion_week"] for s in summaries if s["exploded"])
    progress = sorted(s["progress_per_year"] for s in summaries)
    print(f"{scenario.name}: {len(seeds)} replicates, seeds {seeds[0]} to {seeds[-1]}, "
          f"{scenario.run.weeks} weeks")
    print(f"  exploded in {len(weeks)} of {len(seeds)}"
          + (f": week {weeks[0]} to {weeks[-1]}, median {statistics.median(weeks):g}"
             if weeks else ""))
    print(f"  software progress {statistics.median(progress):.3g}x/year median "
          f"({progress[0]:.3g} to {progress[-1]:.3g})")
    print(f"  outputs in {out}/ (bands.csv, replicates.json, seed-S/)")
    return 0


def _run(args, scenario, out) -> int:
    from model.run import simulate
    from takeoff.outputs import describe, write_run

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
    """``takeoff scenario list``: each shipped scenario with its first sentence, wrapped."""
    import shutil
    import textwrap

    from model.scenario import load_scenario, shipped

    names = shipped()
    width = max(len(n) for n in names) + 2
    columns = min(shutil.get_terminal_size((100, 24)).columns, 100)
    for name in names:
        text = " ".join(load_scenario(name).description.split())
        first = text.split(". ", 1)[0].rstrip(".") + "."
        lines = textwrap.wrap(first, columns - width) or [""]
        print(f"{name:{width}s}{lines[0]}")
        for line in lines[1:]:
            print(" " * width + line)
    return 0


def cmd_show(args) -> int:
    """``takeoff scenario show``."""
    from model.scenario import load_scenario

    print(load_scenario(args.scenario).to_toml(), end="")
    return 0


def cmd_validate(args) -> int:
    """``takeoff scenario validate``: the file's values, then its size against model.limits."""
    from pathlib import Path

    from model import limits
    from model.scenario import load_scenario, shipped

    if args.file in shipped() and not Path(args.file).exists():
        raise UsageError(f"scenario validate: {args.file}: expected a file; "
                         f"shipped scenarios are valid by construction")
    scenario = load_scenario(args.file)
    limits.check(scenario, origin=args.file)
    print(f"ok: {args.file} is a valid scenario ({scenario.name})")
    return 0


def cmd_params(args) -> int:
    """``takeoff scenario params``."""
    from model.schema import markdown_table

    print(markdown_table())
    return 0


def cmd_calibrate(args) -> int:
    """``takeoff calibrate``: exit 1 when a fact misses its target."""
    from model import limits
    from takeoff.validation.calibration import render, table

    if args.seeds < 1:
        raise UsageError("calibrate: --seeds must be at least 1")
    base = resolve("baseline", sets=args.sets)
    limits.check(base, origin="calibrate --set")
    facts = table(range(1, args.seeds + 1), base=base)
    print(render(facts))
    return 0 if all(f.passed for f in facts) else 1


def cmd_diff(args) -> int:
    """``takeoff scenario diff``."""
    from model.scenario import diff, load_scenario

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


def _take_back_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt again (``takeoff/__init__.py`` exits quietly before)."""
    import signal
    import threading

    import takeoff

    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is takeoff._interrupted):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
