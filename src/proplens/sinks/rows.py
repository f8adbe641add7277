"""Flat rows of an analysis — one per article, one per span — for Parquet files and tables.

Built from `analysis_to_dict`, the one analysis-to-dict mapping, so a span's fields (and their names) are
the same in JSON, JSONL, Parquet and the store.
"""

from __future__ import annotations

import json
from typing import Any

from proplens.document import Analysis
from proplens.io.jsonl import analysis_to_dict

__all__ = ["ARTICLE_COLUMNS", "SPAN_COLUMNS", "rows_of"]

_FIGURES = ("words", "characters_covered", "coverage", "spans_per_1000_words", "propaganda_score")

ARTICLE_COLUMNS = (
    ("article_id", "string"),
    ("title", "string"),
    ("source", "string"),
    ("url", "string"),
    ("published", "string"),
    ("model", "string"),
    ("taxonomy", "string"),
    ("words", "int64"),
    ("spans", "int64"),
    ("characters_covered", "int64"),
    ("coverage", "float64"),
    ("spans_per_1000_words", "float64"),
    ("propaganda_score", "float64"),
    ("technique_counts", "string"),
)
"""Columns of the article rows and their Arrow types; ``technique_counts`` is a JSON object."""

SPAN_COLUMNS = (
    ("article_id", "string"),
    ("start", "int64"),
    ("end", "int64"),
    ("technique", "string"),
    ("score", "float64"),
    ("text", "string"),
    ("target", "string"),
)
"""Columns of the span rows: the span fields of the analysis JSON, keyed by the article id."""


def rows_of(analysis: Analysis) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One article row and its span rows."""
    document = analysis_to_dict(analysis)
    article, figures = document["article"], document["figures"]
    article_row: dict[str, Any] = {
        "article_id": article["id"],
        **{name: article[name] for name in ("title", "source", "url", "published")},
        "model": document["model"],
        "taxonomy": document["taxonomy"],
        "spans": len(document["spans"]),
        "technique_counts": json.dumps(document["technique_counts"], ensure_ascii=False),
    }
    for name, kind in ARTICLE_COLUMNS:
        if name in _FIGURES:
            value = figures.get(name, 0)
            article_row[name] = int(value) if kind == "int64" else float(value)
    span_rows = [{"article_id": article["id"], **span} for span in document["spans"]]
    return article_row, span_rows
