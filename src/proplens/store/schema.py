"""The tables: articles (the text every offset refers to), analyses (one per article and model run) and
reviews (people's corrections of an analysis).

Changing a table here needs a migration beside it (``proplens/store/migrations/versions``): the tests
compare these tables with the database the migrations build.

An analysis row keeps the whole analysis as its versioned JSON document (the schema of
``proplens analyze --format json``), plus the few columns that lists and reports filter and sort on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text  # `text` is also a column of the articles table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "IS_CORPUS_ANALYSIS",
    "IS_CORPUS_ARTICLE",
    "AnalysisRow",
    "ArticleRow",
    "Base",
    "ClaimRow",
    "ReviewRow",
]

IS_CORPUS_ARTICLE = "in_corpus"
"""The condition of the partial unique index on corpus texts (and of inserts that skip on conflict with
it: both must say it the same way)."""
IS_CORPUS_ANALYSIS = "kind = 'corpus'"
"""The condition of the partial unique index allowing one corpus analysis per article and model."""


class Base(DeclarativeBase):
    """Declarative base of proplens' tables."""


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(512), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(512), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    """sha256 of the text, lower-cased with whitespace runs collapsed (the de-duplication key)."""
    in_corpus: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    """Ingested with ``proplens ingest`` (True) rather than submitted in the web app."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    analyses: Mapped[list[AnalysisRow]] = relationship(back_populates="article")

    __table_args__ = (
        # one corpus article per normalised text: concurrent ingests cannot add the same article twice
        Index(
            "one_corpus_article_per_text",
            "content_hash",
            unique=True,
            sqlite_where=sql_text(IS_CORPUS_ARTICLE),
            postgresql_where=sql_text(IS_CORPUS_ARTICLE),
        ),
    )


class AnalysisRow(Base):
    __tablename__ = "analyses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(128), index=True)
    taxonomy: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    propaganda_score: Mapped[float] = mapped_column(Float)
    spans: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="web")
    """``web`` (a page or API request) or ``corpus`` (``proplens run``)."""

    article: Mapped[ArticleRow] = relationship(back_populates="analyses")

    __table_args__ = (
        # one corpus analysis per article and model version: `proplens run` can never analyse twice
        Index(
            "one_corpus_analysis_per_model",
            "article_id",
            "model",
            unique=True,
            sqlite_where=sql_text(IS_CORPUS_ANALYSIS),
            postgresql_where=sql_text(IS_CORPUS_ANALYSIS),
        ),
    )


class ClaimRow(Base):
    """A run's claim on an article it is analysing with a model, so that concurrent runs split the work.
    A claim ends when its analysis is stored, when it expires, or when its owner process is gone."""

    __tablename__ = "corpus_claims"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    """``host:pid:start`` of the claiming process."""
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewRow(Base):
    """One review action on an analysis (`proplens.review.Review`). It names the analysis it corrects and,
    through it, the article whose text its offsets point into; `content_hash` repeats that text's key so
    that an export can tell two reviews of the same text apart from reviews of two texts."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(64), index=True)
    span: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    technique: Mapped[str | None] = mapped_column(String(64))
    added: Mapped[int | None] = mapped_column(Integer)
    """The id of the ``add`` review this one changes or withdraws."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
