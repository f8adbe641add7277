import pytest

from proplens import Analysis, Annotation, Article, Span, SpanError, group_by_article, merge_ranges
from proplens.document import covered_characters


def test_span_is_half_open_and_sliced_from_the_text(article: Article) -> None:
    start = article.text.index("corrupt mayor")
    span = Span(start, start + len("corrupt mayor"), "Name_Calling,Labeling")
    assert article.fragment(span) == "corrupt mayor"
    assert len(span) == 13


@pytest.mark.parametrize(
    ("start", "end"),
    [(5, 5), (6, 5), (-1, 3), (1.0, 3)],
)
def test_span_rejects_empty_reversed_or_non_integer_ranges(start: int, end: int) -> None:
    with pytest.raises(SpanError):
        Span(start, end)


def test_span_rejects_scores_outside_zero_one() -> None:
    with pytest.raises(SpanError, match="score"):
        Span(0, 1, "Doubt", score=1.5)
    assert Span(0, 1, "Doubt", score=1.0).score == 1.0


def test_span_past_the_text_is_rejected_on_attach(article: Article) -> None:
    Span(0, len(article.text))  # fine on its own: a span does not know its article
    with pytest.raises(SpanError, match="past the end of article 42"):
        Analysis(article, (Span(0, len(article.text) + 1, "Doubt"),))


def test_overlapping_and_duplicate_spans_are_legal(article: Article) -> None:
    sentence = article.text.index("The corrupt")
    word = article.text.index("corrupt")
    spans = (
        Span(word, word + 7, "Loaded_Language"),
        Span(sentence, sentence + 28, "Loaded_Language"),
        Span(sentence, sentence + 28, "Name_Calling,Labeling"),
    )
    analysis = Analysis(article, spans, model="test")
    assert len(analysis.spans) == 3
    texts = [text for _, text in analysis.fragments()]
    assert texts == ["The corrupt mayor lied again"] * 2 + ["corrupt"]
    assert analysis.annotations()[0] == Annotation("42", analysis.spans[0])


def test_analysis_is_immutable(article: Article) -> None:
    analysis = Analysis(article, figures={"spans": 0})
    with pytest.raises(TypeError):
        analysis.figures["spans"] = 1  # type: ignore[index]


def test_article_id_must_fit_in_a_label_file() -> None:
    with pytest.raises(SpanError):
        Article(id="a\tb", text="x")
    with pytest.raises(SpanError):
        Article(id="", text="x")


def test_overlap_excludes_touching_spans() -> None:
    assert Span(0, 5).overlaps(Span(4, 9))
    assert not Span(0, 5).overlaps(Span(5, 9))


def test_merge_ranges_merges_overlaps_but_not_touching_ranges() -> None:
    assert merge_ranges([(10, 20), (0, 5), (5, 8), (15, 30), (12, 14)]) == [
        (0, 5),
        (5, 8),
        (10, 30),
    ]
    assert merge_ranges([]) == []
    assert covered_characters([(0, 10), (5, 15), (20, 21)]) == 16


def test_group_by_article_keeps_input_order() -> None:
    grouped = group_by_article(
        [Annotation("b", Span(5, 6)), Annotation("a", Span(0, 1)), Annotation("b", Span(1, 2))]
    )
    assert grouped == {"b": [Span(5, 6), Span(1, 2)], "a": [Span(0, 1)]}


def test_an_analysis_pickles_and_comes_back_equal() -> None:
    """Analyses travel from the web server's worker processes by pickle."""
    import pickle

    from proplens.document import Analysis, Article, Span

    article = Article("a", "The corrupt mayor lied.")
    analysis = Analysis(article, (Span(4, 11, "Loaded_Language", 0.8),), "m-1", {"spans": 1.0})
    again = pickle.loads(pickle.dumps(analysis))
    assert again == analysis and dict(again.figures) == {"spans": 1.0}
    with pytest.raises(TypeError):
        again.figures["spans"] = 2.0  # type: ignore[index]
