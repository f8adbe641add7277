"""Precision, recall and F1 as the official SemEval-2020 scorers define them, written once for SI, SLC and
TC: each ratio is 0 when its denominator is 0, and when nothing is predicted and nothing is gold all three
are 1 (a perfect answer to an empty question)."""

from __future__ import annotations

__all__ = ["f1", "precision_recall_f1"]


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def precision_recall_f1(
    matched_predicted: float, predicted: float, matched_gold: float, gold: float
) -> tuple[float, float, float]:
    """``matched_predicted / predicted``, ``matched_gold / gold`` and their F1, with the "both empty" rule
    (see the module docstring). SI passes summed overlaps as the matched amounts, SLC and TC counts."""
    if predicted == 0 and gold == 0:
        return 1.0, 1.0, 1.0
    precision = matched_predicted / predicted if predicted else 0.0
    recall = matched_gold / gold if gold else 0.0
    return precision, recall, f1(precision, recall)
