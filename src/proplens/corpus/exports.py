"""The corpus report as files: the ``technique_rates`` and ``fragments`` tables in CSV and/or Parquet."""

from __future__ import annotations

import csv as _csv
from functools import partial
from pathlib import Path
from typing import Any

from proplens._extras import require
from proplens.corpus.report import CorpusReport
from proplens.io._files import open_atomic, replace_atomic

__all__ = ["COLUMNS", "FORMULA_STARTS", "spreadsheet_safe", "write_exports"]


def write_exports(report: CorpusReport, directory: Path, *, csv: bool, parquet: bool) -> list[Path]:
    """``technique_rates`` and ``fragments`` tables as CSV and/or Parquet files in `directory`, each
    replacing its file atomically. CSV needs only the standard library; Parquet the parquet extra."""
    tables = {
        "technique_rates": [r.as_row() for r in report.rates],
        "fragments": [{"technique": t, "fragment": f, "count": n} for t, f, n in report.fragments],
    }
    if parquet:
        pa = require("pyarrow", "parquet")
        pq = require("pyarrow.parquet", "parquet")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        if csv:
            target = directory / f"{name}.csv"
            columns = list(COLUMNS[name])
            with open_atomic(target) as stream:
                writer = _csv.writer(stream)
                writer.writerow(columns)
                writer.writerows([spreadsheet_safe(row.get(c)) for c in columns] for row in rows)
            written.append(target)
        if parquet:
            target = directory / f"{name}.parquet"
            schema = pa.schema([(column, getattr(pa, kind)()) for column, kind in COLUMNS[name].items()])
            table = pa.Table.from_pylist(rows, schema=schema)
            replace_atomic(target, partial(pq.write_table, table))
            written.append(target)
    return written


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet evaluates a cell that starts with one of these as a formula (CSV injection)."""


def spreadsheet_safe(value: Any) -> Any:
    """`value`, or ``'`` + `value` when it is text a spreadsheet would run as a formula (OWASP's advice):
    outlet names come from feeds, so whoever writes a feed controls them. Numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


COLUMNS = {
    "technique_rates": {
        "dimension": "string",
        "group": "string",
        "technique": "string",
        "articles": "int64",
        "articles_with": "int64",
        "spans": "int64",
        "words": "int64",
        "rate_per_1000_words": "float64",
        "share_of_articles": "float64",
        "ci_low": "float64",
        "ci_high": "float64",
    },
    "fragments": {"technique": "string", "fragment": "string", "count": "int64"},
}
"""Each table's columns and their Arrow types, in order."""
