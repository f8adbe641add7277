"""Storage of articles and their analyses: SQLAlchemy 2, SQLite by default, PostgreSQL by URL.

One schema and one module shared by the web app (history, permalinks) and the corpus commands; its
changes are Alembic migrations (`proplens.store.migrate`, `proplens db upgrade`).
"""

from proplens.store.database import (
    DEFAULT_DATABASE_URL,
    AnalysisSummary,
    CorpusAnalysis,
    IngestCounts,
    ReviewedAnalysis,
    Store,
    StoredAnalysis,
    content_hash,
    open_engine,
    translated,
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
    "translated",
]
