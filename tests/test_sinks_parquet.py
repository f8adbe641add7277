"""The batch's Parquet output: a file per shard, written locally or to an object store (an S3 server the
test starts on loopback), resumable, with names and messages that hostile input cannot bend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from proplens.batch import run_local
from proplens.errors import ProplensError
from proplens.sinks.parquet import ParquetOutput, shard_key, shown_uri
from tests.conftest import EXAMPLES, write

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3 server (moto) on 127.0.0.1 with a bucket ``corpus``; yields the query pointing pyarrow at it."""
    pytest.importorskip("moto.server", reason="moto[server] is in the dev extra")
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        query = f"endpoint_override={host}:{port}&scheme=http&region=us-east-1"
        filesystem, _ = pafs.FileSystem.from_uri(f"s3://corpus?{query}&allow_bucket_creation=true")
        filesystem.create_dir("corpus")
        yield query
    finally:
        server.stop()


def _shards(folder: Path, shards: int = 3, per_shard: int = 2) -> Path:
    for shard in range(shards):
        rows = [json.dumps({"id": f"s{shard}-{n}", "text": DEMO}) for n in range(per_shard)]
        write(folder / f"part-{shard}.jsonl", "\n".join(rows) + "\n")
    return folder


def _s3_rows(query: str, prefix: str, table: str) -> list[dict]:  # type: ignore[type-arg]
    filesystem, _ = pafs.FileSystem.from_uri(f"s3://corpus?{query}")
    return pq.read_table(f"corpus/{prefix}/{table}", filesystem=filesystem).to_pylist()


def test_the_output_goes_to_an_object_store_shard_by_shard(tmp_path: Path, s3: str) -> None:
    source = _shards(tmp_path / "in")
    report = run_local(source, f"s3://corpus/run1?{s3}", workers=1, entities=False)
    assert report.articles == 6 and report.shards == 3
    local = run_local(source, tmp_path / "local", workers=1, entities=False)
    for table in ("articles", "spans"):
        assert _s3_rows(s3, "run1", table) == pq.read_table(tmp_path / "local" / table).to_pylist(), table
    filesystem, _ = pafs.FileSystem.from_uri(f"s3://corpus?{s3}")
    names = sorted(i.path for i in filesystem.get_file_info(pafs.FileSelector("corpus/run1", recursive=True)))
    assert [n for n in names if n.endswith(".json")] == [
        f"corpus/run1/_shards/{shard_key(f'part-{n}.jsonl')}.json" for n in range(3)
    ]
    assert not [n for n in names if "partial" in n]
    again = run_local(source, f"s3://corpus/run1?{s3}", workers=1, entities=False)
    assert again.resumed == 3 and again.articles == local.articles == 6


def test_a_batch_killed_while_writing_to_an_object_store_resumes(tmp_path: Path, s3: str) -> None:
    source = _shards(tmp_path / "in", shards=6, per_shard=6)
    uri = f"s3://corpus/killed?{s3}"
    command = [str(Path(sys.executable).with_name("proplens")), "batch", str(source), uri, "--workers", "2"]
    command += ["--chunk-size", "2", "--no-entities"]
    filesystem, _ = pafs.FileSystem.from_uri(f"s3://corpus?{s3}")

    def records() -> list[str]:
        found = filesystem.get_file_info(pafs.FileSelector("corpus/killed/_shards", allow_not_found=True))
        return sorted(i.base_name for i in found if i.base_name.endswith(".json"))

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ)
    deadline = time.monotonic() + 120
    while not records() and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = records()
    assert 1 <= len(done) < 6, done
    # what a reader of the dataset sees: complete shards only (a half-written one is under a "_" name)
    assert sorted({r["article_id"].split("-")[0] for r in _s3_rows(s3, "killed", "articles")}) == sorted(
        json.loads(filesystem.open_input_stream(f"corpus/killed/_shards/{d}").read())["shard"]
        .replace("part-", "s")
        .removesuffix(".jsonl")
        for d in done
    )
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(done)} of 6 shards ({6 * len(done)} articles) were done" in resumed.stdout
    run_local(source, tmp_path / "clean", workers=2, chunk_size=2, entities=False)
    for table in ("articles", "spans"):
        assert _s3_rows(s3, "killed", table) == pq.read_table(tmp_path / "clean" / table).to_pylist(), table


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s3://no-such-bucket/out?{s3}", "cannot write there (Bucket 'no-such-bucket' not found"),
        ("nosuchscheme://x/out", "not a place Parquet can be written"),
        ("s3://corpus/out?{s3}&secret_key=hunter2", "secret_key=***"),  # and never the secret
    ],
)
def test_an_output_that_cannot_be_written_is_one_line_before_any_work(
    tmp_path: Path, s3: str, uri: str, message: str
) -> None:
    from tests.conftest import invoke

    source = _shards(tmp_path / "in", shards=1, per_shard=1)
    code, out, err = invoke("batch", source, uri.format(s3=s3), "--workers", "1", "--no-entities")
    assert "hunter2" not in out + err
    assert code == 1 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_shown_uri_masks_secrets_but_not_the_rest() -> None:
    assert shown_uri("/data/out") == "/data/out"
    shown = shown_uri("s3://b/o?access_key=AK&secret_key=SK/x&session_token=T&region=eu-west-1")
    assert (
        "SK" not in shown and "=T&" not in shown and "access_key=AK" in shown and "region=eu-west-1" in shown
    )


@pytest.mark.parametrize(
    "relative",
    ["../../etc/passwd", "a b/ümlaut ✓.jsonl", "x" * 5000 + ".jsonl", ".hidden.jsonl", "_meta.parquet", "/"],
)
def test_a_shard_key_is_a_safe_visible_file_name_whatever_the_shard_is_called(relative: str) -> None:
    key = shard_key(relative)
    assert key and len(key) <= 100 and "/" not in key and ".." not in key
    assert key[0] not in "._-"  # dataset readers skip names starting with "." or "_"
    assert key == shard_key(relative) and key != shard_key(relative + "x")


def test_a_local_output_under_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    write(tmp_path / "taken", "not a folder")
    with pytest.raises(ProplensError, match="cannot write there"):
        ParquetOutput(str(tmp_path / "taken" / "out")).check_writable()
    with pytest.raises(ProplensError, match="cannot write there"):
        ParquetOutput(str(tmp_path / "taken")).check_writable()
