"""The pretty terminal output: highlighted text, markers for every span, the tables."""

from __future__ import annotations

import io
import re

from rich.console import Console

from proplens.document import Analysis, Article, Span, Target
from proplens.render.terminal import render_analysis

TEXT = "Mayor Bob Stone lies\n\nThe corrupt mayor lied again today. Vote them out!"


def _render(analysis: Analysis, *, colour: bool = False) -> str:
    console = Console(
        file=io.StringIO(),
        width=100,
        record=True,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
    )
    console.print(render_analysis(analysis, origin="demo.txt"))
    return console.export_text(styles=colour)


def test_every_span_gets_a_marker_and_a_row_with_its_technique_and_target() -> None:
    outer = Span(26, 44, "Loaded_Language", 0.5)
    inner = Span(26, 33, "Name_Calling,Labeling", 0.25)
    slogan = Span(58, 72, "Slogans", 0.75)
    analysis = Analysis(
        Article("7", TEXT, title="Mayor Bob Stone lies"),
        (outer, inner, slogan),
        figures={"propaganda_score": 42.0, "spans_per_1000_words": 12.5, "coverage": 0.3},
        targets=(Target("Bob Stone", "PERSON", (inner, outer)),),
    )
    shown = _render(analysis)
    assert "Mayor Bob Stone lies" in shown and "(demo.txt)" in shown
    assert "propaganda score 42/100" in shown
    assert "corrupt[1] mayor lied[2]" in shown  # inner span ends first
    assert "Vote them out![3]" in shown
    assert "Name calling or labelling" in shown and "Slogans" in shown
    assert "Bob Stone" in shown and "Who is targeted" in shown
    assert "0.25" in shown and "0.75" in shown


def test_overlap_is_underlined_and_coloured_on_a_colour_terminal() -> None:
    analysis = Analysis(
        Article("7", TEXT),
        (Span(26, 44, "Loaded_Language", 0.5), Span(26, 33, "Name_Calling,Labeling", 0.25)),
    )
    styled = _render(analysis, colour=True)
    assert re.search(r"\x1b\[4;30;48;2;[0-9;]+mcorrupt", styled)  # nested: underlined, on a background
    assert re.search(r"\x1b\[30;48;2;[0-9;]+m mayor lied", styled)  # outer only: background, no underline


def test_no_spans_shows_the_text_and_no_tables() -> None:
    shown = _render(Analysis(Article("7", TEXT)))
    assert "The corrupt mayor lied again today." in shown
    assert "Fragments" not in shown


def test_markers_take_the_colour_of_the_analysis_taxonomy() -> None:
    from rich.color import Color

    from proplens.render.view import describe

    span = Span(26, 33, "Name_Calling-Labeling", 0.5)  # spelled only in SemEval-2023
    analysis = Analysis(Article("t", TEXT), (span,), taxonomy="semeval2023")
    colour = describe(span.technique, "semeval2023").colour
    assert colour != describe(span.technique, "ptc").colour  # the PTC lookup gives the grey placeholder
    red, green, blue = Color.parse(colour).get_truecolor()
    rendered = _render(analysis, colour=True)
    assert re.search(rf"38;2;{red};{green};{blue}m\[1\]", rendered), (
        "the marker is not in the technique's colour"
    )


def test_the_fragments_table_says_why() -> None:
    text = "Mayor lies\n\nThe so-called experts lied again."
    cue = (text.index("experts"), text.index("experts") + len("experts"))
    span = Span(text.index("so-called"), text.index(" lied"), "Loaded_Language", 0.6, cues=(cue,))
    rendered = _render(Analysis(Article("c", text), (span,)))
    assert "why" in rendered and re.search(r"so-called experts\s+│\s+experts", rendered), rendered
