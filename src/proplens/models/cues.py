"""Why a fragment was flagged: the words inside it that the span tagger was surest about.

A fragment's words (hyphenated and apostrophe'd words are one word) are scored by the highest span
probability (1 - p(O)) of their tokens; the cues are the best word and any other within `CUE_MARGIN` of it,
at most `MAX_CUES`, in text order. Function words ("a", "the", "can") are passed over when the fragment has
any other word: they carry position, not meaning, for a reader. They show a reader
what the model reacted to ("so-called", "bleed", "traitors"), not a proof that the technique is there.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from proplens.models.windows import token_range

__all__ = ["CUE_MARGIN", "MAX_CUES", "cue_words"]

MAX_CUES = 3
CUE_MARGIN = 0.05
"""A word is a cue when its probability is within this of the fragment's best word."""


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from their module file alone: ``import spacy`` (which importing
    ``spacy.lang.en.stop_words`` triggers) costs about 1.9 s of start-up that a detector does not need."""
    spec = importlib.util.find_spec("spacy")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "lang" / "en" / "stop_words.py"
        if path.is_file():
            namespace: dict[str, object] = {}
            exec(
                compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace
            )  # a plain set literal
            words = namespace.get("STOP_WORDS")
            if isinstance(words, set):
                return frozenset(words)
    from spacy.lang.en.stop_words import STOP_WORDS  # an unusual install: the slow way

    return frozenset(STOP_WORDS)


_WORD = re.compile("\\w+(?:[-'\u2019]\\w+)*")  # words, with inner hyphens and straight or curly apostrophes


def cue_words(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probabilities: NDArray[np.float32],
    start: int,
    end: int,
) -> tuple[tuple[int, int], ...]:
    """Character ranges of the cue words of the fragment ``text[start:end]``."""
    scored = []
    found = token_range(offsets, start, end)
    if found is None:
        return ()
    nearby = range(*found)  # a token that overlaps a word of the fragment overlaps the fragment
    for match in _WORD.finditer(text, start, end):
        inside = [
            float(probabilities[i])
            for i in nearby
            if offsets[i][0] < match.end() and match.start() < offsets[i][1] and offsets[i][1] > offsets[i][0]
        ]
        if inside:
            scored.append((max(inside), match.start(), match.end()))
    stop = stop_words()
    content = [item for item in scored if text[item[1] : item[2]].lower() not in stop]
    scored = content or scored
    if not scored:
        return ()
    best = max(score for score, _, _ in scored)
    chosen = sorted(scored, key=lambda item: -item[0])[:MAX_CUES]
    return tuple(sorted((a, b) for score, a, b in chosen if score >= best - CUE_MARGIN))
