"""The one read → analyze loop: readable articles through the detector, problems passed along, in order.

This is the loop behind ``proplens analyze`` (and the web app's analyses go through the same
`api.analyze_many`): it keeps the input order, takes `batch_size` readable articles per step, and never
holds more than one step's articles in memory. Results do not depend on `batch_size`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from proplens.api import Model, analyze_many
from proplens.document import Analysis
from proplens.sources import Loaded, Problem
from proplens.techniques import Taxonomy

__all__ = ["PENDING_LIMIT", "Result", "analyze_sources"]

PENDING_LIMIT = 1024
"""Inputs held back at most while a step fills (problems wait behind the articles before them)."""


@dataclass(frozen=True, slots=True)
class Result:
    """The analysis of one input, with where it came from and any reading warning."""

    analysis: Analysis
    origin: str
    warning: str | None = None


def analyze_sources(
    sources: Iterable[Loaded | Problem],
    *,
    batch_size: int = 16,
    min_score: float | None = None,
    model: Model = None,
    entities: bool = True,
    taxonomy: Taxonomy | str = Taxonomy.PTC,
) -> Iterator[Result | Problem]:
    """A `Result` per readable input and the `Problem` of each unreadable one, in input order."""
    pending: list[Loaded | Problem] = []

    def flush() -> Iterator[Result | Problem]:
        loaded = [item for item in pending if isinstance(item, Loaded)]
        analyses = iter(
            analyze_many(
                [item.article for item in loaded],
                batch_size=batch_size,
                min_score=min_score,
                model=model,
                entities=entities,
                taxonomy=taxonomy,
            )
            if loaded
            else ()
        )
        for item in pending:
            if isinstance(item, Problem):
                yield item
            else:
                yield Result(next(analyses), item.origin, item.warning)
        pending.clear()

    loaded = 0
    for item in sources:
        if isinstance(item, Problem) and not loaded:
            yield item  # nothing waits for the detector ahead of it
            continue
        pending.append(item)
        loaded += isinstance(item, Loaded)
        # a step ends at batch_size articles, or early when problems pile up behind them (memory stays
        # bounded and each item is looked at once: linear however many inputs fail)
        if loaded >= batch_size or len(pending) >= PENDING_LIMIT:
            yield from flush()
            loaded = 0
    yield from flush()
