"""Storage of articles and their analyses: SQLAlchemy 2, SQLite by default, PostgreSQL by URL.

One schema and one module shared by the web app (history, permalinks) and the corpus commands.
"""

from proplens.store.database import (
    DEFAULT_DATABASE_URL,
    AnalysisSummary,
    CorpusAnalysis,
    IngestCounts,
    Store,
    StoredAnalysis,
    content_hash,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AnalysisSummary",
    "CorpusAnalysis",
    "IngestCounts",
    "Store",
    "StoredAnalysis",
    "content_hash",
]
