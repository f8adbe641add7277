"""Corrections out of the store: one annotation per article and reviewer, the dataset in the PTC layout
(read back by proplens's readers, scored by the official scorer) and JSONL, and reviewers' agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from proplens.corrections import agreement, corrections, latest_per_article, write_dataset
from proplens.document import Analysis, Annotation, Article, Span
from proplens.io.jsonl import read_analyses_jsonl
from proplens.io.ptc import read_articles, read_span_labels, read_technique_labels
from proplens.review import Action, Review
from proplens.scoring import si
from proplens.store import Store

TEXT = "The corrupt mayor lied again.\nOnly traitors vote no. Stop the madness now!"
MODEL_SPANS = (
    Span(4, 11, "Loaded_Language", 0.8),  # corrupt
    Span(35, 43, "Name_Calling,Labeling", 0.6),  # traitors
    Span(53, 69, "Slogans", 0.4),  # Stop the madness
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    first = store.save(Analysis(Article("x", TEXT), MODEL_SPANS))
    again = store.save(Analysis(Article("x", TEXT), MODEL_SPANS))  # the same text analysed twice
    other = store.save(Analysis(Article("y", "Nothing to see here today."), ()))
    for analysis_id, review in [
        (first, Review(Action.REJECT, "ana", span=1)),
        (first, Review(Action.ADD, "ana", start=12, end=17, technique="Name_Calling,Labeling")),
        (first, Review(Action.DONE, "ana")),
        (again, Review(Action.RELABEL, "bo", span=2, technique="Loaded_Language")),
        (again, Review(Action.DONE, "bo")),
        (other, Review(Action.DONE, "ana")),
        (other, Review(Action.DONE, "cy")),
    ]:
        store.add_review(analysis_id, review)
    store.add_review(first, Review(Action.ACCEPT, "dee", span=0))  # never said done: not exported
    return store


def test_each_reviewer_who_said_done_gives_one_annotation_per_text(store: Store) -> None:
    found = corrections(store.reviewed())
    assert [(c.article.text[:8], c.reviewer) for c in found] == [
        ("The corr", "ana"),
        ("The corr", "bo"),
        ("Nothing ", "ana"),
        ("Nothing ", "cy"),
    ]
    ana = found[0]
    assert ana.spans == (
        Span(4, 11, "Loaded_Language"),
        Span(12, 17, "Name_Calling,Labeling"),
        Span(53, 69, "Slogans"),
    )
    assert found[0].article.id == found[1].article.id  # two analyses of one text: one article
    assert [c.reviewer for c in corrections(store.reviewed(), reviewer="bo")] == ["bo"]
    assert [c.reviewer for c in latest_per_article(found)] == ["bo", "cy"]


def test_the_dataset_reads_back_and_scores_with_the_official_definitions(
    store: Store, tmp_path: Path
) -> None:
    found = latest_per_article(corrections(store.reviewed(), reviewer="ana"))
    out = tmp_path / "out"
    write_dataset(found, out)
    articles = {a.id: a for a in read_articles(out / "reviewed-articles")}
    assert [a.text for a in articles.values()] == [TEXT, "Nothing to see here today."]
    labels = read_technique_labels(out / "reviewed-task-flc-tc.labels", articles=articles)
    assert [(a.span.start, a.span.end, a.span.technique) for a in labels] == [
        (4, 11, "Loaded_Language"),
        (12, 17, "Name_Calling,Labeling"),
        (53, 69, "Slogans"),
    ]
    assert len(read_span_labels(out / "reviewed-task-si.labels", articles=articles)) == 3
    key = next(iter(articles))
    model = [Annotation(key, s) for s in MODEL_SPANS]
    scores = si.compute(predictions=model, references=labels)
    # by hand: the model's 3 spans vs the corrected 3; "traitors" was rejected, "mayor" added
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(2 / 3)
    lines = list(read_analyses_jsonl(out / "reviewed.jsonl"))
    assert [a.model for a in lines] == ["reviewed by ana", "reviewed by ana"]
    assert lines[0].spans == found[0].spans and lines[0].article.text == TEXT


def test_agreement_by_hand(store: Store) -> None:
    scores = agreement(corrections(store.reviewed()))
    # the shared text: ana kept {corrupt, mayor, Stop the madness (Slogans)}, bo kept {corrupt, traitors,
    # Stop the madness (Loaded_Language)}; the empty article: both kept nothing
    assert scores["articles"] == 2 and scores["pairs"] == 2
    assert scores["span_f1"] == pytest.approx(2 / 3)  # 2 of 3 spans match exactly on each side
    assert scores["f1/Loaded_Language"] == pytest.approx(2 / 3)  # ana {corrupt}, bo {corrupt, Stop...}
    assert scores["f1/Slogans"] == 0.0 and scores["f1/Name_Calling,Labeling"] == 0.0
    assert agreement([]) == {"articles": 0.0, "pairs": 0.0}
