"""Sentence-level classification (SLC) F1 derived from spans, in the style of the NLP4IF-2019 task.

A sentence is "propaganda" when at least one span (of any technique) shares a character with it. The
PTC articles hold one sentence per line, so sentences are the non-blank lines of each article. The score
is precision, recall and F1 of the propaganda class over all sentences of the given articles.
"""

from __future__ import annotations

from collections.abc import Iterable

from proplens.document import Annotation, Article, group_by_article
from proplens.errors import ScoringError
from proplens.scoring._measures import precision_recall_f1

__all__ = ["compute", "sentence_ranges"]


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` range of each non-blank line of `text` (newline excluded)."""
    ranges, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            ranges.append((start, end))
        start = end + 1
    return ranges


def compute(
    *,
    predictions: Iterable[Annotation],
    references: Iterable[Annotation],
    articles: Iterable[Article],
) -> dict[str, float]:
    """Propaganda-sentence precision, recall and F1 over the sentences of `articles`."""
    by_id = {article.id: article for article in articles}
    predicted, gold = group_by_article(predictions), group_by_article(references)
    unknown = (set(predicted) | set(gold)) - set(by_id)
    if unknown:
        raise ScoringError(f"spans refer to articles not given: {', '.join(sorted(unknown))}")
    tp = fp = fn = sentences = 0
    for article_id, article in by_id.items():
        for start, end in sentence_ranges(article.text):
            sentences += 1
            is_predicted = any(s.start < end and start < s.end for s in predicted.get(article_id, []))
            is_gold = any(s.start < end and start < s.end for s in gold.get(article_id, []))
            tp += is_predicted and is_gold
            fp += is_predicted and not is_gold
            fn += is_gold and not is_predicted
    precision, recall, f1 = precision_recall_f1(tp, tp + fp, tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "sentences": float(sentences),
        "gold_propaganda_sentences": float(tp + fn),
        "predicted_propaganda_sentences": float(tp + fp),
    }
