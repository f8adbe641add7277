"""Record files (JSON Lines, CSV, Parquet): streamed, mapped, one problem per bad record, caps per record."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from proplens.errors import ProplensError
from proplens.sources import Limits, Loaded, Problem, parse_columns, read_sources
from proplens.sources.records import read_jsonl
from tests.conftest import write


def test_csv_with_mapped_columns_and_rejected_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "guid,body,headline,outlet,date\n"
        'c1,"The corrupt mayor lied.\nAgain.",Mayor lies,Gazette,2026-01-05\n'
        "c2,,Empty,Gazette,2026-01-06\n"
        "c3,Vote them out!,Slogan,Herald,not-a-date\n",
    )
    columns = parse_columns(["id=guid", "text=body", "title=headline", "source=outlet", "published=date"])
    items = list(read_sources([str(path)], columns=columns))
    assert [type(i).__name__ for i in items] == ["Loaded", "Problem", "Problem"]
    first = items[0]
    assert isinstance(first, Loaded)
    assert (first.article.id, first.article.source, str(first.article.published)) == (
        "c1",
        "Gazette",
        "2026-01-05",
    )
    assert first.article.text == "The corrupt mayor lied.\nAgain."
    assert (
        isinstance(items[1], Problem)
        and items[1].origin.endswith("export.csv:3")
        and "empty" in items[1].message
    )
    assert isinstance(items[2], Problem) and "not an ISO date" in items[2].message
    with pytest.raises(ProplensError, match="FIELD=COLUMN"):
        parse_columns(["body"])


def test_csv_without_the_needed_columns_says_which(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "a,b\n1,2\n")
    items = list(read_sources([str(path)]))
    assert isinstance(items[0], Problem) and "no column id or text" in items[0].message


def test_a_row_over_the_character_limit_is_refused_not_cut(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", "id,text\nshort,Vote them out!\nlong," + "word " * 400 + "\n")
    items = list(read_sources([str(path)], limits=Limits(max_chars=1000)))
    assert isinstance(items[0], Loaded)
    assert (
        isinstance(items[1], Problem)
        and "2,000 characters is more than the limit of 1,000" in items[1].message
    )


def test_a_csv_that_is_not_utf8_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.csv", b"id,text\na,Vote them out!\n" + "b,caf\xe9\n".encode("latin-1"))
    items = list(read_sources([str(path)]))
    assert [type(i).__name__ for i in items] == ["Loaded", "Loaded"]
    assert isinstance(items[1], Loaded) and items[1].article.text == "café"
    assert items[1].warning is not None and "Windows-1252" in items[1].warning


def test_jsonl_lines_are_capped_and_parsing_failures_are_problems() -> None:
    lines = [
        json.dumps({"id": "ok", "text": "Vote them out!"}),
        json.dumps({"id": "big", "text": "x" * 5000}),
        "[" * 100_000 + "]" * 100_000,
        '{"id": "n", "text": "x", "n": ' + "9" * 5000 + "}",
        json.dumps({"id": "after", "text": "Still read."}),
    ]
    stream = io.BytesIO(("\n".join(lines) + "\n").encode())
    items = list(read_jsonl(stream, "in.jsonl", Limits(max_bytes=1000)))
    kinds = [(type(i).__name__, i.origin) for i in items]
    assert kinds == [
        ("Loaded", "in.jsonl:1"),
        ("Problem", "in.jsonl:2"),
        ("Problem", "in.jsonl:3"),
        ("Problem", "in.jsonl:4"),
        ("Loaded", "in.jsonl:5"),
    ]
    assert all("limit of 1,000 bytes" in i.message for i in items[1:4] if isinstance(i, Problem))
    deep = list(read_jsonl(io.BytesIO(lines[2].encode()), "deep.jsonl", Limits()))
    assert isinstance(deep[0], Problem) and "nested too deeply" in deep[0].message


def test_parquet_rows_and_a_corrupt_file(tmp_path: Path) -> None:
    pq.write_table(
        pa.Table.from_pylist([{"id": 7, "text": "Vote them out!", "extra": 1}, {"id": 8, "text": None}]),
        tmp_path / "ok.parquet",
    )
    write(tmp_path / "bad.parquet", b"PAR1 not really")
    items = list(read_sources([str(tmp_path)]))
    assert [(type(i).__name__, Path(i.origin).name) for i in items] == [
        ("Problem", "bad.parquet"),
        ("Loaded", "ok.parquet#1"),
        ("Problem", "ok.parquet#2"),
    ]
    assert isinstance(items[1], Loaded) and items[1].article.id == "7"


class Zeros(io.RawIOBase):
    """An endless stream of zero bytes, like /dev/zero, counting what was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        buffer[:] = b"\0" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_a_stream_without_line_breaks_ends_with_a_problem_not_an_endless_read() -> None:
    """`proplens analyze z.jsonl` (z.jsonl -> /dev/zero) read forever; it now stops after 16 line limits."""
    raw = Zeros()
    items = list(read_jsonl(io.BufferedReader(raw), "z.jsonl", Limits(max_bytes=1000)))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert items[0].origin == "z.jsonl:1" and "no line break" in items[0].message
    assert raw.read_bytes < 16 * 1000 + 3 * (1 << 20)
