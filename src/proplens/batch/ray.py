"""The Ray batch engine: Ray Data hands the shards to an autoscaling pool of actors (one model each, one
CPU each) that read their shard with the one reader, analyse it chunk by chunk and write its Parquet files
themselves, where the output points (a shared folder, ``s3://``, ``gs://``, ``hdfs://``); the driver only
receives counts. ``address`` points it at a Ray cluster; without one, Ray starts here."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from proplens._extras import require
from proplens.batch.progress import Snapshot, Tally
from proplens.batch.work import Shard, analyze_chunk, chunks, load_worker, plan_batch, read_shard
from proplens.errors import ProplensError
from proplens.sinks.parquet import ParquetOutput, ShardRecord, SinkReport
from proplens.sources import Limits, Problem

__all__ = ["START_TIMEOUT", "run_ray"]

ACTOR_CPUS = 1.0
"""CPUs each analysis actor holds (its ONNX session runs one thread); a node of one CPU runs one actor."""
START_TIMEOUT = 60.0
"""Seconds to wait for the first chunk before saying what keeps the actors from starting."""


class _ShardAnalyzer:
    """A Ray actor: loads the model once; for each shard handed to it, reads it, analyses it chunk by
    chunk, writes its files, and yields a count per chunk and the shard's record at its end."""

    def __init__(
        self, model: str | None, entities: bool, limits: Limits, output: str, settings: str, chunk_size: int
    ) -> None:
        import ray

        load_worker(model, threads=1)
        self.entities, self.limits, self.chunk_size = entities, limits, chunk_size
        self.output, self.settings = ParquetOutput(output), settings
        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict[str, Any]) -> Iterator[dict[str, list[Any]]]:
        for path, relative, size, key in zip(
            batch["path"], batch["relative"], batch["bytes"], batch["key"], strict=True
        ):
            yield from self._analyse(Shard(str(path), str(relative), int(size), str(key)))

    def _analyse(self, shard: Shard) -> Iterator[dict[str, list[Any]]]:
        writer = self.output.writer(shard.key, shard.record(self.settings, node=self.node))
        skipped = 0

        def reject(problem: Problem) -> None:
            nonlocal skipped
            writer.reject(problem)
            skipped += 1

        with writer:
            for chunk in chunks(read_shard(shard.path, self.limits, reject), self.chunk_size):
                writer.add(analyze_chunk(chunk, entities=self.entities))
                yield _row(shard.key, len(chunk), skipped, "")
                skipped = 0
        yield _row(shard.key, 0, skipped, json.dumps(asdict(writer.record)))


def _row(key: str, articles: int, skipped: int, record: str) -> dict[str, list[Any]]:
    return {"key": [key], "articles": [articles], "skipped": [skipped], "record": [record]}


def run_ray(
    shards: Path,
    output: str | Path,
    *,
    model: str | None = None,
    address: str | None = None,
    actors: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    limits: Limits | None = None,
    progress: Callable[[Snapshot], None] | None = None,
    start_timeout: float = START_TIMEOUT,
) -> SinkReport:
    """Analyse every article of the shards at `shards` into `output` with Ray Data, skipping the shards an
    earlier run completed. `actors` caps the pool, which otherwise grows with the cluster's CPUs (and
    never beyond one actor per shard still to do)."""
    ray = require("ray", "ray")
    require("ray.data", "ray")
    limits = limits or Limits()
    plan = plan_batch(shards, output, model=model, entities=entities, limits=limits)
    report, tally = plan.report, Tally(plan.shards, plan.todo, progress)
    if not plan.todo:
        return report
    started_here = not ray.is_initialized()
    if started_here:
        _connect(ray, address)
    try:
        capacity = _actor_capacity(ray, address)
        upper = min(actors or len(plan.todo), len(plan.todo))
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = False
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        context.actor_pool_util_upscaling_threshold = 1.0  # one more actor whenever all are busy
        context.target_max_block_size = 1  # every chunk's count a block of its own: progress as it comes
        items = ray.data.from_items(
            [{"path": s.path, "relative": s.relative, "bytes": s.bytes, "key": s.key} for s in plan.todo],
            override_num_blocks=len(plan.todo),
        )
        done = items.map_batches(
            _ShardAnalyzer,
            fn_constructor_args=(model, entities, limits, plan.output.uri, plan.settings, chunk_size),
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(
                min_size=1,
                max_size=upper,
                initial_size=max(1, min(upper, capacity)),
                max_tasks_in_flight_per_actor=1,
            ),
            num_cpus=ACTOR_CPUS,
        )
        for row in _rows_within(
            done,
            start_timeout,
            lambda: _cpus_in_use(ray),
            lambda: _why_nothing_starts(ray, address, start_timeout),
        ):
            tally.add(
                articles=int(row["articles"]), skipped=int(row["skipped"]), shard_done=bool(row["record"])
            )
            if row["record"]:
                record = ShardRecord(**json.loads(row["record"]))
                record.problems = [tuple(p) for p in record.problems]  # type: ignore[misc]
                if record.articles:
                    record.add_to(report)
                else:
                    report.rejected.extend(record.rejected())
    except ProplensError:
        raise
    except Exception as error:  # a failure on the cluster: its cause, in one line
        raise ProplensError(f"the Ray batch failed: {_cause(error)}") from None
    finally:
        if started_here:
            ray.shutdown()
    report.seconds = tally.snapshot().elapsed
    return report


