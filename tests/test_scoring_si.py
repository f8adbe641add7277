"""SI scorer against hand-worked examples of the official SemEval-2020 Task 11 definition.

P = (1/|S|) sum_s sum_t |s&t|/|s| and R = (1/|T|) sum_s sum_t |s&t|/|t| over merged spans.
"""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proplens import Annotation, Span
from proplens.io import ptc
from proplens.scoring import si


def spans(article_id: str, *ranges: tuple[int, int]) -> list[Annotation]:
    return [Annotation(article_id, Span(start, end)) for start, end in ranges]


def test_half_overlap() -> None:
    # |s&t| = 5: P = 5/10, R = 5/10, F1 = 0.5
    scores = si.compute(predictions=spans("a", (5, 15)), references=spans("a", (0, 10)))
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.5)


def test_one_prediction_across_two_gold_spans() -> None:
    # s=[5,25) meets t1=[0,10) in 5 chars and t2=[20,30) in 5 chars
    # P = (5/20 + 5/20) / 1 = 0.5 ; R = (5/10 + 5/10) / 2 = 0.5
    scores = si.compute(predictions=spans("a", (5, 25)), references=spans("a", (0, 10), (20, 30)))
    assert (scores["precision"], scores["recall"]) == pytest.approx((0.5, 0.5))


def test_fragmented_predictions_are_punished_through_the_count() -> None:
    # gold [0,100); predictions [0,10) and [50,60) both inside it, plus a stray [200,210)
    # P = (10/10 + 10/10 + 0) / 3 = 2/3 ; R = (10/100 + 10/100) / 1 = 0.2 ; F1 = 2*(2/3)*0.2/(2/3+0.2) = 4/13
    scores = si.compute(
        predictions=spans("a", (0, 10), (50, 60), (200, 210)),
        references=spans("a", (0, 100)),
    )
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(0.2)
    assert scores["f1"] == pytest.approx(4 / 13)


def test_nested_gold_spans_are_merged_first() -> None:
    # gold [0,20) and [5,10) merge to [0,20); prediction [0,10): P = 10/10, R = 10/20, F1 = 2/3
    scores = si.compute(predictions=spans("a", (0, 10)), references=spans("a", (0, 20), (5, 10)))
    assert scores["gold_spans"] == 1
    assert (scores["precision"], scores["recall"], scores["f1"]) == pytest.approx((1, 0.5, 2 / 3))


def test_overlapping_and_duplicate_predictions_are_merged() -> None:
    # [0,6) + [4,10) + [4,10) merge to [0,10), which equals the gold span
    scores = si.compute(predictions=spans("a", (0, 6), (4, 10), (4, 10)), references=spans("a", (0, 10)))
    assert scores["predicted_spans"] == 1
    assert scores["f1"] == 1.0


def test_touching_spans_are_not_merged() -> None:
    # [0,5) and [5,10) stay two spans: P = (5/5 + 5/5)/2 = 1 ; R = (5/10 + 5/10)/1 = 1
    scores = si.compute(predictions=spans("a", (0, 5), (5, 10)), references=spans("a", (0, 10)))
    assert scores["predicted_spans"] == 2
    assert scores["f1"] == pytest.approx(1.0)


def test_spans_only_meet_gold_of_their_own_article() -> None:
    # same offsets, different articles: no overlap at all
    scores = si.compute(predictions=spans("b", (0, 10)), references=spans("a", (0, 10)))
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.0, 0.0, 0.0)


def test_empty_sides() -> None:
    no_predictions = si.compute(predictions=[], references=spans("a", (0, 10)))
    assert (no_predictions["precision"], no_predictions["recall"], no_predictions["f1"]) == (
        0,
        0,
        0,
    )
    no_gold = si.compute(predictions=spans("a", (0, 10)), references=[])
    assert (no_gold["precision"], no_gold["recall"], no_gold["f1"]) == (0, 0, 0)
    neither = si.compute(predictions=[], references=[])
    assert neither["f1"] == 1.0


ranges = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)


@given(predicted=ranges, gold=ranges)
def test_scores_are_ratios_and_gold_vs_gold_is_perfect(
    predicted: list[tuple[int, int]], gold: list[tuple[int, int]]
) -> None:
    scores = si.compute(predictions=spans("a", *predicted), references=spans("a", *gold))
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= scores[key] <= 1.0 + 1e-12
    assert si.compute(predictions=spans("a", *gold), references=spans("a", *gold))["f1"] == (
        pytest.approx(1.0)
    )


def test_gold_vs_gold_on_the_dev_split_is_one(ptc_dir: Path) -> None:
    for labels in ("dev-task-si.labels", "dev-task-flc-tc.labels"):
        path = ptc_dir / labels
        gold = ptc.read_span_labels(path) if "si" in labels else ptc.read_technique_labels(path)
        scores = si.compute(predictions=gold, references=gold)
        assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0)
