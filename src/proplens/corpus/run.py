"""`proplens run`: analyse every corpus article the current model has not analysed yet, batch by batch.

Resumable, idempotent and safe to run several times at once:

- each batch is *claimed* first (`Store.claim_pending`): concurrent runs take different articles, so two
  runs finish in about the time of one run on twice the cores, not each doing the other's work;
- a batch's analyses are stored in one transaction, which also releases its claims; the database allows one
  corpus analysis per article and model, and an article another run stored first is skipped;
- killing a run loses at most its batch in flight: its claims die with its process (or with their lease,
  for a run on another machine) and the next run takes those articles again. Nothing is analysed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from proplens.api import Model, analyze_many, load_model
from proplens.store import Store
from proplens.store.database import process_owner

__all__ = ["RunReport", "run_corpus"]


@dataclass
class RunReport:
    model: str
    analysed: int = 0
    skipped: int = 0
    """Articles another run stored first (their analysis exists once; nothing was duplicated)."""
    remaining: int = 0


def run_corpus(
    store: Store,
    *,
    model: Model = None,
    batch_size: int = 32,
    entities: bool = True,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Analyse pending corpus articles (at most `limit`); `progress(done, total)` after each batch."""
    detector = load_model(model)
    model_id = detector.info.model_id
    report = RunReport(model_id)
    owner = process_owner()
    total = store.count_pending(model_id)
    if limit is not None:
        total = min(total, limit)
    while limit is None or report.analysed < limit:
        size = batch_size if limit is None else min(batch_size, limit - report.analysed)
        claimed = store.claim_pending(model_id, limit=size, owner=owner)
        if not claimed:
            break
        analyses = analyze_many([a for _, a in claimed], batch_size=size, model=detector, entities=entities)
        batch = [(key, analysis) for (key, _), analysis in zip(claimed, analyses, strict=True)]
        stored = store.save_corpus_batch(batch)  # a rival run's articles are skipped; a fault: StoreError
        report.analysed += stored
        report.skipped += len(batch) - stored
        if progress:
            progress(report.analysed, total)
    report.remaining = store.count_pending(model_id)
    return report
