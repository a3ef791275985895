"""The layers of docs/architecture.md, held by the code: imports only go down, and no two
modules import each other (at the top of the file or inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "alliancekb"
FOUNDATIONS = {
    "errors", "dates", "formats", "inputs", "outputs", "resources", "collector", "typed"
}  # fmt: skip
FOUNDATIONS |= {"country_codes", "alliance_names", "citations"}  # the project's tables of facts
LAYERS = {
    "foundations": 0,
    "database": 1,
    "schemas": 2,
    "records": 3,
    "importers": 3,
    "analysis": 3,
    "kb": 4,
    "kb_exports": 4,
    "kb_world": 4,
    "kb_web": 4,
    "kb_names": 4,
    "web": 3,
    "cli": 5,
}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    top = parts[1]
    return LAYERS["foundations"] if top in FOUNDATIONS else LAYERS.get(top)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("alliancekb."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "alliancekb":
                found.update(f"alliancekb.{a.name}" for a in node.names)
            elif node.module.startswith("alliancekb."):
                found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for target in _imports(path):
            # `from alliancekb.analysis import panels` names a module; keep what exists.
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def test_imports_only_go_down_the_layers() -> None:
    upward = sorted(
        (source, target)
        for source, targets in _graph().items()
        for target in targets
        if (a := _layer(source)) is not None
        and (b := _layer(target)) is not None
        and b > a
        and not target.endswith("__init__")
    )
    assert upward == []


def test_no_two_modules_import_each_other() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its modules is not a circle of code.
    packages = {name for name in graph if (PACKAGE.parent / name.replace(".", "/")).is_dir()}
    cycles = []
    for source, targets in graph.items():
        for target in targets - packages:
            if source in graph.get(target, set()) and source not in packages:
                cycles.append(tuple(sorted((source, target))))
    assert sorted(set(cycles)) == []


def test_no_module_is_too_long_to_read_in_one_sitting() -> None:
    long = {
        _module(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert long == {}
