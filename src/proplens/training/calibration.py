"""Fitting and measuring the calibration that `models/calibration.py` applies: the span logistic
regression and the technique temperature, fitted on dev and measured by cross-validation over dev
articles; the expected calibration error is reported in MODEL_CARD.md."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from proplens.document import Annotation
from proplens.models.calibration import apply_span_calibration
from proplens.models.detector import Detector, EncodedArticle
from proplens.models.heads import softmax
from proplens.training.measures import article_folds

__all__ = ["calibrate", "expected_calibration_error", "fit_logistic", "fit_temperature", "reliability_table"]

Array = NDArray[np.float64]


def fit_logistic(features: Array, labels: Array, *, l2: float = 1e-2, steps: int = 50) -> list[float]:
    """Logistic regression by Newton's method with a small ridge penalty (not on the intercept)."""
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return [float(v) for v in w]


def fit_temperature(logits: Array, labels: Sequence[int]) -> float:
    """The temperature (0.25-5) minimising the negative log-likelihood of the gold techniques."""
    z = np.asarray(logits, dtype=np.float64)
    gold = np.asarray(labels)
    best, best_loss = 1.0, np.inf
    for temperature in np.round(np.arange(0.25, 5.001, 0.05), 2):
        scaled = z / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = -float(log_p[np.arange(len(gold)), gold].mean())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def reliability_table(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 10
) -> list[dict[str, float]]:
    """Per probability bin: how many predictions, their mean probability, and how often they were right."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(outcomes, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for low, high in itertools.pairwise(edges):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        if inside.any():
            rows.append(
                {
                    "low": float(low),
                    "high": float(high),
                    "count": float(inside.sum()),
                    "mean_probability": float(p[inside].mean()),
                    "observed": float(y[inside].mean()),
                }
            )
    return rows


def expected_calibration_error(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 10
) -> float:
    """ECE: the count-weighted mean |mean probability - observed frequency| over equal-width bins."""
    rows = reliability_table(probabilities, outcomes, bins=bins)
    total = sum(r["count"] for r in rows)
    if not total:
        return 0.0
    return sum(r["count"] * abs(r["mean_probability"] - r["observed"]) for r in rows) / total


def calibrate(
    detector: Detector, encoded: Sequence[EncodedArticle], gold: Sequence[Annotation], *, folds: int = 5
) -> dict[str, Any]:
    """Fit the span calibration and the technique temperature on all dev articles, and measure both by
    cross-validation over dev articles (fit on the other folds, score the held-out fold)."""
    base = detector.with_operating_point(span_calibration=(), temperature=1.0)
    gold_ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line in gold:
        gold_ranges[line.article_id].append((line.span.start, line.span.end))
    span_rows: list[tuple[str, list[float], bool]] = []
    technique_rows: list[tuple[str, np.ndarray[Any, Any], int, set[int]]] = []
    for e in encoded:
        ranges = gold_ranges.get(e.article.id, [])
        for start, end, _ in base.candidates(e):
            hit = any(s < end and start < t for s, t in ranges)
            span_rows.append((e.article.id, base.span_features(e, start, end), hit))
        unique = list(dict.fromkeys(ranges))
        if unique:
            logits = base.technique_logits(e, unique)
            for (start, end), row in zip(unique, logits, strict=True):
                techniques = {
                    base.info.techniques.index(g.span.technique)
                    for g in gold
                    if g.article_id == e.article.id and (g.span.start, g.span.end) == (start, end)
                }
                for technique in techniques:
                    technique_rows.append((e.article.id, row, technique, techniques))
    span_probabilities: list[float] = []
    span_outcomes: list[bool] = []
    top_probabilities: list[float] = []
    top_outcomes: list[bool] = []
    for fold in article_folds(encoded, folds):
        train = [r for r in span_rows if r[0] not in fold]
        weights = fit_logistic(np.array([r[1] for r in train]), np.array([r[2] for r in train], dtype=float))
        for row in (r for r in span_rows if r[0] in fold):
            span_probabilities.append(apply_span_calibration(weights, row[1]))
            span_outcomes.append(row[2])
        fitted = [r for r in technique_rows if r[0] not in fold]
        temperature = fit_temperature(np.stack([r[1] for r in fitted]), [r[2] for r in fitted])
        for row in (r for r in technique_rows if r[0] in fold):
            probabilities = softmax((row[1][None, :] / temperature).astype(np.float32))[0]
            top_probabilities.append(float(probabilities.max()))
            top_outcomes.append(int(probabilities.argmax()) in row[3])
    raw = [apply_span_calibration([0.0, 1.0, 0.0, 0.0], r[1]) for r in span_rows]  # the mean probability
    return {
        "span_calibration": fit_logistic(
            np.array([r[1] for r in span_rows]), np.array([r[2] for r in span_rows], dtype=float)
        ),
        "temperature": fit_temperature(
            np.stack([r[1] for r in technique_rows]), [r[2] for r in technique_rows]
        ),
        "span_ece_uncalibrated": expected_calibration_error(raw, [r[2] for r in span_rows]),
        "span_ece_cross_validated": expected_calibration_error(span_probabilities, span_outcomes),
        "span_reliability_cross_validated": reliability_table(span_probabilities, span_outcomes),
        "technique_ece_cross_validated": expected_calibration_error(top_probabilities, top_outcomes),
        "technique_reliability_cross_validated": reliability_table(top_probabilities, top_outcomes),
    }
