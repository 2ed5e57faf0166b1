"""Fuzz the scenario contract (issue 16): every malformed file is refused with one error line,
every valid scenario runs in bounded time and memory or is refused up front.

    python tests/fuzz.py                      # make fuzz: 2,000 malformed, 500 valid of 104 weeks
    python tests/fuzz.py --malformed 300 --valid 0
    python tests/fuzz.py --calibrate          # refit the constants of model/limits.py

Each case runs ``takeoff`` (``takeoff.cli.main``) in a fork of this process, which has imported
the model once, with the limits enforced from outside: CPU seconds by ``RLIMIT_CPU``, resident
memory by polling ``/proc`` (and the child's peak read back from ``wait4``), wall time by a
timer. Outcomes:

- ``refused``: exit code 2 and exactly one line on stderr, starting ``error:``;
- ``ran``: exit code 0, nothing on stderr, every output finite;
- ``accepted``: a file that had to be refused ran (or validated);
- ``traceback``, ``hang`` (past the CPU or wall limit), ``memory`` (past the memory limit),
  ``noisy`` (ran, but printed warnings), ``bad output`` (a non-finite number).

The goal is 0 of the last five. ``tests/test_fuzz.py`` imports this module for the fast versions.
"""

from __future__ import annotations

import os

# One BLAS thread: a process with threads is not safe to fork (and Python warns when it does).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import csv
import json
import math
import resource
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model import limits
from model.scenario import MAX_FILE_BYTES, Scenario, load_scenario
from model.schema import BY_KEY, LADDER_KEYS, PARAMS, SHARE_KEYS
from takeoff.cli import main as takeoff

MB = 1024**2
BAD = ("traceback", "hang", "memory", "accepted", "noisy", "bad output")


# --- running one case in a fork, with limits ----------------------------------------------------
@dataclass
class Finished:
    """A finished (or killed) child."""

    code: int | None  # exit code; None when killed by a signal
    stdout: str
    stderr: str
    cpu: float  # user + system seconds
    peak: float  # peak resident bytes
    killed: str | None = None  # "hang" or "memory" when the parent or RLIMIT_CPU stopped it


def isolated(fn: Callable[[], int], cpu_seconds: float, max_bytes: float,
             wall_seconds: float) -> Finished:
    """Run ``fn()`` in a forked child; its return value is the exit code."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    with warnings.catch_warnings():  # under pytest numpy's BLAS threads may already run: the
        warnings.simplefilter("ignore", DeprecationWarning)  # child does not call into BLAS
        pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 99
        try:
            os.setpgid(0, 0)
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            # Whatever stood for them (pytest's capture) is not this child's terminal.
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False, buffering=1)  # noqa: SIM115
            limit = max(1, math.ceil(cpu_seconds))
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
            signal.signal(signal.SIGINT, signal.default_int_handler)
            code = fn()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - the child reports everything as a traceback
            traceback.print_exc()
            code = 99
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) else 1)
    killed = None
    start = time.monotonic()
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if _rss(pid) > max_bytes:
            killed = "memory"
        elif time.monotonic() - start > wall_seconds:
            killed = "hang"
        if killed:
            _kill(pid)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.02)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        killed = killed or "hang"
    peak = usage.ru_maxrss * 1024.0
    if peak > max_bytes:
        killed = "memory"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    texts = []
    for f in (out, err):
        f.seek(0)
        texts.append(f.read().decode("utf-8", "replace"))
        f.close()
    return Finished(code, texts[0], texts[1], usage.ru_utime + usage.ru_stime, peak, killed)


def _rss(pid: int, field: str = "VmRSS") -> float:
    """Resident bytes of a process now (``VmHWM``: its peak), from /proc."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    return 0.0


