"""How far a batch is: shards and articles done, articles/s and time left, for both engines.

The engines call `Tally` as work lands; it hands a `Snapshot` to whoever shows it (the CLI's bar or its
log lines). The time left needs the number of records, which a thread counts meanwhile (a JSONL line or a
Parquet row is one record; Parquet row counts come from the files' footers), so the first figures show
at once and the time left as soon as the count is in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from proplens.batch.work import Shard

__all__ = ["Snapshot", "Tally", "count_records"]


@dataclass(frozen=True)
class Snapshot:
    shards: int
    shards_done: int
    articles: int
    skipped: int
    records: int | None
    """All records of all shards (articles and unreadable ones), once counted."""
    elapsed: float
    resumed_records: int = 0

    @property
    def rate(self) -> float:
        """Articles analysed per second by this run."""
        return self.articles / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        if self.records is None:
            return None
        done = self.articles + self.skipped
        todo = self.records - self.resumed_records
        if done == 0 or todo <= 0:
            return None if done == 0 else 0.0
        return max(0.0, self.elapsed * (todo - done) / done)


class Tally:
    """Counts what the engines report and passes a `Snapshot` to `show` (at most every `every` seconds,
    and always when a shard ends)."""

    def __init__(
        self,
        shards: Sequence[Shard],
        todo: Sequence[Shard],
        show: Callable[[Snapshot], None] | None,
        every: float = 0.5,
    ) -> None:
        self.shards, self.show, self.every = len(shards), show, every
        self.shards_done = len(shards) - len(todo)
        self.articles = self.skipped = 0
        self.records: int | None = None
        self.resumed_records = 0
        self.started = time.perf_counter()
        self.last = 0.0
        if show is not None:
            todo_paths = {s.path for s in todo}
            threading.Thread(target=self._count, args=(list(shards), todo_paths), daemon=True).start()

    def _count(self, shards: list[Shard], todo: set[str]) -> None:
        counts = [(s.path in todo, count_records(s.path)) for s in shards]
        self.resumed_records = sum(n for pending, n in counts if not pending)
        self.records = sum(n for _, n in counts)

    def add(self, articles: int = 0, skipped: int = 0, shard_done: bool = False) -> None:
        self.articles += articles
        self.skipped += skipped
        self.shards_done += shard_done
        now = time.perf_counter()
        if self.show is not None and (shard_done or now - self.last >= self.every):
            self.last = now
            self.show(self.snapshot())

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.shards,
            self.shards_done,
            self.articles,
            self.skipped,
            self.records,
            time.perf_counter() - self.started,
            self.resumed_records,
        )


def count_records(path: str) -> int:
    """Records in one shard: non-blank lines of a JSONL file, rows of a Parquet file (1 if unreadable:
    it is reported as one problem)."""
    if path.lower().endswith(".parquet"):
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:
            return 1
    count, pending = 0, False  # pending: the line read so far (cut by a block's end) has content
    try:
        with open(path, "rb") as stream:
            while block := stream.read(1 << 20):
                *ended, rest = block.split(b"\n")
                for piece in ended:
                    count += pending or bool(piece.strip())
                    pending = False
                pending = pending or bool(rest.strip())
    except OSError:
        return 0
    return count + pending
