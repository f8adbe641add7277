"""The per-token surface signals of the span tagger, on hand-made text."""

from __future__ import annotations

import re

import numpy as np

from proplens.models.token_features import TOKEN_FEATURE_NAMES, token_features


def _signals(text: str) -> dict[str, dict[str, float]]:
    """{token text: {signal: value}} for word and punctuation tokens (the first occurrence of each)."""
    offsets = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    values = token_features(text, offsets)
    found: dict[str, dict[str, float]] = {}
    for (start, end), row in zip(offsets, values, strict=True):
        found.setdefault(text[start:end], dict(zip(TOKEN_FEATURE_NAMES, map(float, row), strict=True)))
    return found


def test_capitals_count_only_inside_a_sentence_and_shouting_needs_two_letters() -> None:
    signals = _signals("Headline\nThe Socialist Dictator met the USA. Then I left.")
    assert signals["Socialist"]["capitalised"] == 1 and signals["Dictator"]["capitalised"] == 1
    assert signals["The"]["capitalised"] == 0 and signals["Then"]["capitalised"] == 0
    assert signals["The"]["sentence_start"] == 1 and signals["Then"]["sentence_start"] == 1
    assert signals["USA"]["all_caps"] == 1 and signals["I"]["all_caps"] == 0
    assert signals["met"]["capitalised"] == 0


def test_lines_the_title_and_the_mark_that_ends_the_sentence() -> None:
    signals = _signals("\n  Big news today\nThey lied to you! Why? Calm.")
    assert signals["Big"]["title_line"] == 1 and signals["news"]["title_line"] == 1
    assert signals["They"]["title_line"] == 0
    assert signals["Big"]["line_start"] == 1 and signals["They"]["line_start"] == 1
    assert signals["lied"]["line_start"] == 0
    assert signals["lied"]["exclamation_ahead"] == 1 and signals["lied"]["question_ahead"] == 0
    assert signals["Why"]["question_ahead"] == 1 and signals["Calm"]["exclamation_ahead"] == 0
    # a line without a final mark ends its sentence: "!" on the next line does not reach back
    assert _signals("no mark here\nShout!")["here"]["exclamation_ahead"] == 0


def test_quotation_marks_open_and_close_on_their_line_only() -> None:
    signals = _signals('So-called \u201cdialogue\u201d and "opposition" talks\nan \u201cunclosed line\nnext')
    assert signals["dialogue"]["in_quotes"] == 1 and signals["opposition"]["in_quotes"] == 1
    assert signals["talks"]["in_quotes"] == 0 and signals["and"]["in_quotes"] == 0
    assert signals["\u201c"]["quote_mark"] == 1 and signals["dialogue"]["quote_mark"] == 0
    assert signals["unclosed"]["in_quotes"] == 1 and signals["next"]["in_quotes"] == 0


def test_words_that_recur_across_the_article_score_by_their_count() -> None:
    text = "Freedom now. " + "We want freedom. " * 9 + "It is so."
    signals = _signals(text)
    assert signals["Freedom"]["repeated_word"] == 1.0  # 10 times: the top of the scale
    assert 0.9 < signals["want"]["repeated_word"] < 1  # 9 times
    assert _signals("want it, want it")["want"]["repeated_word"] > 0  # twice counts a little
    assert signals["It"]["repeated_word"] == 0 and signals["so"]["repeated_word"] == 0  # short words


def test_every_token_of_hostile_text_gets_finite_values_in_range() -> None:
    text = '\u201c\u201d\u201d"!!\n\n\t\u00ab?' + "x" * 5000 + " \u0000 \ud7ff END"
    offsets = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    values = token_features(text, offsets)
    assert values.shape == (len(offsets), len(TOKEN_FEATURE_NAMES))
    assert np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1
    assert token_features("", []).shape == (0, len(TOKEN_FEATURE_NAMES))
