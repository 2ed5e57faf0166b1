"""Sweep files: a scenario plus a ``[sweep]`` table: what varies, how, and over how many seeds.

A sweep file is data (TOML), checked like a scenario: any mistake raises
:class:`~model.scenario.ScenarioError` with one line naming the file, the key and what is allowed.

```toml
schema = 1
base = "baseline"            # or every scenario key inline, as in a scenario file
[run]
seed = 42                    # replicate r runs with seed run.seed + r
[sweep]
design = "grid"              # grid | random | lhs | sobol | morris
replicates = 3               # seeds per design point
weeks = 260                  # optional: sets run.weeks
[sweep.parameters]
"compute.experiment_boost" = [1, 3, 10, 30]           # grid: a list of values
"ai.speed" = { min = 0.3, max = 30, log = true }       # sampled designs: a range
```

Compute shares: at most two of ``compute.shares.*`` may vary; the shares that do not vary take
what is left (one minus the varied ones), split in the ratio they have in the base scenario
(equally if they are all zero there). The varied shares must never sum to more than 1.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from model.scenario import Scenario, ScenarioError, from_mapping, read_capped, read_toml
from model.schema import BY_KEY, SHARE_KEYS

DESIGNS = ("grid", "random", "lhs", "sobol", "morris")
SAMPLED = ("random", "lhs", "sobol", "morris")
POINTS = "points"  # an explicit list of points, each with its own seed (takeoff forecast)
SWEEP_KEYS = ("design", "replicates", "samples", "weeks", "levels", "parameters")
RANGE_KEYS = ("min", "max", "log")
MAX_RUNS = 1_000_000
MAX_REPLICATES = 10_000
SEED_MODULUS = 2**63  # run.seed is an integer in [0, 2**63 - 1]


@dataclass(frozen=True)
class Axis:
    """One varied scenario key.

    Attributes:
        key: The scenario key, e.g. ``ideas.phi``.
        values: The listed values (a grid axis, or a categorical axis of a random/LHS design);
            None for a range.
        lo: Smallest value of a range.
        hi: Largest value of a range.
        log: Sample the range uniformly in log space.
        integer: The key takes integers: sampled values are rounded.

    """

    key: str
    values: tuple | None = None
    lo: float | None = None
    hi: float | None = None
    log: bool = False
    integer: bool = False

    def value(self, u: float) -> Any:
        """The value at unit coordinate ``u`` in [0, 1] (sampled designs)."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        if self.integer and not self.log:  # every integer in [lo, hi] equally likely
            return int(min(self.hi, self.lo + math.floor(u * (self.hi - self.lo + 1))))
        if self.log:
            x = math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        if self.integer:
            return int(min(self.hi, max(self.lo, round(x))))
        return float(min(self.hi, max(self.lo, x)))

    def describe(self) -> str:
        """The axis in words, for ``--dry-run`` and plot titles."""
        if self.values is not None:
            return f"{self.key} in {list(self.values)}"
        scale = ", log scale" if self.log else ""
        return f"{self.key} from {self.lo:g} to {self.hi:g}{scale}"


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep file.

    Attributes:
        name: The sweep's name (``name`` in the file, else the file's stem).
        description: What the sweep asks.
        origin: The file, as named in error messages.
        text: The file's text, as given.
        base: The resolved scenario every run starts from (``sweep.weeks`` applied).
        design: One of :data:`DESIGNS`.
        replicates: Seeds per design point.
        samples: Points of a random/LHS design; base samples N of a Sobol design
            (N * (D + 2) points); trajectories of a Morris design (r * (D + 1) points).
        levels: Grid levels of a Morris design.
        axes: The varied keys, in file order.
        points: A ``points`` design's points, each a dict of the varied keys' values (sampled
            elsewhere, e.g. from beliefs); empty for the other designs.
        point_seeds: A ``points`` design's seed of each point: replicate ``r`` of point ``i``
            runs with ``point_seeds[i] + r``, so every point has its own random stream.
        unit: A ``points`` design's coordinates in [0, 1]^D (each value's quantile under the
            distribution it was drawn from), one row per point; None for the other designs.
        file_name: What the store names its copy of the file (``sweep.toml``).
        command: The command that runs it, as named in the store's errors (``sweep``).

    """

    name: str
    description: str
    origin: str
    text: str
    base: Scenario
    design: str
    replicates: int
    samples: int | None
    levels: int
    axes: tuple[Axis, ...]
    points: tuple[dict, ...] = ()
    point_seeds: tuple[int, ...] = ()
    unit: Any = field(default=None, compare=False, repr=False)
    file_name: str = "sweep.toml"
    command: str = "sweep"

    @property
    def seed(self) -> int:
        """The file's ``run.seed``: replicate ``r`` runs with seed ``(seed + r) mod 2**63``."""
        return self.base["run.seed"]

    def replicate_seed(self, replicate: int) -> int:
        """The seed of replicate ``replicate`` (the same at every design point)."""
        return (self.seed + replicate) % SEED_MODULUS

    def run_seed(self, point: int, replicate: int) -> int:
        """The seed of replicate ``replicate`` at design point ``point``."""
        if self.design == POINTS:
            return (self.point_seeds[point] + replicate) % SEED_MODULUS
        return self.replicate_seed(replicate)

    @property
    def varied_shares(self) -> tuple[str, ...]:
        """The ``compute.shares.*`` keys the sweep varies."""
        return tuple(a.key for a in self.axes if a.key in SHARE_KEYS)

    @property
    def columns(self) -> tuple[str, ...]:
        """Scenario keys a run's parameters list: the varied keys and the shares they move."""
        keys = [a.key for a in self.axes]
        if self.varied_shares:
            keys += [k for k in SHARE_KEYS if k not in keys]
        return tuple(keys)

    def points_count(self) -> int:
        """Design points (before removing repeated ones)."""
        d = len(self.axes)
        if self.design == POINTS:
            return len(self.points)
        if self.design == "grid":
            return math.prod(len(a.values) for a in self.axes)
        if self.design == "sobol":
            return self.samples * (d + 2)
        if self.design == "morris":
            return self.samples * (d + 1)
        return self.samples

    def fingerprint(self, version: str) -> str:
        """Identity of what the sweep runs: its results depend on nothing else.

        The description is left out, so rewording it does not invalidate stored runs.
        """
        canon = {"scenario": Scenario(self.base.as_dict(), self.name, "").to_toml(),
                 "design": self.design, "replicates": self.replicates, "samples": self.samples,
                 "levels": self.levels, "version": version,
                 "axes": [[a.key, a.values, a.lo, a.hi, a.log] for a in self.axes]}
        if self.design == POINTS:
            canon.update(points=list(self.points), seeds=list(self.point_seeds))
        return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()


