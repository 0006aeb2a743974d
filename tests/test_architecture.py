"""The package's shape: stages in one direction, no import circles.

The import graph is built from the source with :mod:`ast` (nothing is imported). An
import inside ``if TYPE_CHECKING:`` is left out (it never runs); every other import
counts, at module level or inside a function. Each module belongs to the layer of its
stage (:data:`LAYERS`, lowest first); a module may import its own stage and any stage of
a lower layer, never a higher layer nor another stage of its own layer. docs/architecture.md
carries the stage graph this file draws; ``python tests/test_architecture.py --write``
redraws it after a change of shape.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "drillsim"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- import-graph: begin (tests/test_architecture.py --write) -->", "<!-- import-graph: end -->"

#: Layers, lowest first: (layer, stages in it). A stage is a sub-package or a top-level module.
LAYERS: list[tuple[str, list[str]]] = [
    ("base", ["drillsim", "drillsim.errors"]),
    ("scenario", ["drillsim.scenario"]),
    ("plugin host", ["drillsim.host"]),
    ("engine", ["drillsim.engine"]),
    ("scoring", ["drillsim.scoring"]),
    ("plugin API", ["drillsim.api", "drillsim.defaults", "drillsim.testing"]),
    ("report", ["drillsim.report"]),
    ("batch and drill", ["drillsim.batch", "drillsim.drill"]),
    ("planning", ["drillsim.planning"]),
    ("reference", ["drillsim.reference"]),
    ("terminal UI", ["drillsim.tui"]),
    ("command line", ["drillsim.cli"]),
    ("console script", ["drillsim.entry"]),
    ("python -m drillsim", ["drillsim.__main__"]),
]
RANK = {stage: i for i, (_, stages) in enumerate(LAYERS) for stage in stages}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    """The stage a module belongs to: its sub-package, or itself at the top level."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, package: str, annotations: bool = False):
    """Yield the drillsim modules a module imports, skipping ``if TYPE_CHECKING:`` bodies
    unless ``annotations``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if not annotations and isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "drillsim")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "drillsim":
                continue
            yield name
            for alias in node.names:  # `from drillsim.x import module` imports that module
                yield f"{name}.{alias.name}"
        stack.extend(ast.iter_child_nodes(node))


def import_graph(annotations: bool = False) -> dict[str, set[str]]:
    """``{module: {drillsim modules it imports}}`` for every module of the package; with
    ``annotations`` the imports under ``if TYPE_CHECKING:`` too."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for target in _imports(ast.parse(path.read_text(encoding="utf-8")), package, annotations):
            while target not in files and "." in target:  # a name imported from a module
                target = target.rpartition(".")[0]
            if target in files and target != name:
                found.add(target)
        graph[name] = found
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

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
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a stage to a higher layer, or to another stage of its own layer."""
    out = []
    for source, targets in sorted(graph.items()):
        s = stage_of(source)
        for target in sorted(targets):
            t = stage_of(target)
            if s == t or t == "drillsim":
                continue
            if RANK[t] > RANK[s] or (RANK[t] == RANK[s]):
                out.append(f"{source} ({s}) imports {target} ({t})")
    return out


def stage_diagram(graph: dict[str, set[str]]) -> str:
    """The stage graph as text: each layer from the top, its stages, their modules and
    the stages each imports. (No import counts: they change with every edit, and the
    diagram is about who may import whom.)"""
    edges: dict[str, set[str]] = defaultdict(set)
    modules: dict[str, list[str]] = defaultdict(list)
    for source, targets in graph.items():
        modules[stage_of(source)].append(source)
        for target in targets:
            if stage_of(target) != stage_of(source):
                edges[stage_of(source)].add(stage_of(target))
    lines = []
    for layer, stages in reversed(LAYERS):
        lines.append(f"[{layer}]")
        for stage in stages:
            names = sorted(m.rpartition(".")[2] for m in modules[stage] if m != stage)
            inside = f" ({', '.join(names)})" if names else ""
            lines.append(f"  {stage}{inside}")
            uses = sorted(edges[stage], key=lambda t: (-RANK[t], t))
            if uses:
                lines.append("      imports " + ", ".join(uses))
    return "\n".join(lines)


def documented_diagram() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    return block.removeprefix("```text").removesuffix("```").strip()


def write_diagram() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n```text\n{stage_diagram(import_graph())}\n```\n{END}{tail}",
                   encoding="utf-8")


# ---------------------------------------------------------------------------- tests
def test_every_module_belongs_to_a_stage():
    unknown = sorted({stage_of(m) for m in import_graph()} - set(RANK))
    assert not unknown, f"modules outside every layer of LAYERS: {unknown}"


def test_no_import_circles():
    found = circles(import_graph())
    assert not found, "import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_annotations_keep_the_shape_too():
    # imports for type annotations never run, but a reader (and import-graph tools that
    # read every import) still sees the circle or the upward arrow they draw
    graph = import_graph(annotations=True)
    found = circles(graph)
    assert not found, "import circles through TYPE_CHECKING imports: " + "; ".join(
        " <-> ".join(c) for c in found)
    assert not wrong_way(graph), "TYPE_CHECKING imports against the stage order:\n" + "\n".join(
        wrong_way(graph))


def test_imports_run_down_the_stages():
    found = wrong_way(import_graph())
    assert not found, "imports against the stage order:\n" + "\n".join(found)


def test_the_checks_catch_a_circle_and_an_upward_import():
    graph = {"drillsim.engine.a": {"drillsim.cli.main"}, "drillsim.cli.main": {"drillsim.engine.a"},
             "drillsim.batch.x": {"drillsim.drill.y"}, "drillsim.drill.y": set()}
    assert circles(graph) == [["drillsim.cli.main", "drillsim.engine.a"]]
    assert wrong_way(graph) == ["drillsim.batch.x (drillsim.batch) imports drillsim.drill.y (drillsim.drill)",
                                "drillsim.engine.a (drillsim.engine) imports drillsim.cli.main (drillsim.cli)"]


def test_type_checking_imports_are_left_out():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from drillsim.cli import x\n"
                     "def f():\n    from drillsim.engine import units\n")
    assert sorted(_imports(tree, "drillsim.scoring")) == ["drillsim.engine", "drillsim.engine.units"]
    assert sorted(_imports(tree, "drillsim.scoring", annotations=True)) == [
        "drillsim.cli", "drillsim.cli.x", "drillsim.engine", "drillsim.engine.units"]


def test_architecture_doc_shows_the_current_graph():
    assert documented_diagram() == stage_diagram(import_graph()).strip(), (
        "docs/architecture.md is out of date: run python tests/test_architecture.py --write")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_diagram()
    else:
        print(stage_diagram(import_graph()))
        for c in circles(import_graph()):
            print("circle:", " <-> ".join(c))
        print("\n".join(wrong_way(import_graph())))