def _rows_within(
    dataset: Any, timeout: float, placed: Callable[[], bool], why: Callable[[], str]
) -> Iterator[dict[str, Any]]:
    """The dataset's rows as they come. If none has come after `timeout` seconds and nothing holds a CPU
    of the cluster (`placed` is false: no actor could start), an error saying why; if actors hold CPUs
    (a first shard can take long), a notice on stderr and the wait goes on."""
    rows: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=64)

    def pump() -> None:
        try:
            for row in dataset.iter_rows():
                rows.put(("row", row))
            rows.put(("end", None))
        except BaseException as error:  # handed to the driver's thread
            rows.put(("error", error))

    threading.Thread(target=pump, name="proplens-ray-rows", daemon=True).start()
    deadline: float | None = time.monotonic() + timeout
    while True:
        try:
            wait = None if deadline is None else max(0.1, deadline - time.monotonic())
            kind, value = rows.get(timeout=wait)
        except queue.Empty:
            if deadline is not None and time.monotonic() >= deadline:
                if not placed():
                    raise ProplensError(why()) from None
                print(f"proplens: {why()}; actors hold CPUs, waiting on", file=sys.stderr, flush=True)
                deadline = None
            continue
        if kind == "end":
            return
        if kind == "error":
            raise value
        deadline = None
        yield value


def _connect(ray: Any, address: str | None) -> None:
    """Start Ray here, or join the cluster at `address`; Ray's errors as one line saying what to do.
    Ray's own notices (token mode, address lookup, Ray Data's plans) stay out of the user's terminal."""
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with _native_stderr_muted():
        _init(ray, address)


@contextlib.contextmanager
def _native_stderr_muted() -> Iterator[None]:
    """Ray's C++ core prints notices straight to file descriptor 2 while it starts (its address lookup,
    its log level); they are dropped. Its errors still reach the user, as the exception `_init` turns
    into one line."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _init(ray: Any, address: str | None) -> None:
    if address is None:
        ray.init(
            num_cpus=os.cpu_count() or 1,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            _node_ip_address="127.0.0.1",  # a Ray started here listens on loopback only
        )
        return
    _probe(address)
    from ray.exceptions import AuthenticationError

    try:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    except Exception as error:
        text, chain = _cause(error), _chain_text(error)
        if isinstance(error, AuthenticationError) or "AuthenticationError" in chain:
            raise ProplensError(
                f"the Ray cluster at {address} refused this driver's token: give it the cluster's token "
                "(RAY_AUTH_TOKEN_PATH=FILE or RAY_AUTH_TOKEN=...; `ray get-auth-token` on the head prints it)"
            ) from None
        if "version mismatch" in chain.lower():
            raise ProplensError(
                f"the Ray cluster at {address} runs another Ray or Python version than this driver: "
                f"install the cluster's versions here ({text})"
            ) from None
        raise ProplensError(f"could not join the Ray cluster at {address}: {text}") from None


def _probe(address: str) -> None:
    """Fail in seconds, not minutes, where nothing listens at a ``host:port`` address."""
    if address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ProplensError(
            f"bad Ray address {address!r}: use HOST:PORT (the head's GCS port, 6379 by default)"
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except OSError as error:
        raise ProplensError(
            f"no Ray cluster answers at {address} ({error.strerror or error}): start its head with "
            f"`ray start --head --port {port}` or check the address"
        ) from None


def _actor_capacity(ray: Any, address: str | None) -> int:
    """How many analysis actors the cluster's live nodes hold now; none is an error at once."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    capacity = sum(int(n.get("Resources", {}).get("CPU", 0) // ACTOR_CPUS) for n in nodes)
    if capacity == 0:
        where = f"the Ray cluster at {address}" if address else "this machine's Ray"
        cpus = ", ".join(f"{n.get('Resources', {}).get('CPU', 0):g}" for n in nodes) or "none"
        raise ProplensError(
            f"{where} has no node with {ACTOR_CPUS:g} CPU for an analysis actor (CPUs per node: {cpus}): "
            "add a worker with `ray start --address HEAD:PORT --num-cpus 1` or more"
        )
    return capacity


def _cpus_in_use(ray: Any) -> bool:
    try:
        return bool(ray.available_resources().get("CPU", 0) < ray.cluster_resources().get("CPU", 0))
    except Exception:
        return True  # unknown: keep waiting rather than fail a run that may be fine


def _why_nothing_starts(ray: Any, address: str | None, waited: float) -> str:
    where = f"the Ray cluster at {address}" if address else "this machine's Ray"
    try:
        free = ray.available_resources().get("CPU", 0)
        total = ray.cluster_resources().get("CPU", 0)
        detail = f"{free:g} of {total:g} CPUs free"
    except Exception:
        detail = "its resources unknown"
    return (
        f"nothing analysed within {waited:g} s on {where} ({detail}); each "
        f"actor needs {ACTOR_CPUS:g} free CPU on one node and the model installed there: see `ray status`"
    )


def _chain_text(error: BaseException) -> str:
    """Every message of an error and of the errors behind it (Ray nests the one that says what happened)."""
    texts, seen = [], error
    for _ in range(10):
        texts.append(f"{type(seen).__name__}: {seen}")
        inner = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
        if not isinstance(inner, BaseException) or inner is seen:
            break
        seen = inner
    return "\n".join(texts)


def _cause(error: BaseException) -> str:
    """The innermost error's message, on one line (Ray wraps a worker's error with its traceback)."""
    seen = error
    for _ in range(10):
        inner = getattr(seen, "cause", None) or seen.__cause__
        if not isinstance(inner, BaseException) or inner is seen:
            break
        seen = inner
    if isinstance(seen, ProplensError):
        text = str(seen)
    else:
        lines = [line.strip() for line in str(seen).splitlines() if line.strip()]
        if any("Traceback (most recent call last)" in line for line in lines):
            lines = lines[-1:]  # a worker's traceback: its last line is the error
        text = f"{type(seen).__name__}: {' '.join(lines)}".rstrip(": ")
    return " ".join(text.split())[:400]
