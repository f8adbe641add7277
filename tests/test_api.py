"""The Python API on the shipped model: analyze, analyze_many, one model load, clear errors."""

from __future__ import annotations

import itertools

import pytest

import proplens
from proplens import Article, ProplensError, analyze, analyze_many, load_model
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def test_analyze_text_gives_spans_with_fragments_figures_and_model() -> None:
    analysis = analyze(DEMO, entities=False)
    assert analysis.article.text == DEMO and analysis.article.id.startswith("text-")
    assert analysis.spans, "the demo article is full of techniques"
    for span, fragment in analysis.fragments():
        assert fragment == DEMO[span.start : span.end] and fragment.strip() == fragment
        assert span.technique in proplens.PTC_TECHNIQUE_IDS
        assert span.score is not None and 0 < span.score <= 1
    assert analysis.figures["spans"] == len(analysis.spans)
    assert 0 < analysis.figures["propaganda_score"] <= 100
    assert analysis.model and analysis.model.startswith("proplens")
    assert analysis.key_sentences


def test_analyze_is_deterministic_and_reuses_the_loaded_model() -> None:
    first, second = analyze(DEMO, entities=False), analyze(DEMO, entities=False)
    assert first == second
    assert load_model() is load_model("default")


def test_min_score_trades_recall_for_confidence() -> None:
    loose = analyze(DEMO, min_score=0.05, entities=False)
    default = analyze(DEMO, entities=False)
    strict = analyze(DEMO, min_score=0.6, entities=False)
    covered = [a.figures["characters_covered"] for a in (loose, default, strict)]
    assert covered[0] >= covered[1] >= covered[2] and covered[0] > covered[2]


def test_analyze_many_streams_in_order_and_matches_analyze() -> None:
    articles = [
        Article(str(i), DEMO.replace("Bramwell", name)) for i, name in enumerate(["Ashby", "Corfe", "Dunmow"])
    ]
    many = list(analyze_many(iter(articles), batch_size=2, entities=False))
    assert [a.article.id for a in many] == ["0", "1", "2"]
    assert many[1] == analyze(articles[1], entities=False)


def test_analyze_many_is_lazy() -> None:
    endless = (Article(str(i), DEMO) for i in itertools.count())
    first_two = list(itertools.islice(analyze_many(endless, batch_size=2, entities=False), 2))
    assert [a.article.id for a in first_two] == ["0", "1"]


def test_taxonomy_semeval2023() -> None:
    analysis = analyze(DEMO, taxonomy="semeval2023", entities=False)
    assert analysis.taxonomy == "semeval2023"
    assert all(proplens.techniques.is_known(s.technique or "", "semeval2023") for s in analysis.spans)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: analyze(42), "expected text"),  # type: ignore[arg-type]
        (lambda: analyze(DEMO, min_score=1.5), "min_score"),
        (lambda: analyze(DEMO, taxonomy="nope"), "unknown taxonomy"),
        (lambda: analyze(DEMO, model="/no/such/model"), "not a proplens model directory"),
        (lambda: list(analyze_many([DEMO], batch_size=0)), "batch_size"),
    ],
)
def test_bad_arguments_raise_proplens_errors(call: object, message: str) -> None:
    with pytest.raises(ProplensError, match=message):
        call()  # type: ignore[operator]


def test_an_analysis_records_the_minimum_score_it_was_made_with() -> None:
    import proplens
    from proplens.models.detector import load_detector

    text = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
    default = proplens.analyze(text, entities=False)
    assert default.figures["min_score"] == round(load_detector().info.min_score or 0.0, 4)
    lower = proplens.analyze(text, entities=False, min_score=0.2)
    assert lower.figures["min_score"] == 0.2 and len(lower.spans) > len(default.spans)
    assert all(span.score >= 0.2 for span in lower.spans)
