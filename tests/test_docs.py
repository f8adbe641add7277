"""The docs state facts the code decides: the JSON schema version and the models' window sizes. A change in
the code that leaves a doc behind fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

from proplens.document import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]
DOCS = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md", REPO / "MODEL_CARD.md"]


def _windows(folder: Path) -> tuple[int, int]:
    info = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    return info["max_tokens"], info["overlap"]


def test_every_doc_names_the_current_schema_version() -> None:
    found = [
        (doc.name, m) for doc in DOCS for m in re.findall(r"schema(?: version)? (\d+\.\d+)", doc.read_text())
    ]
    assert found and all(version == SCHEMA_VERSION for _, version in found), found


def test_the_window_sizes_in_the_docs_are_the_shipped_models() -> None:
    default = _windows(REPO / "src" / "proplens" / "models" / "default")
    accurate = _windows(REPO / "packages" / "proplens-accurate" / "src" / "proplens_accurate" / "model")
    stated = [
        (doc.name, int(size), int(overlap))
        for doc in DOCS
        for size, overlap in re.findall(
            r"windows of (\d+) (?:content )?tokens,? overlapping by (\d+)", " ".join(doc.read_text().split())
        )
    ]
    assert stated, "no window sizes found in the docs"
    assert all((size, overlap) in (default, accurate) for _, size, overlap in stated), (
        stated,
        default,
        accurate,
    )
    assert any((size, overlap) == default for _, size, overlap in stated)
    assert any((size, overlap) == accurate for _, size, overlap in stated)
