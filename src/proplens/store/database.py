"""`Store`: save an analysis, fetch it by id, list recent ones — on any SQLAlchemy database URL.

SQLite (the default, one file, no server) runs in WAL mode so readers never wait for the writer; the same
code runs on PostgreSQL (``postgresql://user:pass@host/db``, driver psycopg 3).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, delete, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from proplens._home import proplens_home
from proplens.document import Analysis, Article
from proplens.errors import StoreError
from proplens.io.jsonl import analysis_from_dict, analysis_to_dict
from proplens.review import Action, Review, check, review_state
from proplens.store.migrate import check_schema
from proplens.store.schema import (
    IS_CORPUS_ANALYSIS,
    IS_CORPUS_ARTICLE,
    AnalysisRow,
    ArticleRow,
    Base,
    ClaimRow,
    ReviewRow,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AnalysisSummary",
    "CorpusAnalysis",
    "IngestCounts",
    "ReviewedAnalysis",
    "Store",
    "StoredAnalysis",
    "content_hash",
    "open_engine",
    "process_owner",
    "translated",
]


def content_hash(text: str) -> str:
    """The de-duplication key: sha256 of the text lower-cased with whitespace runs collapsed."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()


@dataclass
class IngestCounts:
    """What an ingest did: articles added, skipped as duplicates (of the corpus or of each other)."""

    new: int = 0
    duplicate: int = 0


@dataclass(frozen=True, slots=True)
class CorpusAnalysis:
    """A corpus article's analysis as reports need it: the analysis plus its database id."""

    article_key: int
    analysis: Analysis


def _default_url() -> str:
    return f"sqlite:///{proplens_home() / 'proplens.db'}"


DEFAULT_DATABASE_URL = _default_url()
"""``$PROPLENS_HOME/proplens.db`` (default ``~/.local/share/proplens/proplens.db``)."""


@dataclass(frozen=True, slots=True)
class AnalysisSummary:
    """One row of the history list."""

    id: str
    title: str
    url: str | None
    created_at: datetime
    propaganda_score: float
    spans: int
    model: str | None
    times: int = 1
    """How many analyses this row stands for: the same text analysed again with the same outcome (a page
    reloaded, a form sent twice) is listed once, at its newest."""
    review: str | None = None
    """"reviewed 7 of 9" (`proplens.review.ReviewState.summary`) when someone has reviewed it."""


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """An analysis read back from the store, with its id and when it was made."""

    id: str
    created_at: datetime
    analysis: Analysis


@dataclass(frozen=True, slots=True)
class ReviewedAnalysis:
    """A stored analysis with its reviews in the order they were made, and its article's database key."""

    stored: StoredAnalysis
    article_key: int
    content_hash: str
    reviews: tuple[Review, ...]


