"""proplens batch: JSONL/Parquet shards to Parquet files per shard; a rerun resumes; the local engine here,
the Ray engine (always inside its own network namespace) in tests/test_batch_ray.py."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from proplens.batch import run_local, shard_files
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


def table_rows(output: Path, table: str) -> list[dict]:  # type: ignore[type-arg]
    """A table of a batch's output, its shards' files in name order (as a dataset reader gives them)."""
    return pq.read_table(output / table).to_pylist()


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
    ids = [a["article_id"] for a in table_rows(tmp_path / "out", "articles")]
    assert ids == [f"b{n}" for n in range(6)] + ["p1"]
    records = sorted((tmp_path / "out" / "_shards").glob("*.json"))
    # part-2 and part-3 had nothing readable: no files, no record, read again by a rerun
    assert [json.loads(r.read_text())["shard"] for r in records] == [
        "part-0.jsonl",
        "part-1.jsonl",
        "part-4.parquet",
    ]
    assert json.loads(records[2].read_text())["problems"] == [
        [f"{folder}/part-4.parquet#2", where["part-4.parquet#2"]]
    ]


def test_nothing_readable_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "in" / "bad.jsonl", "{oops\n")
    report = run_local(tmp_path / "in", tmp_path / "out", workers=1, entities=False)
    assert report.articles == 0 and len(report.rejected) == 1
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_local_engine_writes_articles_and_spans(tmp_path: Path) -> None:
    report = run_local(_shards(tmp_path / "in"), tmp_path / "out", workers=2, chunk_size=2, entities=False)
    articles, spans = table_rows(tmp_path / "out", "articles"), table_rows(tmp_path / "out", "spans")
    assert report.articles == 6 and [a["article_id"] for a in articles] == [f"b{n}" for n in range(6)]
    assert report.spans == len(spans) == sum(a["spans"] for a in articles) > 0
    assert articles[0]["published"] == "2026-01-01" and articles[0]["source"] == "Gazette"
    for span in spans[:5]:
        assert span["text"] in DEMO.replace("Bramwell", "Ashby") or span["article_id"] != "b0"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_shards", "articles", "spans"]
    assert not list((tmp_path / "out").rglob(".*")) and not list(tmp_path.glob(".*"))


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


def test_a_killed_batch_resumes_where_it_stopped_and_gives_what_a_clean_run_gives(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    for shard in range(6):
        rows = [json.dumps({"id": f"r{shard}-{n}", "text": DEMO}) for n in range(6)]
        write(tmp_path / "in" / f"part-{shard}.jsonl", "\n".join(rows) + "\n")
    command = [
        str(Path(sys.executable).with_name("proplens")),
        "batch",
        str(tmp_path / "in"),
        str(tmp_path / "out"),
        "--workers",
        "2",
        "--chunk-size",
        "2",
        "--no-entities",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list((tmp_path / "out" / "_shards").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = sorted(p.stem for p in (tmp_path / "out" / "_shards").glob("*.json"))
    assert 1 <= len(done) < 6, done
    # a reader sees only complete shards: every Parquet file has its record, nothing half-written
    for table in ("articles", "spans"):
        assert sorted(p.stem for p in (tmp_path / "out" / table).iterdir()) == done
    assert not list((tmp_path / "out").rglob(".*"))
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(done)} of 6 shards ({6 * len(done)} articles) were done" in resumed.stdout
    assert "analysed " + str(36 - 6 * len(done)) + " articles" in resumed.stdout
    clean = run_local(tmp_path / "in", tmp_path / "clean", workers=2, chunk_size=2, entities=False)
    assert clean.articles == 36
    for table in ("articles", "spans"):
        assert table_rows(tmp_path / "out", table) == table_rows(tmp_path / "clean", table), table


def test_an_output_inside_the_input_folder_is_not_read_back_as_input(tmp_path: Path) -> None:
    source = _shards(tmp_path / "in")
    first = run_local(source, source / "results", workers=1, entities=False)
    again = run_local(source, source / "results", workers=1, entities=False)
    assert first.articles == again.articles == 6 and again.resumed == 2 and not again.rejected
    assert [f.name for f in shard_files(source, outside=source / "results")] == [
        "part-0.jsonl",
        "part-1.jsonl",
    ]
