"""Tuning on dev what a model decodes and reports: the decoder's operating point, the Repetition boost,
the candidates, the calibration and the default minimum score; and the same tuned on other folds only,
for an honest estimate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from proplens.document import Annotation, Span
from proplens.models.decoding import ViterbiDecoder
from proplens.models.detector import Detector, EncodedArticle, ModelInfo
from proplens.models.predict import spans_of, techniques_for
from proplens.scoring import si, tc
from proplens.training.calibration import calibrate
from proplens.training.measures import article_folds

__all__ = [
    "CANDIDATE_BIAS_STEP",
    "COARSE_GRID",
    "DECODING_RULES",
    "FINE_GRID",
    "MIN_SCORES",
    "VITERBI_GRID",
    "best_setting",
    "cross_validated_si",
    "reporting_changes",
    "tune_decoder",
    "tune_min_score",
    "tune_operating_point",
    "tune_repetition_boost",
    "tune_reporting",
    "tune_viterbi",
]


DECODING_RULES: dict[str, Any] = {"decoder": "viterbi", "trim": True}
"""How spans are decoded (models/decoding.py), chosen on dev (MODEL_CARD.md, "What was tried"): the
constrained Viterbi decoder, whose bias, begin penalty and peak are then tuned on dev, with phrase-end
trimming. The threshold decoder's rules (`split`, `cross`) apply when ``decoder`` is "threshold"."""


COARSE_GRID: dict[str, tuple[float, ...]] = {
    "thresholds": (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "max_gaps": (0, 2),
    "peak_margins": (0.0, 0.1, 0.2, 0.3),
}
"""The quicker grid used after each training epoch to compare epochs."""


FINE_GRID: dict[str, tuple[float, ...]] = {
    "thresholds": tuple(float(t) for t in np.round(np.arange(0.10, 0.501, 0.025), 3)),
    "max_gaps": (0, 1, 2, 4),
    "peak_margins": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5),
}
"""The grid searched for the shipped model's operating point (612 settings, about a minute on dev)."""


VITERBI_GRID: dict[str, tuple[float, ...]] = {
    "biases": (1.0, 1.1, 1.15, 1.2, 1.25, 1.3, 1.4),
    "begin_penalties": (-1.5, -1.0, -0.5, 0.0),
    "peaks": (0.0, 0.35, 0.4, 0.43, 0.46, 0.5),
}
"""The Viterbi decoder's settings searched on dev (168, about a minute)."""


MIN_SCORES: tuple[float, ...] = tuple(float(m) for m in np.round(np.arange(0.05, 0.701, 0.01), 2))
"""The default minimum scores searched on dev (`tune_min_score`)."""


CANDIDATE_BIAS_STEP = 1.8
"""The permissive decoding pass's Viterbi bias is the tuned bias plus this (`ModelInfo.candidate_bias`):
on the two example articles it finds 17-43 fragments where the tuned pass finds 2-6."""


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
    settings = (
        {"threshold": float(threshold), "max_gap": int(max_gap), "peak": round(float(threshold) + margin, 2)}
        for max_gap in max_gaps
        for threshold in thresholds
        for margin in peak_margins
        if round(float(threshold) + margin, 2) <= 0.95
    )
    return best_setting(detector, encoded, gold, settings)


