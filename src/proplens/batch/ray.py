"""The Ray batch engine: Ray Data reads the shards (one task per file, with the one reader), an actor pool
analyses (one model per actor), and the driver streams the rows into the same Parquet sink as the local
engine. ``address`` points it at a Ray cluster; without one, Ray starts locally."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from proplens._extras import require
from proplens.batch.work import analyze_chunk, load_worker, shard_files
from proplens.io.jsonl import article_to_dict
from proplens.sinks.parquet import ParquetSink, SinkReport
from proplens.sources import Limits, Loaded, Problem, article_from_record, read_sources

__all__ = ["run_ray"]


def _read_shard(row: dict[str, Any], limits: Limits) -> Iterator[dict[str, Any]]:
    """A read task: every article of one shard as a JSON record, every bad record as a problem."""
    for item in read_sources([row["path"]], limits=limits):
        if isinstance(item, Loaded):
            record = article_to_dict(item.article)
            yield {"article": json.dumps(record), "origin": item.origin, "problem": ""}
        else:
            yield {"article": "", "origin": item.origin, "problem": item.message}


class _RayAnalyzer:
    """A Ray actor: loads the model once, analyses batches of records and passes problems along."""

    def __init__(self, model: str | None, threads: int, entities: bool, limits: Limits) -> None:
        load_worker(model, threads)
        self.entities = entities
        self.limits = limits

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        rows = [dict(zip(batch.keys(), values, strict=True)) for values in zip(*batch.values(), strict=True)]
        readable = [r for r in rows if not r["problem"]]
        articles = [article_from_record(json.loads(r["article"]), r["origin"], self.limits) for r in readable]
        results = iter(analyze_chunk(articles, entities=self.entities))
        out: dict[str, list[str]] = {"article_row": [], "span_rows": [], "origin": [], "problem": []}
        for row in rows:
            article_row, span_rows = next(results) if not row["problem"] else ({}, [])
            out["article_row"].append(json.dumps(article_row))
            out["span_rows"].append(json.dumps(span_rows))
            out["origin"].append(row["origin"])
            out["problem"].append(row["problem"])
        return out


def run_ray(
    shards: Path,
    output: Path,
    *,
    model: str | None = None,
    address: str | None = None,
    actors: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> SinkReport:
    """Analyse every article of the shards at `shards` into `output` with Ray Data."""
    ray = require("ray", "ray")
    require("ray.data", "ray")

    files = [str(f) for f in shard_files(shards)]
    limits = limits or Limits()
    actors = actors or os.cpu_count() or 1
    if not ray.is_initialized():
        options: dict[str, Any] = {} if address else {"num_cpus": os.cpu_count() or 1}
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True, **options
        )
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    reading = 0.25  # CPUs per read task: reading is light; the CPUs are for the actors
    paths = ray.data.from_items([{"path": f} for f in files], override_num_blocks=len(files))
    records = paths.flat_map(_read_shard, fn_kwargs={"limits": limits}, num_cpus=reading)
    # actors leave part of a CPU free, or the read tasks feeding them could never be scheduled
    cpus = float(ray.cluster_resources().get("CPU", os.cpu_count() or 1)) - reading
    analysed = records.map_batches(
        _RayAnalyzer,
        fn_constructor_args=(model, 1, entities, limits),
        batch_size=chunk_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=max(0.1, min(1.0, cpus / actors)),
    )
    with ParquetSink(output) as sink:
        for batch in analysed.iter_batches(batch_size=chunk_size, batch_format="numpy"):
            results = []
            for article_row, span_rows, origin, problem in zip(
                batch["article_row"], batch["span_rows"], batch["origin"], batch["problem"], strict=True
            ):
                if problem:
                    sink.reject(Problem(str(origin), str(problem)))
                else:
                    results.append((json.loads(article_row), json.loads(span_rows)))
            sink.add(results)
            if progress:
                progress(sink.report.articles)
    return sink.report
