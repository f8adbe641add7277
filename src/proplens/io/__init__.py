"""Readers and writers, one module per format family; every reader raises `FormatError` on bad input."""

from proplens.io.jsonl import (
    read_analyses_jsonl,
    write_analyses_jsonl,
    write_articles_jsonl,
)
from proplens.io.ptc import (
    read_articles,
    read_span_labels,
    read_tc_template,
    read_technique_labels,
    write_articles,
    write_labels_per_article,
    write_span_labels,
    write_tc_template,
    write_technique_labels,
)
from proplens.io.semeval2021 import read_semeval2021, write_semeval2021
from proplens.io.semeval2023 import read_semeval2023_spans, write_semeval2023_spans

__all__ = [
    "read_analyses_jsonl",
    "read_articles",
    "read_semeval2021",
    "read_semeval2023_spans",
    "read_span_labels",
    "read_tc_template",
    "read_technique_labels",
    "write_analyses_jsonl",
    "write_articles",
    "write_articles_jsonl",
    "write_labels_per_article",
    "write_semeval2021",
    "write_semeval2023_spans",
    "write_span_labels",
    "write_tc_template",
    "write_technique_labels",
]