def _kill(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
            return
        except OSError:
            continue


def classify(done: Finished, must_fail: bool) -> str:
    """The outcome of a ``takeoff`` call (see the module docstring)."""
    if done.killed:
        return done.killed
    err = done.stderr
    if "Traceback" in err or done.code not in (0, 2):
        return "traceback"
    if done.code == 2:
        lines = err.splitlines()
        return "refused" if len(lines) == 1 and lines[0].startswith("error: ") else "traceback"
    if must_fail:
        return "accepted"
    return "noisy" if err.strip() else "ran"


# --- malformed files ----------------------------------------------------------------------------
@dataclass
class Case:
    """One malformed (or possibly malformed) input.

    Attributes:
        name: What was done to the file, for the report.
        argv: The takeoff arguments; ``{file}`` stands for the written file.
        text: The file's content (bytes), or None for a special file named in ``special``.
        must_fail: The input is invalid: accepting it is a failure. False: a mutation that may
            leave a valid file (either outcome is fine, a traceback is not).
        special: ``fifo``, ``dir``, ``missing``, or a path such as ``/dev/zero``.

    """

    name: str
    argv: list[str]
    text: bytes | None
    must_fail: bool = True
    special: str | None = None


HUGE = "9" * 400  # past the float range
DIGITS = "9" * 4400  # past the 4,300 digits Python converts
NESTED = "[" * 500 + "]" * 500
BAD_VALUES = [HUGE, "-" + HUGE, DIGITS, NESTED, "[" * 300 + "1" + "]" * 300, "nan", "inf",
              "-inf", "1e400", '"text"', "true", "[]", "{}", "{ a = 1 }", "1979-05-27",
              "12:00:00", '"' + "x" * 5000 + '"', "9223372036854775808", "[1, 'a']",
              '"\\u0000"']


def _out_of_range(rng: np.random.Generator, key: str) -> str | None:
    p = BY_KEY[key]
    options = []
    if p.hi is not None:
        options.append(repr(p.hi * 10 + 1) if p.kind != "int" else str(int(p.hi) * 10 + 1))
    if p.lo is not None:
        options.append(repr(p.lo - 1.5) if p.kind != "int" else str(int(p.lo) - 1))
    if p.kind == "int":
        options.append("2.5")
    if p.kind in ("bool", "choice"):
        options.append('"maybe"' if p.kind == "choice" else "1")
    return str(rng.choice(options)) if options else None


def malformed_cases(seed: int, n: int) -> Iterator[Case]:
    """``n`` seeded mutations of the baseline and of a shipped sweep, plus every fixed case."""
    rng = np.random.default_rng(seed)
    base = load_scenario("baseline").to_toml()
    lines = base.splitlines()
    sweep = (Path(__file__).parent.parent / "scenarios" / "sweeps" / "explosion_map.toml"
             ).read_text()
    keyed = dict(_keyed_lines(lines))
    validate = ["scenario", "validate", "{file}"]
    fixed = [
        Case("schema = true", validate, _sub(base, "schema = 1", "schema = true")),
        Case("schema = 1.0", validate, _sub(base, "schema = 1", "schema = 1.0")),
        Case("schema = 1e0", validate, _sub(base, "schema = 1", "schema = 1e0")),
        Case("schema missing", validate, _sub(base, "schema = 1\n", "")),
        Case("quoted dotted key and its table", validate,
             _sub(base, "schema = 1\n", 'schema = 1\n"ai.speed" = 99.0\n')),
        Case("name NUL", validate, _sub(base, 'name = "baseline"', 'name = "a\\u0000b"')),
        Case("name 10,000 chars", validate, _sub(base, 'name = "baseline"',
                                                   'name = "' + "n" * 10_000 + '"')),
        Case("over the size cap", validate, (base + "#" * MAX_FILE_BYTES).encode()),
        Case("not UTF-8", validate, b"schema = 1\nname = \"\xff\xfe\"\n"),
        Case("NUL bytes", validate, b"schema = 1\x00\n"),
        Case("empty file", validate, b""),
        Case("/dev/zero", ["scenario", "validate", "/dev/zero"], None, special="/dev/zero"),
        Case("/dev/zero run", ["run", "/dev/zero"], None, special="/dev/zero"),
        Case("FIFO with no writer", validate, None, special="fifo"),
        Case("FIFO run", ["run", "{file}", "--out", "{out}"], None, special="fifo"),
        Case("a folder", validate, None, special="dir"),
        Case("no such file", validate, None, special="missing"),
        Case("--set huge", ["run", "baseline", "--out", "{out}", "--set", f"ai.speed={HUGE}"], b""),
        Case("--set digits", ["run", "baseline", "--out", "{out}", "--set",
                              f"ai.speed={DIGITS}"], b""),
        Case("--set nested", ["run", "baseline", "--out", "{out}", "--set",
                              f"experiments.scales={NESTED}"], b""),
        Case("--set name", ["run", "baseline", "--out", "{out}", "--set", "name=x"], b""),
        Case("--sed", ["run", "baseline", "--sed", "3"], b""),
        Case("sweep dir as --out", ["run", "baseline", "--out", "{sweepdir}"], b""),
        Case("sweep: duplicated axis", ["sweep", "{file}", "--dry-run"],
             _sub(sweep, '"ai.speed" = [0.3, 1.0, 3.0, 10.0]',
                  '"ai.speed" = [0.3, 1.0]\nai = { speed = [3.0, 10.0] }')),
    ]
    yield from fixed[:n]
    ops = ("value", "range", "key", "table", "duplicate", "delete", "bytes", "truncate",
           "set", "sweep", "shares", "ladder")
    for k in range(n - len(fixed)):
        op = ops[k % len(ops)]
        yield _mutate(rng, op, lines, keyed, sweep, k)


def _keyed_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(line number, dotted key) of every ``key = value`` line of a resolved scenario."""
    table, in_text = "", False
    for i, line in enumerate(lines):
        if in_text:
            in_text = '"""' not in line
            continue
        if line.startswith("["):
            table = line[1:-1]
        elif " = " in line:
            leaf = line.split(" = ")[0]
            yield i, f"{table}.{leaf}" if table else leaf
            in_text = line.endswith('"""')


def _sub(text: str, old: str, new: str) -> bytes:
    assert old in text, old
    return text.replace(old, new, 1).encode()


def _mutate(rng, op: str, lines: list[str], keyed: dict[int, str], sweep: str, k: int) -> Case:
    validate = ["scenario", "validate", "{file}"]
    run = ["run", "{file}", "--out", "{out}", "--no-plots", "--weeks", "2"]
    argv = validate if k % 3 else run
    text = list(lines)
    i = int(rng.choice(list(keyed)))
    key_line, key = text[i], keyed[i]
    leaf = key_line.split(" = ")[0]
    if op == "value":
        value = str(rng.choice(BAD_VALUES))
        text[i] = f"{leaf} = {value}"
        return Case(f"{key} = {value[:20]}", argv, _join(text),
                    must_fail=not _fits(key, value))
    if op == "range" and key in BY_KEY:
        value = _out_of_range(rng, key)
        if value is not None:
            text[i] = f"{leaf} = {value}"
            return Case(f"{key} = {value} (out of range)", argv, _join(text))
    if op == "key":
        wrong = _typo(rng, leaf)
        text[i] = key_line.replace(leaf, wrong, 1)
        return Case(f"{key} misspelt {wrong}", argv, _join(text), must_fail=wrong != leaf)
    if op == "table":
        j = int(rng.choice([n for n, t in enumerate(text) if t.startswith("[")]))
        wrong = _typo(rng, text[j][1:-1])
        text[j] = f"[{wrong}]"
        return Case(f"table [{wrong}]", argv, _join(text), must_fail=wrong != text[j][1:-1]
                    and f"[{wrong}]" != lines[j])
    if op == "duplicate":
        text.insert(i + 1, key_line)
        return Case(f"{key} twice", argv, _join(text))
    if op == "delete":  # may leave a valid file: the key takes its default
        del text[i]
        return Case(f"{key} deleted", argv, _join(text), must_fail=key == "schema")
    if op == "bytes":
        data = bytearray(_join(text))
        for _ in range(int(rng.integers(1, 6))):
            data[int(rng.integers(len(data)))] = int(rng.integers(256))
        return Case("random bytes", argv, bytes(data), must_fail=False)
    if op == "truncate":
        data = _join(text)
        return Case("truncated", argv, data[: int(rng.integers(len(data)))], must_fail=False)
    if op == "set" and key in BY_KEY:
        value = str(rng.choice(BAD_VALUES + [_out_of_range(rng, key) or "x"]))
        return Case(f"--set {key}={value[:20]}", ["run", "baseline", "--out", "{out}",
                                                  "--no-plots", "--weeks", "2", "--set",
                                                  f"{key}={value}"], b"",
                    must_fail=not _fits(key, value))
    if op == "sweep":
        return _mutate_sweep(rng, sweep)
    if op == "shares":
        j = next(n for n, t in enumerate(text) if t.startswith("inference = "))
        text[j] = f"inference = {rng.uniform(0.31, 0.9):.3f}"
        return Case("shares do not sum to 1", argv, _join(text))
    if op == "ladder":
        j = next(n for n, t in enumerate(text) if t.startswith("scales = "))
        text[j] = str(rng.choice(["scales = [0.01, 0.001, 0.1]", "scales = [0.001, 0.01]",
                                  "scales = []", "scales = [0.001, 0.001, 0.01]"]))
        return Case(text[j], argv, _join(text))
    value = str(rng.choice(BAD_VALUES))
    text[i] = f"{leaf} = {value}"
    return Case(f"{key} = {value[:20]}", argv, _join(text), must_fail=not _fits(key, value))


def _fits(key: str, value: str) -> bool:
    """Whether one of BAD_VALUES happens to be allowed for ``key`` (the few that are)."""
    if key == "description":
        return value.startswith('"')
    if key == "name":
        return value == '"text"'
    p = BY_KEY.get(key)
    return p is not None and p.kind == "bool" and value == "true"


def _mutate_sweep(rng, sweep: str) -> Case:
    argv = ["sweep", "{file}", "--dry-run"]
    edits = [('design = "grid"', 'design = "gird"'), ('design = "grid"', "design = 3"),
             ("replicates = 2", "replicates = 0"), ("replicates = 2", f"replicates = {HUGE}"),
             ("replicates = 2", f"replicates = {DIGITS}"), ("weeks = 416", "weeks = 0"),
             ("weeks = 416", "weeks = 1e3"), ("[sweep.parameters]", "[sweep.parametres]"),
             ('"ideas.phi" = [0.6', '"ideas.phy" = [0.6'), ('[0.6, 0.7', '[0.6, 0.6, 0.7'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', '"ideas.phi" = { min = 0, max = 1 }'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', '"ideas.phi" = [1.5]'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', f'"ideas.phi" = [{HUGE}]'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', f'"ideas.phi" = {NESTED}'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', '"ideas.phi" = []'),
             ('"ideas.phi" = [0.6, 0.7, 0.75, 0.8, 0.9]', '"run.seed" = [1, 2]'),
             ("[sweep]", "[swep]"), ("schema = 1", "schema = 1.0"),
             ('base = "baseline"', 'base = "../../etc/passwd"'),
             ('name = "explosion_map"', 'name = "../../x"\nname2 = 1')]
    old, new = edits[int(rng.integers(len(edits)))]
    return Case(f"sweep: {new[:30]}", argv, _sub(sweep, old, new))


def _typo(rng, word: str) -> str:
    if len(word) < 2:
        return word + "x"
    j = int(rng.integers(len(word)))
    kind = int(rng.integers(3))
    if kind == 0:
        return word[:j] + word[j + 1:]
    if kind == 1:
        return word[:j] + "q" + word[j:]
    return word[:j] + chr(ord(word[j]) ^ 1) + word[j + 1:]


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def check_malformed(case: Case, workdir: Path, cpu_seconds: float = 30.0) -> tuple[str, str]:
    """Run one case; its outcome (see :func:`classify`) and the last line it printed."""
    path = workdir / "case.toml"
    for old in (path,):
        if old.is_dir():
            old.rmdir()
        elif old.exists() or old.is_fifo():
            old.unlink()
    if case.special == "fifo":
        os.mkfifo(path)
    elif case.special == "dir":
        path.mkdir()
    elif case.special is None and case.text is not None:
        path.write_bytes(case.text)
    sweepdir = workdir / "sweepdir"
    sweepdir.mkdir(exist_ok=True)
    (sweepdir / "runs.sqlite").touch()
    out = workdir / "out"
    argv = [a.replace("{file}", str(path)).replace("{out}", str(out))
            .replace("{sweepdir}", str(sweepdir)) for a in case.argv]
    done = isolated(lambda: takeoff(argv), cpu_seconds, limits.MAX_BYTES, 3 * cpu_seconds)
    outcome = classify(done, case.must_fail)
    if "sweep dir" in case.name and (sweepdir / "scenario.toml").exists():
        outcome = "accepted"  # it wrote into the sweep's folder
    lines = (done.stderr or done.stdout).strip().splitlines()
    return outcome, lines[-1] if lines else ""


# --- valid scenarios ----------------------------------------------------------------------------
def valid_scenario(rng: np.random.Generator, weeks: int, keep: float = 0.5) -> Scenario:
    """A scenario with each key drawn in its allowed range (or left at its default).

    Args:
        rng: The random source.
        weeks: ``run.weeks``.
        keep: Chance that a key keeps its default, so that mixes stay near real labs too.

    """
    values = {}
    for p in PARAMS:
        if p.key in SHARE_KEYS or p.key in LADDER_KEYS or p.key == "experiments.scales":
            continue
        if rng.random() < keep:
            continue
        values[p.key] = _draw(rng, p)
    if rng.random() >= keep:
        shares = rng.dirichlet([1.0, 1.0, 1.0])
        shares = [round(float(x), 6) for x in shares[:2]]
        values.update(zip(SHARE_KEYS, [*shares, round(1.0 - sum(shares), 6)], strict=True))
    if rng.random() >= keep:
        rungs = int(rng.integers(1, 6))
        scales = sorted({float(10 ** rng.uniform(-9, math.log10(0.5))) for _ in range(rungs)})
        values["experiments.scales"] = scales
        for key in LADDER_KEYS:
            p = BY_KEY[key]
            values[key] = [float(_draw(rng, p, item=True)) for _ in scales]
    values["run.weeks"] = weeks
    return load_scenario("baseline").replace(values, origin="fuzz")


def _draw(rng, p, item: bool = False):
    if p.kind == "bool":
        return bool(rng.random() < 0.5)
    if p.kind == "choice":
        return str(rng.choice(p.choices))
    lo, hi = p.lo, p.hi
    wide = lo is not None and lo > 0 and hi / lo > 100
    x = math.exp(rng.uniform(math.log(lo), math.log(hi))) if wide else rng.uniform(lo, hi)
    if p.kind == "int":
        return int(min(hi, max(lo, round(x))))
    return float(min(hi, max(lo, x)))


@dataclass
class ValidRun:
    """One valid scenario's outcome, with its estimate and what it cost."""

    outcome: str
    seconds: float
    peak: float
    estimate: limits.Estimate
    detail: str = ""


def check_valid(scenario: Scenario, workdir: Path, seconds: float = limits.MAX_SECONDS,
                max_bytes: float = limits.MAX_BYTES, plots: bool = True) -> ValidRun:
    """Run ``takeoff run`` on the scenario's file; refuse or run, within the limits."""
    path = workdir / "valid.toml"
    path.write_text(scenario.to_toml())
    out = workdir / "valid-out"
    cpu = limits.time_limit(scenario, seconds)
    argv = ["run", str(path), "--out", str(out)] + ([] if plots else ["--no-plots"])

    def run() -> int:
        limits.MAX_SECONDS, limits.MAX_BYTES = seconds, max_bytes  # this child's own copy
        return takeoff(argv)

    done = isolated(run, cpu, max_bytes, 3 * cpu + 30)
    outcome = classify(done, must_fail=False)
    detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    if outcome == "ran":
        problem = _nonfinite(out)
        if problem:
            outcome, detail = "bad output", problem
    return ValidRun(outcome, done.cpu, done.peak, limits.estimate(scenario), detail)


def _nonfinite(folder: Path) -> str:
    try:
        json.loads((folder / "summary.json").read_text(),
                   parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        with open(folder / "timeseries.csv") as f:
            for row in csv.DictReader(f):
                for name, value in row.items():
                    if not math.isfinite(float(value)):
                        return f"{name}={value} in week {row['week']}"
    except (OSError, ValueError) as exc:
        return f"unreadable output ({exc})"
    return ""


# --- the whole fuzz -----------------------------------------------------------------------------
@dataclass
class Report:
    """Counts of outcomes, and the first few failures of each kind."""

    malformed: Counter = field(default_factory=Counter)
    valid: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # a few, to read what is refused
    worst_time: float = 0.0  # measured over estimated CPU, among runs
    worst_memory: float = 0.0

    def lines(self) -> list[str]:
        """The report as text."""
        m, v = self.malformed, self.valid
        out = [f"malformed: {sum(m.values())} calls: " + _counts(m, ("refused", "ran"))]
        if sum(v.values()):
            out.append(f"valid: {sum(v.values())} scenarios: " + _counts(v, ("refused", "ran")))
            out.append(f"  worst measured/estimated: CPU {self.worst_time:.2f}, "
                       f"memory {self.worst_memory:.2f}")
        total = Counter(m) + Counter(v)
        out.append("totals: " + ", ".join(f"{k} {total.get(k, 0)}" for k in BAD))
        out += [f"  {f}" for f in self.failures[:40]]
        out += [f"  refused, e.g.: {r}" for r in self.refusals]
        return out

    @property
    def ok(self) -> bool:
        """No case ended badly."""
        return not any((self.malformed + self.valid).get(k, 0) for k in BAD)


def _counts(c: Counter, first: tuple[str, ...]) -> str:
    keys = [*first, *BAD, *sorted(k for k in c if k not in first and k not in BAD)]
    return ", ".join(f"{k} {c.get(k, 0)}" for k in dict.fromkeys(keys))


def fuzz(malformed: int, valid: int, weeks: int, seed: int, log=print, skip: int = 0) -> Report:
    """Run ``malformed`` malformed cases and ``valid`` valid scenarios of ``weeks`` weeks.

    ``skip`` draws the first valid scenarios without running them: a second process can run
    the rest of the same sequence.
    """
    # Imported once here, not in every child: a fork starts where a real run is after imports.
    import model.run  # noqa: F401
    import takeoff.outputs  # noqa: F401
    import visualization.plots  # noqa: F401

    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for case in malformed_cases(seed, malformed):
            outcome, last = check_malformed(case, work)
            report.malformed[outcome] += 1
            if outcome in BAD:
                report.failures.append(f"malformed {case.name!r}: {outcome}: {last[:160]}")
        rng = np.random.default_rng([seed, 1])
        started = time.monotonic()
        for k in range(valid):
            # Half near real labs (each key at its default half the time), half fully drawn.
            scenario = valid_scenario(rng, weeks, keep=0.5 if k % 2 == 0 else 0.0)
            if k < skip:
                continue
            r = check_valid(scenario, work)
            report.valid[r.outcome] += 1
            if r.outcome == "refused" and len(report.refusals) < 5:
                report.refusals.append(r.detail[:300])
            if r.outcome == "ran":
                ratio = r.seconds / r.estimate.seconds
                if ratio > report.worst_time:  # kept, to recalibrate from
                    report.worst_time = ratio
                    keep = Path("runs") / "fuzz-worst"
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"cpu-{seed}.toml").write_text(scenario.to_toml())
                report.worst_memory = max(report.worst_memory, r.peak / r.estimate.bytes)
            if r.outcome in BAD:
                path = work / f"failed-{k}.toml"
                path.write_text(scenario.to_toml())
                report.failures.append(f"valid #{k}: {r.outcome} after {r.seconds:.1f} s, "
                                       f"{r.peak / MB:.0f} MB: {r.detail[:200]}")
                keep = Path("runs") / "fuzz-failures"
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"valid-{seed}-{k}.toml").write_text(scenario.to_toml())
            if log and (k + 1) % 25 == 0:
                log(f"  {k + 1}/{valid} valid scenarios, {time.monotonic() - started:.0f} s: "
                    + _counts(report.valid, ("refused", "ran")))
    return report


# --- calibrating model/limits.py ----------------------------------------------------------------
def calibrate(log=print) -> dict[str, float]:
    """Measure every probe of ``limits.PROBES``; fit and print the constants of model/limits.py."""
    from scipy.optimize import nnls

    import visualization.plots  # noqa: F401
    from model.run import simulate
    from takeoff.outputs import write_run

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for probe in limits.PROBES:
            s = load_scenario("baseline").replace({"run.weeks": 104, **probe}, origin="probe")

            def run(s=s) -> int:
                write_run(simulate(s), Path(tmp) / "probe")
                return 0

            done = isolated(run, 600, 64 * 1024**3, 1200)
            if done.code != 0:
                raise RuntimeError(f"probe {probe} failed: {done.stderr[-500:]}")
            rows.append((s, limits.workload(s), done.cpu, done.peak))
            log(f"  {_label(probe)}: {done.cpu:.1f} s, {done.peak / MB:.0f} MB")
    fitted = {}
    for terms, intercept, measured in (("time_terms", "SECONDS_PER_RUN", 2),
                                       ("memory_terms", "BYTES_PER_RUN", 3)):
        names = list(getattr(rows[0][1], terms)())
        a = np.array([[1.0, *getattr(w, terms)().values()] for _, w, *_ in rows])
        b = np.array([r[measured] for r in rows])
        if terms == "memory_terms":  # the time series' rows are not fitted: see limits.py
            b = b - np.array([limits.BYTES_PER_ROW * w.weeks for _, w, *_ in rows])
        coef, _ = nnls(a / b[:, None], np.ones_like(b))  # least squares on relative error
        fitted.update(zip([intercept, *names], coef.tolist(), strict=True))
    fitted["STARTUP_SECONDS"] = startup_seconds()
    for name, value in fitted.items():
        log(f"{name} = {value:.3g}")
    log("measured / estimated with these constants:")
    for _, w, cpu, peak in rows:
        t = fitted["SECONDS_PER_RUN"] + sum(fitted[k] * v for k, v in w.time_terms().items())
        m = (fitted["BYTES_PER_RUN"] + limits.BYTES_PER_ROW * w.weeks
             + sum(fitted[k] * v for k, v in w.memory_terms().items()))
        log(f"  CPU {cpu / t:5.2f}  memory {peak / m:5.2f}  ({cpu:.1f} s, {peak / MB:.0f} MB)")
    return fitted


def startup_seconds() -> float:
    """CPU seconds a fresh ``takeoff run`` spends importing the model and the plots."""
    import subprocess

    code = "import takeoff.cli, model.run, takeoff.outputs, visualization.plots"
    best = math.inf
    for _ in range(3):
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True)
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime)
    return best


