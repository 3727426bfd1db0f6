"""The shape of the code, kept: rule kinds are asked, never tested for (no isinstance chains on
kinds outside the rule model and the parser), modules do not import each other in a circle,
every exception lives in kpixl/errors.py, and modules and functions stay small enough to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kpixl.rules

PKG = Path(kpixl.__file__).parent
MODULES = sorted(p for p in PKG.rglob("*.py"))
KIND_NAMES = {cls.__name__ for cls in kpixl.rules.KINDS.values()} | {"Rule"}
#: may build or recognise kinds: the rule model itself and the rubric parser
KIND_AWARE = ("rules/", "rubric/")
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80


def _rel(p: Path) -> str:
    return p.relative_to(PKG).as_posix()


def _module_name(p: Path) -> str:
    parts = ["kpixl", *p.relative_to(PKG).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_isinstance_on_rule_kinds_outside_the_model_and_the_parser():
    offenders = []
    for p in MODULES:
        if _rel(p).startswith(KIND_AWARE):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" and len(node.args) == 2:
                names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                if names & KIND_NAMES:
                    offenders.append(f"{_rel(p)}:{node.lineno}")
    assert not offenders, f"ask the rule (its interface) instead of testing its kind: {offenders}"


def _top_level_imports(p: Path) -> set[str]:
    """Modules imported when ``p`` is imported (module level only: imports inside functions are lazy)."""
    name = _module_name(p)
    package = name if p.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.parse(p.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    known = {_module_name(m) for m in MODULES}
    edges = set()
    for target in out:
        # importing a.b.c runs a/__init__ and a/b/__init__ first
        parts = target.split(".")
        edges |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)}
    # a module's own parent packages are already being imported when it is: not an edge
    ancestors = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
    return {t for t in edges if t in known and t != name and t not in ancestors}


def test_no_import_cycles():
    graph = {_module_name(p): _top_level_imports(p) for p in MODULES}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"modules import each other in a circle: {cycles}"


def test_every_exception_class_lives_in_errors():
    stray = []
    for p in MODULES:
        if _rel(p) == "errors.py":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(re.search(r"(Error|Exception)$", ast.unparse(b)) for b in node.bases):
                stray.append(f"{_rel(p)}:{node.lineno} {node.name}")
    assert not stray, f"define exceptions in kpixl/errors.py: {stray}"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_modules_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{_rel(path)} has {len(text.splitlines())} lines; split it by concept"
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            reason = any("long:" in lines[k] for k in range(max(0, node.lineno - 3), min(len(lines), node.lineno + 2)))
            assert length <= MAX_FUNCTION_LINES or reason, f"{_rel(path)}:{node.lineno} {node.name}: {length} lines (split, or '# long:' why)"
