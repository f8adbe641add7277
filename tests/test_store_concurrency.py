"""Several processes on one database at once — SQLite and PostgreSQL: a new database opened by four,
the same articles ingested by four, two `run`s over one corpus. Nothing duplicated, no work done twice."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from proplens.store import Store

PROCESSES = 4


def _open(url: str) -> str:
    Store(url).engine.dispose()
    return "ok"


def _ingest(url: str, path: str) -> tuple[int, int]:
    from proplens.corpus.ingest import ingest
    from proplens.sources import read_sources

    report = ingest(Store(url), read_sources([path]), batch_size=25)
    return report.new, report.duplicate


def _run(url: str) -> tuple[int, int]:
    from proplens.corpus.run import run_corpus

    report = run_corpus(Store(url), batch_size=2, entities=False)
    return report.analysed, report.skipped


def _pool(size: int):  # type: ignore[no-untyped-def]
    return multiprocessing.get_context("spawn").Pool(size)


def test_a_new_database_opened_by_four_processes_at_once(database_url: str) -> None:
    with _pool(PROCESSES) as pool:
        assert pool.map(_open, [database_url] * PROCESSES) == ["ok"] * PROCESSES


def test_concurrent_ingests_of_the_same_articles_add_each_once(database_url: str, tmp_path: Path) -> None:
    Store(database_url).engine.dispose()
    path = tmp_path / "articles.jsonl"
    rows = [{"id": f"a{n}", "text": f"Story number {n}: the corrupt mayor lied again."} for n in range(300)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with _pool(PROCESSES) as pool:
        counts = pool.starmap(_ingest, [(database_url, str(path))] * PROCESSES)
    assert sum(new for new, _ in counts) == 300
    assert sum(duplicate for _, duplicate in counts) == 300 * (PROCESSES - 1)
    assert Store(database_url).corpus_size() == 300


def test_two_runs_at_once_split_the_work(database_url: str) -> None:
    from proplens.document import Article

    store = Store(database_url)
    store.add_articles(
        [Article(f"r{n}", f"Story {n}. The corrupt mayor lied again today.") for n in range(16)]
    )
    with _pool(2) as pool:
        results = pool.map(_run, [database_url] * 2)
    assert sum(analysed for analysed, _ in results) == 16  # every article analysed once, by one run
    assert sum(skipped for _, skipped in results) == 0  # claims: no article was analysed by both
    # (which run did how much depends on timing — both start loading the model at once; measured by hand:
    # two runs over 40 dev articles did 20 each)
    from proplens.api import load_model

    shipped = load_model().info.model_id
    assert store.count_pending(shipped) == 0
