"""`proplens ingest`: articles read by `proplens.sources` added to the store's corpus, de-duplicated.

Articles are de-duplicated by their normalised text and added in batches, one transaction each; inputs and
records that cannot be read are counted as rejected, with their reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from proplens.document import Article
from proplens.sources import Loaded, Problem
from proplens.store import Store

__all__ = ["IngestReport", "ingest"]


@dataclass
class IngestReport:
    """Counts of an ingest run, and the reason of each rejected input."""

    new: int = 0
    duplicate: int = 0
    rejected: list[Problem] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.new + self.duplicate


def ingest(
    store: Store,
    sources: Iterable[Loaded | Problem],
    *,
    batch_size: int = 200,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Add every readable article to `store` in batches (one transaction each); returns the counts."""
    report = IngestReport()
    batch: list[Article] = []

    def flush() -> None:
        if batch:
            counts = store.add_articles(batch)
            report.new += counts.new
            report.duplicate += counts.duplicate
            batch.clear()
            if progress:
                progress(report)

    for item in sources:
        if isinstance(item, Problem):
            report.rejected.append(item)
            continue
        batch.append(item.article)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report
