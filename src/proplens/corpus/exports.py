"""The corpus report as files: the ``technique_rates`` and ``fragments`` tables in CSV and/or Parquet."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from proplens.corpus.report import CorpusReport
from proplens.io._files import replace_atomic

__all__ = ["FORMULA_STARTS", "spreadsheet_safe", "write_exports"]


def write_exports(report: CorpusReport, directory: Path, *, csv: bool, parquet: bool) -> list[Path]:
    """``technique_rates`` and ``fragments`` tables as CSV and/or Parquet files in `directory`."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "technique_rates": pa.Table.from_pylist(
            [r.as_row() for r in report.rates] or [], schema=_RATES_SCHEMA(pa)
        ),
        "fragments": pa.Table.from_pylist(
            [{"technique": t, "fragment": f, "count": n} for t, f, n in report.fragments],
            schema=pa.schema([("technique", pa.string()), ("fragment", pa.string()), ("count", pa.int64())]),
        ),
    }
    written = []
    for name, table in tables.items():
        if csv:
            target = directory / f"{name}.csv"
            replace_atomic(target, partial(pa_csv.write_csv, spreadsheet_safe(pa, table)))
            written.append(target)
        if parquet:
            target = directory / f"{name}.parquet"
            replace_atomic(target, partial(pq.write_table, table))
            written.append(target)
    return written


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet evaluates a cell that starts with one of these as a formula (CSV injection)."""


def spreadsheet_safe(pa: Any, table: Any) -> Any:
    """`table` with every text cell that a spreadsheet would run as a formula prefixed by ``'`` (OWASP's
    advice): outlet names come from feeds, so whoever writes a feed controls them. Numbers stay numbers."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type):
            values = [_neutral(v) for v in column.to_pylist()]
            column = pa.array(values, type=pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _neutral(value: str | None) -> str | None:
    return "'" + value if value and value.startswith(FORMULA_STARTS) else value


def _RATES_SCHEMA(pa: Any) -> Any:
    return pa.schema(
        [
            ("dimension", pa.string()),
            ("group", pa.string()),
            ("technique", pa.string()),
            ("articles", pa.int64()),
            ("articles_with", pa.int64()),
            ("spans", pa.int64()),
            ("words", pa.int64()),
            ("rate_per_1000_words", pa.float64()),
            ("share_of_articles", pa.float64()),
            ("ci_low", pa.float64()),
            ("ci_high", pa.float64()),
        ]
    )
