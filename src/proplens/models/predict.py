"""Predictions in the official SemEval-2020 Task 11 shapes, and dev-set tuning of the operating point.

SI: one ``(article, start, end)`` per detected span. TC: the technique of each template line, where a
fragment listed k times (the corpus lists a fragment once per technique it carries) gets its k most
probable techniques, one per line, in order of probability.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from proplens._batching import batched
from proplens.document import Annotation, Article, Span
from proplens.models.calibration import (
    apply_span_calibration,
    expected_calibration_error,
    fit_logistic,
    fit_temperature,
    reliability_table,
)
from proplens.models.decoding import END_WORDS
from proplens.models.detector import Detector, EncodedArticle
from proplens.models.heads import softmax
from proplens.scoring import si, tc

__all__ = [
    "calibrate",
    "cross_validated_si",
    "paragraph_agreement",
    "predict_si",
    "predict_tc",
    "tune_min_score",
    "tune_operating_point",
    "tune_viterbi",
]


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


def dev_scores(
    detector: Detector, encoded: Sequence[EncodedArticle], gold: Sequence[Annotation]
) -> dict[str, float]:
    """SI at the model's operating point and TC on the gold fragments (the official task set-up)."""
    predicted = spans_of(detector, encoded)
    si_scores = si.compute(predictions=predicted, references=gold)
    tc_scores = tc.compute(predictions=techniques_for(detector, encoded, gold), references=gold)
    return {
        "si_precision": si_scores["precision"],
        "si_recall": si_scores["recall"],
        "si_f1": si_scores["f1"],
        **span_shapes(predicted, gold, {e.article.id: e.article.text for e in encoded}),
        **{f"tc_{k}": v for k, v in tc_scores.items()},
    }


def span_shapes(
    predicted: Sequence[Annotation], gold: Sequence[Annotation], texts: dict[str, str]
) -> dict[str, float]:
    """What a reader notices in the detected spans: how many there are, the share that overlaps no gold
    span at all, that crosses a line break, and that ends on a function word (see models/decoding.py)."""
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line in gold:
        ranges[line.article_id].append((line.span.start, line.span.end))
    lonely = crossing = function_word = 0
    for p in predicted:
        start, end = p.span.start, p.span.end
        lonely += not any(s < end and start < e for s, e in ranges.get(p.article_id, []))
        fragment = texts[p.article_id][start:end]
        crossing += "\n" in fragment
        words = fragment.lower().split()
        function_word += bool(words) and words[-1].strip(",.;:") in END_WORDS
    count = max(len(predicted), 1)
    return {
        "spans_predicted": float(len(predicted)),
        "spans_without_gold_overlap": lonely / count,
        "spans_crossing_line_break": crossing / count,
        "spans_ending_on_function_word": function_word / count,
    }


def article_folds(encoded: Sequence[EncodedArticle], folds: int = 5) -> list[set[str]]:
    """Articles dealt round-robin (by id) into `folds` folds, for cross-validation over dev articles."""
    ids = sorted(e.article.id for e in encoded)
    return [set(ids[k::folds]) for k in range(folds)]


VITERBI_GRID: dict[str, tuple[float, ...]] = {
    "biases": (1.0, 1.1, 1.15, 1.2, 1.25, 1.3, 1.4),
    "begin_penalties": (-1.5, -1.0, -0.5, 0.0),
    "peaks": (0.0, 0.35, 0.4, 0.43, 0.46, 0.5),
}
"""The Viterbi decoder's settings searched on dev (168, about a minute)."""


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


MIN_SCORES: tuple[float, ...] = tuple(float(m) for m in np.round(np.arange(0.05, 0.701, 0.01), 2))
"""The default minimum scores searched on dev (`tune_min_score`)."""


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


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each non-empty line (a PTC article has one sentence or paragraph per line)."""
    found, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            found.append((at, at + len(line)))
        at += len(line) + 1
    return found


def paragraph_agreement(
    detector: Detector, articles: Sequence[Article], *, encoded: Sequence[EncodedArticle] | None = None
) -> dict[str, float]:
    """How far the spans of each paragraph analysed alone agree with the spans the same paragraph gets
    inside its whole article: SI P/R/F1 of the former against the latter (F1 is symmetric), over all
    paragraphs. 1.0: context never changes a highlight. `encoded`: the articles' encoder outputs, when
    they are at hand already."""
    alone: list[Annotation] = []
    inside: list[Annotation] = []
    for whole in encoded if encoded is not None else encode_all(detector, articles):
        article = whole.article
        ranges = paragraphs(article.text)
        starts = [p_start for p_start, _ in ranges]
        for start, end, _, _ in detector.fragments(whole):
            k = max(0, bisect.bisect_right(starts, start) - 1)  # the paragraphs it touches, in order
            while k < len(ranges) and ranges[k][0] < end:
                p_start, p_end = ranges[k]
                if start < p_end:
                    span = Span(max(start, p_start) - p_start, min(end, p_end) - p_start)
                    inside.append(Annotation(f"{article.id}/{k}", span))
                k += 1
        pieces = [Article(f"{article.id}/{k}", article.text[s:e]) for k, (s, e) in enumerate(ranges)]
        for piece in encode_all(detector, pieces):
            alone += [Annotation(piece.article.id, Span(s, e)) for s, e, _, _ in detector.fragments(piece)]
    scores = si.compute(predictions=alone, references=inside)
    return {
        "paragraph_precision": scores["precision"],
        "paragraph_recall": scores["recall"],
        "paragraph_f1": scores["f1"],
        "spans_alone": float(len(alone)),
        "spans_inside": float(len(inside)),
    }


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
        elif detector.info.decoder == "viterbi":
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
