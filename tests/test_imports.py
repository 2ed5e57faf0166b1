"""The package's import structure: no import cycles, and the core never imports a face.

The core is ``model/`` and ``agents/``; the faces are the command line (``takeoff/``) and the
page (``visualization/``). Imports are read from the source (ast), so an import inside a function
counts as much as one at the top of a module: it runs when the function does. A string naming a
module counts too: the command line imports its faces by name (``takeoff.cli.FACES``).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("model", "agents", "takeoff", "visualization")
CORE = ("model", "agents")
FACES = ("takeoff", "visualization")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from a import b`` counts ``a.b`` if a module)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.Constant) and node.value in known:
            targets = [node.value]  # a module imported by name: importlib, takeoff.cli.FACES
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..a import b
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from a import b`` imports the module a.b when there is one (its package a is
            # imported first, as for any submodule: not an edge), else a name from a.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # A module, or the deepest package holding the name imported.
            parts = target.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts and ".".join(parts) != name:
                found.add(".".join(parts))
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(name, path, known) for name, path in mods.items()}


def test_the_walk_sees_the_imports_it_must(graph):
    assert "model.scenario" in graph["takeoff.cli"] or "model.limits" in graph["takeoff.cli"]
    assert "model.schema" in graph["model.scenario"]
    assert "agents.researchers" in graph["model.workforce"]


def test_the_core_imports_no_face(graph):
    bad = sorted(f"{a} imports {b}" for a, deps in graph.items() if a.split(".")[0] in CORE
                 for b in deps if b.split(".")[0] in FACES)
    assert bad == []


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, set(c)) for c in components]


def _cycle_in(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """A shortest cycle through the first member, staying inside the component."""
    start = min(members)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    return sorted(members)  # pragma: no cover (a component always has a cycle)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def room(module: str) -> str:
    """The room of ``docs/architecture.md`` a module is in: a subpackage, else its package."""
    parts = module.split(".")
    sub = ".".join(parts[:2])
    return sub if len(parts) > 1 and (ROOT / Path(*parts[:2])).is_dir() else parts[0]


def documented_rooms() -> dict[str, set[str]]:
    """Each room of ``docs/architecture.md``'s table and the rooms it may import."""
    allowed = {}
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0] != "`room`":
            names = set()
            for name in re.findall(r"`([a-z_.*]+)`", cells[2]):
                names |= ({r for r in ROOMS if r.startswith(name[:-1])} if name.endswith("*")
                          else {name})
            allowed[cells[0].strip("`")] = names
    return allowed


ROOMS = sorted({room(m) for m in modules()})


def test_every_room_imports_only_what_the_architecture_doc_allows(graph):
    allowed = documented_rooms()
    assert set(allowed) == set(ROOMS), "docs/architecture.md must list every room"
    bad = sorted(f"{a} imports {b}" for a, deps in graph.items() for b in deps
                 if room(b) != room(a) and room(b) not in allowed[room(a)])
    assert bad == []


def test_the_room_check_catches_an_import_the_doc_does_not_allow():
    allowed = documented_rooms()
    assert "takeoff" not in allowed["model"] and "visualization" not in allowed["agents"]
    assert "takeoff.sweep" in allowed["takeoff"]  # the wildcard names the subpackages