def open_engine(url: str | None = None) -> tuple[Engine, str]:
    """An engine for the database at `url` (default: `DEFAULT_DATABASE_URL`) and its URL to show (no
    password). SQLite files get their folder created and WAL mode; ``postgresql://`` uses psycopg 3."""
    url = url or DEFAULT_DATABASE_URL
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r} (e.g. sqlite:///proplens.db)") from None
    # hide_parameters: an error message must never carry article text (or anything else bound to SQL)
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"cannot create the folder {folder} for {url}: {error.strerror}") from None
        options["connect_args"] = {"check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"cannot use database {shown}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine, shown


@contextmanager
def translated(url: str) -> Iterator[None]:
    """The one place SQLAlchemy's errors become proplens' own: a `StoreError` in one line — the database
    (password hidden), the error's class and the driver's first line; never the SQL or its parameters (an
    article's text must not end up in a log)."""
    try:
        yield
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StoreError(f"database {url}: {error.__class__.__name__}: {reason}") from None


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _boundary(method: _Method) -> _Method:
    """A `Store` method whose database errors leave it as `StoreError` (`translated`); a generator's too,
    while it is being read."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def streaming(self: Store, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with translated(self.url):
                yield from method(self, *args, **kwargs)

        return cast(_Method, streaming)

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with translated(self.url):
            return method(self, *args, **kwargs)

    return cast(_Method, wrapper)


class Store:
    """The database behind history, permalinks and corpus runs. Thread-safe; one per process. Every
    method raises `StoreError` (never SQLAlchemy's errors) when the database fails."""

    def __init__(self, url: str | None = None) -> None:
        self.engine, self.url = open_engine(url)
        try:
            check_schema(self.engine, self.url)
        except SQLAlchemyError as error:
            raise StoreError(
                f"cannot open database {self.url}: {error.__class__.__name__}: {error}"
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @_boundary
    def save(self, analysis: Analysis) -> str:
        """Store the analysis (and its article); returns the new analysis id (used in permalinks)."""
        now = datetime.now(UTC)
        with self.session() as session, session.begin():
            row = ArticleRow(**_article_values(analysis.article, now, in_corpus=False))
            session.add(row)
            session.flush()
            analysis_row = AnalysisRow(**_analysis_values(analysis, row.id, now, kind="web"))
            session.add(analysis_row)
        return analysis_row.id

    @_boundary
    def get(self, analysis_id: str) -> StoredAnalysis | None:
        """The stored analysis with this id, or None."""
        with self.session() as session:
            row = session.get(AnalysisRow, analysis_id)
            if row is None:
                return None
            return StoredAnalysis(
                row.id, _aware(row.created_at), analysis_from_dict(json.loads(row.document))
            )

    @_boundary
    def recent(self, *, limit: int = 50, offset: int = 0) -> list[AnalysisSummary]:
        """Newest analyses first, each repeated analysis (same text, model, taxonomy and outcome) once."""
        newest = _repeats()
        query = (
            select(AnalysisRow, ArticleRow.title, ArticleRow.external_id, ArticleRow.url, newest.c.times)
            .join(ArticleRow)
            .join(newest, AnalysisRow.id == newest.c.id)
            .order_by(AnalysisRow.created_at.desc(), AnalysisRow.id)
            .limit(limit)
            .offset(offset)
        )
        with self.session() as session:
            found = session.execute(query).all()
            reviewed = _reviews_of(session, [row.id for row, *_ in found])
            return [
                AnalysisSummary(
                    row.id,
                    title or external_id,
                    url,
                    _aware(row.created_at),
                    row.propaganda_score,
                    row.spans,
                    row.model,
                    int(times),
                    _summary(row, reviewed.get(row.id)),
                )
                for row, title, external_id, url, times in found
            ]

    @_boundary
    def count(self) -> int:
        """How many rows `recent` lists in all (repeated analyses once)."""
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(_repeats())) or 0)

    # -- reviews ----------------------------------------------------------------------------------------

    @_boundary
    def add_review(self, analysis_id: str, review: Review) -> Review | None:
        """Keep `review` of the stored analysis once it is checked against it (`proplens.review.check`:
        `ReviewError` when it does not fit); returns it with its id and time, or None when there is no
        such analysis. The analysis itself never changes."""
        with self.session() as session, session.begin():
            row = session.get(AnalysisRow, analysis_id)
            if row is None:
                return None
            analysis = analysis_from_dict(json.loads(row.document))
            earlier = _reviews_of(session, [analysis_id]).get(analysis_id, [])
            checked = check(review, analysis, earlier)
            stored = ReviewRow(
                analysis_id=analysis_id,
                article_id=row.article_id,
                content_hash=row.article.content_hash,
                action=str(checked.action),
                reviewer=checked.reviewer,
                span=checked.span,
                start=checked.start,
                end=checked.end,
                technique=checked.technique,
                added=checked.added,
                created_at=datetime.now(UTC),
            )
            session.add(stored)
            session.flush()
            return _review(stored)

    @_boundary
    def reviews(self, analysis_id: str) -> list[Review]:
        """The reviews of an analysis, oldest first (empty when it has none or does not exist)."""
        with self.session() as session:
            return _reviews_of(session, [analysis_id]).get(analysis_id, [])

    @_boundary
    def reviewed(self) -> Iterator[ReviewedAnalysis]:
        """Every analysis somebody has reviewed, with its reviews, oldest analysis first; streamed."""
        with self.session() as session:
            ids = select(ReviewRow.analysis_id).distinct()
            query = (
                select(AnalysisRow, ArticleRow.content_hash)
                .join(ArticleRow)
                .where(AnalysisRow.id.in_(ids))
                .order_by(AnalysisRow.created_at, AnalysisRow.id)
            )
            rows = session.execute(query).all()
            for start in range(0, len(rows), 200):
                chunk = rows[start : start + 200]
                reviews = _reviews_of(session, [row.id for row, _ in chunk])
                for row, hashed in chunk:
                    analysis = analysis_from_dict(json.loads(row.document))
                    stored = StoredAnalysis(row.id, _aware(row.created_at), analysis)
                    yield ReviewedAnalysis(stored, row.article_id, hashed, tuple(reviews.get(row.id, [])))

    # -- corpus -----------------------------------------------------------------------------------------

    @_boundary
    def add_articles(self, articles: Sequence[Article]) -> IngestCounts:
        """Add articles to the corpus in one transaction, skipping any whose normalised text is already
        there (or earlier in the same batch). The database enforces it (a unique index, insert-or-skip),
        so concurrent ingests cannot add the same text twice."""
        counts = IngestCounts()
        now = datetime.now(UTC)
        with self.session() as session, session.begin():
            for article in articles:
                row = _article_values(article, now, in_corpus=True)
                added = _insert_or_skip(
                    session, ArticleRow, row, ["content_hash"], where=text(IS_CORPUS_ARTICLE)
                )
                if added:
                    counts.new += 1
                else:
                    counts.duplicate += 1
        return counts

    @_boundary
    def corpus_version(self) -> tuple[int, str | None]:
        """Changes whenever a corpus analysis is added: (how many there are, the newest id and time)."""
        query = select(func.count(), func.max(AnalysisRow.created_at)).where(AnalysisRow.kind == "corpus")
        with self.session() as session:
            count, newest = session.execute(query).one()
        return int(count or 0), str(newest) if newest else None

    @_boundary
    def corpus_has_sources(self) -> bool:
        """Whether any corpus article names its source (outlet)."""
        query = (
            select(ArticleRow.id)
            .where(ArticleRow.in_corpus.is_(True), ArticleRow.source.is_not(None))
            .limit(1)
        )
        with self.session() as session:
            return session.scalar(query) is not None

    @_boundary
    def corpus_size(self) -> int:
        with self.session() as session:
            query = select(func.count()).select_from(ArticleRow).where(ArticleRow.in_corpus.is_(True))
            return int(session.scalar(query) or 0)

    @_boundary
    def pending(self, model: str, *, limit: int) -> list[tuple[int, Article]]:
        """Corpus articles with no corpus analysis by `model` yet, oldest first."""
        query = (
            select(ArticleRow)
            .where(ArticleRow.in_corpus.is_(True), ArticleRow.id.not_in(_analysed_by(model)))
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        with self.session() as session:
            return [(row.id, _article(row)) for row in session.scalars(query)]

    @_boundary
    def claim_pending(
        self, model: str, *, limit: int, owner: str, lease: timedelta = timedelta(minutes=30)
    ) -> list[tuple[int, Article]]:
        """Claim up to `limit` pending corpus articles for `model`, oldest first, for `owner` (a process,
        ``host:pid:started``): articles no other live run has claimed. Concurrent runs so split the work;
        claims of a run that died (its process gone from this host, or its lease over) are taken over."""
        now = datetime.now(UTC)
        with self.session() as session, session.begin():
            for claim in session.scalars(select(ClaimRow).where(ClaimRow.model == model)):
                if _aware(claim.expires_at) < now or not _owner_alive(claim.owner):
                    session.delete(claim)
            session.flush()
            claimed = select(ClaimRow.article_id).where(ClaimRow.model == model)
            query = (
                select(ArticleRow)
                .where(
                    ArticleRow.in_corpus.is_(True),
                    ArticleRow.id.not_in(_analysed_by(model)),
                    ArticleRow.id.not_in(claimed),
                )
                .order_by(ArticleRow.id)
                .limit(limit)
            )
            mine = []
            for row in session.scalars(query).all():
                values = {"article_id": row.id, "model": model, "owner": owner, "expires_at": now + lease}
                if _insert_or_skip(session, ClaimRow, values, ["article_id", "model"]):
                    mine.append((row.id, _article(row)))
            # another run may have stored one of these (and released its claim) since they were selected
            keys = [key for key, _ in mine]
            done = set(session.scalars(_analysed_by(model).where(AnalysisRow.article_id.in_(keys))))
            if done:
                session.execute(
                    delete(ClaimRow).where(ClaimRow.model == model, ClaimRow.article_id.in_(done))
                )
            return [(key, article) for key, article in mine if key not in done]

    @_boundary
    def count_pending(self, model: str) -> int:
        query = (
            select(func.count())
            .select_from(ArticleRow)
            .where(ArticleRow.in_corpus.is_(True), ArticleRow.id.not_in(_analysed_by(model)))
        )
        with self.session() as session:
            return int(session.scalar(query) or 0)

    @_boundary
    def save_corpus_batch(self, batch: Sequence[tuple[int, Analysis]]) -> int:
        """Store a batch of corpus analyses in one transaction and release their claims; an article another
        run stored first is skipped (one corpus analysis per article and model). Returns how many were
        stored."""
        now = datetime.now(UTC)
        stored = 0
        with self.session() as session, session.begin():
            for key, analysis in batch:
                values = _analysis_values(analysis, key, now, kind="corpus")
                stored += _insert_or_skip(
                    session, AnalysisRow, values, ["article_id", "model"], where=text(IS_CORPUS_ANALYSIS)
                )
                session.execute(
                    delete(ClaimRow).where(ClaimRow.article_id == key, ClaimRow.model == analysis.model)
                )
        return stored

    @_boundary
    def corpus_analyses(self, model: str | None = None) -> Iterator[CorpusAnalysis]:
        """Every corpus analysis (of `model`, default: the most recent model used), streamed."""
        with self.session() as session:
            if model is None:
                latest = (
                    select(AnalysisRow.model)
                    .where(AnalysisRow.kind == "corpus")
                    .order_by(AnalysisRow.created_at.desc())
                    .limit(1)
                )
                model = session.scalar(latest)
                if model is None:
                    return
            query = (
                select(AnalysisRow.article_id, AnalysisRow.document)
                .where(AnalysisRow.kind == "corpus", AnalysisRow.model == model)
                .order_by(AnalysisRow.article_id)
                .execution_options(yield_per=200)
            )
            for article_key, document in session.execute(query):
                yield CorpusAnalysis(article_key, analysis_from_dict(json.loads(document)))

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except SQLAlchemyError:
            return False


def _article_values(article: Article, now: datetime, *, in_corpus: bool) -> dict[str, Any]:
    return {
        "external_id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "text": article.text,
        "content_hash": content_hash(article.text),
        "in_corpus": in_corpus,
        "created_at": now,
    }


def _analysis_values(analysis: Analysis, article_key: int, now: datetime, *, kind: str) -> dict[str, Any]:
    return {
        "id": secrets.token_hex(8),
        "article_id": article_key,
        "model": analysis.model,
        "taxonomy": analysis.taxonomy,
        "created_at": now,
        "propaganda_score": float(analysis.figures.get("propaganda_score", 0.0)),
        "spans": len(analysis.spans),
        "document": json.dumps(analysis_to_dict(analysis), ensure_ascii=False),
        "kind": kind,
    }


def _review(row: ReviewRow) -> Review:
    return Review(
        Action(row.action),
        row.reviewer,
        row.span,
        row.start,
        row.end,
        row.technique,
        row.added,
        row.id,
        _aware(row.created_at),
    )


def _reviews_of(session: Session, analysis_ids: Sequence[str]) -> dict[str, list[Review]]:
    """The reviews of these analyses, by analysis id, each list oldest first."""
    found: dict[str, list[Review]] = {}
    if not analysis_ids:
        return found
    query = select(ReviewRow).where(ReviewRow.analysis_id.in_(analysis_ids)).order_by(ReviewRow.id)
    for row in session.scalars(query):
        found.setdefault(row.analysis_id, []).append(_review(row))
    return found


def _summary(row: AnalysisRow, reviews: list[Review] | None) -> str | None:
    if not reviews:
        return None
    return review_state(analysis_from_dict(json.loads(row.document)), reviews).summary


def _analysed_by(model: str) -> Any:
    """The ids of the articles with a corpus analysis by `model` (a subquery)."""
    return select(AnalysisRow.article_id).where(AnalysisRow.kind == "corpus", AnalysisRow.model == model)


def _insert_or_skip(
    session: Session, table: type[Base], values: dict[str, Any], keys: list[str], where: Any = None
) -> int:
    """INSERT ... ON CONFLICT (keys) [WHERE where] DO NOTHING, on SQLite and PostgreSQL: 1 if inserted."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys, index_where=where)
    )
    # RETURNING tells inserted from skipped on both databases (rowcount does not, through psycopg)
    returned = session.execute(statement.returning(*table.__table__.primary_key)).first()
    return int(returned is not None)


def _owner_alive(owner: str) -> bool:
    """Whether the process named by a claim's owner (``host:pid:started``) may still be running: a
    process of another host is assumed alive (its lease ends the claim), one of this host is checked."""
    host, _, rest = owner.partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_owner() -> str:
    """This process as the owner of claims: ``host:pid:started``."""
    return f"{socket.gethostname()}:{os.getpid()}:{_STARTED}"


_STARTED = int(time.time())


def _article(row: ArticleRow) -> Article:
    return Article(
        id=row.external_id,
        text=row.text,
        title=row.title,
        source=row.source,
        url=row.url,
        published=row.published,
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _repeats() -> Any:
    """A subquery: for each group of analyses of the same text (its normalised hash) by the same model in
    the same taxonomy with the same outcome (spans and score), the newest one's id and the group's size."""
    group = (
        ArticleRow.content_hash,
        AnalysisRow.model,
        AnalysisRow.taxonomy,
        AnalysisRow.spans,
        AnalysisRow.propaganda_score,
    )
    ranked = (
        select(
            AnalysisRow.id,
            func.row_number()
            .over(partition_by=group, order_by=(AnalysisRow.created_at.desc(), AnalysisRow.id))
            .label("rank"),
            func.count().over(partition_by=group).label("times"),
        )
        .join(ArticleRow)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.times).where(ranked.c.rank == 1).subquery()
