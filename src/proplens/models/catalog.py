"""The named models: ``default`` ships inside proplens; ``accurate`` is its own installable package; local
models (``proplens model install``) live in ``$PROPLENS_HOME/models/<name>``, and ``proplens model use``
chooses the one used when none is named.

The accurate model (all-mpnet-base-v2, about 110 MB) is packaged the way spaCy packages its pipelines, as
a Python package of its own (``packages/proplens-accurate`` in the repository, import name
``proplens_accurate``), so the runtime package stays small and one ``pip install`` adds it. Everything that
takes a model name (``--model``, ``model=``, the web form, the extension's options) resolves it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from proplens._home import proplens_home
from proplens.errors import ModelError

__all__ = [
    "MODEL_NAMES",
    "NamedModel",
    "local_models",
    "local_root",
    "model_directory",
    "model_in_use",
    "named_models",
    "use_model",
]

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


LOCAL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
"""A local model's name: lower-case letters, digits, ``-`` and ``_``, at most 40 characters."""
_IN_USE = "model-in-use"


def local_root() -> Path:
    """Where local models live: ``$PROPLENS_HOME/models``."""
    return proplens_home() / "models"


def local_models() -> list[tuple[str, Path]]:
    """The installed local models, by name."""
    root = local_root()
    if not root.is_dir():
        return []
    return sorted(
        (p.name, p) for p in root.iterdir() if LOCAL_NAME.fullmatch(p.name) and (p / "encoder.onnx").is_file()
    )


def model_in_use() -> str:
    """The model used when none is named: the one `use_model` chose, if it is still there; else default."""
    try:
        name = (proplens_home() / _IN_USE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "default"
    return name if name in dict(local_models()) or name in _installed_names() else "default"


def _installed_names() -> set[str]:
    return {named.name for named, folder in named_models() if folder is not None}


def use_model(name: str) -> str:
    """Make `name` (a named or local model) the one used when none is named; ``default`` goes back to the
    shipped model. Returns the name."""
    if name != "default" and name not in dict(local_models()) and name not in _installed_names():
        raise ModelError(f"no installed model named {name!r}: see proplens model list")
    home = proplens_home()
    home.mkdir(parents=True, exist_ok=True)
    target = home / _IN_USE
    if name == "default":
        target.unlink(missing_ok=True)
    else:
        partial = target.with_suffix(".tmp")
        partial.write_text(name + "\n", encoding="utf-8")
        partial.replace(target)
    return name


def model_directory(model: str | Path | None) -> Path:
    """The folder of a named model (``None``: the model in use, `model_in_use`), of a local model, or of
    a model folder given by path."""
    if model is None:
        model = model_in_use()
    if str(model) == "default":
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
    local = dict(local_models())
    if str(model) in local:
        return local[str(model)]
    return Path(str(model))
