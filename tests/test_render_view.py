"""Segments for highlighting overlapping spans, technique rows, colours."""

from __future__ import annotations

from proplens.document import Analysis, Article, Span
from proplens.render.view import describe, lighten, segments, technique_rows

TEXT = "The corrupt mayor lied again today."


def test_segments_cut_at_every_boundary_and_put_the_innermost_span_first() -> None:
    outer = Span(4, 22, "Loaded_Language")  # "corrupt mayor lied"
    inner = Span(4, 11, "Name_Calling,Labeling")  # "corrupt"
    pieces = segments(TEXT, [outer, inner])
    assert [(TEXT[p.start : p.end], p.spans) for p in pieces] == [
        ("The ", ()),
        ("corrupt", (1, 0)),
        (" mayor lied", (0,)),
        (" again today.", ()),
    ]
    assert "".join(TEXT[p.start : p.end] for p in pieces) == TEXT


def test_segments_without_spans_is_the_whole_text() -> None:
    assert segments(TEXT, []) == [segments(TEXT, [])[0]]
    assert (segments(TEXT, [])[0].start, segments(TEXT, [])[0].end) == (0, len(TEXT))


def test_technique_rows_count_share_and_mean_score() -> None:
    spans = (Span(0, 3, "Doubt", 0.2), Span(4, 11, "Doubt", 0.4), Span(12, 17, "Slogans", 0.9))
    rows = technique_rows(Analysis(Article("1", TEXT), spans))
    assert [(r.technique.id, r.count, round(r.share, 3), round(r.mean_score, 3)) for r in rows] == [
        ("Doubt", 2, 0.667, 0.3),
        ("Slogans", 1, 0.333, 0.9),
    ]


def test_describe_falls_back_to_ptc_and_to_a_readable_placeholder() -> None:
    assert describe("Doubt", "semeval2023").taxonomy == "semeval2023"
    assert describe("Flag-Waving", "semeval2023").name == "Flag-waving"  # kept PTC id, still described
    assert describe(None).name.startswith("Propaganda")
    assert describe("Made_Up").name == "Made Up"


def test_lighten_mixes_with_white() -> None:
    assert lighten("#000000", 0.5) == "#808080"
    assert lighten("#ffffff") == "#ffffff"
