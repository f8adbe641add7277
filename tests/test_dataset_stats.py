from pathlib import Path

import pytest

from proplens import Annotation, Article, Span
from proplens.dataset.stats import compute_stats
from proplens.io import ptc


def test_hand_counted_stats() -> None:
    articles = [Article("1", "aaaa bbbb\ncccc dddd"), Article("2", "eeee")]
    annotations = [
        Annotation("1", Span(0, 4, "Loaded_Language")),
        Annotation("1", Span(0, 4, "Name_Calling,Labeling")),  # duplicate fragment
        Annotation("1", Span(2, 14, "Doubt")),  # overlaps [0,4), crosses the newline
    ]
    stats = compute_stats(articles, annotations)
    assert (stats.articles, stats.characters, stats.words) == (2, 23, 5)
    assert stats.spans == 3
    assert stats.articles_without_spans == 1
    assert stats.propaganda_characters == 14  # union [0,14)
    assert stats.propaganda_share == pytest.approx(14 / 23)
    assert stats.duplicate_spans == 1
    assert stats.overlapping_pairs == 1
    assert stats.spans_crossing_newline == 1
    assert stats.lengths is not None
    assert (stats.lengths.minimum, stats.lengths.median, stats.lengths.maximum) == (4, 4, 12)
    assert stats.length_histogram == {
        "1-10": 2,
        "11-25": 1,
        "26-50": 0,
        "51-100": 0,
        "101-200": 0,
        ">200": 0,
    }
    assert stats.techniques[0].technique in {"Doubt", "Loaded_Language"}
    assert {t.technique: t.spans for t in stats.techniques}["Doubt"] == 1


def test_unannotated_corpus() -> None:
    stats = compute_stats([Article("1", "one two")])
    assert not stats.annotated
    assert stats.to_dict()["words"] == 2


def test_train_split_matches_the_corpus_readme(ptc_dir: Path) -> None:
    articles = ptc.read_articles(ptc_dir / "train-articles")
    annotations = ptc.read_technique_labels(ptc_dir / "train-task-flc-tc.labels")
    stats = compute_stats(articles, annotations)
    assert stats.articles == 371
    assert stats.spans == 6128
    assert stats.articles_without_spans == 14
    assert stats.spans_crossing_newline == 244
    assert stats.duplicate_spans == 41
    counts = {t.technique: t.spans for t in stats.techniques}
    assert counts["Loaded_Language"] == 2123
    assert counts["Bandwagon,Reductio_ad_hitlerum"] == 72
