"""Predictions in the official SemEval-2020 Task 11 shapes, and dev-set tuning of the operating point.

SI: one ``(article, start, end)`` per detected span. TC: the technique of each template line, where a
fragment listed k times (the corpus lists a fragment once per technique it carries) gets its k most
probable techniques, one per line, in order of probability.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from proplens.document import Annotation, Article, Span
from proplens.models.detector import Detector, EncodedArticle
from proplens.scoring import si, tc

__all__ = ["predict_si", "predict_tc", "tune_operating_point"]


def _chunks(articles: Sequence[Article], size: int) -> Iterable[Sequence[Article]]:
    for first in range(0, len(articles), size):
        yield articles[first : first + size]


def encode_all(detector: Detector, articles: Sequence[Article], *, chunk: int = 32) -> list[EncodedArticle]:
    """Encoder outputs for many articles, a chunk at a time (windows are batched across a chunk)."""
    return [e for part in _chunks(articles, chunk) for e in detector.encode(part)]


def spans_of(detector: Detector, encoded: Sequence[EncodedArticle], **options: float) -> list[Annotation]:
    return [
        Annotation(e.article.id, Span(start, end, None, score))
        for e in encoded
        for start, end, score in detector.find_spans(e, **options)  # type: ignore[arg-type]
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


COARSE_GRID: dict[str, tuple[float, ...]] = {
    "thresholds": (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "max_gaps": (0, 2),
    "peak_margins": (0.0, 0.1, 0.2, 0.3),
}
"""The quicker grid used after each training epoch to compare epochs."""


def tune_operating_point(
    detector: Detector,
    encoded: Sequence[EncodedArticle],
    gold: Sequence[Annotation],
    *,
    thresholds: Iterable[float] = COARSE_GRID["thresholds"],
    max_gaps: Iterable[float] = COARSE_GRID["max_gaps"],
    peak_margins: Iterable[float] = COARSE_GRID["peak_margins"],
) -> dict[str, float]:
    """The threshold, max_gap and peak with the best dev SI F1, and that F1 with its precision and recall."""
    best: dict[str, float] = {"f1": -1.0}
    for max_gap in max_gaps:
        for threshold in thresholds:
            for margin in peak_margins:
                peak = round(float(threshold) + margin, 2)
                if peak > 0.95:
                    continue
                options = {"threshold": float(threshold), "max_gap": int(max_gap), "peak": peak}
                scores = si.compute(predictions=spans_of(detector, encoded, **options), references=gold)
                if scores["f1"] > best["f1"]:
                    best = {
                        **{k: float(v) for k, v in options.items()},
                        "f1": scores["f1"],
                        "precision": scores["precision"],
                        "recall": scores["recall"],
                    }
    return best


def tune_repetition_boost(
    detector: Detector,
    encoded: Sequence[EncodedArticle],
    gold: Sequence[Annotation],
    *,
    boosts: Iterable[float] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0),
) -> dict[str, float]:
    """The `repetition_boost` with the best dev TC micro-F1 (ties: the smallest boost)."""
    best = {"repetition_boost": 0.0, "tc_micro_f1": -1.0}
    for boost in boosts:
        candidate = detector.with_operating_point(repetition_boost=float(boost))
        scores = tc.compute(predictions=techniques_for(candidate, encoded, gold), references=gold)
        if scores["micro_f1"] > best["tc_micro_f1"] + 1e-9:
            best = {"repetition_boost": float(boost), "tc_micro_f1": scores["micro_f1"]}
    return best


def dev_scores(
    detector: Detector, encoded: Sequence[EncodedArticle], gold: Sequence[Annotation]
) -> dict[str, float]:
    """SI at the model's operating point and TC on the gold fragments (the official task set-up)."""
    si_scores = si.compute(predictions=spans_of(detector, encoded), references=gold)
    tc_scores = tc.compute(predictions=techniques_for(detector, encoded, gold), references=gold)
    return {
        "si_precision": si_scores["precision"],
        "si_recall": si_scores["recall"],
        "si_f1": si_scores["f1"],
        **{f"tc_{k}": v for k, v in tc_scores.items()},
    }
