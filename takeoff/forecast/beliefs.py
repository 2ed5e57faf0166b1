"""Beliefs files: a base scenario plus a distribution for each uncertain key.

A beliefs file is data (TOML), checked like a scenario: any mistake raises
:class:`~model.scenario.ScenarioError` with one line naming the file, the key and what is
allowed, which the command prints after ``error:`` with exit code 2.

```toml
schema = 1
base = "baseline"                 # or every scenario key inline, as in a scenario file
name = "mine"
[run]
seed = 42                         # the samples, and each sample's seed, derive from it
[forecast]
samples = 256                     # default for --samples
sampler = "lhs"                   # lhs | sobol (scrambled; a power of 2 samples)
[beliefs]
"ideas.phi" = { dist = "normal", p10 = 0.7, p90 = 0.88, source = "why I believe it" }
"ai.speed" = { dist = "lognormal", median = 1.0, sigma = 0.9 }
"policy.scheduler" = { dist = "categorical", values = ["fair", "value"], weights = [3, 1] }
[[correlations]]                  # optional rank (Spearman) correlations
keys = ["ai.taste", "ai.speed"]
rank = 0.3
```

``extends = "NAME"`` starts from a shipped beliefs file: its base scenario (with this file's
scenario keys applied), its beliefs (this file's replace them key by key) and its correlations.
Distributions are in :mod:`takeoff.forecast.distributions`.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from model.scenario import Scenario, ScenarioError, from_mapping, read_capped
from model.schema import BY_KEY, SHARE_KEYS
from takeoff.forecast.distributions import Belief, parse_belief
from takeoff.sweep.spec import check_value

TABLES = ("beliefs", "correlations", "forecast", "extends")
FORECAST_KEYS = ("samples", "sampler")
SAMPLERS = ("lhs", "sobol")
MAX_SAMPLES = 100_000
MAX_EXTENDS = 4


@dataclass(frozen=True)
class Beliefs:
    """A validated beliefs file.

    Attributes:
        name: ``name`` in the file, else the file's stem.
        description: What the beliefs say, and where they come from.
        origin: The file, as named in errors.
        text: The file's text, as given.
        base: The scenario every sample starts from.
        beliefs: One distribution per uncertain key, in file order (a parent's first).
        rank: Rank (Spearman) correlations between the beliefs, a D x D matrix.
        sampler: ``lhs`` or ``sobol``.
        samples: Samples to draw when the command does not say.

    """

    name: str
    description: str
    origin: str
    text: str
    base: Scenario
    beliefs: tuple[Belief, ...]
    rank: np.ndarray
    sampler: str
    samples: int

    @property
    def keys(self) -> tuple[str, ...]:
        """The uncertain keys."""
        return tuple(b.key for b in self.beliefs)

    @property
    def seed(self) -> int:
        """The base scenario's ``run.seed``: the samples and their seeds derive from it."""
        return self.base["run.seed"]

    def on(self, scenario: Scenario, origin: str = "settings") -> Beliefs:
        """The same beliefs over another base scenario (the app's current settings)."""
        return Beliefs(self.name, self.description, self.origin, self.text,
                       Scenario(scenario.as_dict(), scenario.name, scenario.description),
                       self.beliefs, self.rank, self.sampler, self.samples)


def shipped_beliefs() -> dict[str, Path]:
    """Shipped beliefs names and their files (``scenarios/beliefs/*.toml``)."""
    folder = resources.files("scenarios") / "beliefs"
    if not folder.is_dir():
        return {}
    return {Path(f.name).stem: Path(str(f)) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".toml")}


def load_beliefs(name_or_path: str | Path, _depth: int = 0) -> Beliefs:
    """Load shipped beliefs by name, or a beliefs file by path."""
    names = shipped_beliefs()
    if str(name_or_path) in names and not Path(name_or_path).exists():
        path = names[str(name_or_path)]
    else:
        path = Path(name_or_path)
    if not path.is_file():
        hint = difflib.get_close_matches(str(name_or_path), list(names), n=1)
        also = f"; did you mean '{hint[0]}'?" if hint else f"; shipped: {', '.join(names)}"
        raise ScenarioError(f"{name_or_path}: no such beliefs file or shipped beliefs{also}")
    return parse_beliefs_text(read_capped(path, "a beliefs file"), str(path), stem=path.stem,
                              _depth=_depth)


