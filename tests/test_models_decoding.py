import pytest

from proplens.models.decoding import decode_spans, snap_to_words

TEXT = "The corrupt mayor lied, again and again."
#       0   4       12    18  22 24    31  35


def offsets_of(text: str) -> list[tuple[int, int]]:
    """Character offsets of words and punctuation, like a tokenizer would give."""
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def test_a_run_of_tokens_becomes_one_span_with_its_mean_score() -> None:
    offsets = offsets_of(TEXT)  # The corrupt mayor lied , again and again .
    probabilities = [0.1, 0.9, 0.7, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert decode_spans(TEXT, offsets, probabilities, threshold=0.5) == [(4, 17, pytest.approx(0.8))]


def test_short_punctuation_gaps_join_runs_when_allowed() -> None:
    offsets = offsets_of(TEXT)
    probabilities = [0, 0, 0, 0.9, 0.1, 0.8, 0, 0, 0]  # "lied" , "again"
    assert len(decode_spans(TEXT, offsets, probabilities, threshold=0.5)) == 2
    joined = decode_spans(TEXT, offsets, probabilities, threshold=0.5, max_gap=3)
    assert [(s, e) for s, e, _ in joined] == [(18, 29)]
    assert TEXT[18:29] == "lied, again"


def test_subword_runs_snap_to_whole_words() -> None:
    text = "They are liars indeed"
    offsets = [(0, 4), (5, 8), (9, 13), (13, 14), (15, 21)]  # "liar" + "##s"
    spans = decode_spans(text, offsets, [0, 0, 0.9, 0.2, 0], threshold=0.5)
    assert [(s, e) for s, e, _ in spans] == [(9, 14)]
    assert snap_to_words(text, 10, 12) == (9, 14)
    assert snap_to_words(text, 8, 15) == (9, 14)  # surrounding spaces trimmed


def test_nothing_above_threshold_gives_no_spans() -> None:
    assert decode_spans(TEXT, offsets_of(TEXT), [0.1] * 9, threshold=0.5) == []
    with pytest.raises(ValueError):
        decode_spans(TEXT, offsets_of(TEXT), [0.1], threshold=0.5)


def test_peak_keeps_only_runs_that_reach_it() -> None:
    text = "aa bb cc dd"
    offsets = [(0, 2), (3, 5), (6, 8), (9, 11)]
    probabilities = [0.4, 0.9, 0.1, 0.45]
    assert decode_spans(text, offsets, probabilities, threshold=0.3) == [(0, 5, 0.65), (9, 11, 0.45)]
    assert decode_spans(text, offsets, probabilities, threshold=0.3, peak=0.8) == [(0, 5, 0.65)]
    assert decode_spans(text, offsets, probabilities, threshold=0.3, peak=0.95) == []
