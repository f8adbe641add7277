"""The Parquet sink of `proplens batch`: one set of files per input shard, written wherever the output
points — a local folder or any URI pyarrow opens (``s3://``, ``gs://``, ``hdfs://``, ...)::

    OUTPUT/articles/<shard>.parquet   one row per article
    OUTPUT/spans/<shard>.parquet      one row per span
    OUTPUT/_shards/<shard>.json       written last, when both are in place: the shard is complete

A shard's Parquet files appear only when complete (locally they have no name until then, Linux
``O_TMPFILE``; elsewhere they are written under a ``_`` name and moved into place), so a reader never sees
half a file and a run killed even by SIGKILL leaves nothing a reader would pick up: Arrow datasets, DuckDB
and Spark skip names that start with ``_`` or ``.``. The ``_shards`` records let a rerun skip the shards
already done with the same input and settings."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from proplens._extras import require
from proplens.errors import ProplensError
from proplens.sinks.rows import ARTICLE_COLUMNS, SPAN_COLUMNS
from proplens.sources import Problem

__all__ = ["ParquetOutput", "ShardRecord", "ShardWriter", "SinkReport", "shard_key", "shown_uri"]

TABLES = ("articles", "spans")
RECORDS = "_shards"
_KEPT_PROBLEMS = 1000  # skipped records kept in a shard's record (their count is always kept)


@dataclass
class SinkReport:
    """What a run wrote: articles, spans, the inputs or records it skipped, and how long it took."""

    articles: int = 0
    spans: int = 0
    seconds: float = 0.0
    rejected: list[Problem] = field(default_factory=list)
    shards: int = 0
    resumed: int = 0
    """Shards found complete from an earlier run and not analysed again."""
    resumed_articles: int = 0
    """Articles of those shards (counted in `articles`)."""


@dataclass
class ShardRecord:
    """A complete shard: where it came from, with which settings, what it gave, and who analysed it."""

    shard: str
    bytes: int
    settings: str
    articles: int = 0
    spans: int = 0
    skipped: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    node: str = ""
    seconds: float = 0.0

    def matches(self, shard: str, size: int, settings: str) -> bool:
        return (self.shard, self.bytes, self.settings) == (shard, size, settings)

    def rejected(self) -> list[Problem]:
        return [Problem(origin, message) for origin, message in self.problems]

    def add_to(self, report: SinkReport) -> None:
        report.articles += self.articles
        report.spans += self.spans
        report.rejected.extend(self.rejected())
        report.shards += 1


def shard_key(relative: str) -> str:
    """A shard's file name in the output: its path below the input folder, made safe for any file system
    and object store, with a short hash so that two shards never share a key (``2024/a b.jsonl`` ->
    ``2024-a_b.jsonl-1f0c9e2a``)."""
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", relative.replace("/", "-")).lstrip("._-")[:80] or "shard"
    return f"{readable}-{hashlib.sha256(relative.encode()).hexdigest()[:8]}"


def shown_uri(uri: str) -> str:
    """`uri` for messages: secrets in its query (``secret_key=...``, ``session_token=...``) masked."""
    parts = urllib.parse.urlsplit(uri)
    if not parts.query:
        return uri
    query = [
        (
            name,
            "***" if re.search("secret|token|password|key", name, re.I) and name != "access_key" else value,
        )
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*:/")))


class ParquetOutput:
    """Where a batch writes (a local path or a pyarrow filesystem URI), and what it finds there."""

    def __init__(self, uri: str) -> None:
        fs = require("pyarrow.fs", "parquet")
        self.uri = uri
        self.local = "://" not in uri
        try:
            if self.local:
                self.filesystem, self.base = fs.LocalFileSystem(), str(Path(uri).absolute())
            else:
                self.filesystem, self.base = fs.FileSystem.from_uri(uri)
        except Exception as error:  # pyarrow: ArrowInvalid, ArrowNotImplementedError, OSError, ...
            raise ProplensError(
                f"{shown_uri(uri)}: not a place Parquet can be written ({_one_line(error)})"
            ) from None
        self.base = self.base.rstrip("/")

    def path(self, *parts: str) -> str:
        return "/".join([self.base, *parts])

    def record(self, key: str) -> ShardRecord | None:
        """The record of a complete shard, or None (missing or unreadable: the shard is done again)."""
        try:
            with self.filesystem.open_input_stream(self.path(RECORDS, f"{key}.json")) as stream:
                data = json.loads(stream.read(10_000_000))
            data["problems"] = [tuple(p) for p in data.get("problems", [])]
            return ShardRecord(**data)
        except (OSError, ValueError, TypeError):  # FileNotFoundError included
            return None

    def check_writable(self) -> None:
        """Fail at once, in one line, where the output cannot be written (a bucket that does not exist, no
        credentials, a file in the way) rather than after the first shard's analysis."""
        probe = self.path(RECORDS, f"_probe-{os.getpid()}")
        try:
            if self.local:
                parent = Path(self.base)
                while not parent.exists():
                    parent = parent.parent
                if not parent.is_dir() or (Path(self.base).exists() and not Path(self.base).is_dir()):
                    raise NotADirectoryError(f"{self.base} is not a folder")
                if not os.access(parent, os.W_OK | os.X_OK):
                    raise PermissionError(f"cannot write in {parent}")
                return
            self.filesystem.create_dir(self.path(RECORDS), recursive=True)
            with self.filesystem.open_output_stream(probe) as stream:
                stream.write(b"")
            self.filesystem.delete_file(probe)
        except Exception as error:
            raise ProplensError(f"{shown_uri(self.uri)}: cannot write there ({_one_line(error)})") from None

    def writer(self, key: str, record: ShardRecord) -> ShardWriter:
        return ShardWriter(self, key, record)


