"""The Parquet sink: ``articles.parquet`` and ``spans.parquet``, appended chunk by chunk, moved into place
only when the whole run succeeded."""

from __future__ import annotations

import contextlib
import ctypes
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proplens._extras import require
from proplens.sinks.rows import ARTICLE_COLUMNS, SPAN_COLUMNS
from proplens.sources import Problem

__all__ = ["ParquetSink", "SinkReport"]


@dataclass
class SinkReport:
    """What a run wrote: articles, spans, the inputs or records it skipped, and how long it took."""

    articles: int = 0
    spans: int = 0
    seconds: float = 0.0
    rejected: list[Problem] = field(default_factory=list)


class ParquetSink:
    """A context manager: rows go to hidden temporary files, renamed to ``articles.parquet`` and
    ``spans.parquet`` when the block ends without error and wrote at least one article (and deleted
    otherwise, so a failed or empty run leaves any earlier output as it was). A `directory` that does not
    exist yet is made only when the files move into it: a run killed before then, even by SIGKILL, leaves
    no empty folder behind (the files are staged in its parent meanwhile)."""

    def __init__(self, directory: Path) -> None:
        pa = require("pyarrow", "parquet")
        pq = require("pyarrow.parquet", "parquet")

        self.pa = pa
        self.directory = directory
        staging = directory if directory.is_dir() else directory.parent
        staging.mkdir(parents=True, exist_ok=True)
        self.schemas = {
            "articles": pa.schema([(n, getattr(pa, t)()) for n, t in ARTICLE_COLUMNS]),
            "spans": pa.schema([(n, getattr(pa, t)()) for n, t in SPAN_COLUMNS]),
        }
        self.files = {name: _UnnamedFile(staging, f"{directory.name}-{name}") for name in self.schemas}
        self.writers = {
            name: pq.ParquetWriter(self.files[name].stream, schema) for name, schema in self.schemas.items()
        }
        self.report = SinkReport()

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
        self.report.articles += len(articles)
        self.report.spans += len(spans)

    def reject(self, problem: Problem) -> None:
        self.report.rejected.append(problem)

    def __enter__(self) -> ParquetSink:
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.report.seconds = time.perf_counter() - self.started
        self.close(keep=kind is None and self.report.articles > 0)

    def close(self, *, keep: bool) -> None:
        if keep:
            self.directory.mkdir(exist_ok=True)
        failure: OSError | None = None
        for writer in self.writers.values():
            try:
                writer.close()
            except OSError as error:  # a full disk: drop both files, keep what was there
                writer.is_open = False  # or pyarrow closes it again when collected, with a traceback
                failure, keep = failure or error, False
        # both files get their final name only once both are complete: never a new articles.parquet
        # beside an old spans.parquet
        staged: dict[str, Path] = {}
        for name, file in self.files.items():
            try:
                if keep:
                    staged[name] = file.stage(self.directory / f"{name}.parquet")
            except OSError as error:
                failure, keep = failure or error, False
            finally:
                file.discard()
        for name, path in staged.items():
            if keep:
                os.replace(path, self.directory / f"{name}.parquet")
            else:
                path.unlink(missing_ok=True)
        if failure is not None:
            raise failure


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