def best_setting(
    detector: Detector,
    encoded: Sequence[EncodedArticle],
    gold: Sequence[Annotation],
    settings: Iterable[dict[str, Any]],
) -> dict[str, float]:
    """Of several operating points (`ModelInfo` changes), the one with the best dev SI F1, with F1, P, R."""
    best: dict[str, float] = {"f1": -1.0}
    for setting in settings:
        candidate = detector.with_operating_point(**setting)
        scores = si.compute(predictions=spans_of(candidate, encoded), references=gold)
        if scores["f1"] > best["f1"]:
            best = {
                **{k: float(v) for k, v in setting.items() if k != "decoder"},
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


def tune_viterbi(
    detector: Detector,
    encoded: Sequence[EncodedArticle],
    gold: Sequence[Annotation],
    *,
    biases: Iterable[float] = VITERBI_GRID["biases"],
    begin_penalties: Iterable[float] = VITERBI_GRID["begin_penalties"],
    peaks: Iterable[float] = VITERBI_GRID["peaks"],
) -> dict[str, float]:
    """The Viterbi bias, begin penalty and peak with the best dev SI F1, with that F1, P and R."""
    settings = (
        {"decoder": "viterbi", "viterbi_bias": float(b), "begin_penalty": float(p), "peak": float(k)}
        for b in biases
        for p in begin_penalties
        for k in peaks
    )
    return best_setting(detector, encoded, gold, settings)


def tune_min_score(
    detector: Detector,
    encoded: Sequence[EncodedArticle],
    gold: Sequence[Annotation],
    *,
    minimums: Iterable[float] = MIN_SCORES,
) -> dict[str, float]:
    """The `ModelInfo.min_score` with the best dev SI F1 (ties: the higher minimum), with F1, P and R.

    The candidates and their scores are computed once; each minimum only filters them."""
    scored = []
    for e in encoded:
        for start, end, score, _ in detector.with_operating_point(min_score=0.0).fragments(e):
            scored.append((e.article.id, start, end, score))
    best: dict[str, float] = {"f1": -1.0}
    for minimum in minimums:
        kept = [Annotation(a, Span(s, e, None)) for a, s, e, top in scored if top >= minimum]
        scores = si.compute(predictions=kept, references=gold)
        if scores["f1"] >= best["f1"]:
            best = {
                "min_score": float(minimum),
                "f1": scores["f1"],
                "precision": scores["precision"],
                "recall": scores["recall"],
            }
    return best


def cross_validated_si(
    detector: Detector, encoded: Sequence[EncodedArticle], gold: Sequence[Annotation], *, folds: int = 5
) -> dict[str, float]:
    """SI when the decoder's settings are tuned on the other folds' articles, never on the articles they
    are applied to: an honest estimate of the tuned figure on unseen text."""
    predictions: list[Annotation] = []
    for fold in article_folds(encoded, folds):
        rest = [e for e in encoded if e.article.id not in fold]
        rest_gold = [g for g in gold if g.article_id not in fold]
        if detector.info.min_score is not None:
            tuned = detector.with_operating_point(
                min_score=tune_min_score(detector, rest, rest_gold)["min_score"]
            )
        elif isinstance(detector.info.span_decoder, ViterbiDecoder):
            point = tune_viterbi(detector, rest, rest_gold)
            tuned = detector.with_operating_point(
                viterbi_bias=point["viterbi_bias"], begin_penalty=point["begin_penalty"], peak=point["peak"]
            )
        else:
            point = tune_operating_point(detector, rest, rest_gold)
            tuned = detector.with_operating_point(
                threshold=point["threshold"], max_gap=int(point["max_gap"]), peak=point["peak"]
            )
        mine = [e for e in encoded if e.article.id in fold]
        predictions.extend(spans_of(tuned, mine))
    scores = si.compute(predictions=predictions, references=gold)
    return {"si_precision": scores["precision"], "si_recall": scores["recall"], "si_f1": scores["f1"]}


def tune_reporting(
    detector: Detector, encoded: Any, gold: Any, *, log: Any = print
) -> tuple[ModelInfo, dict[str, Any]]:
    """What a model reports, tuned on dev after its decoder: the candidates (a permissive second pass, for
    Viterbi models), the span calibration and technique temperature fitted on them, the default minimum
    score, and the SI figure cross-validated over dev articles. Returns the new `ModelInfo` and the
    figures (`cross_validated`, `calibration`, and the `min_score_point` for the operating point)."""
    info = detector.info
    if isinstance(info.span_decoder, ViterbiDecoder):
        info = replace(info, candidate_bias=round(info.viterbi_bias + CANDIDATE_BIAS_STEP, 2), min_score=0.0)
    calibration = calibrate(detector.with_operating_point(**reporting_changes(info)), encoded, gold)
    info = replace(
        info, span_calibration=tuple(calibration["span_calibration"]), temperature=calibration["temperature"]
    )
    log(
        f"calibration (5-fold over dev): span ECE {calibration['span_ece_cross_validated']:.4f} "
        f"(uncalibrated {calibration['span_ece_uncalibrated']:.4f}), "
        f"technique ECE {calibration['technique_ece_cross_validated']:.4f}"
    )
    results: dict[str, Any] = {"calibration": calibration}
    if info.min_score is not None:
        point = tune_min_score(detector.with_operating_point(**reporting_changes(info)), encoded, gold)
        info = replace(info, min_score=point["min_score"])
        results["min_score_point"] = {
            "min_score": point["min_score"],
            "f1": point["f1"],
            "precision": point["precision"],
            "recall": point["recall"],
        }
    tuned = detector.with_operating_point(**reporting_changes(info))
    results["cross_validated"] = cross_validated_si(tuned, encoded, gold)
    log(f"SI, operating point tuned on the other folds (5-fold over dev): {results['cross_validated']}")
    return info, results


def reporting_changes(info: ModelInfo) -> dict[str, Any]:
    """The reporting fields of `info`, as `Detector.with_operating_point` changes."""
    keys = ("candidate_bias", "min_score", "span_calibration", "temperature")
    return {key: getattr(info, key) for key in keys}


def tune_decoder(
    detector: Detector, encoded: Sequence[EncodedArticle], gold: Sequence[Annotation]
) -> tuple[ModelInfo, dict[str, float]]:
    """The decoder's operating point (Viterbi: `VITERBI_GRID`, threshold: `FINE_GRID`), then the
    Repetition boost, tuned on dev: the new `ModelInfo` and the chosen settings with their dev figures."""
    if isinstance(detector.info.span_decoder, ViterbiDecoder):
        point = tune_viterbi(detector, encoded, gold)
        changes: dict[str, Any] = {
            "viterbi_bias": point["viterbi_bias"],
            "begin_penalty": point["begin_penalty"],
            "peak": point["peak"],
        }
    else:
        point = tune_operating_point(detector, encoded, gold, **FINE_GRID)
        changes = {"threshold": point["threshold"], "max_gap": int(point["max_gap"]), "peak": point["peak"]}
    tuned = detector.with_operating_point(**changes)
    point.update(tune_repetition_boost(tuned, encoded, gold))
    return replace(tuned.info, repetition_boost=point["repetition_boost"]), point