def _label(probe: dict) -> str:
    return ", ".join(f"{k}={v if not isinstance(v, list) else f'[{len(v)}]'}"
                     for k, v in probe.items())


def main(argv: list[str] | None = None) -> int:
    """``python tests/fuzz.py``: exit 1 when any case ended badly."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--malformed", type=int, default=2000, help="malformed calls")
    parser.add_argument("--valid", type=int, default=500, help="valid scenarios")
    parser.add_argument("--weeks", type=int, default=104, help="horizon of the valid ones")
    parser.add_argument("--seed", type=int, default=16, help="seed of every draw")
    parser.add_argument("--skip", type=int, default=0, help="draw the first N valid "
                        "scenarios without running them (to split a fuzz over processes)")
    parser.add_argument("--calibrate", action="store_true",
                        help="refit the constants of model/limits.py instead")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return 0
    started = time.monotonic()
    report = fuzz(args.malformed, args.valid, args.weeks, args.seed, skip=args.skip)
    for line in report.lines():
        print(line)
    print(f"({time.monotonic() - started:.0f} s, seed {args.seed}, valid runs of {args.weeks} "
          f"weeks, limits {limits.MAX_SECONDS:.0f} s CPU per {limits.HORIZON_UNIT} weeks and "
          f"{limits.MAX_BYTES / 1024**3:.0f} GiB)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
