"""Record files — JSON, JSON Lines, CSV, Parquet — streamed one record (article) at a time.

A bad record is a `Problem` naming the file and its line (JSONL), position (JSON list), row (CSV) or row
number (Parquet); the records after it are still read. Lines and rows are capped at `Limits.max_bytes`.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from proplens._extras import require
from proplens.document import ARTICLE_FIELDS
from proplens.errors import FormatError, ProplensError
from proplens.sources.core import Limits, Loaded, Problem, article_from_record, decode

__all__ = ["ARTICLE_FIELDS", "parse_columns", "read_csv", "read_json", "read_jsonl", "read_parquet"]


def parse_columns(pairs: Sequence[str]) -> dict[str, str]:
    """``["text=body", "id=guid"]`` -> article field -> CSV column (unnamed fields keep their own name)."""
    columns = {name: name for name in ARTICLE_FIELDS}
    for pair in pairs:
        field_name, _, column = pair.partition("=")
        if field_name not in ARTICLE_FIELDS or not column:
            raise ProplensError(
                f"bad --column {pair!r}: use FIELD=COLUMN with FIELD one of {', '.join(ARTICLE_FIELDS)}"
            )
        columns[field_name] = column
    return columns


def _parse_json(text: str | bytes, where: str) -> Any:
    """`json.loads` with every way it can fail (bad syntax, 5,000-digit numbers, deep nesting) as a
    `FormatError` for `where`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(where, f"invalid JSON: {error.msg}") from None
    except RecursionError:
        raise FormatError(where, "invalid JSON: nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise FormatError(where, f"invalid JSON: {error}") from None


def _record(record: Any, where: str, limits: Limits) -> Loaded | Problem:
    try:
        return Loaded(article_from_record(record, where, limits), where)
    except FormatError as error:
        return Problem(where, error.message)


SKIP_FACTOR = 16
"""An over-long line is skipped up to this many times the line limit; a stream with no line break for that
long (``/dev/zero``, a binary file) is not JSON Lines, and reading it stops with an error."""


def _lines(stream: BinaryIO, max_bytes: int, origin: str) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) pairs; a line longer than `max_bytes` comes as None and is skipped unread."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            skipped = len(line)
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                skipped += len(rest)
                if skipped > SKIP_FACTOR * max_bytes:
                    raise FormatError(
                        f"{origin}:{number}",
                        f"no line break in {skipped:,} bytes: not JSON Lines; the rest was not read",
                    )
            yield number, None
        else:
            yield number, line


def read_jsonl(stream: BinaryIO, origin: str, limits: Limits) -> Iterator[Loaded | Problem]:
    """One article per non-blank line of a JSON Lines stream."""
    lines = _lines(stream, limits.max_bytes, origin)
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            return
        except FormatError as error:  # no line break for far too long: the rest is not read
            yield Problem(error.path, error.message)
            return
        where = f"{origin}:{number}"
        if line is None:
            yield Problem(where, f"the line is longer than the limit of {limits.max_bytes:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8").removeprefix("\ufeff")
            yield _record(_parse_json(text, where), where, limits)
        except UnicodeDecodeError:
            yield Problem(where, "not valid UTF-8")
        except FormatError as error:
            yield Problem(where, error.message)


def read_json(data: bytes, origin: str, limits: Limits) -> Iterator[Loaded | Problem]:
    """One article from a JSON object, or one per item of a JSON list."""
    text, _ = decode(data, origin)
    document = _parse_json(text, origin)
    if not isinstance(document, list):
        yield _record(document, origin, limits)
        return
    for position, item in enumerate(document, start=1):
        yield _record(item, f"{origin}[{position}]", limits)


def _csv_encoding(path: Path) -> tuple[str, str | None]:
    """UTF-8 if the whole file is valid UTF-8 (checked in chunks, never held whole), else Windows-1252
    with a warning — as `decode` does for single documents."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        try:
            while chunk := file.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252", "not valid UTF-8; decoded as Windows-1252"
    return "utf-8-sig", None


def read_csv(path: Path, columns: Mapping[str, str], limits: Limits) -> Iterator[Loaded | Problem]:
    """One article per row (header row first); `columns` maps article fields to column names."""
    origin = str(path)
    csv.field_size_limit(limits.max_bytes)
    encoding, warning = _csv_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as file:
        reader = csv.DictReader(file)
        header = reader.fieldnames or []
        missing = [columns[f] for f in ("id", "text") if columns[f] not in header]
        if missing:
            found = ", ".join(header) or "none"
            wanted = " or ".join(missing)
            yield Problem(origin, f"no column {wanted} (columns: {found}; map them with --column)")
            return
        rows = iter(reader)
        for number in itertools.count(2):  # spreadsheet rows: the header is row 1
            where = f"{origin}:{number}"
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                yield Problem(where, f"bad CSV: {error}")
                return
            record = {name: value for name, column in columns.items() if (value := row.get(column))}
            record["id"] = (record.get("id") or "").strip() or f"{path.stem}-{number}"
            record["text"] = record.get("text") or ""
            found_record = _record(record, where, limits)
            if warning and isinstance(found_record, Loaded):
                found_record = Loaded(found_record.article, where, warning)
            yield found_record


def read_parquet(path: Path, limits: Limits) -> Iterator[Loaded | Problem]:
    """One article per row of a Parquet file (columns named like the article fields; others ignored),
    read a record batch at a time."""
    pa = require("pyarrow", "parquet")
    pq = require("pyarrow.parquet", "parquet")

    origin = str(path)
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        missing = [c for c in ("id", "text") if c not in names]
        if missing:
            yield Problem(origin, f"no column {' or '.join(missing)} (columns: {', '.join(names) or 'none'})")
            return
        number = 0
        columns = [c for c in ARTICLE_FIELDS if c in names]
        for batch in parquet.iter_batches(batch_size=256, columns=columns):
            for row in batch.to_pylist():
                number += 1
                record = {k: v for k, v in row.items() if v is not None}
                yield _record(record, f"{origin}#{number}", limits)
    except (pa.ArrowException, OSError) as error:
        yield Problem(origin, f"not a readable Parquet file: {str(error).splitlines()[0]}")
