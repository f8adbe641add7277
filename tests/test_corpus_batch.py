"""proplens batch: JSONL/Parquet shards to Parquet; the local and Ray engines agree row for row."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from proplens.corpus.batch import iter_input_articles, run_local, run_ray
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


def test_input_shards_jsonl_and_parquet(tmp_path: Path) -> None:
    folder = _shards(tmp_path / "in")
    assert [a.id for a in iter_input_articles(folder)] == [f"b{n}" for n in range(6)]
    pq.write_table(
        pa.Table.from_pylist([{"id": "p1", "text": "Vote them out!", "extra": 1}]), tmp_path / "x.parquet"
    )
    assert [a.text for a in iter_input_articles(tmp_path / "x.parquet")] == ["Vote them out!"]
    with pytest.raises(FormatError):
        list(iter_input_articles(tmp_path / "missing"))


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
    report = run_ray(source, tmp_path / "ray", actors=2, chunk_size=2)
    assert report.articles == 6
    for name, keys in (("articles", ["article_id"]), ("spans", ["article_id", "start", "end", "technique"])):
        local = _sorted_rows(tmp_path / "local" / f"{name}.parquet", keys)
        ray = _sorted_rows(tmp_path / "ray" / f"{name}.parquet", keys)
        assert local == ray, name
        assert local
