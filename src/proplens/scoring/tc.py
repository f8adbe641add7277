"""Technique classification (TC) scores, as defined for SemEval-2020 Task 11.

Gold spans are given; each predicted line names one technique for one span. Predictions and gold are
matched per span, i.e. per ``(article id, start, end)``, as multisets: a span listed twice in gold with
two techniques is matched by predicting both, in any order. With TP the matched pairs::

    micro-P = TP / predictions, micro-R = TP / gold lines, micro-F1 = 2PR / (P + R)

When the predictions follow the gold template line for line, micro-P = micro-R = micro-F1 (the task's
official figure). Per technique, TP/FP/FN count matched, surplus predicted and unmatched gold labels;
macro-F1 averages the per-technique F1 over every technique present in gold or predictions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from proplens.document import Annotation
from proplens.errors import ScoringError
from proplens.scoring._measures import precision_recall_f1

__all__ = ["NO_TECHNIQUE", "compute", "confusion_matrix"]

#: Row/column name in the confusion matrix for "no gold label here" / "no prediction here".
NO_TECHNIQUE = "(none)"

SpanKey = tuple[str, int, int]


def compute(*, predictions: Iterable[Annotation], references: Iterable[Annotation]) -> dict[str, float]:
    """Micro and macro scores plus ``precision/<technique>``, ``recall/…``, ``f1/…``, ``support/…``."""
    predicted, gold = _by_span(predictions, "predictions"), _by_span(references, "references")
    true_positives: Counter[str] = Counter()
    predicted_counts: Counter[str] = Counter()
    gold_counts: Counter[str] = Counter()
    for counts in predicted.values():
        predicted_counts.update(counts)
    for counts in gold.values():
        gold_counts.update(counts)
    for key, counts in predicted.items():
        true_positives.update(counts & gold.get(key, Counter()))

    tp = sum(true_positives.values())
    n_predicted, n_gold = sum(predicted_counts.values()), sum(gold_counts.values())
    micro_p, micro_r, micro_f1 = precision_recall_f1(tp, n_predicted, tp, n_gold)
    scores: dict[str, float] = {
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": micro_f1,
        "predicted": float(n_predicted),
        "gold": float(n_gold),
        "correct": float(tp),
    }
    per_technique_f1 = []
    for technique in sorted(set(predicted_counts) | set(gold_counts)):
        hits = true_positives[technique]
        p, r, f = precision_recall_f1(hits, predicted_counts[technique], hits, gold_counts[technique])
        scores[f"precision/{technique}"] = p
        scores[f"recall/{technique}"] = r
        scores[f"f1/{technique}"] = f
        scores[f"support/{technique}"] = float(gold_counts[technique])
        per_technique_f1.append(f)
    # no technique at all: both empty, a perfect score as for micro
    scores["macro_f1"] = sum(per_technique_f1) / len(per_technique_f1) if per_technique_f1 else 1.0
    return scores


def confusion_matrix(
    *, predictions: Iterable[Annotation], references: Iterable[Annotation]
) -> dict[str, dict[str, int]]:
    """Counts ``matrix[gold technique][predicted technique]`` over aligned labels.

    Within one span, matching labels pair first; the rest pair in sorted order; labels left over pair
    with `NO_TECHNIQUE` (a gold label nobody predicted, or a prediction on a span with no gold label).
    """
    predicted, gold = _by_span(predictions, "predictions"), _by_span(references, "references")
    matrix: dict[str, dict[str, int]] = {}

    def add(gold_technique: str, predicted_technique: str) -> None:
        row = matrix.setdefault(gold_technique, {})
        row[predicted_technique] = row.get(predicted_technique, 0) + 1

    for key in sorted(set(predicted) | set(gold)):
        p, g = predicted.get(key, Counter()), gold.get(key, Counter())
        for technique, count in (p & g).items():
            for _ in range(count):
                add(technique, technique)
        rest_p, rest_g = sorted((p - g).elements()), sorted((g - p).elements())
        for position in range(max(len(rest_p), len(rest_g))):
            add(
                rest_g[position] if position < len(rest_g) else NO_TECHNIQUE,
                rest_p[position] if position < len(rest_p) else NO_TECHNIQUE,
            )
    return matrix


def _by_span(annotations: Iterable[Annotation], side: str) -> dict[SpanKey, Counter[str]]:
    grouped: dict[SpanKey, Counter[str]] = {}
    for annotation in annotations:
        span = annotation.span
        if span.technique is None:
            raise ScoringError(
                f"{side}: span [{span.start}, {span.end}) of article {annotation.article_id} "
                "has no technique; technique classification needs one per line"
            )
        key = (annotation.article_id, span.start, span.end)
        grouped.setdefault(key, Counter())[span.technique] += 1
    return grouped
