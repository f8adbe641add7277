"""The local batch engine: a process pool, chunks in order, a bounded number in flight."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from proplens.batch.work import analyze_chunk, chunks, shard_files, start_worker, threads_per_worker
from proplens.document import Article
from proplens.sinks.parquet import ParquetSink, SinkReport
from proplens.sources import Limits, Loaded, read_sources

__all__ = ["run_local"]


def run_local(
    shards: Path,
    output: Path,
    *,
    model: str | None = None,
    workers: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> SinkReport:
    """Analyse every article of the shards at `shards` into `output`; each worker's ONNX session gets
    cores / workers threads, and at most 2 chunks per worker are in flight, so memory stays flat."""
    files = [str(f) for f in shard_files(shards)]
    workers = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(
        workers, initializer=start_worker, initargs=(model, threads_per_worker(workers))
    )
    try:
        with ParquetSink(output) as sink:

            def articles() -> Any:
                for item in read_sources(files, limits=limits):
                    if isinstance(item, Loaded):
                        yield item.article
                    else:
                        sink.reject(item)

            in_flight: deque[Future[Any]] = deque()

            def collect() -> None:
                sink.add(in_flight.popleft().result())
                if progress:
                    progress(sink.report.articles)

            chunk: list[Article]
            for chunk in chunks(articles(), chunk_size):
                in_flight.append(pool.submit(analyze_chunk, chunk, entities=entities))
                if len(in_flight) >= 2 * workers:
                    collect()
            while in_flight:
                collect()
    except BaseException:
        # Ctrl-C, SIGTERM or an error: stop the workers now rather than finishing their chunks
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return sink.report
