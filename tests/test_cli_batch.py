"""`proplens batch` on the command line: shards to Parquet, bad records skipped with reasons, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import EXAMPLES, invoke, write

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def test_batch_writes_parquet_and_reports_skipped_records(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"b{n}", "text": DEMO}) for n in range(2)]
    write(tmp_path / "in" / "part-0.jsonl", "\n".join([rows[0], '{"id": "broken", "text": ', rows[1]]) + "\n")
    code, out, err = invoke("batch", tmp_path / "in", tmp_path / "out", "--workers", "1", "--no-entities")
    assert code == 1  # a record was skipped
    assert "part-0.jsonl:2" in err and "invalid JSON" in err and "Traceback" not in err
    assert "analysed 2 articles" in out and "skipped 1 unreadable records" in out
    assert pq.read_table(tmp_path / "out" / "articles.parquet").num_rows == 2


def test_batch_with_a_missing_input_creates_no_output_folder(tmp_path: Path) -> None:
    code, _, err = invoke("batch", tmp_path / "missing", tmp_path / "out")
    assert code == 1 and "no such file or directory" in err
    assert not (tmp_path / "out").exists()


def test_batch_of_nothing_readable_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "bad.jsonl", "[1]\n")
    code, _, err = invoke("batch", tmp_path / "bad.jsonl", tmp_path / "out", "--workers", "1")
    assert code == 1 and "no readable articles" in err and "bad.jsonl:1" in err
    assert not list((tmp_path / "out").glob("*.parquet"))
