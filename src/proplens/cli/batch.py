"""`proplens batch`: JSONL/Parquet shards to Parquet with the local or the Ray engine."""

from __future__ import annotations

import signal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from proplens.cli.app import app
from proplens.cli.common import MODEL_HELP, RateBar, clean_errors, stderr, stdout
from proplens.errors import ProplensError


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command("batch")
@clean_errors
def batch_command(
    shards: Annotated[
        Path, typer.Argument(help="A .jsonl/.parquet file of articles or a folder of such shards.")
    ],
    output: Annotated[Path, typer.Argument(help="Folder for articles.parquet and spans.parquet.")],
    engine: Annotated[
        Engine, typer.Option(help="local: a process pool; ray: Ray Data with an actor pool.")
    ] = Engine.local,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes (local) or actors (ray). Default: one per core.")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="ray: a Ray cluster address (default: start Ray here).")
    ] = None,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Articles per task.")] = 16,
    entities: Annotated[bool, typer.Option("--entities/--no-entities", help="Find targets (spaCy).")] = True,
) -> None:
    """Analyse JSONL/Parquet shards into Parquet: one row per article, one per span.

    A record that cannot be read is skipped with its reason on stderr; the exit code is then 1.
    """
    from proplens.batch import run_local, run_ray

    # SIGTERM ends the run like Ctrl-C: workers stopped, nothing half-written left behind
    signal.signal(signal.SIGTERM, _terminate)
    with RateBar(f"batch ({engine.value})") as bar:

        def advance(done: int) -> None:
            bar.update(done=done)

        common = {"model": model, "chunk_size": chunk_size, "entities": entities, "progress": advance}
        if engine == Engine.local:
            result = run_local(shards, output, workers=workers, **common)  # type: ignore[arg-type]
        else:
            result = run_ray(shards, output, address=address, actors=workers, **common)  # type: ignore[arg-type]
    for problem in result.rejected[:20]:
        stderr.print(f"[bold red]skipped[/bold red] {escape(str(problem))}", highlight=False, soft_wrap=True)
    if len(result.rejected) > 20:
        stderr.print(f"... and {len(result.rejected) - 20} more skipped", highlight=False)
    if result.articles == 0:
        raise ProplensError(f"{shards}: no readable articles ({len(result.rejected)} records skipped)")
    rate = result.articles / result.seconds if result.seconds else 0.0
    stdout.print(
        f"analysed {result.articles:,} articles ({result.spans:,} spans) in {result.seconds:.1f} s "
        f"= {rate:.2f} articles/s with the {engine.value} engine; "
        f"wrote {output}/articles.parquet and spans.parquet"
        + (f"; skipped {len(result.rejected):,} unreadable records" if result.rejected else "")
    )
    if result.rejected:
        raise typer.Exit(code=1)
