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

__all__ = ["Result", "analyze_sources"]


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

    for item in sources:
        pending.append(item)
        if sum(isinstance(p, Loaded) for p in pending) >= batch_size:
            yield from flush()
    yield from flush()
