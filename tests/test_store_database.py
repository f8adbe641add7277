"""The store on a real SQLite file and, when PROPLENS_TEST_POSTGRES is set (CI), on a real PostgreSQL."""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pytest

from proplens.document import Analysis, Article, Sentence, Span, Target
from proplens.errors import StoreError
from proplens.store import Store
from tests.fixtures_web import POSTGRES_URL_VARIABLE, reset_database

TEXT = "Mayor Bob Stone lies\n\nThe corrupt mayor lied again. Vote them out!"


def _analysis(number: int = 0) -> Analysis:
    inner = Span(26, 33, "Name_Calling,Labeling", 0.31)
    return Analysis(
        Article(f"a{number}", TEXT, title=f"Story {number}", url="http://news.test/a"),
        (inner, Span(26, 44, "Loaded_Language", 0.52)),
        model="proplens-detector-3",
        figures={"propaganda_score": 40.0 + number, "spans": 2.0},
        key_sentences=(Sentence(22, 51, ("Loaded_Language",)),),
        targets=(Target("Bob Stone", "PERSON", (inner,)),),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'sub' / 'proplens.db'}")
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set (CI sets it after starting PostgreSQL)")
    reset_database(url)  # each test gets a new, empty database, built by the migrations
    return Store(url)


def test_save_and_get_round_trip_everything(store: Store) -> None:
    analysis_id = store.save(_analysis())
    stored = store.get(analysis_id)
    assert stored is not None and stored.id == analysis_id
    assert stored.analysis == _analysis()
    assert stored.analysis.targets[0].name == "Bob Stone" and stored.analysis.key_sentences
    assert stored.created_at.tzinfo is not None
    assert store.get("0123456789abcdef") is None


def test_recent_is_newest_first_with_paging(store: Store) -> None:
    ids = [store.save(_analysis(n)) for n in range(5)]
    assert store.count() == 5
    recent = store.recent(limit=2)
    assert [r.id for r in recent] == [ids[4], ids[3]]
    assert recent[0].title == "Story 4" and recent[0].propaganda_score == 44.0 and recent[0].spans == 2
    assert [r.id for r in store.recent(limit=2, offset=4)] == [ids[0]]


def test_history_lists_a_repeated_analysis_once_at_its_newest(store: Store) -> None:
    """A form sent twice or a page reloaded: the same text, model and outcome is one row that counts them.
    The same text with another outcome (another model, another score) stays a row of its own."""
    from dataclasses import replace

    repeats = [store.save(_analysis(1)) for _ in range(3)]
    other_model = store.save(replace(_analysis(1), model="proplens-detector-5.1"))
    other_score = store.save(_analysis(2))
    assert store.count() == 3
    listed = store.recent()
    assert [r.id for r in listed] == [other_score, other_model, repeats[-1]]
    assert [r.times for r in listed] == [1, 1, 3]
    assert all(store.get(i) is not None for i in repeats)  # every permalink still works


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    def write(batch: int) -> None:
        for n in range(10):
            store.save(_analysis(batch * 10 + n))

    threads = [threading.Thread(target=write, args=(b,)) for b in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count() == 40 and store.ping()


def test_bad_urls_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("not a url")
    with pytest.raises(StoreError, match="cannot"):
        Store(f"postgresql://nobody:nothing@127.0.0.1:1/{uuid.uuid4().hex}")


def test_every_store_method_fails_as_a_store_error_without_the_article_text(tmp_path: Path) -> None:
    import sqlite3

    from proplens.store import Store as FreshStore

    store = FreshStore(f"sqlite:///{tmp_path / 'x.db'}")
    with sqlite3.connect(tmp_path / "x.db") as connection:
        connection.executescript("DROP TABLE analyses; DROP TABLE articles;")
    calls = {
        "save": lambda: store.save(_analysis()),
        "recent": lambda: store.recent(),
        "count": lambda: store.count(),
        "add_articles": lambda: store.add_articles([Article("s", "The secret plan of the treasurer.")]),
        "corpus_analyses": lambda: list(store.corpus_analyses("m")),
        "count_pending": lambda: store.count_pending("m"),
    }
    for name, call in calls.items():
        with pytest.raises(StoreError) as caught:
            call()
        message = str(caught.value)
        assert "OperationalError" in message and "no such table" in message, name
        assert "secret plan" not in message and "Mayor Bob" not in message and "\n" not in message, name
    assert store.ping()  # the server answers: only its tables are gone


def test_reviews_are_kept_checked_and_listed_in_order(database_url: str) -> None:
    from proplens.review import Action, Review, ReviewError

    store = Store(database_url)
    text = "The corrupt mayor lied again."
    analysis_id = store.save(Analysis(Article("r1", text), (Span(4, 11, "Loaded_Language", 0.8),)))
    first = store.add_review(analysis_id, Review(Action.ACCEPT, "ana", span=0))
    added = store.add_review(
        analysis_id, Review(Action.ADD, "ana", start=12, end=17, technique="Name_Calling,Labeling")
    )
    assert first is not None and added is not None and added.id is not None
    withdrawn = store.add_review(analysis_id, Review(Action.REJECT, "bo", added=added.id))
    assert withdrawn is not None and withdrawn.added == added.id
    with pytest.raises(ReviewError, match="no fragment 5"):
        store.add_review(analysis_id, Review(Action.ACCEPT, "ana", span=5))
    with pytest.raises(ReviewError, match="no added fragment"):  # another analysis's add is not this one's
        other = store.save(Analysis(Article("r2", text), ()))
        store.add_review(other, Review(Action.REJECT, "ana", added=added.id))
    assert store.add_review("0" * 16, Review(Action.DONE, "ana")) is None
    assert [r.action for r in store.reviews(analysis_id)] == [Action.ACCEPT, Action.ADD, Action.REJECT]
    reviewed = list(store.reviewed())
    assert [r.stored.id for r in reviewed] == [analysis_id] and len(reviewed[0].reviews) == 3
    assert store.get(analysis_id).analysis.spans == (Span(4, 11, "Loaded_Language", 0.8),)  # type: ignore[union-attr]
