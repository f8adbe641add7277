"""Corpus de-duplication enforced by the database, and claims so that concurrent runs split the work.

- ``one_corpus_article_per_text``: a unique index on the content hash of corpus articles. Duplicates made
  before it (concurrent ingests could make them) are taken out of the corpus first — the oldest copy stays,
  later copies become plain stored articles and their corpus analyses (repeats of the oldest's) are removed.
- ``corpus_claims``: which run is analysing which article with which model, until when.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_LATER_COPIES = """
    SELECT a.id FROM articles a
    WHERE a.in_corpus AND EXISTS (
        SELECT 1 FROM articles b WHERE b.in_corpus AND b.content_hash = a.content_hash AND b.id < a.id
    )
"""


def upgrade() -> None:
    op.execute(f"DELETE FROM analyses WHERE kind = 'corpus' AND article_id IN ({_LATER_COPIES})")
    op.execute(f"UPDATE articles SET in_corpus = false WHERE id IN (SELECT id FROM ({_LATER_COPIES}) later)")
    op.create_index(
        "one_corpus_article_per_text",
        "articles",
        ["content_hash"],
        unique=True,
        sqlite_where=sa.text("in_corpus"),
        postgresql_where=sa.text("in_corpus"),
    )
    op.create_table(
        "corpus_claims",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("model", sa.String(128), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("corpus_claims")
    op.drop_index("one_corpus_article_per_text", table_name="articles")
