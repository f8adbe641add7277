from pathlib import Path

import pytest

from proplens import Annotation, Article, ScoringError, Span
from proplens.io import ptc
from proplens.scoring import slc

# sentences: [0,4) "One." ; [5,13) "Two two." ; [15,21) "Three."  (the blank line is not a sentence)
TEXT = "One.\nTwo two.\n\nThree.\n"
ARTICLE = Article("a", TEXT)


def test_sentence_ranges_are_the_non_blank_lines() -> None:
    assert slc.sentence_ranges(TEXT) == [(0, 4), (5, 13), (15, 21)]


def test_hand_worked_example() -> None:
    # gold marks sentence 2; predictions mark sentences 1 and 2 -> TP 1, FP 1, FN 0
    # P = 1/2, R = 1/1, F1 = 2/3
    scores = slc.compute(
        predictions=[Annotation("a", Span(0, 2)), Annotation("a", Span(7, 12))],
        references=[Annotation("a", Span(6, 9, "Doubt"))],
        articles=[ARTICLE],
    )
    assert (scores["precision"], scores["recall"]) == (0.5, 1.0)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["sentences"] == 3


def test_a_span_across_a_newline_marks_both_sentences() -> None:
    scores = slc.compute(
        predictions=[Annotation("a", Span(3, 6))],
        references=[Annotation("a", Span(0, 1)), Annotation("a", Span(5, 6))],
        articles=[ARTICLE],
    )
    assert scores["f1"] == 1.0


def test_spans_of_unknown_articles_are_rejected() -> None:
    with pytest.raises(ScoringError, match="not given: b"):
        slc.compute(predictions=[Annotation("b", Span(0, 1))], references=[], articles=[ARTICLE])


def test_gold_vs_gold_on_the_dev_split_is_one(ptc_dir: Path) -> None:
    articles = ptc.read_articles(ptc_dir / "dev-articles")
    gold = ptc.read_technique_labels(ptc_dir / "dev-task-flc-tc.labels")
    scores = slc.compute(predictions=gold, references=gold, articles=articles)
    assert scores["f1"] == 1.0
    assert 0 < scores["gold_propaganda_sentences"] < scores["sentences"]
