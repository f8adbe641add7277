"""Why a fragment was flagged: the cue words are whole words inside the span, the surest first."""

from __future__ import annotations

import numpy as np

from proplens.models.cues import MAX_CUES, cue_words

TEXT = "The so-called experts bleed families dry."


def _tokens() -> tuple[list[tuple[int, int]], list[str]]:
    words = ["The", "so", "-", "called", "experts", "ble", "ed", "families", "dry", "."]
    offsets, at = [], 0
    for word in words:
        start = TEXT.index(word, at)
        offsets.append((start, start + len(word)))
        at = start + len(word)
    return offsets, words


def test_the_surest_whole_words_inside_the_span() -> None:
    offsets, _ = _tokens()
    probabilities = np.array([0.1, 0.5, 0.4, 0.93, 0.92, 0.3, 0.95, 0.2, 0.2, 0.1], dtype=np.float32)
    start, end = TEXT.index("so-called"), TEXT.index(" families")
    cues = cue_words(TEXT, offsets, probabilities, start, end)
    # a hyphenated word is one word; a word scores by its best sub-token ("ble" + "ed")
    assert [TEXT[a:b] for a, b in cues] == ["so-called", "experts", "bleed"]
    assert len(cues) <= MAX_CUES and all(start <= a < b <= end for a, b in cues)


def test_only_words_close_to_the_best_and_none_outside_the_span() -> None:
    offsets, _ = _tokens()
    probabilities = np.array([0.99, 0.2, 0.2, 0.3, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1], dtype=np.float32)
    start = TEXT.index("experts")
    cues = cue_words(TEXT, offsets, probabilities, start, TEXT.index("dry") + 3)
    assert [TEXT[a:b] for a, b in cues] == ["experts"]  # "The" is surer but outside the span
    assert cue_words(TEXT, offsets, probabilities, TEXT.index("."), len(TEXT)) == ()  # no word: no cue


def test_function_words_give_way_to_content_words() -> None:
    text = "Can we trust a council?"
    offsets = [(0, 3), (4, 6), (7, 12), (13, 14), (15, 22), (22, 23)]
    probabilities = np.array([0.9, 0.5, 0.6, 0.95, 0.7, 0.1], dtype=np.float32)
    assert [text[a:b] for a, b in cue_words(text, offsets, probabilities, 0, 22)] == ["council"]
    only_function_words = cue_words(text, offsets, probabilities, 13, 14)
    assert [text[a:b] for a, b in only_function_words] == ["a"]  # nothing else to show


def test_the_stop_words_are_spacys_without_importing_spacy() -> None:
    import subprocess
    import sys

    from spacy.lang.en.stop_words import STOP_WORDS

    from proplens.models.cues import stop_words

    assert stop_words() == frozenset(STOP_WORDS)
    code = (
        "import sys, proplens; from proplens.models.cues import stop_words; "
        "proplens.load_model(); stop_words(); print('spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", "loading the detector imports spaCy again (1.9 s of start-up)"
