"""The Typer application and its command groups; the commands register themselves from their modules."""

from __future__ import annotations

from typing import Annotated

import typer

from proplens import __version__
from proplens.cli.common import stdout

__all__ = ["app", "dataset_app", "db_app", "model_app", "reviews_app"]

app = typer.Typer(
    name="proplens",
    help="Find propaganda and persuasion techniques in news articles.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
dataset_app = typer.Typer(help="Look at annotated datasets (PTC layout).", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")
db_app = typer.Typer(help="The database: its schema revision and upgrades.", no_args_is_help=True)
app.add_typer(db_app, name="db")
model_app = typer.Typer(help="The models: list them, look at one, install a trained one, choose one.")
app.add_typer(model_app, name="model")
reviews_app = typer.Typer(
    help="People's corrections of analyses: export them as a dataset, measure reviewers' agreement.",
    no_args_is_help=True,
)
app.add_typer(reviews_app, name="reviews")


def _version(value: bool) -> None:
    if value:
        stdout.print(f"proplens {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Find propaganda and persuasion techniques in news articles."""
