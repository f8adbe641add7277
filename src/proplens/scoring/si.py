"""Span identification (SI) score, exactly as defined for SemEval-2020 Task 11.

Per article, overlapping gold spans are merged, and so are overlapping predicted spans (touching spans
stay apart). Spans are sets of character positions. Over predicted spans S and gold spans T of all
articles (a prediction only meets gold of its own article)::

    P = (1/|S|) * sum_s sum_t |s & t| / |s|
    R = (1/|T|) * sum_s sum_t |s & t| / |t|
    F1 = 2PR / (P + R)

Conventions for empty sides (the official definition leaves them open): no predictions gives P = 0,
no gold gives R = 0; with neither, every score is 1.0 (nothing to find and nothing found).
"""

from __future__ import annotations

from collections.abc import Iterable

from proplens.document import Annotation, group_by_article, merge_ranges
from proplens.scoring._measures import precision_recall_f1

__all__ = ["compute"]


def compute(*, predictions: Iterable[Annotation], references: Iterable[Annotation]) -> dict[str, float]:
    """SI precision, recall and F1, plus the merged span counts they divide by."""
    predicted = _merged_per_article(predictions)
    gold = _merged_per_article(references)
    precision_sum = recall_sum = 0.0
    for article_id, predicted_ranges in predicted.items():
        for s, t, overlap in _overlaps(predicted_ranges, gold.get(article_id, [])):
            precision_sum += overlap / (s[1] - s[0])
            recall_sum += overlap / (t[1] - t[0])
    predicted_count = sum(len(r) for r in predicted.values())
    gold_count = sum(len(r) for r in gold.values())
    precision, recall, f1 = precision_recall_f1(precision_sum, predicted_count, recall_sum, gold_count)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted_spans": float(predicted_count),
        "gold_spans": float(gold_count),
    }


def _merged_per_article(annotations: Iterable[Annotation]) -> dict[str, list[tuple[int, int]]]:
    return {
        article_id: merge_ranges((s.start, s.end) for s in spans)
        for article_id, spans in group_by_article(annotations).items()
    }


Range = tuple[int, int]


def _overlaps(predicted: list[Range], gold: list[Range]) -> Iterable[tuple[Range, Range, int]]:
    """Every (predicted, gold, shared characters) pair with a non-empty intersection.

    Both lists are sorted and internally disjoint, so one forward sweep finds all pairs.
    """
    i = j = 0
    while i < len(predicted) and j < len(gold):
        s, t = predicted[i], gold[j]
        overlap = min(s[1], t[1]) - max(s[0], t[0])
        if overlap > 0:
            yield s, t, overlap
        if s[1] <= t[1]:
            i += 1
        else:
            j += 1
