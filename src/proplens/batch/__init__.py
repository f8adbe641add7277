"""`proplens batch`: JSONL/Parquet shards in, Parquet out (one row per article, one per span), at scale.

Two engines run the same per-chunk function (`proplens.batch.work.analyze_chunk`), read their input with
the one reader (`proplens.sources`) and write through the same sink (`proplens.sinks.ParquetSink`), so their
outputs are identical row for row and a bad record is skipped with its reason by both:

- ``local`` (`run_local`): a process pool sized to the cores; each worker loads the model once;
- ``ray`` (`run_ray`): Ray Data with an actor pool (one model per actor), locally or on a Ray cluster.
"""

from proplens.batch.local import run_local
from proplens.batch.ray import run_ray
from proplens.batch.work import SHARD_SUFFIXES, analyze_chunk, shard_files

__all__ = ["SHARD_SUFFIXES", "analyze_chunk", "run_local", "run_ray", "shard_files"]
