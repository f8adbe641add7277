"""Schema migrations: new databases built by the migrations match the tables; old ones upgrade intact."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from proplens.document import Analysis, Article, Span
from proplens.errors import StoreError
from proplens.io.jsonl import analysis_to_dict
from proplens.store import Store
from proplens.store.migrate import HEAD, current_revision, upgrade
from proplens.store.schema import Base


def _engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _analysis(n: int) -> Analysis:
    article = Article(id=f"old-{n}", text=f"Article {n}: the corrupt elite lied again.", title=f"Old {n}")
    return Analysis(
        article,
        (Span(len("Article 1: the "), len("Article 1: the corrupt elite"), "Loaded_Language", 0.8),),
        model="m1",
        figures={"propaganda_score": 40.0 + n},
    )


def test_a_new_database_is_built_by_the_migrations_and_matches_the_tables(database_url: str) -> None:
    store = Store(database_url)
    assert current_revision(store.engine) == HEAD
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def _fill_first_revision(engine) -> list[str]:  # type: ignore[no-untyped-def]
    """Rows as the first store wrote them: two web analyses of two articles."""
    ids = []
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for n in (1, 2):
            analysis = _analysis(n)
            key = connection.execute(
                text(
                    "INSERT INTO articles (external_id, title, source, url, published, text, content_hash, "
                    "created_at) VALUES (:i, :t, 'Outlet', NULL, :p, :x, :h, :c) RETURNING id"
                ),
                {
                    "i": analysis.article.id,
                    "t": analysis.article.title,
                    "p": date(2026, 11, n),
                    "x": analysis.article.text,
                    "h": f"{n:064d}",
                    "c": now,
                },
            ).scalar_one()
            analysis_id = f"{n:016x}"
            connection.execute(
                text(
                    "INSERT INTO analyses (id, article_id, model, taxonomy, created_at, propaganda_score, "
                    "spans, document) VALUES (:a, :k, 'm1', 'ptc', :c, :s, 1, :d)"
                ),
                {
                    "a": analysis_id,
                    "k": key,
                    "c": now,
                    "s": 40.0 + n,
                    "d": json.dumps(analysis_to_dict(analysis)),
                },
            )
            ids.append(analysis_id)
    return ids


def test_a_database_at_the_first_revision_upgrades_with_every_row_intact(database_url: str) -> None:
    engine = _engine(database_url)
    upgrade(engine, "0001")
    ids = _fill_first_revision(engine)
    with pytest.raises(StoreError, match=r"at schema revision 0001.*run `proplens db upgrade"):
        Store(database_url)
    assert upgrade(engine) == ("0001", HEAD)
    store = Store(database_url)
    for n, analysis_id in enumerate(ids, start=1):
        stored = store.get(analysis_id)
        assert stored is not None and stored.analysis == _analysis(n)
        assert stored.created_at == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert [s.id for s in store.recent()] == sorted(ids)
    # rows from before the corpus existed are web submissions, not corpus articles
    assert store.corpus_size() == 0 and store.count() == 2
    with engine.connect() as connection:
        kinds = connection.execute(text("SELECT DISTINCT kind FROM analyses")).scalars().all()
    assert kinds == ["web"]
    engine.dispose()


def test_a_database_from_before_migrations_is_recognised_by_its_columns(database_url: str) -> None:
    engine = _engine(database_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert current_revision(engine) == "0002"
    assert upgrade(engine) == ("0002", HEAD)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_database_from_a_newer_proplens_is_refused(database_url: str) -> None:
    Store(database_url).engine.dispose()
    engine = _engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"revision 9999.*newer proplens"):
        Store(database_url)
    engine.dispose()


def test_corpus_duplicates_from_before_the_unique_index_are_resolved(database_url: str) -> None:
    engine = _engine(database_url)
    upgrade(engine, "0003")
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for n in range(3):  # the same text three times, as two concurrent ingests could leave it
            key = connection.execute(
                text(
                    "INSERT INTO articles (external_id, text, content_hash, in_corpus, created_at) "
                    "VALUES (:i, 'Same story.', :h, true, :c) RETURNING id"
                ),
                {"i": f"d{n}", "h": "f" * 64, "c": now},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO analyses (id, article_id, model, taxonomy, created_at, propaganda_score, "
                    "spans, document, kind) VALUES (:a, :k, 'm1', 'ptc', :c, 0, 0, '{}', 'corpus')"
                ),
                {"a": f"{n:016x}", "k": key, "c": now},
            )
    upgrade(engine)
    with engine.connect() as connection:
        corpus = connection.execute(text("SELECT external_id FROM articles WHERE in_corpus")).scalars().all()
        kept = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        analyses = connection.execute(text("SELECT id FROM analyses")).scalars().all()
    assert corpus == ["d0"] and kept == 3  # the oldest copy stays in the corpus, no article is deleted
    assert analyses == [f"{0:016x}"]  # the copies' corpus analyses (repeats) are gone
    engine.dispose()


def test_a_database_at_0004_upgrades_to_reviews_with_its_rows_intact_and_reviewable(
    database_url: str,
) -> None:
    engine = _engine(database_url)
    upgrade(engine, "0001")
    ids = _fill_first_revision(engine)
    upgrade(engine, "0004")
    assert upgrade(engine) == ("0004", HEAD)
    store = Store(database_url)
    assert [s.id for s in store.recent()] == sorted(ids) and store.reviews(ids[0]) == []
    from proplens.review import Action, Review

    kept = store.add_review(ids[0], Review(Action.REJECT, "ana", span=0))
    assert kept is not None and kept.id is not None
    assert store.get(ids[0]) is not None and store.get(ids[0]).analysis == _analysis(1)  # type: ignore[union-attr]
    assert next(s for s in store.recent() if s.id == ids[0]).review == "reviewed 1 of 1"
    store.engine.dispose()
    engine.dispose()
