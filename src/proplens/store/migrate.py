"""Schema migrations: which revision a database is at, and bringing it to the one this proplens needs.

Revisions live in ``proplens/store/migrations/versions`` (Alembic). A new, empty database is created by
running every revision; a database made by an older proplens is upgraded only on request
(`proplens db upgrade`), so that a shared server never changes schema behind its operator's back.
Databases made before migrations existed carry no ``alembic_version`` table: their revision is read off
their columns (``analyses.kind`` arrived with the corpus, revision 0002).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from proplens.errors import StoreError

__all__ = ["HEAD", "check_schema", "current_revision", "upgrade"]

_SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


HEAD: str = ScriptDirectory.from_config(_config()).get_current_head() or ""
"""The revision this proplens reads and writes."""


def current_revision(engine: Engine) -> str | None:
    """The database's revision; None for an empty database (no proplens tables)."""
    with engine.connect() as connection:
        recorded = MigrationContext.configure(connection).get_current_revision()
        if recorded is not None:
            return recorded
        tables = set(inspect(connection).get_table_names())
        if not {"articles", "analyses"} <= tables:
            return None
        columns = {c["name"] for c in inspect(connection).get_columns("analyses")}
        return "0002" if "kind" in columns else "0001"


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    """One process at a time changes the schema: an advisory lock on PostgreSQL, a lock on the database
    file for SQLite (processes that open a new database at once wait, then find it made)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if (
        engine.dialect.name != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        yield
        return
    with open(database, "ab") as handle:  # SQLite is happy to find an empty file
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_LOCK_KEY = 0x70726F706C656E73  # "proplens"


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the database to `revision` (default: the newest); returns (revision before, after)."""
    with _exclusive(engine):
        before = current_revision(engine)
        with engine.begin() as connection:
            config = _config(connection)
            if before is not None and MigrationContext.configure(connection).get_current_revision() is None:
                command.stamp(config, before)  # a database from before migrations: record what it is
            command.upgrade(config, revision)
        return before, current_revision(engine) or ""


def _upgrade_to_head(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def check_schema(engine: Engine, url: str) -> None:
    """Create an empty database at the newest revision; refuse one at another revision, saying what to do."""
    revision = current_revision(engine)
    if revision != HEAD:
        # another process may be making this database right now: wait for it, then look again
        with _exclusive(engine):
            revision = current_revision(engine)
            if revision is None:
                _upgrade_to_head(engine)
                return
    if revision != HEAD:
        known = {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}
        if revision not in known:
            raise StoreError(
                f"database {url} is at schema revision {revision}, which this proplens does not know "
                f"(it reads {HEAD}): it was made by a newer proplens"
            )
        raise StoreError(
            f"database {url} is at schema revision {revision}, this proplens needs {HEAD}: "
            f"run `proplens db upgrade --db {url}` (back it up first)"
        )
