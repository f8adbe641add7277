"""What both batch engines share: the input shards, the per-chunk analysis, one model per worker."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from proplens.document import Article
from proplens.errors import FormatError
from proplens.sinks.rows import rows_of

__all__ = [
    "SHARD_SUFFIXES",
    "Rows",
    "analyze_chunk",
    "chunks",
    "die_with_parent",
    "load_worker",
    "shard_files",
    "start_worker",
]

SHARD_SUFFIXES = (".jsonl", ".parquet")

Rows = tuple[dict[str, Any], list[dict[str, Any]]]
"""An article row and its span rows (`proplens.sinks.rows_of`)."""

T = TypeVar("T")

_WORKER: dict[str, Any] = {}


def shard_files(path: Path) -> list[Path]:
    """The shards: `path` itself, or every ``*.jsonl``/``*.parquet`` below it, sorted. Checked before
    anything (an output folder included) is created."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SHARD_SUFFIXES and p.is_file())
    else:
        raise FormatError(path, "no such file or directory")
    if not files or any(f.suffix.lower() not in SHARD_SUFFIXES for f in files):
        raise FormatError(path, "expected .jsonl or .parquet shards of articles (id, text, ...)")
    return files


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
