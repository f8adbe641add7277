"""`proplens techniques`: the taxonomies proplens knows."""

from __future__ import annotations

from typing import Annotated

import typer

from proplens.cli.app import app
from proplens.cli.common import stdout
from proplens.render.tables import techniques_table
from proplens.techniques import Taxonomy


@app.command("techniques")
def list_techniques(
    taxonomy: Annotated[Taxonomy, typer.Option(help="Which taxonomy to list.")] = Taxonomy.PTC,
) -> None:
    """List the techniques proplens knows, with definitions and examples."""
    stdout.print(techniques_table(taxonomy))
