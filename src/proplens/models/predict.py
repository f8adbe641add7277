"""Predictions in the official SemEval-2020 Task 11 shapes (`proplens predict`, `proplens evaluate --model`).

SI: one ``(article, start, end)`` per detected span. TC: the technique of each template line, where a
fragment listed k times (the corpus lists a fragment once per technique it carries) gets its k most
probable techniques, one per line, in order of probability.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from proplens._batching import batched
from proplens.document import Annotation, Article, Span
from proplens.models.detector import Detector, EncodedArticle

__all__ = ["encode_all", "predict_si", "predict_tc", "spans_of", "techniques_for"]


def encode_all(detector: Detector, articles: Sequence[Article], *, chunk: int = 32) -> list[EncodedArticle]:
    """Encoder outputs for many articles, a chunk at a time (windows are batched across a chunk)."""
    return [e for part in batched(articles, chunk) for e in detector.encode(part)]


def spans_of(detector: Detector, encoded: Sequence[EncodedArticle]) -> list[Annotation]:
    """The fragments the detector reports (`Detector.fragments`, default minimum), without technique."""
    return [
        Annotation(e.article.id, Span(start, end, None, score))
        for e in encoded
        for start, end, score, _ in detector.fragments(e)
    ]


def predict_si(detector: Detector, articles: Sequence[Article]) -> list[Annotation]:
    """Detected spans of every article (no technique), at the model's operating point."""
    return spans_of(detector, encode_all(detector, articles))


def predict_tc(
    detector: Detector, articles: Sequence[Article], template: Sequence[Annotation]
) -> list[Annotation]:
    """The template's lines, in order, each with a predicted technique."""
    return techniques_for(detector, encode_all(detector, articles), template)


def techniques_for(
    detector: Detector, encoded: Sequence[EncodedArticle], template: Sequence[Annotation]
) -> list[Annotation]:
    by_id = {e.article.id: e for e in encoded}
    wanted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line in template:
        key = (line.span.start, line.span.end)
        if key not in wanted[line.article_id]:
            wanted[line.article_id].append(key)
    ranked: dict[tuple[str, int, int], list[int]] = {}
    for article_id, ranges in wanted.items():
        probabilities = detector.classify(by_id[article_id], ranges)
        for (start, end), row in zip(ranges, probabilities, strict=True):
            ranked[(article_id, start, end)] = [int(t) for t in np.argsort(-row)]
    seen: dict[tuple[str, int, int], int] = defaultdict(int)
    result = []
    for line in template:
        line_key = (line.article_id, line.span.start, line.span.end)
        order = ranked[line_key]
        technique = detector.info.techniques[order[min(seen[line_key], len(order) - 1)]]
        seen[line_key] += 1
        result.append(Annotation(line.article_id, Span(line.span.start, line.span.end, technique)))
    return result