def parse_beliefs_text(text: str, origin: str, stem: str = "beliefs", _depth: int = 0
                       ) -> Beliefs:
    """Validate a beliefs file given as text; ``origin`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
    if "beliefs" not in data and "extends" not in data:
        raise ScenarioError(f"{origin}: no [beliefs] table; a beliefs file is a scenario plus "
                            f"[beliefs] (a distribution per uncertain key), see "
                            f"scenarios/beliefs/")
    tables = {k: data.pop(k) for k in TABLES if k in data}
    parent = _parent(origin, tables.get("extends"), data, _depth)
    if parent is None:
        scenario = from_mapping(data, origin)
        inherited: dict[str, Belief] = {}
        pairs: dict[tuple[str, str], float] = {}
    else:
        scenario = _apply(origin, parent.base, data)
        inherited = {b.key: b for b in parent.beliefs}
        pairs = _pairs_of(parent)
    name = data.get("name", stem)
    description = data.get("description", scenario.description)
    settings = _forecast_table(origin, tables.get("forecast", {}), parent)
    where = f"{origin}: [beliefs]"
    table = tables.get("beliefs", {})
    if not isinstance(table, dict) or not (table or inherited):
        raise ScenarioError(f"{origin}: key 'beliefs': must be a table of scenario keys, e.g. "
                            f"\"ideas.phi\" = {{ dist = \"normal\", p10 = 0.7, p90 = 0.9 }}")
    beliefs = dict(inherited)
    for key, spec in _flatten(table, where, scenario):
        beliefs[key] = _belief(where, key, spec, scenario)
    ordered = tuple(beliefs.values())
    _check_shares(where, ordered)
    pairs.update(_correlations(origin, tables.get("correlations", []), beliefs))
    rank = _matrix(origin, ordered, pairs)
    return Beliefs(name=name if isinstance(name, str) else stem,
                   description=description if isinstance(description, str) else "",
                   origin=origin, text=text,
                   base=Scenario(scenario.as_dict(), name if isinstance(name, str) else stem,
                                 scenario.description),
                   beliefs=ordered, rank=rank, **settings)


def _parent(origin: str, extends: Any, data: dict, depth: int) -> Beliefs | None:
    if extends is None:
        return None
    names = shipped_beliefs()
    if not isinstance(extends, str) or extends not in names:
        raise ScenarioError(f"{origin}: key 'extends': must name shipped beliefs "
                            f"({', '.join(names)}), got {extends!r}")
    if "base" in data:
        raise ScenarioError(f"{origin}: key 'base': a file that extends beliefs takes their "
                            f"base scenario; set scenario keys to change it")
    if depth >= MAX_EXTENDS:
        raise ScenarioError(f"{origin}: key 'extends': more than {MAX_EXTENDS} files extend "
                            f"one another (a loop?)")
    return load_beliefs(extends, _depth=depth + 1)


def _apply(origin: str, base: Scenario, data: dict) -> Scenario:
    """``base`` with a file's scenario keys set (the file extends other beliefs)."""
    if data.get("schema") != 1:
        from_mapping(data, origin)  # raises the scenario's own line about 'schema'
    values = dict(_flatten({k: v for k, v in data.items()
                            if k not in ("schema", "name", "description")}, origin, base))
    return base.replace(values, origin=origin)


def _flatten(table: dict, where: str, base: Scenario, prefix: str = ""):
    """(key, value) pairs of a table keyed by scenario keys, quoted or dotted alike."""
    for name, value in table.items():
        key = f"{prefix}{name}"
        if key in BY_KEY:
            yield key, value
        elif isinstance(value, dict) and any(k.startswith(key + ".") for k in BY_KEY):
            yield from _flatten(value, where, base, key + ".")
        else:
            base.replace({key: None}, origin=where)  # raises the core's "did you mean" line
            raise AssertionError(key)  # pragma: no cover (replace raised)


def _belief(where: str, key: str, spec: Any, base: Scenario) -> Belief:
    p = BY_KEY[key]
    if key.startswith("run."):
        raise ScenarioError(f"{where}: key '{key}' cannot be uncertain: run.seed sets the "
                            f"samples and their seeds, and every sample shares the horizon")
    if p.kind == "floats":
        raise ScenarioError(f"{where}: key '{key}': a list of numbers cannot take a "
                            f"distribution; set it in the base scenario")
    return parse_belief(where, key, spec, p.kind, p.lo, p.hi,
                        lambda v: check_value(where, key, v, base))


def _forecast_table(origin: str, table: Any, parent: Beliefs | None) -> dict:
    if not isinstance(table, dict):
        raise ScenarioError(f"{origin}: key 'forecast': must be a table [forecast], "
                            f"got {table!r}")
    for key in table:
        if key not in FORECAST_KEYS:
            raise ScenarioError(f"{origin}: unknown key 'forecast.{key}'; allowed: "
                                f"{', '.join(FORECAST_KEYS)}")
    sampler = table.get("sampler", parent.sampler if parent else "lhs")
    if sampler not in SAMPLERS:
        raise ScenarioError(f"{origin}: key 'forecast.sampler': must be "
                            + " | ".join(f'"{s}"' for s in SAMPLERS) + f", got {sampler!r}")
    samples = table.get("samples", parent.samples if parent else 64)
    check_samples(f"{origin}: key 'forecast.samples'", samples, sampler)
    return {"sampler": sampler, "samples": samples}


