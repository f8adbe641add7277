"""Where analyses go: the terminal and the file formats of one registry (`FORMATS`: JSON/JSONL, PTC label
lines, HTML), written by `Sink`, the web downloads and the REST API; Parquet files per shard
(`ParquetOutput`, for `proplens batch`). The JSON data, the Parquet rows and the store's rows all come
from the one analysis-to-dict mapping in `proplens.io.jsonl`."""

from proplens.sinks.formats import FORMATS, FileFormat, OutputFormat, document, serialise
from proplens.sinks.parquet import ParquetOutput, ShardWriter, SinkReport
from proplens.sinks.rows import ARTICLE_COLUMNS, SPAN_COLUMNS, rows_of
from proplens.sinks.stream import Sink

__all__ = [
    "ARTICLE_COLUMNS",
    "FORMATS",
    "SPAN_COLUMNS",
    "FileFormat",
    "OutputFormat",
    "ParquetOutput",
    "ShardWriter",
    "Sink",
    "SinkReport",
    "document",
    "rows_of",
    "serialise",
]
