"""`proplens run`: analyse every corpus article the current model has not analysed yet, batch by batch.

Resumable and idempotent by construction: each batch's analyses are committed in one transaction, the next
batch is chosen as "corpus articles with no analysis by this model", and a unique index allows one corpus
analysis per article and model. Killing the process at any point loses at most the batch in flight, which
the next run picks up again; nothing is ever analysed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from proplens.api import Model, analyze_many, load_model
from proplens.errors import StoreError
from proplens.store import Store

__all__ = ["RunReport", "run_corpus"]


@dataclass
class RunReport:
    model: str
    analysed: int = 0
    skipped_batches: int = 0
    """Batches another process committed first (their articles are done; nothing was duplicated)."""
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
    total = store.count_pending(model_id)
    if limit is not None:
        total = min(total, limit)
    while limit is None or report.analysed < limit:
        size = batch_size if limit is None else min(batch_size, limit - report.analysed)
        pending = store.pending(model_id, limit=size)
        if not pending:
            break
        analyses = list(
            analyze_many([a for _, a in pending], batch_size=size, model=detector, entities=entities)
        )
        try:
            store.save_corpus_batch(
                [(key, analysis) for (key, _), analysis in zip(pending, analyses, strict=True)]
            )
        except IntegrityError as error:
            # the one expected conflict: another run stored some of these articles first
            still_pending = {key for key, _ in store.pending(model_id, limit=size)}
            if still_pending & {key for key, _ in pending} == {key for key, _ in pending}:
                raise StoreError(f"cannot store the analyses: {error.orig}") from None
            report.skipped_batches += 1
            continue
        report.analysed += len(pending)
        if progress:
            progress(report.analysed, total)
    report.remaining = store.count_pending(model_id)
    return report
