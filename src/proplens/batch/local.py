"""The local batch engine: a process pool analyses chunks in order, a bounded number in flight, and this
process writes each shard's files as its chunks come back."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from proplens.batch.progress import Snapshot, Tally
from proplens.batch.work import (
    analyze_chunk,
    chunks,
    plan_batch,
    read_shard,
    start_worker,
    threads_per_worker,
)
from proplens.document import Article
from proplens.sinks.parquet import ShardWriter, SinkReport
from proplens.sources import Limits, Problem

__all__ = ["run_local"]


def run_local(
    shards: Path,
    output: str | Path,
    *,
    model: str | None = None,
    workers: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    limits: Limits | None = None,
    progress: Callable[[Snapshot], None] | None = None,
) -> SinkReport:
    """Analyse every article of the shards at `shards` into `output` (a folder or a pyarrow URI), skipping
    the shards an earlier run completed. Each worker's ONNX session gets cores / workers threads, and at
    most 2 chunks per worker are in flight, so memory stays flat."""
    limits = limits or Limits()
    plan = plan_batch(shards, output, model=model, entities=entities, limits=limits)
    report, tally = plan.report, Tally(plan.shards, plan.todo, progress)
    if not plan.todo:
        return report
    workers = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(
        workers, initializer=start_worker, initargs=(model, threads_per_worker(workers))
    )
    # chunk results (or None: "the shard's last chunk is in") in order, each with its shard's writer
    in_flight: deque[tuple[Future[Any] | None, ShardWriter]] = deque()
    open_writers: list[ShardWriter] = []

    def collect() -> None:
        future, writer = in_flight.popleft()
        if future is not None:
            rows = future.result()
            writer.add(rows)
            tally.add(articles=len(rows))
            return
        writer.__exit__(None, None, None)
        open_writers.remove(writer)
        if writer.record.articles:
            writer.record.add_to(report)
        else:  # nothing readable: no files, no record (the shard is read again next time)
            report.rejected.extend(writer.record.rejected())
        tally.add(shard_done=True)

    try:
        for shard in plan.todo:
            writer = plan.output.writer(shard.key, shard.record(plan.settings, node="local")).__enter__()
            open_writers.append(writer)

            def reject(problem: Problem, writer: ShardWriter = writer) -> None:
                writer.reject(problem)
                tally.add(skipped=1)

            chunk: list[Article]
            for chunk in chunks(read_shard(shard.path, limits, reject), chunk_size):
                in_flight.append((pool.submit(analyze_chunk, chunk, entities=entities), writer))
                if len(in_flight) >= 2 * workers:
                    collect()
            in_flight.append((None, writer))
        while in_flight:
            collect()
    except BaseException as error:
        # Ctrl-C, SIGTERM or an error: stop the workers now rather than finishing their chunks; the
        # shards not complete leave nothing behind
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for writer in open_writers:
            writer.__exit__(type(error), error, None)
        raise
    pool.shutdown()
    report.seconds = tally.snapshot().elapsed
    return report
