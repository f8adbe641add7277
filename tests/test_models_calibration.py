"""Calibration: logistic fit, temperature, and the expected calibration error on hand-worked examples."""

import numpy as np
import pytest

from proplens.models.calibration import apply_span_calibration, span_calibration_features
from proplens.training.calibration import (
    expected_calibration_error,
    fit_logistic,
    fit_temperature,
    reliability_table,
)


def test_ece_by_hand() -> None:
    # bin [0.2, 0.3): two predictions at 0.2, one right -> |0.2 - 0.5| = 0.3, weight 2/4
    # bin [0.9, 1.0]: two predictions at 0.9, both right -> |0.9 - 1.0| = 0.1, weight 2/4
    probabilities, outcomes = [0.2, 0.2, 0.9, 0.9], [True, False, True, True]
    assert expected_calibration_error(probabilities, outcomes) == pytest.approx(0.5 * 0.3 + 0.5 * 0.1)
    table = reliability_table(probabilities, outcomes)
    assert [(r["count"], r["observed"]) for r in table] == [(2.0, 0.5), (2.0, 1.0)]
    assert expected_calibration_error([], []) == 0.0


def test_a_perfectly_calibrated_predictor_has_a_small_ece() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20000)
    outcomes = rng.uniform(size=p.size) < p
    assert expected_calibration_error(p, outcomes) < 0.02
    assert expected_calibration_error(np.clip(p + 0.3, 0, 1), outcomes) > 0.2


def test_logistic_fit_recovers_the_generating_weights() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([np.ones(5000), rng.normal(size=5000)])
    y = rng.uniform(size=5000) < 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 1])))
    w = fit_logistic(x, y.astype(float), l2=0.0)
    assert w == pytest.approx([0.5, 2.0], abs=0.15)
    assert apply_span_calibration([0.0, 0.0], [1.0, 3.0]) == pytest.approx(0.5)


def test_temperature_undoes_overconfident_logits() -> None:
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 3, size=3000)
    logits = rng.normal(size=(3000, 3))
    logits[np.arange(3000), labels] += 1.0
    assert fit_temperature(logits * 3.0, labels) == pytest.approx(3.0, abs=0.3)


def test_span_features() -> None:
    features = span_calibration_features([0.5, 0.5])
    assert features == pytest.approx([1.0, 0.0, 0.0, np.log(2)])
    assert np.isfinite(span_calibration_features([1.0, 0.0])).all()