class ShardWriter:
    """A context manager writing one shard's articles and spans. When the block ends without error and
    at least one article was written, the two files take their names, then the shard's record is written;
    otherwise nothing of the shard is left (its earlier complete files, if any, stay as they were)."""

    def __init__(self, output: ParquetOutput, key: str, record: ShardRecord) -> None:
        self.pa = require("pyarrow", "parquet")
        pq = require("pyarrow.parquet", "parquet")
        self.output, self.key, self.record = output, key, record
        self.schemas = {
            "articles": self.pa.schema([(n, getattr(self.pa, t)()) for n, t in ARTICLE_COLUMNS]),
            "spans": self.pa.schema([(n, getattr(self.pa, t)()) for n, t in SPAN_COLUMNS]),
        }
        self.files = {name: _PartFile(output, name, key) for name in TABLES}
        self.writers = {
            name: pq.ParquetWriter(self.files[name].stream, self.schemas[name]) for name in TABLES
        }
        self.closed = False

    def add(self, results: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        """Append (article row, span rows) pairs."""
        articles, spans = [], []
        for article_row, span_rows in results:
            articles.append(article_row)
            spans.extend(span_rows)
        if articles:
            self.writers["articles"].write_table(
                self.pa.Table.from_pylist(articles, self.schemas["articles"])
            )
        if spans:
            self.writers["spans"].write_table(self.pa.Table.from_pylist(spans, self.schemas["spans"]))
        self.record.articles += len(articles)
        self.record.spans += len(spans)

    def reject(self, problem: Problem) -> None:
        self.record.skipped += 1
        if len(self.record.problems) < _KEPT_PROBLEMS:
            self.record.problems.append((problem.origin, problem.message))

    def __enter__(self) -> ShardWriter:
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.record.seconds = round(time.perf_counter() - self.started, 3)
        self.close(keep=kind is None and self.record.articles > 0)

    def close(self, *, keep: bool) -> None:
        if self.closed:
            return
        self.closed = True
        failure: OSError | None = None
        for writer in self.writers.values():
            try:
                writer.close()
            except OSError as error:  # a full disk: drop both files
                writer.is_open = False  # or pyarrow closes it again when collected, with a traceback
                failure, keep = failure or error, False
        try:
            if keep:  # both files in place, then the record that says the shard is complete
                for file in self.files.values():
                    file.commit()
                self._write_record()
        except OSError as error:
            failure = failure or error
        finally:
            for file in self.files.values():
                file.discard()
        if failure is not None:
            raise failure

    def _write_record(self) -> None:
        output = self.output
        data = json.dumps(asdict(self.record), ensure_ascii=False).encode()
        target = output.path(RECORDS, f"{self.key}.json")
        if output.local:
            from proplens.io._files import write_bytes_atomic

            Path(target).parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(Path(target), data)
        else:  # one PUT: an object store shows an object only once it is complete
            output.filesystem.create_dir(output.path(RECORDS), recursive=True)
            with output.filesystem.open_output_stream(target) as stream:
                stream.write(data)


class _PartFile:
    """One Parquet file of a shard while it is written: locally an unnamed file (`_UnnamedFile`),
    elsewhere an object under a ``_`` name that `commit` moves to its final name."""

    def __init__(self, output: ParquetOutput, table: str, key: str) -> None:
        self.output, self.target = output, output.path(table, f"{key}.parquet")
        self.pending: str | None = None
        self.local: _UnnamedFile | None = None
        if output.local:
            folder = Path(output.base)
            while not folder.is_dir():  # staged in the nearest existing folder: nothing made before commit
                folder = folder.parent
            self.local = _UnnamedFile(folder, f"{table}-{key}")
            self.stream: Any = self.local.stream
        else:
            self.pending = output.path(table, f"_{key}.parquet.partial")
            output.filesystem.create_dir(output.path(table), recursive=True)
            self.stream = output.filesystem.open_output_stream(self.pending)

    def commit(self) -> None:
        if self.local is not None:
            target = Path(self.target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.local.stage(target), target)
        else:
            assert self.pending is not None
            self.stream.close()
            self.output.filesystem.move(self.pending, self.target)
            self.pending = None

    def discard(self) -> None:
        if self.local is not None:
            self.local.discard()
        elif self.pending is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
                self.output.filesystem.delete_file(self.pending)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__


class _UnnamedFile:
    """A file being written that has no name until `stage` gives it one (Linux ``O_TMPFILE``), so a run
    killed even by SIGKILL leaves nothing behind; where the file system cannot, a hidden named temporary
    that `stage` renames or `discard` deletes."""

    def __init__(self, directory: Path, name: str) -> None:
        self.named: Path | None = None
        try:
            descriptor = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o666)
        except (OSError, AttributeError):
            self.named = directory / f".{name}.parquet.{os.getpid()}.tmp"
            descriptor = os.open(self.named, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        self.stream = os.fdopen(descriptor, "wb")

    def stage(self, target: Path) -> Path:
        """Give the file a hidden name beside `target` (returned), to be renamed to `target`."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        if self.named is None:
            _link_open_file(self.stream.fileno(), staging)
        else:
            os.replace(self.named, staging)
            self.named = None
        return staging

    def discard(self) -> None:
        """Close the file; unless it was staged, it is gone."""
        with contextlib.suppress(OSError):  # its data is dropped anyway, or already has its name
            self.stream.close()
        if self.named is not None:
            self.named.unlink(missing_ok=True)


def _link_open_file(descriptor: int, target: Path) -> None:
    """Give the open, unnamed file `descriptor` the name `target`: linkat(2) of /proc/self/fd/N with
    AT_SYMLINK_FOLLOW (os.link does not pass that flag)."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    source = f"/proc/self/fd/{descriptor}".encode()
    if libc.linkat(at_fdcwd, source, at_fdcwd, os.fsencode(target), at_symlink_follow) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(target))
