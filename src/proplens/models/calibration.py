"""Scores that mean what they say: a span's score is the probability that it overlaps an annotated span.

The tagger's mean token probability ranks spans but is not a probability of anything a reader can check.
A logistic regression over three numbers of each detected span -- the logits of its mean and peak token
probability and its log length in tokens -- is fitted on the dev articles' detected spans against "overlaps a
gold span"; a temperature rescales the technique head's logits so that the top technique's probability
matches how often it is right. Both are fitted and measured by cross-validation over dev articles (see
`models/predict.py: cross_validate`); the expected calibration error is reported in MODEL_CARD.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "apply_span_calibration",
    "expected_calibration_error",
    "fit_logistic",
    "fit_temperature",
    "reliability_table",
    "span_calibration_features",
]

Array = NDArray[np.float64]


def span_calibration_features(probabilities: Sequence[float]) -> list[float]:
    """``[1, logit(mean), logit(peak), log(n_tokens)]`` of one span's token probabilities."""
    values = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-4, 1 - 1e-4)
    mean, peak = float(values.mean()), float(values.max())
    return [
        1.0,
        float(np.log(mean / (1 - mean))),
        float(np.log(peak / (1 - peak))),
        float(np.log(len(values))),
    ]


def apply_span_calibration(weights: Sequence[float], features: Sequence[float]) -> float:
    """The calibrated probability for one span's features (see `span_calibration_features`)."""
    z = float(np.dot(np.asarray(weights, dtype=np.float64), np.asarray(features, dtype=np.float64)))
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


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
