"""TC scorer against hand-worked examples: per-span multiset matching, micro/macro F1, confusion."""

from pathlib import Path

import pytest

from proplens import Annotation, ScoringError, Span
from proplens.io import ptc
from proplens.scoring import tc

LL, NC, DOUBT, FLAG = "Loaded_Language", "Name_Calling,Labeling", "Doubt", "Flag-Waving"

GOLD = [
    Annotation("A", Span(0, 5, LL)),
    Annotation("A", Span(10, 20, NC)),  # the same span listed twice with two techniques
    Annotation("A", Span(10, 20, LL)),
    Annotation("B", Span(0, 5, DOUBT)),
]
PREDICTED = [
    Annotation("A", Span(0, 5, LL)),  # right
    Annotation("A", Span(10, 20, LL)),  # matches the LL of the twice-listed span
    Annotation("A", Span(10, 20, LL)),  # a second LL there has nothing left to match
    Annotation("B", Span(0, 5, FLAG)),  # wrong
]


def test_micro_scores_count_multiset_matches_per_span() -> None:
    # TP = 2 of 4 predictions and 4 gold lines: micro P = R = F1 = 0.5
    scores = tc.compute(predictions=PREDICTED, references=GOLD)
    assert scores["correct"] == 2
    assert (scores["micro_precision"], scores["micro_recall"], scores["micro_f1"]) == (
        0.5,
        0.5,
        0.5,
    )


def test_per_technique_and_macro_scores() -> None:
    # LL: 3 predicted, 2 gold, 2 right -> P 2/3, R 1, F1 0.8 ; NC, Doubt: missed -> 0 ;
    # Flag-Waving: predicted once, never gold -> 0. Macro over the 4 techniques seen = 0.8 / 4 = 0.2
    scores = tc.compute(predictions=PREDICTED, references=GOLD)
    assert scores[f"precision/{LL}"] == pytest.approx(2 / 3)
    assert scores[f"recall/{LL}"] == 1.0
    assert scores[f"f1/{LL}"] == pytest.approx(0.8)
    assert scores[f"f1/{NC}"] == scores[f"f1/{DOUBT}"] == scores[f"f1/{FLAG}"] == 0.0
    assert scores[f"support/{LL}"] == 2
    assert scores["macro_f1"] == pytest.approx(0.2)


def test_order_of_techniques_on_a_twice_listed_span_does_not_matter() -> None:
    forward = [Annotation("A", Span(10, 20, NC)), Annotation("A", Span(10, 20, LL))]
    backward = list(reversed(forward))
    assert tc.compute(predictions=backward, references=forward)["micro_f1"] == 1.0


def test_predictions_on_spans_outside_the_template_are_false_positives() -> None:
    # 1 right + 1 extra: P = 1/2, R = 1/1, F1 = 2/3
    scores = tc.compute(
        predictions=[Annotation("B", Span(0, 5, DOUBT)), Annotation("B", Span(6, 9, DOUBT))],
        references=[Annotation("B", Span(0, 5, DOUBT))],
    )
    assert (scores["micro_precision"], scores["micro_recall"]) == (0.5, 1.0)
    assert scores["micro_f1"] == pytest.approx(2 / 3)


def test_confusion_matrix_pairs_leftovers_within_a_span() -> None:
    matrix = tc.confusion_matrix(predictions=PREDICTED, references=GOLD)
    assert matrix == {LL: {LL: 2}, NC: {LL: 1}, DOUBT: {FLAG: 1}}
    extra = tc.confusion_matrix(
        predictions=[Annotation("C", Span(1, 2, FLAG))],
        references=[Annotation("C", Span(3, 4, DOUBT))],
    )
    assert extra == {tc.NO_TECHNIQUE: {FLAG: 1}, DOUBT: {tc.NO_TECHNIQUE: 1}}


def test_empty_and_invalid_inputs() -> None:
    assert tc.compute(predictions=[], references=GOLD)["micro_f1"] == 0.0
    assert tc.compute(predictions=[], references=[])["micro_f1"] == 1.0
    with pytest.raises(ScoringError, match="has no technique"):
        tc.compute(predictions=[Annotation("A", Span(0, 5))], references=GOLD)


def test_gold_vs_gold_on_the_dev_split_is_one(ptc_dir: Path) -> None:
    gold = ptc.read_technique_labels(ptc_dir / "dev-task-flc-tc.labels")
    scores = tc.compute(predictions=list(reversed(gold)), references=gold)
    assert scores["micro_f1"] == 1.0
    assert scores["macro_f1"] == 1.0
    assert scores["gold"] == 1063
