"""`proplens dataset stats`: what an annotated PTC-layout dataset holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from proplens.cli.app import dataset_app
from proplens.cli.common import clean_errors, print_json, stdout
from proplens.dataset.stats import describe_splits
from proplens.render.tables import stats_tables


@dataset_app.command("stats")
@clean_errors
def dataset_stats(
    path: Annotated[
        Path,
        typer.Argument(help="An article folder (article<ID>.txt) or a folder of <split>-articles."),
    ],
    labels: Annotated[
        Path | None,
        typer.Option(help="Technique label file; default: <split>-task-flc-tc.labels beside it."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Articles, characters, spans per technique and span lengths of a PTC-layout dataset."""
    results = describe_splits(path, labels=labels)
    if as_json:
        print_json({name: stats.to_dict() for name, (_, stats) in results.items()})
        return
    for name, (split, stats) in results.items():
        source = f"{split.articles}" + (f" + {split.technique_labels}" if split.technique_labels else "")
        stdout.print(f"[dim]{escape(source)}[/dim]", highlight=False)
        for table in stats_tables(name, stats):
            stdout.print(table)
