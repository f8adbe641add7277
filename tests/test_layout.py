"""The package's layout holds: the runtime never reaches into training, and docs/layout.md names every
module of both (a module added without a place on the map fails here)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "proplens"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Every module `path` imports from, and whether the import runs when the module loads (top level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
    return found


def test_the_runtime_models_never_import_training() -> None:
    offenders = [
        f"{path.name}: {module}"
        for path in (PACKAGE / "models").glob("*.py")
        for module, _ in _imports(path)
        if module.startswith("proplens.training") or module in {"torch", "transformers"}
    ]
    assert offenders == []


def test_only_the_training_commands_reach_training_and_only_when_called() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "training" in path.relative_to(PACKAGE).parts:
            continue
        for module, at_load in _imports(path):
            if module.startswith("proplens.training") and (at_load or path.parent.name != "cli"):
                offenders.append(f"{path.relative_to(PACKAGE)}: {module}")
    # cli/train.py reads a recipe's TOML at load: config.py needs no torch
    assert offenders == ["cli/train.py: proplens.training.config"]


def test_the_layout_map_names_every_model_and_training_module() -> None:
    layout = (PACKAGE.parents[1] / "docs" / "layout.md").read_text(encoding="utf-8")
    missing = [
        f"{folder}/{path.name}"
        for folder in ("models", "training")
        for path in sorted((PACKAGE / folder).glob("*.py"))
        if path.name != "__init__.py" and path.name not in layout
    ]
    assert missing == []