def shipped_sweeps() -> dict[str, Path]:
    """Shipped sweep names and their files (``scenarios/sweeps/*.toml``)."""
    folder = resources.files("scenarios") / "sweeps"
    if not folder.is_dir():
        return {}
    return {Path(f.name).stem: Path(str(f)) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".toml")}


def load_sweep(name_or_path: str | Path) -> SweepSpec:
    """Load a shipped sweep by name, or a sweep file by path."""
    names = shipped_sweeps()
    if str(name_or_path) in names and not Path(name_or_path).exists():
        path = names[str(name_or_path)]
    else:
        path = Path(name_or_path)
    if not path.is_file():
        hint = difflib.get_close_matches(str(name_or_path), list(names), n=1)
        also = f"; did you mean '{hint[0]}'?" if hint else f"; shipped: {', '.join(names)}"
        raise ScenarioError(f"{name_or_path}: no such sweep file or shipped sweep{also}")
    return parse_sweep_text(read_capped(path, "a sweep file"), str(path), stem=path.stem)


def parse_sweep_text(text: str, origin: str, stem: str = "sweep") -> SweepSpec:
    """Validate a sweep file given as text; ``origin`` names it in errors."""
    data = read_toml(text, origin)  # nesting and over-long numbers are one line too
    if "sweep" not in data:
        raise ScenarioError(f"{origin}: no [sweep] table; a sweep file is a scenario plus "
                            f"[sweep] (design, replicates, parameters), see scenarios/sweeps/")
    table = data.pop("sweep")
    if not isinstance(table, dict):
        raise ScenarioError(f"{origin}: key 'sweep': must be a table [sweep], got {table!r}")
    scenario = from_mapping(data, origin)
    name = data.get("name", stem)
    for key in table:
        if key not in SWEEP_KEYS:
            hint = difflib.get_close_matches(key, SWEEP_KEYS, n=1, cutoff=0.5)
            also = (f"; did you mean 'sweep.{hint[0]}'?" if hint
                    else f"; allowed: {', '.join(SWEEP_KEYS)}")
            raise ScenarioError(f"{origin}: unknown key 'sweep.{key}'{also}")

    design = table.get("design", "grid")
    if design not in DESIGNS:
        allowed = " | ".join(f'"{d}"' for d in DESIGNS)
        raise ScenarioError(f"{origin}: key 'sweep.design': must be {allowed}, got {design!r}")
    replicates = _integer(origin, "sweep.replicates", table.get("replicates", 1), 1,
                          MAX_REPLICATES)
    samples = _samples(origin, design, table.get("samples"))
    levels = 4
    if "levels" in table:
        if design != "morris":
            raise ScenarioError(f"{origin}: key 'sweep.levels': only a morris design has "
                                f"levels, this one is {design!r}")
        levels = _integer(origin, "sweep.levels", table["levels"], 2, 100)
    if "weeks" in table:
        p = BY_KEY["run.weeks"]
        weeks = table["weeks"]
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not p.lo <= weeks <= p.hi:
            raise ScenarioError(f"{origin}: key 'sweep.weeks': must be {p.allowed()}, "
                                f"got {weeks!r}")
        scenario = scenario.replace({"run.weeks": weeks}, origin=origin)

    where = f"{origin}: [sweep.parameters]"
    params = table.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ScenarioError(f"{origin}: key 'sweep.parameters': must be a table of scenario "
                            f"keys to vary, e.g. \"ideas.phi\" = [0.6, 0.8], got {params!r}")
    axes = tuple(_axis(where, design, key, spec, scenario)
                 for key, spec in _flatten(params, where, scenario))
    keys = [a.key for a in axes]
    for key in keys:
        if keys.count(key) > 1:  # "ai.speed" = [...] beside ai = { speed = [...] }
            raise ScenarioError(f"{where}: key '{key}' is given twice; vary it once")
    _check_shares(where, axes)
    spec = SweepSpec(name=name if isinstance(name, str) else stem,
                     description=scenario.description, origin=origin, text=text,
                     base=Scenario(scenario.as_dict(), name, scenario.description),
                     design=design, replicates=replicates, samples=samples, levels=levels,
                     axes=axes)
    runs = spec.points_count() * replicates
    if runs > MAX_RUNS:
        raise ScenarioError(f"{origin}: the sweep has {runs} runs; at most {MAX_RUNS} in one "
                            f"sweep (split it into several files)")
    return spec


