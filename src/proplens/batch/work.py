"""What both batch engines share: the input shards and what is left to do of them, the per-chunk analysis,
one model per worker."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from proplens.document import Article
from proplens.errors import FormatError
from proplens.sinks.parquet import ParquetOutput, ShardRecord, SinkReport, shard_key
from proplens.sinks.rows import rows_of
from proplens.sources import Limits, Loaded, Problem, read_sources

__all__ = [
    "SHARD_SUFFIXES",
    "Plan",
    "Rows",
    "Shard",
    "analyze_chunk",
    "chunks",
    "die_with_parent",
    "load_worker",
    "plan_batch",
    "read_shard",
    "shard_files",
    "start_worker",
]

SHARD_SUFFIXES = (".jsonl", ".parquet")

Rows = tuple[dict[str, Any], list[dict[str, Any]]]
"""An article row and its span rows (`proplens.sinks.rows_of`)."""

T = TypeVar("T")

_WORKER: dict[str, Any] = {}


def shard_files(path: Path, *, outside: Path | None = None) -> list[Path]:
    """The shards: `path` itself, or every ``*.jsonl``/``*.parquet`` below it (but not below `outside`: a
    batch's own output kept inside its input folder is not input), sorted. Checked before anything (an
    output folder included) is created."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        below = outside.absolute() if outside is not None else None
        files = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in SHARD_SUFFIXES
            and p.is_file()
            and not (below is not None and p.absolute().is_relative_to(below))
        )
    else:
        raise FormatError(path, "no such file or directory")
    if not files or any(f.suffix.lower() not in SHARD_SUFFIXES for f in files):
        raise FormatError(path, "expected .jsonl or .parquet shards of articles (id, text, ...)")
    return files


@dataclass(frozen=True)
class Shard:
    """One input file: where it is, its path below the input folder, its size, and its name in the output."""

    path: str
    relative: str
    bytes: int
    key: str

    def record(self, settings: str, node: str = "") -> ShardRecord:
        return ShardRecord(shard=self.relative, bytes=self.bytes, settings=settings, node=node)


@dataclass
class Plan:
    """A batch before it starts: the output, the shards still to analyse, the settings they are analysed
    with, and the report already holding the shards an earlier run completed."""

    output: ParquetOutput
    todo: list[Shard]
    shards: list[Shard]
    settings: str
    report: SinkReport


def plan_batch(
    shards: Path, output: str | Path, *, model: str | None, entities: bool, limits: Limits
) -> Plan:
    """Check the input, the model and the output (each failing in one line before anything is written),
    then list the shards: those whose record in the output matches their input and settings are done."""
    local_output = Path(output) if "://" not in str(output) else None
    files = shard_files(shards, outside=local_output)
    root = shards if shards.is_dir() else shards.parent
    found = [
        Shard(str(f), rel, f.stat().st_size, shard_key(rel))
        for f in files
        for rel in [f.relative_to(root).as_posix()]
    ]
    out = ParquetOutput(str(output))
    out.check_writable()
    settings = settings_fingerprint(model, entities, limits)
    report, todo = SinkReport(shards=0), []
    for shard in found:
        record = out.record(shard.key)
        if record is not None and record.matches(shard.relative, shard.bytes, settings):
            record.add_to(report)
            report.resumed += 1
            report.resumed_articles += record.articles
        else:
            todo.append(shard)
    return Plan(out, todo, found, settings, report)


def settings_fingerprint(model: str | None, entities: bool, limits: Limits) -> str:
    """What a shard's rows depend on besides its input: the model (its ``detector.json``, which names its
    version and calibration), whether targets are found, and the length cap."""
    from proplens.models.catalog import model_directory
    from proplens.models.detector import INFO_FILE

    info = (model_directory(model) / INFO_FILE).read_bytes()
    described = json.dumps({"entities": entities, "max_chars": limits.max_chars}).encode()
    return hashlib.sha256(info + b"\0" + described).hexdigest()[:16]


def read_shard(path: str, limits: Limits, reject: Callable[[Problem], None]) -> Iterator[Article]:
    """The articles of one shard, read with the one reader; each unreadable record goes to `reject`."""
    for item in read_sources([path], limits=limits):
        if isinstance(item, Loaded):
            yield item.article
        else:
            reject(item)


def load_worker(model: str | None, threads: int) -> None:
    """Process-pool initializer (and Ray actor constructor): load the model once per worker."""
    from proplens.models.detector import load_detector

    _WORKER["detector"] = load_detector(model, threads=threads)


def die_with_parent() -> None:
    """Make this worker process end when the process that started it ends, even by SIGKILL: the kernel
    sends SIGTERM on the parent's death (Linux), and a watcher thread exits if the parent changes."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="proplens-parent-watch", daemon=True).start()


def start_worker(model: str | None, threads: int) -> None:
    """The local engine's process-pool initializer: tie the worker to its parent, then load the model."""
    die_with_parent()
    load_worker(model, threads)


def analyze_chunk(articles: Sequence[Article], *, entities: bool = True, detector: Any = None) -> list[Rows]:
    """The per-chunk function both engines run: analyses as rows."""
    from proplens.api import analyze_many

    found = analyze_many(
        articles, batch_size=len(articles) or 1, model=detector or _WORKER["detector"], entities=entities
    )
    return [rows_of(a) for a in found]


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def threads_per_worker(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // workers)
