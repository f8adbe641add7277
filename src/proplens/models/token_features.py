"""Per-token surface signals for the span tagger: what an uncased encoder reading one window cannot see.

The encoder lower-cases the text, so "Socialist Dictator Maduro" and "socialist dictator maduro" look the
same to it, and it reads one window of about a hundred tokens, so it cannot know that a word recurs all
over the article. Each token gets a few numbers in [0, 1] computed from the raw text; the tagger adds a
learnt linear function of them to its logits (`ModelInfo.token_feature_weights`). `features.py` holds
the equivalent signals for whole fragments, read by the technique head.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["TOKEN_FEATURE_NAMES", "token_features"]

TOKEN_FEATURE_NAMES = (
    "capitalised",
    "all_caps",
    "title_line",
    "line_start",
    "sentence_start",
    "in_quotes",
    "quote_mark",
    "exclamation_ahead",
    "question_ahead",
    "repeated_word",
)

_WORD = re.compile(r"\w+")
_OPENING = "\u201c\u00ab"
_CLOSING = "\u201d\u00bb"
_QUOTES = '"' + _OPENING + _CLOSING
_SENTENCE_END = ".!?"


def token_features(text: str, offsets: Sequence[tuple[int, int]]) -> NDArray[np.float32]:
    """``[n_tokens, len(TOKEN_FEATURE_NAMES)]`` surface signals of the tokens at `offsets` in `text`."""
    n = len(text)
    word_of = np.full(n + 1, -1, dtype=np.int64)
    words = list(_WORD.finditer(text))
    for index, match in enumerate(words):
        word_of[match.start() : match.end()] = index
    counts = Counter(m.group().lower() for m in words if len(m.group()) >= 4)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    title_line = _line_of(line_starts, len(text) - len(text.lstrip()))
    quoted = _inside_quotes(text)
    ending = _sentence_endings(text)
    features = np.zeros((len(offsets), len(TOKEN_FEATURE_NAMES)), dtype=np.float32)
    previous_line = -1
    for row, (start, end) in enumerate(offsets):
        word = words[word_of[start]] if 0 <= start < n and word_of[start] >= 0 else None
        piece = text[start:end]
        sentence_start = _starts_sentence(text, word.start() if word else start)
        line = _line_of(line_starts, start)
        if word is not None:
            letters = [c for c in word.group() if c.isalpha()]
            features[row, 0] = float(word.group()[0].isupper() and not sentence_start)
            features[row, 1] = float(len(letters) >= 2 and all(c.isupper() for c in letters))
            repeats = counts.get(word.group().lower(), 0)
            features[row, 9] = min(1.0, math.log(repeats) / math.log(10)) if repeats >= 2 else 0.0
        features[row, 2] = float(line == title_line)
        features[row, 3] = float(line != previous_line)
        features[row, 4] = float(sentence_start and (word is None or word.start() == start))
        features[row, 5] = float(quoted[start]) if start < n else 0.0
        features[row, 6] = float(any(c in _QUOTES for c in piece))
        features[row, 7] = float(start < n and ending[start] == "!")
        features[row, 8] = float(start < n and ending[start] == "?")
        previous_line = line
    return features


def _line_of(line_starts: list[int], position: int) -> int:
    return bisect.bisect_right(line_starts, position) - 1


def _starts_sentence(text: str, position: int) -> bool:
    """No text before `position` on its line except quotation marks and brackets, or only those since
    the last sentence-ending mark."""
    index = position - 1
    while index >= 0 and (text[index] in " \t" + _QUOTES + "([" or text[index] == "'"):
        index -= 1
    return index < 0 or text[index] == "\n" or text[index] in _SENTENCE_END


def _inside_quotes(text: str) -> list[bool]:
    """Per character: between an opening and a closing double quotation mark on the same line."""
    inside, depth, straight = [], 0, False
    for char in text:
        if char == "\n":
            depth, straight = 0, False
        elif char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        elif char == '"':
            straight = not straight
        inside.append(depth > 0 or straight)
    return inside


def _sentence_endings(text: str) -> list[str]:
    """Per character: the mark that ends its sentence on its line ("." "!" "?"; "" at a bare line end)."""
    endings = [""] * len(text)
    current = ""
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == "\n":
            current = ""
        elif char in _SENTENCE_END:
            current = char
        endings[index] = current
    return endings
