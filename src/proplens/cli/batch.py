"""`proplens batch`: JSONL/Parquet shards to Parquet files per shard, with the local or the Ray engine."""

from __future__ import annotations

import signal
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from proplens.cli.app import app
from proplens.cli.common import MODEL_HELP, clean_errors, stderr, stdout
from proplens.errors import ProplensError
from proplens.sinks.parquet import SinkReport

LOG_EVERY = 30.0
"""Seconds between progress lines when stderr is not a terminal (a log file, a cluster job's output)."""


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


class Engine(StrEnum):
    local = "local"
    ray = "ray"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "time left: counting"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    left = (
        f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
    )
    return f"{left} left"


def describe(snapshot: object) -> str:
    """One progress line: shards and articles done, articles/s, time left."""
    from proplens.batch.progress import Snapshot

    assert isinstance(snapshot, Snapshot)
    skipped = f", {snapshot.skipped:,} skipped" if snapshot.skipped else ""
    return (
        f"{snapshot.shards_done}/{snapshot.shards} shards, {snapshot.articles:,} articles{skipped}, "
        f"{snapshot.rate:.1f} articles/s, {_duration(snapshot.seconds_left)}"
    )


class BatchProgress:
    """Progress on stderr: a live line on a terminal, a plain line every `LOG_EVERY` s otherwise."""

    def __init__(self, engine: str) -> None:
        self.engine, self.last = engine, time.monotonic()
        self.live = stderr.is_terminal
        self.bar = Progress(
            TextColumn(f"batch ({engine})"),
            BarColumn(),
            TextColumn("{task.fields[line]}"),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
            disable=not self.live,
        )
        self.task = self.bar.add_task("batch", total=None, line="starting")

    def __call__(self, snapshot: object) -> None:
        from proplens.batch.progress import Snapshot

        assert isinstance(snapshot, Snapshot)
        if self.live:
            done = snapshot.articles + snapshot.skipped + snapshot.resumed_records
            self.bar.update(self.task, total=snapshot.records, completed=done, line=describe(snapshot))
        elif time.monotonic() - self.last >= LOG_EVERY:
            self.last = time.monotonic()
            stderr.print(f"batch ({self.engine}): {describe(snapshot)}", highlight=False, soft_wrap=True)

    def __enter__(self) -> BatchProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)


def summary(result: SinkReport, engine: str, output: str) -> str:
    """The closing line: what this run analysed, what earlier runs had, and where it all is."""
    fresh = result.articles - result.resumed_articles
    where = f"articles/ and spans/ under {output} (a Parquet file per shard)"
    skipped = f"; skipped {len(result.rejected):,} unreadable records" if result.rejected else ""
    earlier = f"{result.resumed} of {result.shards} shards ({result.resumed_articles:,} articles) were done"
    total = f"{result.articles:,} articles ({result.spans:,} spans) in {where}{skipped}"
    if fresh == 0:
        return f"nothing left to do: {earlier}; {total}"
    rate = fresh / result.seconds if result.seconds else 0.0
    return (
        f"analysed {fresh:,} articles in {result.seconds:.1f} s = {rate:.2f} articles/s with the {engine} "
        f"engine{'; ' + earlier if result.resumed else ''}; {total}"
    )


@app.command("batch")
@clean_errors
def batch_command(
    shards: Annotated[
        Path, typer.Argument(help="A .jsonl/.parquet file of articles or a folder of such shards.")
    ],
    output: Annotated[
        str,
        typer.Argument(
            help="Folder or URI (s3://, gs://, hdfs://, ...) for articles/ and spans/: a Parquet file per "
            "shard. A rerun skips the shards already complete there."
        ),
    ],
    engine: Annotated[
        Engine, typer.Option(help="local: a process pool here; ray: Ray Data actors, here or on a cluster.")
    ] = Engine.local,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes (local; default: one per core) or most actors (ray; default: as many as the "
            "cluster's CPUs hold, one per shard at most).",
        ),
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="ray: the cluster's HOST:PORT (default: start Ray here).")
    ] = None,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Articles per task.")] = 16,
    entities: Annotated[bool, typer.Option("--entities/--no-entities", help="Find targets (spaCy).")] = True,
) -> None:
    """Analyse JSONL/Parquet shards into Parquet: one row per article, one per span, a file per shard.

    A record that cannot be read is skipped with its reason on stderr; the exit code is then 1.
    """
    from proplens.batch import run_local, run_ray
    from proplens.sinks.parquet import shown_uri

    # SIGTERM ends the run like Ctrl-C: workers stopped, no incomplete shard left behind
    signal.signal(signal.SIGTERM, _terminate)
    with BatchProgress(engine.value) as progress:
        common = {"model": model, "chunk_size": chunk_size, "entities": entities, "progress": progress}
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
    stdout.print(escape(summary(result, engine.value, shown_uri(output))), highlight=False, soft_wrap=True)
    if result.rejected:
        raise typer.Exit(code=1)
