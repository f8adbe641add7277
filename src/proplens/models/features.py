"""Surface features of a fragment that an uncased encoder cannot see, fed to the technique head.

The encoder lower-cases everything and sees one window at a time, so it cannot tell that a fragment is
SHOUTED, wrapped in quotation marks, ends in an exclamation mark, or repeats elsewhere in the article (the
very definition of Repetition). These few numbers give the technique head that information.
"""

from __future__ import annotations

import math
import re

__all__ = ["FEATURE_NAMES", "span_features"]

FEATURE_NAMES = (
    "log_characters",
    "log_words",
    "log_repeats",
    "repeated",
    "log_max_word_repeats",
    "upper_ratio",
    "has_all_caps_word",
    "starts_upper",
    "has_quote",
    "inside_quotes",
    "has_exclamation",
    "followed_by_exclamation",
    "has_question",
    "relative_position",
    "in_title",
    "starts_sentence",
    "ends_sentence",
    "has_digit",
)

_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
_WORD = re.compile(r"[^\W\d_]{4,}")
_SENTENCE_END = ".!?\n"


def span_features(text: str, start: int, end: int, *, lowered: str | None = None) -> list[float]:
    """The `FEATURE_NAMES` values of ``text[start:end]``; pass ``lowered=text.lower()`` when calling often."""
    fragment = text[start:end]
    lowered = text.lower() if lowered is None else lowered
    needle = fragment.lower().strip()
    repeats = lowered.count(needle) if needle else 1
    words = fragment.split()
    word_repeats = max((lowered.count(w.lower()) for w in _WORD.findall(fragment)), default=1)
    letters = [c for c in fragment if c.isalpha()]
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    first_newline = text.find("\n")
    return [
        math.log1p(len(fragment)) / 6.0,
        math.log1p(len(words)) / 4.0,
        math.log(max(repeats, 1)) / 2.0,
        float(repeats >= 2),
        math.log(max(word_repeats, 1)) / 3.0,
        sum(c.isupper() for c in letters) / len(letters) if letters else 0.0,
        float(any(len(w) >= 2 and w.isalpha() and w.isupper() for w in words)),
        float(bool(fragment) and fragment[0].isupper()),
        float(any(c in _QUOTES for c in fragment)),
        float(bool(before) and before[-1] in _QUOTES and bool(after) and after[0] in _QUOTES),
        float("!" in fragment),
        float(after.startswith("!")),
        float("?" in fragment or after.startswith("?")),
        start / len(text) if text else 0.0,
        float(first_newline == -1 or start < first_newline),
        float(not before or before[-1] in _SENTENCE_END),
        float(not after or after[0] in _SENTENCE_END or fragment.rstrip()[-1:] in (".", "!", "?")),
        float(any(c.isdigit() for c in fragment)),
    ]
