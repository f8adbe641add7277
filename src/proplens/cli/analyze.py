"""`proplens analyze`: inputs → articles → analyses → one output format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from proplens.cli.app import app
from proplens.cli.common import MODEL_HELP, ColumnOption, RateBar, clean_errors, stderr, stdout
from proplens.errors import ProplensError
from proplens.pipeline import analyze_sources
from proplens.sinks import OutputFormat, Sink
from proplens.sources import Limits, Problem, read_sources
from proplens.techniques import Taxonomy

_DEFAULT_LIMITS = Limits()


@app.command("analyze")
@clean_errors
def analyze_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .json, .jsonl, .csv, .parquet, .rss/.atom/.xml feeds), folders "
            "(searched recursively), URLs, or - for stdin.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="pretty (terminal), json, jsonl, html (one self-contained page), ptc (id, technique, "
            "start, end) or ptc-si (id, start, end). Default: from --out's suffix, else pretty on a "
            "terminal and jsonl in a pipe.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (atomically) instead of stdout.")
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            help="Lowest score a fragment needs to be reported (0-1): its calibrated probability of "
            "being propaganda, the score shown. Lower reveals more. Default: the model's tuned minimum.",
            show_default=False,
        ),
    ] = None,
    taxonomy: Annotated[
        Taxonomy,
        typer.Option(
            help="Technique names: ptc, or semeval2023 = SemEval-2023 names for the 14 PTC techniques the "
            "model detects (its 9 other techniques are never found)."
        ),
    ] = Taxonomy.PTC,
    entities: Annotated[
        bool, typer.Option("--entities/--no-entities", help="Find who each fragment targets (spaCy).")
    ] = True,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    column: ColumnOption = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Articles read and analysed per step (results do not depend on it).")
    ] = 16,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Refuse articles longer than this many characters.")
    ] = _DEFAULT_LIMITS.max_chars,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds to wait for a URL.")
    ] = _DEFAULT_LIMITS.timeout,
) -> None:
    """Show where articles use propaganda techniques: which fragment, which technique, how confident.

    Reads every input, analyses it and writes one report per article. An input (or a record of it) that
    cannot be read is reported on stderr and skipped; the exit code is 1 if any failed.
    """
    from proplens.sources import parse_columns

    chosen = output_format or (OutputFormat.for_path(out) if out else None)
    if chosen is None:
        chosen = OutputFormat.pretty if stdout.is_terminal else OutputFormat.jsonl
    limits = Limits(
        max_chars=max_chars, max_bytes=max(_DEFAULT_LIMITS.max_bytes, max_chars * 4), timeout=timeout
    )
    sources = read_sources(inputs, limits=limits, columns=parse_columns(column or []))
    results = analyze_sources(
        sources, batch_size=batch_size, min_score=min_score, model=model, entities=entities, taxonomy=taxonomy
    )
    failed = 0
    show_progress = chosen != OutputFormat.pretty or out is not None
    with Sink(chosen, out, console=stdout) as sink, RateBar("analysing", enabled=show_progress) as bar:
        for item in results:
            if isinstance(item, Problem):
                failed += 1
                stderr.print(
                    f"[bold red]skipped[/bold red] {escape(str(item))}", highlight=False, soft_wrap=True
                )
            else:
                if item.warning:
                    stderr.print(
                        f"[yellow]warning[/yellow] {escape(f'{item.origin}: {item.warning}')}",
                        highlight=False,
                    )
                sink.add(item)
            bar.update(advance=1)
    done = f"analysed {sink.count} article{'s' if sink.count != 1 else ''}"
    if failed:
        done += f", {failed} input{'s' if failed != 1 else ''} failed"
    if out is not None and sink.count:
        done += f"; wrote {out}"
    if out is not None or failed or sink.count != 1:
        stderr.print(done, highlight=False, soft_wrap=True)
    if sink.count == 0 and not failed:
        raise ProplensError("no articles found in the inputs")
    if failed:
        raise typer.Exit(code=1)
