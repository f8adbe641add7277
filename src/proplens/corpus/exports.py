"""The corpus report as files: the ``technique_rates`` and ``fragments`` tables in CSV and/or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from proplens.corpus.report import CorpusReport

__all__ = ["write_exports"]


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
            pa_csv.write_csv(table, directory / f"{name}.csv")
            written.append(directory / f"{name}.csv")
        if parquet:
            pq.write_table(table, directory / f"{name}.parquet")
            written.append(directory / f"{name}.parquet")
    return written


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
