"""Installing a trained model as a local one (``proplens model install``): checked whole and working first,
then copied into ``$PROPLENS_HOME/models/<name>`` in one step."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from proplens.document import Article
from proplens.errors import ModelError
from proplens.models.catalog import LOCAL_NAME, MODEL_NAMES, local_root
from proplens.models.detector import ENCODER_FILE, HEAD_FILE, INFO_FILE, TOKENIZER_FILE, load_detector

__all__ = ["install_model"]

_MODEL_FILES = (ENCODER_FILE, HEAD_FILE, INFO_FILE, TOKENIZER_FILE)


def install_model(source: str | Path, name: str, *, replace: bool = False) -> Path:
    """Copy the exported model folder `source` (``RUN/model`` of `proplens train`) into the local models
    as `name`, after checking it is whole and runs; returns its new folder. `ModelError` in one line for a
    bad name, a folder that is not a proplens model, or one that does not load."""
    if not LOCAL_NAME.fullmatch(name) or name in MODEL_NAMES:
        raise ModelError(
            f"{name!r} cannot name a local model: use lower-case letters, digits, - and _ (at most 40), "
            f"not {' or '.join(MODEL_NAMES)}"
        )
    source = Path(source)
    if not source.is_dir():
        raise ModelError(f"{source}: no such model folder")
    missing = [f for f in _MODEL_FILES if not (source / f).is_file()]
    if missing:
        raise ModelError(f"{source} is not a proplens model folder (missing {', '.join(missing)})")
    _check_runs(source)
    root = local_root()
    target = root / name
    if target.exists() and not replace:
        raise ModelError(f"a local model named {name!r} exists: choose another name or --replace")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        shutil.copytree(source, staging / "model", symlinks=False)
        if target.exists():
            shutil.rmtree(target)
        (staging / "model").replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _check_runs(folder: Path) -> None:
    """Load the model and analyse a sentence with it: what every later use of it will do."""
    try:
        load_detector(folder).analyze([Article("check", "The corrupt mayor lied to every honest family.")])
    except Exception as error:  # a foreign or damaged file: onnxruntime, numpy and json errors alike
        lines = str(error).replace(f"{folder}/", "").splitlines()
        reason = lines[0][:300] if lines else error.__class__.__name__
        raise ModelError(f"{folder} is not a working proplens model: {reason}") from None