def check_samples(name: str, samples: Any, sampler: str) -> int:
    """A sample count, or one line saying what is allowed (``name`` is the file key or flag)."""
    if (isinstance(samples, bool) or not isinstance(samples, int)
            or not 1 <= samples <= MAX_SAMPLES):
        raise ScenarioError(f"{name}: must be an integer in [1, {MAX_SAMPLES}], got {samples!r}")
    if sampler == "sobol" and samples & (samples - 1):
        raise ScenarioError(f"{name}: the sobol sampler needs a power of 2 (its balance holds "
                            f"only then), got {samples}; or set forecast.sampler = \"lhs\"")
    return samples


def _check_shares(where: str, beliefs: tuple[Belief, ...]) -> None:
    shares = [b for b in beliefs if b.key in SHARE_KEYS]
    if len(shares) == len(SHARE_KEYS):
        raise ScenarioError(f"{where}: keys 'compute.shares.*': at most two of the three shares "
                            f"may be uncertain; the one left takes the rest, so they sum to 1")
    top = sum(b.support()[1] for b in shares)
    if top > 1 + 1e-9:
        raise ScenarioError(f"{where}: keys 'compute.shares.*': the uncertain shares can sum to "
                            f"{top:g}; at most 1 (bound them, e.g. a beta or uniform)")


def _pairs_of(beliefs: Beliefs) -> dict[tuple[str, str], float]:
    keys = beliefs.keys
    return {(keys[i], keys[j]): float(beliefs.rank[i, j]) for i in range(len(keys))
            for j in range(i + 1, len(keys)) if beliefs.rank[i, j] != 0}


def _correlations(origin: str, entries: Any, beliefs: dict[str, Belief]
                  ) -> dict[tuple[str, str], float]:
    where = f"{origin}: [[correlations]]"
    if not isinstance(entries, list):
        raise ScenarioError(f"{where}: must be an array of tables, each with keys = [A, B] and "
                            f"rank = a number in (-1, 1)")
    order = list(beliefs)
    out: dict[tuple[str, str], float] = {}
    for n, entry in enumerate(entries, 1):
        here = f"{where} entry {n}"
        if not isinstance(entry, dict) or set(entry) != {"keys", "rank"}:
            raise ScenarioError(f"{here}: must have exactly keys = [A, B] and rank = .., "
                                f"got {entry!r}")
        keys, rank = entry["keys"], entry["rank"]
        if (not isinstance(keys, list) or len(keys) != 2 or keys[0] == keys[1]
                or not all(isinstance(k, str) for k in keys)):
            raise ScenarioError(f"{here}: keys must be two different scenario keys, "
                                f"got {keys!r}")
        for k in keys:
            if k not in beliefs:
                raise ScenarioError(f"{here}: key '{k}' has no belief; correlate keys listed "
                                    f"in [beliefs] ({', '.join(order)})")
        if (isinstance(rank, bool) or not isinstance(rank, (int, float))
                or not -1 < rank < 1):
            raise ScenarioError(f"{here}: rank must be a number in (-1, 1), got {rank!r}")
        pair = tuple(sorted(keys, key=order.index))
        if pair in out:
            raise ScenarioError(f"{here}: keys {list(pair)} are correlated twice")
        out[pair] = float(rank)
    return out


def _matrix(origin: str, beliefs: tuple[Belief, ...], pairs: dict) -> np.ndarray:
    keys = [b.key for b in beliefs]
    rank = np.eye(len(keys))
    for (a, b), r in pairs.items():
        i, j = keys.index(a), keys.index(b)
        rank[i, j] = rank[j, i] = r
    try:
        np.linalg.cholesky(normal_correlation(rank))
    except np.linalg.LinAlgError:
        raise ScenarioError(f"{origin}: [[correlations]]: these rank correlations cannot hold "
                            f"together (their matrix is not positive definite); weaken some"
                            ) from None
    return rank


def normal_correlation(rank: np.ndarray) -> np.ndarray:
    """The Gaussian copula's correlations that give these rank (Spearman) correlations.

    For a bivariate normal, Spearman's rho is ``(6 / pi) arcsin(r / 2)``; monotone marginal
    transforms keep ranks, so the draws keep it too (Kruskal 1958).
    """
    out = 2.0 * np.sin(math.pi * np.asarray(rank) / 6.0)
    np.fill_diagonal(out, 1.0)
    return out
