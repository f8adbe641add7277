"""Article-level figures, the propaganda score, key sentences, targets and taxonomy translation."""

from __future__ import annotations

import math
import time

import pytest

from proplens import nlp
from proplens.analysis import (
    NAMING_SENTENCES,
    SCORE_SCALE,
    _canonical_names,
    _naming_sentences,
    figures,
    in_taxonomy,
    key_sentences,
    propaganda_score,
    summarise,
    targets,
)
from proplens.document import Analysis, Article, Span
from tests.conftest import EXAMPLES, SHARED

SHARED_EXAMPLES = SHARED / "examples"

TEXT = (
    "Senator Jane Miller attacked the plan.\n\n"
    "Miller is a corrupt clown and a liar, says the mayor. The plan is fine.\n"
    "Nobody will stop this disaster!"
)


DEMO_ARTICLE = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def _span(fragment: str, technique: str, score: float = 1.0, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(fragment, start + 1)
    return Span(start, start + len(fragment), technique, score)


def test_score_follows_its_documented_formula() -> None:
    assert propaganda_score([], 100) == 0.0
    assert propaganda_score([Span(0, 1, "Doubt", 1.0)], 0) == 0.0
    # one sure technique use in 1,000 words: 100 * (1 - exp(-1 / SCORE_SCALE))
    assert propaganda_score([Span(0, 1, "Doubt", 1.0)], 1000) == round(
        100 * (1 - math.exp(-1 / SCORE_SCALE)), 1
    )
    # confidence weighs: two half-sure uses count as one sure one
    half = [Span(0, 1, "Doubt", 0.5), Span(2, 3, "Doubt", 0.5)]
    assert propaganda_score(half, 1000) == propaganda_score([Span(0, 1, "Doubt", 1.0)], 1000)
    many = [Span(i, i + 1, "Doubt", 1.0) for i in range(200)]
    assert 99 < propaganda_score(many, 1000) <= 100


def test_a_short_text_counts_as_a_short_news_item() -> None:
    from proplens.analysis import SCORE_MIN_WORDS

    weak = [Span(0, 1, "Doubt", 0.3)]
    # below SCORE_MIN_WORDS the word count is SCORE_MIN_WORDS: 8 words score like 250
    assert propaganda_score(weak, 8) == propaganda_score(weak, SCORE_MIN_WORDS)
    assert propaganda_score(weak, 8) == round(
        100 * (1 - math.exp(-0.3 / SCORE_MIN_WORDS * 1000 / SCORE_SCALE)), 1
    )
    assert propaganda_score(weak, 8) < 25  # one weak span in a headline is not "top"
    # at and above it, density decides as before: the same density scores the same at any length
    assert (
        propaganda_score(weak * 2, 500)
        == propaganda_score(weak * 4, 1000)
        == propaganda_score(weak * 8, 2000)
    )
    # one weak span per 250 words (or fewer): the score never rises as the text gets shorter
    scores = {n: propaganda_score(weak * max(1, n // 250), n) for n in (10, 50, 100, 250, 500, 1000)}
    assert len(set(scores.values())) == 1, scores


def test_the_readme_example_is_not_scored_like_a_dense_article() -> None:
    from proplens import analyze

    short = analyze("The corrupt mayor lied again. Vote them out!", entities=False)
    dense = analyze(DEMO_ARTICLE, entities=False)
    assert short.figures["propaganda_score"] < 50 < 80 < dense.figures["propaganda_score"]


def test_figures_of_a_hand_counted_article() -> None:
    spans = (
        _span("corrupt clown", "Name_Calling,Labeling"),
        _span("a corrupt clown and a liar", "Loaded_Language"),
    )
    found = figures(Analysis(Article("1", TEXT), spans))
    words = 6 + 15 + 5  # "Senator ... plan" / "Miller ... fine" / "Nobody ... disaster"
    assert found["words"] == words
    assert found["spans"] == 2
    assert found["characters_covered"] == len("a corrupt clown and a liar")  # nested: counted once
    assert found["coverage"] == round(len("a corrupt clown and a liar") / len(TEXT), 4)
    assert found["spans_per_1000_words"] == round(2 / words * 1000, 2)


def test_key_sentences_rank_by_distinct_techniques() -> None:
    spans = [
        _span("corrupt clown", "Name_Calling,Labeling"),
        _span("a liar", "Loaded_Language"),
        _span("disaster", "Loaded_Language"),
        _span("attacked", "Loaded_Language"),
    ]
    sentences = nlp.sentences(TEXT)
    assert [TEXT[s:e] for s, e in sentences] == [
        "Senator Jane Miller attacked the plan.",
        "Miller is a corrupt clown and a liar, says the mayor.",
        "The plan is fine.",
        "Nobody will stop this disaster!",
    ]
    best = key_sentences(spans, sentences, limit=2)  # returned in text order
    assert [b.start for b in best] == [sentences[0][0], sentences[1][0]]  # tie on one technique: earlier wins
    assert sorted(best[1].techniques) == ["Loaded_Language", "Name_Calling,Labeling"]


def test_targets_resolve_short_mentions_to_the_full_name() -> None:
    spans = [
        _span("corrupt clown", "Name_Calling,Labeling"),
        _span("attacked", "Loaded_Language"),
        _span("disaster", "Appeal_to_fear-prejudice"),
        _span("The plan is fine", "Flag-Waving"),  # not a technique aimed at someone
    ]
    analysis = summarise(Analysis(Article("1", TEXT), tuple(spans)))
    by_name = {t.name: t for t in analysis.targets}
    assert "Jane Miller" in by_name, analysis.targets
    assert by_name["Jane Miller"].kind == "PERSON"
    assert set(by_name["Jane Miller"].technique_counts()) == {"Name_Calling,Labeling", "Loaded_Language"}
    assert analysis.target_of(spans[3]) is None
    assert analysis.target_of(spans[2]) is None  # no entity in "Nobody will stop this disaster!"


def test_a_short_name_takes_its_full_name_and_kind_from_the_whole_article() -> None:
    """The full name stands in a sentence without any fragment (never parsed for targets): the short
    name aimed at still becomes that person, whatever the recogniser made of the short mention."""
    text = (
        "Nicolás Maduro took office in Caracas in 2013.\n"
        "The weather was mild.\n"
        "Maduro, a disgraceful tyrant, began talks with the opposition."
    )
    at = text.index("a disgraceful tyrant")
    farce = Span(at, at + len("a disgraceful tyrant"), "Name_Calling,Labeling", 0.9)
    found = targets(text, [farce], nlp.sentences(text))
    assert [(t.name, t.kind) for t in found] == [("Nicolás Maduro", "PERSON")]


def test_a_name_the_article_gives_a_council_or_a_people_is_a_place() -> None:
    def entity(text: str, kind: str) -> nlp.Entity:
        return nlp.Entity(0, len(text), kind, text)

    council = _canonical_names([entity("Bramwell", "PERSON"), entity("Bramwell Council's", "ORG")])
    assert council["Bramwell"] == ("Bramwell", "GPE")
    people = _canonical_names([entity("Bramwell", "PERSON"), entity("Bramwellian", "NORP")])
    assert people["Bramwell"] == ("Bramwell", "GPE")
    # a person's name beside a company named after someone else stays a person
    company = _canonical_names([entity("Ford", "PERSON"), entity("Ford Motor Company", "ORG")])
    assert company["Ford"] == ("Ford", "PERSON")


def test_naming_sentences_are_bounded_and_linear() -> None:
    """At most NAMING_SENTENCES more sentences are parsed, and the search for them stays linear on
    hostile text (long runs of capitalised word characters and dots)."""
    names = [nlp.Entity(0, 1, "PERSON", w) for w in ("Ann", "Bo", "A")]
    for piece in ("A.", "Aa", "Ann Bo "):
        times = []
        for n in (20_000, 160_000):
            text = piece * (n // len(piece))
            sentences = [(a, min(a + 4_000, len(text))) for a in range(0, len(text), 4_000)]
            started = time.perf_counter()
            chosen = _naming_sentences(text, sentences, [], names)
            times.append(time.perf_counter() - started)
            assert len(chosen) <= NAMING_SENTENCES
        assert times[1] < 40 * times[0] + 0.5, (piece, times)


@pytest.mark.skipif(not SHARED_EXAMPLES.exists(), reason="needs ../shared/examples")
def test_one_person_has_one_kind_in_every_article() -> None:
    """Both real examples aim fragments at Maduro; one once made him an organisation (its parsed
    sentences said "Maduro regime"), the other a person."""
    from proplens import analyze

    kinds = {}
    for name in ("blinken-latin-america-tour.txt", "valera-maduro-opposition-pact.txt"):
        analysis = analyze((SHARED_EXAMPLES / name).read_text(encoding="utf-8"))
        kinds[name] = {t.kind for t in analysis.targets if "Maduro" in t.name}
    assert all(kind == {"PERSON"} for kind in kinds.values()), kinds


def test_summarise_without_entities_skips_targets_but_keeps_figures() -> None:
    spans = (_span("corrupt clown", "Name_Calling,Labeling"),)
    analysis = summarise(Analysis(Article("1", TEXT), spans), entities=False)
    assert analysis.targets == ()
    assert analysis.figures["spans"] == 1 and analysis.key_sentences


def test_targets_without_aimed_spans_cost_nothing() -> None:
    assert targets(TEXT, [_span("The plan is fine", "Flag-Waving")], [(0, len(TEXT))]) == ()


def test_in_taxonomy_translates_to_semeval2023_and_keeps_every_span() -> None:
    spans = (
        _span("corrupt clown", "Name_Calling,Labeling"),
        _span("a liar", "Loaded_Language"),
        _span("disaster", "Whataboutism,Straw_Men,Red_Herring"),
    )
    analysis = summarise(Analysis(Article("1", TEXT), spans))
    moved = in_taxonomy(analysis, "semeval2023")
    assert moved.taxonomy == "semeval2023"
    assert [s.technique for s in moved.spans] == ["Name_Calling-Labeling", "Loaded_Language", "Whataboutism"]
    assert [(s.start, s.end) for s in moved.spans] == [(s.start, s.end) for s in analysis.spans]
    assert {t.name for t in moved.targets} == {t.name for t in analysis.targets}
    assert in_taxonomy(analysis, "ptc") is analysis
    with pytest.raises(ValueError):
        in_taxonomy(analysis, "nonsense")
