"""Review actions: their checks against the analysis, and what a sequence of them adds up to."""

from __future__ import annotations

import pytest

from proplens.document import Analysis, Article, Span
from proplens.review import (
    Action,
    Review,
    ReviewError,
    check,
    corrected_spans,
    review_state,
    reviewers,
)

TEXT = "The corrupt mayor lied again. Only traitors vote no. Stop the madness now!"
ANALYSIS = Analysis(
    Article("1", TEXT),
    (
        Span(4, 11, "Loaded_Language", 0.8),  # "corrupt"
        Span(35, 43, "Name_Calling,Labeling", 0.6),  # "traitors"
        Span(53, 69, "Slogans", 0.4),  # "Stop the madness"
    ),
)


def _r(action: str, n: int | None = None, **fields: object) -> Review:
    return Review(Action(action), str(fields.pop("reviewer", "ana")), id=n, **fields)  # type: ignore[arg-type]


def test_a_sequence_of_actions_adds_up_to_what_the_page_shows() -> None:
    reviews = [
        _r("accept", 1, span=0),
        _r("reject", 2, span=1),
        _r("relabel", 3, span=2, technique="Loaded_Language"),
        _r("add", 4, start=12, end=22, technique="Name_Calling,Labeling"),  # "mayor lied"
        _r("resize", 5, added=4, start=12, end=17),  # the added one made shorter: "mayor"
        _r("done", 6),
    ]
    state = review_state(ANALYSIS, reviews)
    assert [s.status for s in state.spans] == ["accepted", "rejected", "accepted", "added"]
    assert state.spans[2].technique == "Loaded_Language" and state.spans[2].changed
    assert (state.spans[3].start, state.spans[3].end) == (12, 17)
    assert state.summary == "reviewed 3 of 3 · done" and state.done_by == ("ana",)
    assert corrected_spans(state) == [
        Span(4, 11, "Loaded_Language"),
        Span(12, 17, "Name_Calling,Labeling"),
        Span(53, 69, "Loaded_Language"),
    ]


def test_the_latest_decision_wins_and_reviewers_are_kept_apart() -> None:
    reviews = [
        _r("reject", 1, span=0),
        _r("accept", 2, span=0, reviewer="bo"),
        _r("accept", 3, span=0),
        _r("add", 4, start=12, end=17, technique="Doubt", reviewer="bo"),
        _r("reject", 5, added=4, reviewer="bo"),
    ]
    assert review_state(ANALYSIS, reviews).spans[0].status == "accepted"
    assert review_state(ANALYSIS, reviews, reviewer="bo").spans[3].status == "rejected"
    assert review_state(ANALYSIS, reviews, reviewer="ana").summary == "reviewed 1 of 3"
    assert reviewers(reviews) == ["ana", "bo"]
    # undecided fragments of an article count as kept: shown to the reviewer and not rejected
    assert len(corrected_spans(review_state(ANALYSIS, reviews, reviewer="bo"))) == 3


@pytest.mark.parametrize(
    ("review", "message"),
    [
        (_r("accept"), "needs the fragment"),
        (_r("accept", span=3), "no fragment 3"),
        (_r("reject", span=-1), "no fragment -1"),
        (_r("add", start=5, end=5, technique="Doubt"), "not a range inside the text"),
        (_r("add", start=70, end=999, technique="Doubt"), "not a range inside the text"),
        (_r("add", start=11, end=12, technique="Doubt"), "only whitespace"),
        (_r("add", start=0, end=3), "needs a technique"),
        (_r("add", start=0, end=3, technique="Mind_Control"), "unknown ptc technique 'Mind_Control'"),
        (_r("relabel", span=0), "needs a technique"),
        (_r("accept", span=0, technique="Doubt"), "takes no technique"),
        (_r("accept", span=0, start=1, end=2), "takes no start or end"),
        (_r("done", span=0), "takes no span"),
        (_r("reject", added=99), "no added fragment 99"),
        (_r("accept", span=0, reviewer="   "), "non-empty reviewer"),
        (_r("accept", span=0, reviewer="a\x00b"), "printable"),
        (_r("accept", span=0, reviewer="x" * 65), "at most 64"),
    ],
)
def test_actions_that_do_not_fit_the_analysis_are_refused_in_one_sentence(
    review: Review, message: str
) -> None:
    with pytest.raises(ReviewError, match=message) as error:
        check(review, ANALYSIS)
    assert "\n" not in str(error.value)


def test_a_fitting_action_comes_back_with_its_reviewer_name_tidied() -> None:
    assert check(_r("accept", span=0, reviewer="  Ana   Lima "), ANALYSIS).reviewer == "Ana Lima"
