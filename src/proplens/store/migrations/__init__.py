"""Alembic migrations of the store's schema: one revision per change, applied by `proplens db upgrade`."""
