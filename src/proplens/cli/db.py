"""`proplens db`: which schema revision a database is at, and upgrading it to this proplens' revision."""

from __future__ import annotations

from typing import Annotated

import typer

from proplens.cli.app import db_app
from proplens.cli.common import DB_HELP, clean_errors, stdout
from proplens.store import open_engine, translated
from proplens.store.migrate import HEAD, current_revision, upgrade


@db_app.command("status")
@clean_errors
def status_command(db: Annotated[str | None, typer.Option(help=DB_HELP)] = None) -> None:
    """Show the database's schema revision and whether it needs `proplens db upgrade`."""
    engine, url = open_engine(db)
    with translated(url):
        revision = current_revision(engine)
    if revision is None:
        stdout.print(
            f"{url}: empty (it is created at revision {HEAD} when first used)", highlight=False, markup=False
        )
    elif revision == HEAD:
        stdout.print(f"{url}: revision {revision}, up to date", highlight=False, markup=False)
    else:
        stdout.print(
            f"{url}: revision {revision}; this proplens needs {HEAD}: run `proplens db upgrade`",
            highlight=False,
            markup=False,
        )


@db_app.command("upgrade")
@clean_errors
def upgrade_command(db: Annotated[str | None, typer.Option(help=DB_HELP)] = None) -> None:
    """Upgrade the database's schema to this proplens' revision, keeping every row (back it up first)."""
    engine, url = open_engine(db)
    with translated(url):
        before, after = upgrade(engine)
    if before == after:
        stdout.print(f"{url}: already at revision {after}", highlight=False, markup=False)
    else:
        stdout.print(
            f"{url}: upgraded from revision {before or 'none (new)'} to {after}",
            highlight=False,
            markup=False,
        )
