"""proplens batch: JSONL/Parquet shards to Parquet; the local and Ray engines agree row for row."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from proplens.batch import run_local, run_ray, shard_files
from proplens.errors import FormatError
from tests.conftest import EXAMPLES, write

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
TOWNS = ["Ashby", "Corfe", "Dunmow", "Eye", "Frome", "Goole"]


def _shards(folder: Path) -> Path:
    rows = [
        {
            "id": f"b{n}",
            "text": DEMO.replace("Bramwell", town),
            "source": "Gazette",
            "published": "2026-01-0" + str(n + 1),
        }
        for n, town in enumerate(TOWNS)
    ]
    write(folder / "part-0.jsonl", "".join(json.dumps(r) + "\n" for r in rows[:4]))
    write(folder / "part-1.jsonl", "".join(json.dumps(r) + "\n" for r in rows[4:]))
    return folder


def _sorted_rows(path: Path, keys: list[str]) -> list[dict]:  # type: ignore[type-arg]
    return sorted(pq.read_table(path).to_pylist(), key=lambda row: tuple(str(row[k]) for k in keys))


def test_shards_are_found_and_checked_before_anything_is_written(tmp_path: Path) -> None:
    folder = _shards(tmp_path / "in")
    assert [f.name for f in shard_files(folder)] == ["part-0.jsonl", "part-1.jsonl"]
    with pytest.raises(FormatError, match="no such file"):
        shard_files(tmp_path / "missing")
    with pytest.raises(FormatError, match=r"expected \.jsonl or \.parquet"):
        shard_files(write(tmp_path / "notes.txt", "x"))
    with pytest.raises(FormatError):
        run_local(tmp_path / "missing", tmp_path / "out")
    assert not (tmp_path / "out").exists()


BAD_LINES = [
    '{"id": "broken", "text": ',  # cut short
    "[1, 2, 3]",  # not an object
    '{"id": "n", "text": "x", "n": ' + "9" * 5000 + "}",  # a 5,000-digit number
    "[" * 100_000 + "]" * 100_000,  # nesting deep enough to overflow the parser
    '{"id": "e", "text": "   "}',  # empty text
    '{"id": "u", "text": "x", "colour": "red"}',  # unknown field
]


def test_bad_records_are_skipped_with_their_line_and_the_rest_is_analysed(tmp_path: Path) -> None:
    folder = _shards(tmp_path / "in")
    write(folder / "part-2.jsonl", "\n".join(BAD_LINES).encode() + b"\n\xff\xfe not utf-8\n")
    write(folder / "part-3.parquet", b"PAR1 this is not a parquet file")
    pq.write_table(
        pa.Table.from_pylist([{"id": "p1", "text": "Vote them out!", "extra": 1}, {"id": "p2", "text": ""}]),
        folder / "part-4.parquet",
    )
    report = run_local(folder, tmp_path / "out", workers=1, chunk_size=4, entities=False)
    assert report.articles == 7
    where = {p.origin.rsplit("/", 1)[-1]: p.message for p in report.rejected}
    assert set(where) == {
        *(f"part-2.jsonl:{n}" for n in range(1, 8)),
        "part-3.parquet",
        "part-4.parquet#2",
    }
    assert "invalid JSON" in where["part-2.jsonl:1"] and "object" in where["part-2.jsonl:2"]
    assert "nested too deeply" in where["part-2.jsonl:4"] and "empty" in where["part-2.jsonl:5"]
    assert "colour" in where["part-2.jsonl:6"] and "UTF-8" in where["part-2.jsonl:7"]
    assert "Parquet" in where["part-3.parquet"]
    ids = [a["article_id"] for a in pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()]
    assert ids == [f"b{n}" for n in range(6)] + ["p1"]


def test_nothing_readable_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "in" / "bad.jsonl", "{oops\n")
    report = run_local(tmp_path / "in", tmp_path / "out", workers=1, entities=False)
    assert report.articles == 0 and len(report.rejected) == 1
    assert not list((tmp_path / "out").glob("*.parquet")) and not list((tmp_path / "out").glob(".*"))


def test_local_engine_writes_articles_and_spans(tmp_path: Path) -> None:
    report = run_local(_shards(tmp_path / "in"), tmp_path / "out", workers=2, chunk_size=2, entities=False)
    articles = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()
    spans = pq.read_table(tmp_path / "out" / "spans.parquet").to_pylist()
    assert report.articles == 6 and [a["article_id"] for a in articles] == [f"b{n}" for n in range(6)]
    assert report.spans == len(spans) == sum(a["spans"] for a in articles) > 0
    assert articles[0]["published"] == "2026-01-01" and articles[0]["source"] == "Gazette"
    for span in spans[:5]:
        assert span["text"] in DEMO.replace("Bramwell", "Ashby") or span["article_id"] != "b0"
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_ray_engine_matches_the_local_engine_row_for_row(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    source = _shards(tmp_path / "in")
    run_local(source, tmp_path / "local", workers=2, chunk_size=2)
    write(source / "part-9.jsonl", "{broken\n")
    report = run_ray(source, tmp_path / "ray", actors=2, chunk_size=2)
    assert report.articles == 6
    assert [(p.origin.rsplit("/", 1)[-1], p.message) for p in report.rejected] == [
        ("part-9.jsonl:1", "invalid JSON: Expecting property name enclosed in double quotes")
    ]
    for name, keys in (("articles", ["article_id"]), ("spans", ["article_id", "start", "end", "technique"])):
        local = _sorted_rows(tmp_path / "local" / f"{name}.parquet", keys)
        ray = _sorted_rows(tmp_path / "ray" / f"{name}.parquet", keys)
        assert local == ray, name
        assert local


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_killing_batch_stops_its_workers_and_leaves_no_files(tmp_path: Path, how: str) -> None:
    import signal
    import subprocess
    import sys
    import time

    rows = [json.dumps({"id": f"k{n}", "text": DEMO}) for n in range(200)]
    write(tmp_path / "in" / "part-0.jsonl", "\n".join(rows) + "\n")
    proplens = Path(sys.executable).with_name("proplens")
    process = subprocess.Popen(
        [
            str(proplens),
            "batch",
            str(tmp_path / "in"),
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--no-entities",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.1)
    assert len(workers) >= 2, "the workers did not start"
    time.sleep(3)  # the workers are analysing; the sink is writing
    process.send_signal(getattr(signal, how))
    _, err = process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), f"workers left running after {how}"
    assert not (tmp_path / "out").exists()  # no Parquet, no temporary files, not even an empty folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    assert b"Traceback" not in err
