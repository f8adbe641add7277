"""The tables: articles (the text every offset refers to) and analyses (one per article and model run).

An analysis row keeps the whole analysis as its versioned JSON document (the schema of
``proplens analyze --format json``), plus the few columns that lists and reports filter and sort on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["AnalysisRow", "ArticleRow", "Base"]


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    analyses: Mapped[list[AnalysisRow]] = relationship(back_populates="article")


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

    article: Mapped[ArticleRow] = relationship(back_populates="analyses")
