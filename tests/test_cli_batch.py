"""`proplens batch` on the command line: shards to Parquet, bad records skipped with reasons, a rerun that
resumes, progress while it runs, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from proplens.batch.progress import Snapshot
from proplens.cli import batch as batch_cli
from tests.conftest import EXAMPLES, invoke, write

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def test_batch_writes_parquet_and_reports_skipped_records(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"b{n}", "text": DEMO}) for n in range(2)]
    write(tmp_path / "in" / "part-0.jsonl", "\n".join([rows[0], '{"id": "broken", "text": ', rows[1]]) + "\n")
    code, out, err = invoke("batch", tmp_path / "in", tmp_path / "out", "--workers", "1", "--no-entities")
    assert code == 1  # a record was skipped
    assert "part-0.jsonl:2" in err and "invalid JSON" in err and "Traceback" not in err
    assert "analysed 2 articles" in out and "skipped 1 unreadable records" in out
    assert pq.read_table(tmp_path / "out" / "articles").num_rows == 2
    # a rerun finds the shard complete, analyses nothing, and still says what was skipped
    code, out, err = invoke("batch", tmp_path / "in", tmp_path / "out", "--workers", "1", "--no-entities")
    assert code == 1 and "nothing left to do: 1 of 1 shards (2 articles) were done" in out
    assert "part-0.jsonl:2" in err


def test_a_changed_shard_or_other_settings_are_analysed_again(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"c{n}", "text": DEMO}) for n in range(2)]
    write(tmp_path / "in" / "a.jsonl", rows[0] + "\n")
    write(tmp_path / "in" / "b.jsonl", rows[1] + "\n")
    args = ("batch", tmp_path / "in", tmp_path / "out", "--workers", "1", "--no-entities")
    assert invoke(*args)[0] == 0
    write(tmp_path / "in" / "b.jsonl", rows[1] + "\n" + rows[0].replace('"c0"', '"c2"') + "\n")
    code, out, _ = invoke(*args)
    assert code == 0 and "analysed 2 articles" in out and "1 of 2 shards (1 articles) were done" in out
    assert sorted(pq.read_table(tmp_path / "out" / "articles").column("article_id").to_pylist()) == [
        "c0",
        "c1",
        "c2",
    ]
    code, out, _ = invoke(*args[:-1], "--entities")  # targets found now: every shard again
    assert code == 0 and "analysed 3 articles" in out and "were done" not in out


def test_progress_says_shards_articles_rate_and_time_left() -> None:
    snapshot = Snapshot(shards=8, shards_done=3, articles=1200, skipped=4, records=2408, elapsed=200.0)
    assert batch_cli.describe(snapshot) == (
        "3/8 shards, 1,200 articles, 4 skipped, 6.0 articles/s, 3 min 20 s left"
    )
    counting = Snapshot(shards=8, shards_done=0, articles=16, skipped=0, records=None, elapsed=2.0)
    assert batch_cli.describe(counting).endswith("8.0 articles/s, time left: counting")


def test_progress_lines_reach_a_log_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_cli, "LOG_EVERY", 0.0)
    for n in range(3):
        write(tmp_path / "in" / f"p{n}.jsonl", json.dumps({"id": f"g{n}", "text": DEMO}) + "\n")
    code, _, err = invoke("batch", tmp_path / "in", tmp_path / "out", "--workers", "1", "--no-entities")
    lines = [line for line in err.splitlines() if line.startswith("batch (local): ")]
    assert code == 0 and lines, err
    assert lines[-1].startswith("batch (local): 3/3 shards, 3 articles, ") and "left" in lines[-1]


def test_batch_with_a_missing_input_creates_no_output_folder(tmp_path: Path) -> None:
    code, _, err = invoke("batch", tmp_path / "missing", tmp_path / "out")
    assert code == 1 and "no such file or directory" in err
    assert not (tmp_path / "out").exists()


def test_batch_of_nothing_readable_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "bad.jsonl", "[1]\n")
    code, _, err = invoke("batch", tmp_path / "bad.jsonl", tmp_path / "out", "--workers", "1")
    assert code == 1 and "no readable articles" in err and "bad.jsonl:1" in err
    assert not list((tmp_path / "out").glob("*.parquet"))