def _integer(origin: str, key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ScenarioError(f"{origin}: key '{key}': must be an integer in [{lo}, {hi}], "
                            f"got {value!r}")
    return value


def _samples(origin: str, design: str, value: Any) -> int | None:
    if design == "grid":
        if value is not None:
            raise ScenarioError(f"{origin}: key 'sweep.samples': a grid runs every "
                                f"combination; samples are for {', '.join(SAMPLED)}")
        return None
    if value is None:
        what = {"sobol": "base samples N, a power of 2 (runs N * (parameters + 2))",
                "morris": "trajectories r (runs r * (parameters + 1))"}.get(design, "points")
        raise ScenarioError(f"{origin}: key 'sweep.samples': a {design} design needs it: {what}")
    n = _integer(origin, "sweep.samples", value, 2 if design == "morris" else 1, MAX_RUNS)
    if design == "sobol" and (n < 2 or n & (n - 1)):
        raise ScenarioError(f"{origin}: key 'sweep.samples': a sobol design needs a power of "
                            f"2 (2, 4, 8, ...; runs N * (parameters + 2)), got {n}")
    return n


def _flatten(params: dict, where: str, base: Scenario, prefix: str = ""):
    """(key, spec) pairs from ``[sweep.parameters]``, quoted or dotted keys alike."""
    for name, spec in params.items():
        key = f"{prefix}{name}"
        if key in BY_KEY:
            yield key, spec
        elif isinstance(spec, dict) and any(k.startswith(key + ".") for k in BY_KEY):
            yield from _flatten(spec, where, base, key + ".")
        else:
            base.replace({key: None}, origin=where)  # raises the core's "did you mean" line
            raise AssertionError(key)  # pragma: no cover (replace raised)


def check_value(where: str, key: str, value: Any, base: Scenario) -> Any:
    """The value as the scenario stores it, or the scenario's own one-line error."""
    p = BY_KEY[key]
    if key in SHARE_KEYS:  # checked alone: the sweep completes the shares at each point
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                p.lo <= value <= p.hi):
            raise ScenarioError(f"{where}: key '{key}': must be {p.allowed()}, got {value!r}")
        return float(value)
    return base.replace({key: value}, origin=where)[key]


