"""Where analyses go: the terminal, JSON/JSONL, PTC label lines and HTML (`Sink`), Parquet rows
(`ParquetSink`) — every one built from the one analysis-to-dict mapping in `proplens.io.jsonl`. The store's
rows are written by `proplens.store` from the same mapping."""

from proplens.sinks.parquet import ParquetSink, SinkReport
from proplens.sinks.rows import ARTICLE_COLUMNS, SPAN_COLUMNS, rows_of
from proplens.sinks.stream import OutputFormat, Sink

__all__ = ["ARTICLE_COLUMNS", "SPAN_COLUMNS", "OutputFormat", "ParquetSink", "Sink", "SinkReport", "rows_of"]
