"""Scores that mean what they say: a span's score is the probability that it overlaps an annotated span.

The tagger's mean token probability ranks spans but is not a probability of anything a reader can check.
A logistic regression over three numbers of each detected span -- the logits of its mean and peak token
probability and its log length in tokens -- is fitted on the dev articles' detected spans against "overlaps a
gold span"; a temperature rescales the technique head's logits so that the top technique's probability
matches how often it is right. Both are fitted on dev at export (`training/calibration.py`); this module
only applies them, at inference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["apply_span_calibration", "span_calibration_features"]


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
