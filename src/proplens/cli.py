"""The ``proplens`` command line: thin Typer commands over the library functions.

Results go to stdout, errors to stderr as one line; exit code 0 on success, 1 on bad input, 2 on bad usage.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from proplens import __version__
from proplens.corpus.layout import find_splits
from proplens.corpus.stats import compute_stats
from proplens.errors import ProplensError
from proplens.io import ptc
from proplens.render.tables import stats_tables, techniques_table
from proplens.scoring import report, si, slc, tc
from proplens.techniques import Scheme

app = typer.Typer(
    name="proplens",
    help="Find propaganda and persuasion techniques in news articles.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Look at annotated corpora (PTC layout).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

stdout = Console()
stderr = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def _clean_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn proplens' own errors into one red line on stderr and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ProplensError as error:
            stderr.print(f"[bold red]error:[/bold red] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None

    return wrapper


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


class Task(StrEnum):
    si = "si"
    tc = "tc"
    slc = "slc"


@app.command()
@_clean_errors
def evaluate(
    task: Annotated[
        Task,
        typer.Option(
            help="si: span identification; tc: technique classification; "
            "slc: sentence-level (needs --articles).",
        ),
    ],
    gold: Annotated[Path, typer.Option(help="Gold label file or folder of per-article files.")],
    pred: Annotated[Path, typer.Option(help="Predicted label file, same layout as the gold.")],
    articles: Annotated[
        Path | None,
        typer.Option(help="Article folder: checks offsets against the texts; required for slc."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    confusion: Annotated[bool, typer.Option(help="tc: also print the confusion matrix.")] = False,
) -> None:
    """Score predictions against gold with the official SemEval-2020 Task 11 definitions.

    Label files: si uses [bold]id, start, end[/bold] lines (a technique column, if present, is
    ignored); tc and slc use [bold]id, technique, start, end[/bold] lines.
    """
    if task == Task.slc and articles is None:
        raise typer.BadParameter("slc needs --articles (sentences come from the article texts)")
    texts = {a.id: a for a in ptc.read_articles(articles)} if articles else None
    read = ptc.read_span_labels if task == Task.si else ptc.read_technique_labels
    references = read(gold, articles=texts)
    predictions = read(pred, articles=texts)
    keys: tuple[str, ...]
    if task == Task.si:
        scores = si.compute(predictions=predictions, references=references)
        keys = ("precision", "recall", "f1", "predicted_spans", "gold_spans")
    elif task == Task.tc:
        scores = tc.compute(predictions=predictions, references=references)
        keys = (
            "micro_f1",
            "micro_precision",
            "micro_recall",
            "macro_f1",
            "correct",
            "predicted",
            "gold",
        )
    else:
        assert texts is not None
        scores = slc.compute(predictions=predictions, references=references, articles=texts.values())
        keys = (
            "precision",
            "recall",
            "f1",
            "sentences",
            "gold_propaganda_sentences",
            "predicted_propaganda_sentences",
        )
    if as_json:
        extra: dict[str, Any] = {"task": task.value, "gold": str(gold), "pred": str(pred)}
        if task == Task.tc and confusion:
            extra["confusion"] = tc.confusion_matrix(predictions=predictions, references=references)
        sys.stdout.write(report.scores_json(scores, **extra) + "\n")
        return
    stdout.print(report.summary_table(f"{task.value.upper()} scores", scores, keys))
    if task == Task.tc:
        stdout.print(report.technique_table(scores))
        if confusion:
            matrix = tc.confusion_matrix(predictions=predictions, references=references)
            stdout.print(report.confusion_table(matrix))


@corpus_app.command("stats")
@_clean_errors
def corpus_stats(
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
    """Articles, characters, spans per technique and span lengths of a PTC-layout corpus."""
    results = {}
    for split in find_splits(path, labels=labels):
        articles = ptc.read_articles(split.articles)
        annotations = None
        if split.technique_labels is not None:
            annotations = ptc.read_technique_labels(
                split.technique_labels, articles={a.id: a for a in articles}
            )
        results[split.name] = (split, compute_stats(articles, annotations))
    if as_json:
        payload = {name: stats.to_dict() for name, (_, stats) in results.items()}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    for name, (split, stats) in results.items():
        source = f"{split.articles}" + (f" + {split.technique_labels}" if split.technique_labels else "")
        stdout.print(f"[dim]{source}[/dim]", highlight=False)
        for table in stats_tables(name, stats):
            stdout.print(table)


@app.command("techniques")
def list_techniques(
    scheme: Annotated[Scheme, typer.Option(help="Which taxonomy to list.")] = Scheme.PTC,
) -> None:
    """List the techniques proplens knows, with definitions and examples."""
    stdout.print(techniques_table(scheme))


def main() -> None:
    """Console-script entry point."""
    app()
