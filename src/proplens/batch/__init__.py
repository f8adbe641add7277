"""`proplens batch`: JSONL/Parquet shards to Parquet files per shard (one row per article, one per span),
at scale, resumable.

Two engines run the same per-chunk function (`proplens.batch.work.analyze_chunk`), read their input with
the one reader (`proplens.sources`) and write a shard's files through the same sink
(`proplens.sinks.parquet`), to a folder or any pyarrow filesystem URI, so their outputs are identical row
for row and a bad record is skipped with its reason by both:

- ``local`` (`run_local`): a process pool sized to the cores; each worker loads the model once;
- ``ray`` (`run_ray`): Ray Data with an autoscaling actor pool (one model per actor, sized by the
  cluster), locally or on a Ray cluster; the actors write their shards themselves.

A rerun skips the shards an earlier run completed (`plan_batch`); `proplens.batch.progress` tells how far
a run is.
"""

from proplens.batch.local import run_local
from proplens.batch.ray import run_ray
from proplens.batch.work import SHARD_SUFFIXES, analyze_chunk, plan_batch, shard_files

__all__ = ["SHARD_SUFFIXES", "analyze_chunk", "plan_batch", "run_local", "run_ray", "shard_files"]