def _axis(where: str, design: str, key: str, spec: Any, base: Scenario) -> Axis:
    p = BY_KEY[key]
    if key == "run.seed":
        raise ScenarioError(f"{where}: key 'run.seed' cannot vary: replicate seeds are "
                            f"run.seed + 0, 1, ... (set sweep.replicates)")
    if isinstance(spec, list):
        if design in ("sobol", "morris"):
            raise ScenarioError(f"{where}: key '{key}': a {design} design takes a range "
                                f"{{ min = .., max = .. }}; lists of values are for grid, "
                                f"random and lhs")
        if not spec:
            raise ScenarioError(f"{where}: key '{key}': the list of values is empty")
        values = tuple(check_value(where, key, v, base) for v in spec)
        seen = [json.dumps(v) for v in values]
        if len(set(seen)) != len(seen):
            raise ScenarioError(f"{where}: key '{key}': a value is listed twice in "
                                f"{list(values)}")
        return Axis(key, values=values)
    if isinstance(spec, dict):
        if design == "grid":
            raise ScenarioError(f"{where}: key '{key}': a grid design takes a list of values, "
                                f"e.g. [1, 3, 10]; ranges are for {', '.join(SAMPLED)}")
        if p.kind not in ("int", "float"):
            raise ScenarioError(f"{where}: key '{key}': a range needs a number; this key is "
                                f"{p.allowed()}: give a list of values")
        for k in spec:
            if k not in RANGE_KEYS:
                raise ScenarioError(f"{where}: unknown key '{key}.{k}'; a range has "
                                    f"{', '.join(RANGE_KEYS)}")
        if "min" not in spec or "max" not in spec:
            raise ScenarioError(f"{where}: key '{key}': a range needs both min and max, "
                                f"e.g. {{ min = 0.5, max = 2 }}")
        lo = check_value(where, key, spec["min"], base)
        hi = check_value(where, key, spec["max"], base)
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise ScenarioError(f"{where}: key '{key}.log': must be true or false, got {log!r}")
        if not lo < hi:
            raise ScenarioError(f"{where}: key '{key}': min must be below max, got min {lo!r}, "
                                f"max {hi!r}")
        if log and lo <= 0:
            raise ScenarioError(f"{where}: key '{key}': a log range needs min > 0, got {lo!r}")
        return Axis(key, lo=lo, hi=hi, log=log, integer=p.kind == "int")
    raise ScenarioError(f"{where}: key '{key}': must be a list of values or a range "
                        f"{{ min = .., max = .. }}, got {spec!r}")


def _check_shares(where: str, axes: tuple[Axis, ...]) -> None:
    varied = [a for a in axes if a.key in SHARE_KEYS]
    if len(varied) == len(SHARE_KEYS):
        raise ScenarioError(f"{where}: keys 'compute.shares.*': vary at most two of the three "
                            f"shares; the one left takes the rest, so they sum to 1")
    top = sum(max(a.values) if a.values is not None else a.hi for a in varied)
    if top > 1 + 1e-9:
        raise ScenarioError(f"{where}: keys 'compute.shares.*': the varied shares can sum to "
                            f"{top:g}; at most 1, the shares not varied take what is left")
