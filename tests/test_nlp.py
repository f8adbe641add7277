"""spaCy wrappers: sentences never cross a line break; entities come with article offsets."""

from __future__ import annotations

import itertools
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proplens import nlp

TEXT = "Headline without a stop\nDr. Ann Lee spoke in Paris. She left.\n\n  Then Acme Corp. replied!"


def test_sentences_split_lines_and_punctuation_and_trim_spaces() -> None:
    found = [TEXT[s:e] for s, e in nlp.sentences(TEXT)]
    assert found == [
        "Headline without a stop",
        "Dr. Ann Lee spoke in Paris.",
        "She left.",
        "Then Acme Corp. replied!",
    ]
    assert nlp.sentences("") == [] and nlp.sentences("\n\n") == []


def test_entities_only_inside_the_ranges_asked_for_with_article_offsets() -> None:
    line = TEXT.index("Dr.")
    found = nlp.entities(TEXT, [(line, line + len("Dr. Ann Lee spoke in Paris."))])
    assert {(TEXT[e.start : e.end], e.kind) for e in found} >= {("Ann Lee", "PERSON"), ("Paris", "GPE")}
    assert all(e.text == TEXT[e.start : e.end] for e in found)
    assert not any("Acme" in e.text for e in found)
    assert nlp.entities(TEXT, []) == []


# -- hostile text: every step linear, offsets kept ----------------------------------------------------


PIECES = [
    "!",
    "?!",
    "'",
    '"',
    "(",
    ")",
    "...",
    "—",
    "-",
    "a",
    "Zz",
    "WORD",
    " ",
    "\n",
    "Ж",
    "😀",
    "1.",
    "$",
    "é",
    "\u200b",
]
hostile = st.lists(st.tuples(st.sampled_from(PIECES), st.integers(1, 400)), min_size=1, max_size=12).map(
    lambda parts: "".join(piece * count for piece, count in parts)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_sentences_of_hostile_text_are_valid_ranges(text: str) -> None:
    found = nlp.sentences(text)
    assert found == sorted(found)
    for start, end in found:
        assert 0 <= start < end <= len(text)
        assert "\n" not in text[start:end]
        assert not text[start].isspace() and not text[end - 1].isspace()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))


@settings(max_examples=60, deadline=None)
@given(hostile)
def test_defused_text_keeps_every_offset_and_has_no_long_symbol_run(text: str) -> None:
    spaced = nlp.defused(text)
    assert len(spaced) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, spaced, strict=True))
    assert not re.search(rf"[^\w\s]{{{nlp.SYMBOL_RUN}}}", spaced)


def test_defused_leaves_ordinary_text_alone() -> None:
    text = "Wait!!! What?! He said 'no' -- https://example.com/a-long/path_with-words?x=1&y=2 ..."
    assert nlp.defused(text) is text


def test_pieces_cut_long_lines_at_spaces_and_cover_them() -> None:
    line = "word " * 50 + "x" * 120
    cut = nlp.pieces(line, size=40)
    assert "".join(piece for _, piece in cut) == line
    assert all(len(piece) <= 40 for _, piece in cut)
    assert all(line[at : at + len(piece)] == piece for at, piece in cut)
    assert all(piece.endswith(" ") for _, piece in cut[:6])


def test_runs_of_punctuation_are_split_in_linear_time() -> None:
    """spaCy alone takes minutes on 20,000 '!' (quadratic); 200,000 of any of these now take well under
    the bound, and the time grows with the length, not its square."""
    nlp.sentences("Warm up.")
    for piece in ("!", "?!", "'", "—a"):
        times = []
        for n in (20_000, 160_000):
            started = time.perf_counter()
            found = nlp.sentences(piece * (n // len(piece)))
            times.append(time.perf_counter() - started)
            assert found
        assert times[1] < 30, (piece, times)
        assert times[1] < 40 * times[0] + 1.0, (piece, times)  # 8x the text: far below 64x the time


def test_a_line_longer_than_spacys_limit_is_split_not_fatal() -> None:
    line = "The mayor lied again and again. " * 40_000  # 1.28 million characters on one line
    found = nlp.sentences(line)
    assert len(found) >= 40_000 and found[-1][1] == len(line.rstrip())


def test_over_long_sentences_are_not_parsed() -> None:
    text = "Ann Lee spoke. " + "x" * (nlp.PARSE_LIMIT + 10)
    parsed = nlp.parse(text, [(0, 14), (15, len(text))])
    assert [offset for offset, _, _ in parsed] == [0]
    assert nlp.entities(text, [(15, len(text))]) == []
