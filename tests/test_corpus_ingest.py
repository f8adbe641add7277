"""proplens ingest: every input kind into the corpus, duplicates skipped, bad rows rejected with reasons."""

from __future__ import annotations

import json
from pathlib import Path

from proplens.corpus.ingest import ingest
from proplens.sources import read_sources
from proplens.store import Store, content_hash
from tests.conftest import write
from tests.fixtures_web import RSS


def test_content_hash_ignores_case_and_spacing() -> None:
    assert content_hash("The  Mayor\nlied.") == content_hash("the mayor lied.")
    assert content_hash("the mayor lied.") != content_hash("the mayor lied!")


def test_ingest_counts_new_duplicates_and_rejects(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", "Title A\n\nThe corrupt mayor lied.")
    write(folder / "b.txt", "Title A\n\nthe  corrupt mayor lied.")  # same text up to case and spacing
    write(folder / "feed.rss", RSS)
    write(folder / "bad.txt", b"\x00binary")
    write(
        folder / "more.jsonl",
        json.dumps({"id": "j1", "text": "Vote them out!", "source": "Herald", "published": "2026-01-02"})
        + "\n",
    )
    store = Store(f"sqlite:///{tmp_path / 'corpus.db'}")
    report = ingest(store, read_sources([str(folder)]), batch_size=2)
    assert (report.new, report.duplicate, len(report.rejected)) == (3, 1, 2)
    assert {Path(p.origin).name.split("#")[0] for p in report.rejected} == {"bad.txt", "feed.rss"}
    again = ingest(store, read_sources([str(folder)]))
    assert (again.new, again.duplicate) == (0, 4)
    assert store.corpus_size() == 3
