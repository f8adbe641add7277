"""The named models: ``default`` ships inside proplens; ``accurate`` is its own installable package.

The accurate model (all-mpnet-base-v2, about 110 MB) is packaged the way spaCy packages its pipelines, as
a Python package of its own (``packages/proplens-accurate`` in the repository, import name
``proplens_accurate``), so the runtime package stays small and one ``pip install`` adds it. Everything that
takes a model name (``--model``, ``model=``, the web form, the extension's options) resolves it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from proplens.errors import ModelError

__all__ = ["MODEL_NAMES", "NamedModel", "model_directory", "named_models"]

DEFAULT_MODEL_DIR = Path(__file__).parent / "default"
"""The shipped model, loaded when no other is named."""


@dataclass(frozen=True, slots=True)
class NamedModel:
    name: str
    description: str
    package: str | None
    """The Python package that carries it (None: proplens itself)."""
    install: str
    """How to install it, for the message when it is missing."""


NAMED = (
    NamedModel("default", "fast: all-MiniLM-L6-v2, 6 layers (ships with proplens)", None, ""),
    NamedModel(
        "accurate",
        "larger and slower: all-mpnet-base-v2, 12 layers",
        "proplens_accurate",
        "pip install ./packages/proplens-accurate (from a proplens checkout; make install does it)",
    ),
)
MODEL_NAMES = tuple(m.name for m in NAMED)


def named_models() -> list[tuple[NamedModel, Path | None]]:
    """Each named model with its folder, or None where it is not installed (or its files are missing)."""
    found: list[tuple[NamedModel, Path | None]] = []
    for model in NAMED:
        try:
            folder: Path | None = model_directory(model.name)
        except ModelError:
            folder = None
        found.append((model, folder if folder and (folder / "encoder.onnx").is_file() else None))
    return found


def model_directory(model: str | Path | None) -> Path:
    """The folder of a named model (``None`` is ``default``) or of a model folder given by path."""
    if model is None or str(model) == "default":
        return DEFAULT_MODEL_DIR
    for named in NAMED:
        if str(model) == named.name and named.package:
            try:
                module = __import__(named.package)
            except ImportError:
                raise ModelError(f"the {named.name} model is not installed: {named.install}") from None
            folder = Path(str(module.__file__)).parent / "model"
            if not (folder / "encoder.onnx").is_file():
                raise ModelError(
                    f"the {named.name} model's package ({named.package}) holds no model files yet: "
                    "see MODEL_CARD.md for its status"
                )
            return folder
    return Path(str(model))
