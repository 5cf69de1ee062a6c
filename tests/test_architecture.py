"""The package's layering, read from its imports (every ``import``, also those inside functions).

Nodes are envgym's subpackages (``envgym.rollout``) and top-level modules (``envgym.evaluate``);
the package root (``envgym/__init__.py``) is the public front door and is left out. No two nodes
may import each other, and the engines in ``envgym.policy`` import nothing of rollouts or learning.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "envgym"


def node_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "envgym" or len(parts) == 1:
        return None
    return f"envgym.{parts[1]}"


def import_graph() -> dict[str, dict[str, set[str]]]:
    """node -> node it imports -> the files that do."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        source = node_of(".".join(parts[:2])) if len(parts) > 1 and parts[1] != "__init__" else None
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for name in names:
                target = node_of(name)
                if target and target != source and (ROOT / target.split(".")[1]).exists() or \
                        target and target != source and (ROOT / f"{target.split('.')[1]}.py").exists():
                    graph[source][target].add(str(path.relative_to(ROOT.parent)))
    return graph


def test_no_two_parts_import_each_other():
    graph = import_graph()
    assert "envgym.rollout" in graph and graph["envgym.rollout"], "the graph is empty: the test reads nothing"
    cycles = sorted((a, b, sorted(graph[a][b])[:2], sorted(graph[b][a])[:2])
                    for a in graph for b in graph[a] if a < b and a in graph.get(b, {}))
    assert not cycles, cycles


def test_policies_are_engines_only():
    graph = import_graph()
    leaks = {target: sorted(files) for target, files in graph["envgym.policy"].items()
             if target in ("envgym.rollout", "envgym.learn", "envgym.pipeline", "envgym.evaluate")}
    assert not leaks, leaks
