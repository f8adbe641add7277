"""The bundled, hand-annotated example and the hand-worked scores of its imperfect predictions."""

import pytest

from proplens.io import ptc
from proplens.scoring import si, tc
from tests.conftest import EXAMPLES

ARTICLES = {a.id: a for a in ptc.read_articles(EXAMPLES / "demo-articles")}
GOLD_TC = ptc.read_technique_labels(EXAMPLES / "demo-task-flc-tc.labels", articles=ARTICLES)


def test_annotations_sit_on_word_boundaries() -> None:
    article = ARTICLES["1000001"]
    for annotation in GOLD_TC:
        fragment = article.fragment(annotation.span)
        assert fragment == fragment.strip()
        before = article.text[annotation.span.start - 1] if annotation.span.start else " "
        assert not before.isalnum(), fragment


def test_si_gold_is_the_merged_technique_gold() -> None:
    gold_si = ptc.read_span_labels(EXAMPLES / "demo-task-si.labels", articles=ARTICLES)
    assert si.compute(predictions=GOLD_TC, references=gold_si)["f1"] == 1.0
    assert len(gold_si) == si.compute(predictions=[], references=GOLD_TC)["gold_spans"]


def test_template_lists_the_gold_spans_in_order() -> None:
    template = ptc.read_tc_template(EXAMPLES / "demo-task-tc-template.out", articles=ARTICLES)
    assert [a.span.start for a in template] == [a.span.start for a in GOLD_TC]


def test_imperfect_si_predictions_score_as_worked_out_by_hand() -> None:
    # 13 exact spans, 1 half of a 42-char gold span (21 chars), 1 stray span; 3 gold spans missed.
    # P = (13 + 21/21 + 0) / 15 = 14/15 ; R = (13 + 21/42) / 16 = 27/32 ; F1 = 756/853
    predictions = ptc.read_span_labels(EXAMPLES / "demo-pred-si.labels", articles=ARTICLES)
    gold = ptc.read_span_labels(EXAMPLES / "demo-task-si.labels", articles=ARTICLES)
    scores = si.compute(predictions=predictions, references=gold)
    assert scores["precision"] == pytest.approx(14 / 15)
    assert scores["recall"] == pytest.approx(27 / 32)
    assert scores["f1"] == pytest.approx(756 / 853)


def test_imperfect_tc_predictions_score_as_worked_out_by_hand() -> None:
    # 4 of 20 lines wrong -> micro-F1 16/20. Macro: 9 techniques perfect, Loaded_Language 8/11,
    # Slogans 1/2, Name_Calling 2/3, Thought-terminating 2/3, Repetition 0 -> (763/66) / 14
    predictions = ptc.read_technique_labels(EXAMPLES / "demo-pred-tc.labels", articles=ARTICLES)
    scores = tc.compute(predictions=predictions, references=GOLD_TC)
    assert scores["micro_f1"] == pytest.approx(0.8)
    assert scores["f1/Loaded_Language"] == pytest.approx(8 / 11)
    assert scores["macro_f1"] == pytest.approx(763 / 924)
