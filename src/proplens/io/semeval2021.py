"""SemEval-2021 Task 6 (subtask 2) JSON: meme texts with character-offset technique spans.

A file is one JSON list of ``{"id", "text", "labels": [{"start", "end", "technique", "text_fragment"}]}``.
The offsets are authoritative: ``text_fragment`` is redundant and, in the released test set, sometimes
differs from ``text[start:end]`` by a character, so the reader ignores it and the writer derives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from proplens import techniques
from proplens.document import Annotation, Article, Span, group_by_article
from proplens.errors import FormatError
from proplens.io._files import read_text, write_text_atomic
from proplens.techniques import Taxonomy

__all__ = ["read_semeval2021", "write_semeval2021"]


def read_semeval2021(path: str | Path) -> tuple[list[Article], list[Annotation]]:
    """The texts (as articles) and their spans, techniques spelled as in SemEval-2021."""
    try:
        entries = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise FormatError(path, f"invalid JSON: {error.msg}", line=error.lineno) from None
    if not isinstance(entries, list):
        raise FormatError(path, "expected a JSON list of {id, text, labels} objects")
    articles: list[Article] = []
    annotations: list[Annotation] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        article = _article(path, position, entry)
        if article.id in seen:
            raise FormatError(path, f"entry {position}: duplicate id {article.id!r}")
        seen.add(article.id)
        articles.append(article)
        annotations.extend(_annotations(path, position, entry, article))
    return articles, annotations


def write_semeval2021(
    path: str | Path, articles: Iterable[Article], annotations: Iterable[Annotation]
) -> None:
    """Write articles and their spans as one SemEval-2021 JSON list (techniques must be 2021 names)."""
    spans = group_by_article(annotations)
    entries = []
    for article in articles:
        labels = []
        for span in spans.pop(article.id, []):
            techniques.get(span.technique or "", Taxonomy.SEMEVAL2021)
            labels.append(
                {
                    "start": span.start,
                    "end": span.end,
                    "technique": span.technique,
                    "text_fragment": article.fragment(span),
                }
            )
        entries.append({"id": article.id, "text": article.text, "labels": labels})
    if spans:
        raise FormatError(path, f"spans refer to articles not written: {', '.join(sorted(spans))}")
    write_text_atomic(path, json.dumps(entries, ensure_ascii=False, indent=2) + "\n")


def _article(path: str | Path, position: int, entry: Any) -> Article:
    if not isinstance(entry, dict):
        raise FormatError(path, f"entry {position}: expected an object")
    entry_id, text = entry.get("id"), entry.get("text")
    if not isinstance(entry_id, str | int) or str(entry_id) == "":
        raise FormatError(path, f"entry {position}: missing or empty 'id'")
    if not isinstance(text, str):
        raise FormatError(path, f"entry {position} (id {entry_id}): missing 'text' string")
    return Article(id=str(entry_id), text=text)


def _annotations(path: str | Path, position: int, entry: Any, article: Article) -> list[Annotation]:
    where = f"entry {position} (id {article.id})"
    labels = entry.get("labels", [])
    if not isinstance(labels, list):
        raise FormatError(path, f"{where}: 'labels' must be a list")
    annotations = []
    for label in labels:
        if not isinstance(label, dict):
            raise FormatError(path, f"{where}: each label must be an object")
        start, end, technique = label.get("start"), label.get("end"), label.get("technique")
        if not isinstance(technique, str) or not techniques.is_known(technique, Taxonomy.SEMEVAL2021):
            raise FormatError(path, f"{where}: unknown semeval2021 technique {technique!r}")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            raise FormatError(path, f"{where}: bad offsets start={start!r} end={end!r}")
        if end > len(article.text):
            raise FormatError(
                path,
                f"{where}: span [{start}, {end}) ends past the text ({len(article.text)} chars)",
            )
        annotations.append(Annotation(article.id, Span(start, end, technique)))
    return annotations
