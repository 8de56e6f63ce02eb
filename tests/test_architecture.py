"""The package's shape: stages import only downwards, and modules and functions stay small.

The rule is written in docs/architecture.md: a subpackage may import its own layer and the
layers below it, never one above. ``ita_lib/__init__.py`` (the public API) and ``cli.py`` sit on
top and may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ita_lib"

# Lowest first. Stages of one layer (render and drafting, deliver and batch) are siblings:
# neither imports the other.
LAYERS: dict[str, int] = {
    "exceptions": 0,
    "files": 0,
    "faults": 0,
    "log": 0,
    "text": 1,
    "model": 2,
    "analysis": 3,
    "documents": 4,
    "drafting": 5,
    "render": 5,
    "views": 6,
    "run": 7,
    "deliver": 8,
    "batch": 8,
    "cli": 9,
    "__init__": 9,
}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported_stages(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "ita_lib":
                names = [f"ita_lib.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ita_lib" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_module_belongs_to_a_known_stage():
    unknown = {_stage(p) for p in _modules()} - set(LAYERS)
    assert not unknown, f"add these to LAYERS and docs/architecture.md: {sorted(unknown)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_only_downwards(path):
    stage = _stage(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = {
        other
        for other in _imported_stages(tree)
        if other in LAYERS
        and (
            LAYERS[other] > LAYERS[stage]
            or (0 < LAYERS[other] == LAYERS[stage] and other != stage)  # siblings stay apart
        )
    }
    assert not upward, f"{path.relative_to(PACKAGE)} ({stage}) imports higher stages: {upward}"


def test_the_layer_test_sees_upward_imports():
    tree = ast.parse("from ita_lib.render.briefing import Briefing\nimport ita_lib.batch.runs\n")
    assert _imported_stages(tree) == {"render", "batch"}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name}: split the module by role"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: split {', '.join(long)}"


def test_every_module_is_listed_in_the_architecture_page():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        f"{_stage(p)}/{p.stem}"
        for p in _modules()
        if p.parent != PACKAGE
        and p.name not in {"__init__.py", "__main__.py"}
        and f"`{p.stem}`" not in page
    ]
    assert not missing, f"describe these in docs/architecture.md: {missing}"
