"""proplens run: every pending article analysed once; a SIGKILL mid-run loses nothing, doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from proplens.corpus.run import run_corpus
from proplens.document import Article
from proplens.errors import StoreError
from proplens.store import Store
from proplens.store.schema import AnalysisRow
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
TOWNS = ["Ashby", "Corfe", "Dunmow", "Eye", "Frome", "Goole", "Hythe", "Ilkley", "Jarrow", "Kendal"]


def _corpus(path: Path, copies: int) -> Store:
    store = Store(f"sqlite:///{path}")
    articles = [Article(f"t{n}", DEMO.replace("Bramwell", f"{TOWNS[n % 10]}{n}")) for n in range(copies)]
    store.add_articles(articles)
    return store


def _analyses(store: Store) -> tuple[int, int]:
    with store.session() as session:
        rows = session.scalar(
            select(func.count()).select_from(AnalysisRow).where(AnalysisRow.kind == "corpus")
        )
        distinct = session.scalar(select(func.count(func.distinct(AnalysisRow.article_id))))
    return int(rows or 0), int(distinct or 0)


def test_run_analyses_everything_once_and_a_second_run_does_nothing(tmp_path: Path) -> None:
    store = _corpus(tmp_path / "c.db", 5)
    seen: list[tuple[int, int]] = []
    first = run_corpus(
        store, batch_size=2, entities=False, progress=lambda done, total: seen.append((done, total))
    )
    assert (first.analysed, first.remaining) == (5, 0)
    assert seen == [(2, 5), (4, 5), (5, 5)]
    second = run_corpus(store, batch_size=2, entities=False)
    assert second.analysed == 0
    assert _analyses(store) == (5, 5)
    stored = list(store.corpus_analyses())
    assert len(stored) == 5 and all(s.analysis.spans for s in stored)


def test_sigkill_mid_run_then_rerun_finishes_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    database = tmp_path / "kill.db"
    store = _corpus(database, 40)
    command = [
        str(Path(sys.executable).with_name("proplens")),
        "run",
        "--db",
        f"sqlite:///{database}",
        "--batch-size",
        "2",
        "--no-entities",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _analyses(store)[0] < 6 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = _analyses(store)[0]
    print(f"SIGKILL after {done_at_kill} of 40 corpus analyses were committed")
    assert process.returncode == -signal.SIGKILL
    assert 6 <= done_at_kill < 40, "the kill must land mid-run"
    assert done_at_kill % 2 == 0  # whole batches only: a batch is one transaction

    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert f"analysed {40 - done_at_kill} articles" in finished.stdout
    assert _analyses(store) == (40, 40)
    print(f"re-run: {finished.stdout.strip()}; now 40 analyses of 40 distinct articles")


def test_a_batch_another_run_stored_first_is_skipped(tmp_path: Path) -> None:
    store = _corpus(tmp_path / "c.db", 3)
    rival = Store(f"sqlite:///{tmp_path / 'c.db'}")
    save = store.save_corpus_batch

    def race(batch):  # type: ignore[no-untyped-def]
        store.save_corpus_batch = save  # type: ignore[method-assign]
        rival.save_corpus_batch(batch[:1])  # the other run commits one of these articles first
        return save(batch)

    store.save_corpus_batch = race  # type: ignore[method-assign]
    report = run_corpus(store, batch_size=3, entities=False)
    assert (report.skipped, report.analysed, report.remaining) == (1, 2, 0)
    assert _analyses(store) == (3, 3)


def test_an_integrity_fault_that_is_not_a_rival_run_stops_with_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row the database refuses (here: an analysis without its document) inside the store's own
    transaction: the run stops with one StoreError, as the store translates it."""
    from proplens.store import database

    store = _corpus(tmp_path / "c.db", 2)
    values = database._analysis_values
    monkeypatch.setattr(database, "_analysis_values", lambda *a, **k: {**values(*a, **k), "document": None})
    with pytest.raises(StoreError, match="IntegrityError: NOT NULL constraint failed"):
        run_corpus(store, batch_size=2, entities=False)
