"""The Parquet sink: ``articles.parquet`` and ``spans.parquet``, appended chunk by chunk, moved into place
only when the whole run succeeded."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proplens.sinks.rows import ARTICLE_COLUMNS, SPAN_COLUMNS
from proplens.sources import Problem

__all__ = ["ParquetSink", "SinkReport"]


@dataclass
class SinkReport:
    """What a run wrote: articles, spans, the inputs or records it skipped, and how long it took."""

    articles: int = 0
    spans: int = 0
    seconds: float = 0.0
    rejected: list[Problem] = field(default_factory=list)


class ParquetSink:
    """A context manager: rows go to hidden temporary files, renamed to ``articles.parquet`` and
    ``spans.parquet`` when the block ends without error and wrote at least one article (and deleted
    otherwise, so a failed or empty run leaves any earlier output as it was)."""

    def __init__(self, directory: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.schemas = {
            "articles": pa.schema([(n, getattr(pa, t)()) for n, t in ARTICLE_COLUMNS]),
            "spans": pa.schema([(n, getattr(pa, t)()) for n, t in SPAN_COLUMNS]),
        }
        self.writers = {
            name: pq.ParquetWriter(directory / f".{name}.parquet.tmp", schema)
            for name, schema in self.schemas.items()
        }
        self.report = SinkReport()

    def add(self, results: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        """Append (article row, span rows) pairs."""
        articles, spans = [], []
        for article_row, span_rows in results:
            articles.append(article_row)
            spans.extend(span_rows)
        if articles:
            self.writers["articles"].write_table(
                self.pa.Table.from_pylist(articles, self.schemas["articles"])
            )
        if spans:
            self.writers["spans"].write_table(self.pa.Table.from_pylist(spans, self.schemas["spans"]))
        self.report.articles += len(articles)
        self.report.spans += len(spans)

    def reject(self, problem: Problem) -> None:
        self.report.rejected.append(problem)

    def __enter__(self) -> ParquetSink:
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.report.seconds = time.perf_counter() - self.started
        self.close(keep=kind is None and self.report.articles > 0)

    def close(self, *, keep: bool) -> None:
        for name, writer in self.writers.items():
            writer.close()
            temporary = self.directory / f".{name}.parquet.tmp"
            if keep:
                os.replace(temporary, self.directory / f"{name}.parquet")
            else:
                temporary.unlink(missing_ok=True)
