"""What dev figures a run reports besides the official scores: span shapes a reader notices, and how far a
paragraph's spans change when it is analysed alone."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence

from proplens.document import Annotation, Article, Span
from proplens.models.decoding import END_WORDS
from proplens.models.detector import Detector, EncodedArticle
from proplens.models.predict import encode_all, spans_of, techniques_for
from proplens.scoring import si, tc

__all__ = ["article_folds", "dev_scores", "paragraph_agreement", "paragraphs", "span_shapes"]


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


def article_folds(encoded: Sequence[EncodedArticle], folds: int = 5) -> list[set[str]]:
    """Articles dealt round-robin (by id) into `folds` folds, for cross-validation over dev articles."""
    ids = sorted(e.article.id for e in encoded)
    return [set(ids[k::folds]) for k in range(folds)]
