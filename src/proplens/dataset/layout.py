"""Finding PTC-layout corpora on disk: article folders and the label files that belong to them.

The corpus names things ``<split>-articles/`` with ``<split>-task-flc-tc.labels`` (or the per-article
folder ``<split>-labels-task-flc-tc/``) beside it; a path may point at one article folder or at a folder
holding several splits (``../shared/data/ptc`` holds ``train`` and ``dev``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from proplens.errors import FormatError

__all__ = ["DatasetSplit", "find_splits"]

_ARTICLES_SUFFIX = "-articles"


@dataclass(frozen=True, slots=True)
class DatasetSplit:
    """One split: its name, its article folder and, if found, its technique labels."""

    name: str
    articles: Path
    technique_labels: Path | None


def find_splits(path: str | Path, *, labels: str | Path | None = None) -> list[DatasetSplit]:
    """The splits at `path`: the folder itself if it holds ``article*.txt``, else its ``*-articles`` folders.

    `labels` overrides label discovery (only with a single article folder).
    """
    path = Path(path)
    if not path.is_dir():
        raise FormatError(path, "no such directory")
    if _has_articles(path):
        return [_split(path, labels)]
    folders = sorted(p for p in path.iterdir() if p.is_dir() and p.name.endswith(_ARTICLES_SUFFIX))
    folders = [folder for folder in folders if _has_articles(folder)]
    if not folders:
        raise FormatError(path, "holds no article<ID>.txt files and no <split>-articles folders")
    if labels is not None and len(folders) > 1:
        raise FormatError(path, "--labels needs a single article folder, this path holds several")
    return [_split(folder, labels) for folder in folders]


def _has_articles(folder: Path) -> bool:
    return any(p.name.startswith("article") and p.suffix == ".txt" for p in folder.iterdir())


def _split(folder: Path, labels: str | Path | None) -> DatasetSplit:
    name = folder.name.removesuffix(_ARTICLES_SUFFIX)
    if labels is not None:
        return DatasetSplit(name, folder, Path(labels))
    candidates = (
        folder.parent / f"{name}-task-flc-tc.labels",
        folder.parent / f"{name}-labels-task-flc-tc",
    )
    found = next((c for c in candidates if c.exists()), None)
    return DatasetSplit(name, folder, found)
