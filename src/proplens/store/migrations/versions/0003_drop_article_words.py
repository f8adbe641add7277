"""Drop `articles.words`: never read, and a third word-count rule beside the analysis' own figures.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as table:
        table.drop_column("words")


def downgrade() -> None:
    with op.batch_alter_table("articles") as table:
        table.add_column(sa.Column("words", sa.Integer(), nullable=False, server_default="0"))
