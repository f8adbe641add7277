"""The corpus: ingested articles (`in_corpus`), corpus analyses (`kind`), one per article and model.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as table:
        table.add_column(sa.Column("in_corpus", sa.Boolean(), nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("words", sa.Integer(), nullable=False, server_default="0"))
        table.create_index("ix_articles_in_corpus", ["in_corpus"])
    with op.batch_alter_table("analyses") as table:
        table.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="web"))
    op.create_index(
        "one_corpus_analysis_per_model",
        "analyses",
        ["article_id", "model"],
        unique=True,
        sqlite_where=sa.text("kind = 'corpus'"),
        postgresql_where=sa.text("kind = 'corpus'"),
    )


def downgrade() -> None:
    op.drop_index("one_corpus_analysis_per_model", table_name="analyses")
    with op.batch_alter_table("analyses") as table:
        table.drop_column("kind")
    with op.batch_alter_table("articles") as table:
        table.drop_index("ix_articles_in_corpus")
        table.drop_column("words")
        table.drop_column("in_corpus")
