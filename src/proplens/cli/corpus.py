"""`proplens ingest`, `run` and `report`: the news-corpus workflow over the store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from proplens.cli.app import app
from proplens.cli.common import (
    DB_HELP,
    MODEL_HELP,
    ColumnOption,
    RateBar,
    clean_errors,
    stderr,
    stdout,
)
from proplens.errors import ProplensError
from proplens.render.corpus import TOP_TECHNIQUES


class Grouping(StrEnum):
    auto = "auto"
    source = "source"
    prefix = "prefix"


class Period(StrEnum):
    week = "week"
    month = "month"


@app.command("ingest")
@clean_errors
def ingest_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Folders, .txt/.html/.json/.jsonl/.csv/.parquet files, RSS/Atom feeds (.rss/.atom/.xml), "
            "URLs.",
            show_default=False,
        ),
    ],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    column: ColumnOption = None,
    feed: Annotated[
        bool, typer.Option(help="Read every URL as an RSS/Atom feed (feeds are recognised by type anyway).")
    ] = False,
) -> None:
    """Load articles into the corpus, skipping duplicates (same text up to case and spacing)."""
    from proplens.corpus.ingest import ingest
    from proplens.render.tables import ingest_table
    from proplens.sources import parse_columns, read_sources
    from proplens.store import Store

    store = Store(db)
    sources = read_sources(inputs, columns=parse_columns(column or []), feed=feed)
    with stderr.status("ingesting") as status:
        report = ingest(store, sources, progress=lambda r: status.update(f"ingesting: {r.read:,} read"))
    for problem in report.rejected[:20]:
        stderr.print(f"[bold red]rejected[/bold red] {escape(str(problem))}", highlight=False, soft_wrap=True)
    if len(report.rejected) > 20:
        stderr.print(f"... and {len(report.rejected) - 20} more rejected", highlight=False)
    stdout.print(ingest_table(report.new, report.duplicate, len(report.rejected), store.corpus_size()))
    stderr.print(f"[dim]database: {escape(store.url)}[/dim]", highlight=False)
    if report.rejected:
        raise typer.Exit(code=1)


@app.command("run")
@clean_errors
def run_command(
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per batch (one transaction each).")] = 32,
    entities: Annotated[bool, typer.Option("--entities/--no-entities", help="Find targets (spaCy).")] = True,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many articles.")] = None,
) -> None:
    """Analyse every corpus article the current model has not analysed yet. Safe to kill and re-run."""
    from proplens.corpus.run import run_corpus
    from proplens.store import Store

    store = Store(db)
    with RateBar("analysing") as bar:
        report = run_corpus(
            store,
            model=model,
            batch_size=batch_size,
            entities=entities,
            limit=limit,
            progress=lambda done, total: bar.update(done=done, total=total),
        )
    stdout.print(
        f"analysed {report.analysed:,} articles with {report.model}; {report.remaining:,} still to do"
        + (f" ({report.skipped:,} were stored first by another run)" if report.skipped else "")
    )


@app.command("report")
@clean_errors
def report_command(
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    model_id: Annotated[
        str | None,
        typer.Option(
            help="Report the analyses of this model id (e.g. proplens-detector-5.1; default: the latest)."
        ),
    ] = None,
    group_by: Annotated[
        Grouping,
        typer.Option(
            help="Outlets from the articles' source, or the first characters of their id; auto: "
            "source when articles have one."
        ),
    ] = Grouping.auto,
    prefix_length: Annotated[int, typer.Option(min=1, help="Id characters that make a group (prefix).")] = 3,
    period: Annotated[Period, typer.Option(help="Time buckets of the publication dates.")] = Period.month,
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            metavar="WORD", help="A topic keyword: articles mentioning it form a group; repeatable."
        ),
    ] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the tables as CSV files into this folder.")] = None,
    parquet: Annotated[
        Path | None, typer.Option(help="Write the tables as Parquet files into this folder.")
    ] = None,
    plots: Annotated[Path | None, typer.Option(help="Write PNG and SVG plots into this folder.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Techniques shown as columns.")] = TOP_TECHNIQUES,
) -> None:
    """Techniques per outlet, period and topic: rates per 1,000 words with confidence intervals."""
    from proplens.corpus.exports import write_exports
    from proplens.corpus.report import corpus_report
    from proplens.render.corpus import report_view
    from proplens.render.plots import write_plots
    from proplens.render.tables import corpus_report_tables
    from proplens.store import Store

    result = corpus_report(
        Store(db),
        model=model_id,
        grouping=group_by.value,
        prefix_length=prefix_length,
        period=period.value,
        keywords=keyword or [],
    )
    if result is None:
        raise ProplensError(
            "no corpus analyses in the database yet: run `proplens ingest` and `proplens run`"
            + (f" (none by model {model_id})" if model_id else "")
        )
    for table in corpus_report_tables(report_view(result, top=top)):
        stdout.print(table)
    written = []
    if csv:
        written += write_exports(result, csv, csv=True, parquet=False)
    if parquet:
        written += write_exports(result, parquet, csv=False, parquet=True)
    if plots:
        written += write_plots(result, plots)
    for path in written:
        stderr.print(f"wrote {escape(str(path))}", highlight=False)
