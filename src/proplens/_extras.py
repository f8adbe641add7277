"""Optional packages, imported where a feature needs them: the runtime install stays small (no pyarrow,
matplotlib, torch or Ray), and a feature whose extra is missing says which one to install in one line."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from proplens.errors import MissingExtra

__all__ = ["EXTRAS", "installed", "require"]

EXTRAS = {
    "parquet": "Parquet files (batch output, Parquet input, report --parquet)",
    "plots": "plots (report --plots, the corpus page's charts)",
    "train": "training and ONNX export",
    "ray": "batch --engine ray",
}
"""The optional extras of ``pyproject.toml`` and what each adds (the README's table says the same)."""


def require(module: str, extra: str) -> ModuleType:
    """`module`, imported, or `MissingExtra` naming the extra of ``pyproject.toml`` that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.partition(".")[0]
        raise MissingExtra(
            f"{EXTRAS[extra]} need {package}, which is not installed: pip install 'proplens[{extra}]'"
        ) from None


def installed(module: str) -> bool:
    """Whether `module` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
