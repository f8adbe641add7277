import re

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
    owner = "Maduro\u2019s rogue regime and Ann's plan"
    whole = len("Maduro\u2019s rogue regime")
    assert snap_to_words(owner, 7, whole) == (0, whole)  # not "s rogue regime"
    assert snap_to_words(owner, owner.index("s plan"), len(owner)) == (owner.index("Ann"), len(owner))
    assert snap_to_words("'s start", 1, 8) == (1, 8)  # nothing before the apostrophe to belong to


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


def test_a_span_does_not_end_on_a_function_word_or_a_comma() -> None:
    text = "They are a gang of crooks and liars, and"
    offsets = offsets_of(text)  # They are a gang of crooks and liars , and
    probabilities = [0, 0, 0, 0.9, 0.9, 0.9, 0.9, 0, 0, 0]  # "gang of crooks and"
    (span,) = decode_spans(text, offsets, probabilities, threshold=0.5, trim=True)
    assert text[span[0] : span[1]] == "gang of crooks"
    assert span[2] == pytest.approx(0.9)
    untrimmed = decode_spans(text, offsets, probabilities, threshold=0.5)
    assert text[untrimmed[0][0] : untrimmed[0][1]] == "gang of crooks and"
    everything = [0.9] * len(offsets)
    (whole,) = decode_spans(text, offsets, everything, threshold=0.5, max_gap=2, trim=True)
    assert text[whole[0] : whole[1]] == "They are a gang of crooks and liars"


def test_trimming_keeps_closing_quotes_and_never_empties_a_span() -> None:
    from proplens.models.decoding import trim_span

    text = "the so-called \u201cdialogue\u201d, and"
    assert text[slice(*trim_span(text, 0, len(text)))] == "the so-called \u201cdialogue\u201d"
    assert trim_span("and", 0, 3) == (0, 3)  # only a function word: left alone
    assert trim_span(", hello", 0, 7) == (2, 7)


def test_a_line_break_ends_a_span_unless_both_sides_are_sure() -> None:
    text = "a total disgrace.\nInstead they lie"
    offsets = offsets_of(text)  # a total disgrace . Instead they lie
    weak = [0, 0.9, 0.9, 0.6, 0.4, 0, 0]
    spans = decode_spans(text, offsets, weak, threshold=0.3, cross=0.5, trim=True)
    assert [text[s:e] for s, e, _ in spans] == ["total disgrace", "Instead"]
    sure = [0, 0.9, 0.9, 0.9, 0.9, 0, 0]
    (joined,) = decode_spans(text, offsets, sure, threshold=0.3, cross=0.5)
    assert "\n" in text[joined[0] : joined[1]]


def test_a_sentence_end_inside_a_line_also_counts() -> None:
    text = "Such elite. Instead we"
    offsets = offsets_of(text)
    spans = decode_spans(text, offsets, [0.9, 0.9, 0.9, 0.4, 0], threshold=0.3, cross=0.5, trim=True)
    assert [text[s:e] for s, e, _ in spans] == ["Such elite", "Instead"]


def test_a_b_tag_starts_a_new_span() -> None:
    text = "corrupt crooks lying thugs"
    offsets = offsets_of(text)
    probabilities = [0.9, 0.9, 0.9, 0.9]
    begins = [0.8, 0.1, 0.7, 0.1]  # B I B I
    spans = decode_spans(text, offsets, probabilities, threshold=0.5, begin_probabilities=begins, split=0.3)
    assert [text[s:e] for s, e, _ in spans] == ["corrupt crooks", "lying thugs"]
    assert len(decode_spans(text, offsets, probabilities, threshold=0.5)) == 1
    with pytest.raises(ValueError, match="begin probability"):
        decode_spans(text, offsets, probabilities, threshold=0.5, split=0.3)


def test_a_span_that_opens_a_quotation_takes_in_its_closing_mark() -> None:
    from proplens.models.decoding import trim_span

    text = "a fraudulent \u201celection\u201d was held"
    assert text[slice(*trim_span(text, 0, 22))] == "a fraudulent \u201celection\u201d"
    plain = 'the "dialogue" again'
    assert plain[slice(*trim_span(plain, 4, 13))] == '"dialogue"'


def _viterbi(text: str, spans: list[float], begins: list[float], **options: float) -> list[str]:
    from proplens.models.decoding import viterbi_spans

    found = viterbi_spans(text, offsets_of(text), spans, begins, **options)  # type: ignore[arg-type]
    return [text[s:e] for s, e, _ in found]


def test_viterbi_finds_the_b_i_runs() -> None:
    text = "They are corrupt lying thugs and crooks"
    spans = [0.05, 0.05, 0.9, 0.9, 0.9, 0.1, 0.8]
    begins = [0.01, 0.01, 0.8, 0.1, 0.1, 0.01, 0.7]
    assert _viterbi(text, spans, begins, bias=0.0) == ["corrupt lying thugs", "crooks"]


def test_viterbi_starts_a_span_where_the_tagger_says_i_after_o() -> None:
    """I never follows O: an I-heavy token after an O token still opens a (valid) span."""
    text = "the mayor lied"
    assert _viterbi(text, [0.05, 0.05, 0.9], [0.01, 0.01, 0.2], bias=0.0) == ["lied"]


def test_viterbi_never_crosses_a_line_break_or_a_sentence_end() -> None:
    text = "an utter disgrace.\nTotal fraud"
    spans = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    begins = [0.8, 0.05, 0.05, 0.05, 0.05, 0.05]
    assert _viterbi(text, spans, begins, bias=0.0) == ["an utter disgrace", "Total fraud"]


def test_viterbi_bias_and_peak() -> None:
    text = "a rather dangerous plan"
    spans = [0.1, 0.3, 0.45, 0.1]
    begins = [0.05, 0.25, 0.1, 0.05]
    assert _viterbi(text, spans, begins, bias=0.0) == []
    assert _viterbi(text, spans, begins, bias=1.5) == ["rather dangerous"]
    assert _viterbi(text, spans, begins, bias=1.5, peak=0.5) == []


def test_a_begin_penalty_joins_neighbouring_spans() -> None:
    text = "crooks liars"
    spans, begins = [0.9, 0.9], [0.6, 0.5]
    assert _viterbi(text, spans, begins, bias=0.0) == ["crooks", "liars"]
    assert _viterbi(text, spans, begins, bias=0.0, begin_penalty=-2.0) == ["crooks liars"]


def test_viterbi_input_checks() -> None:
    from proplens.models.decoding import viterbi_spans

    assert viterbi_spans("", [], [], [], bias=1.0) == []
    with pytest.raises(ValueError, match="begin probabilities"):
        viterbi_spans("a b", [(0, 1), (2, 3)], [0.5, 0.5], [0.5], bias=1.0)


@pytest.mark.parametrize(
    ("text", "fragment", "completed"),
    [
        ("Enough is enough: vote them out!", "vote them", "vote them out"),
        ("They will “take back control” now", "take back", "take back control"),
        ("Cheats, every one of them, and liars.", "every one of", "every one of them"),
        ("The traitors won\nagain today", "The traitors", "The traitors won"),  # a line break ends it
        ("vote them out of office!", "vote them", "vote them"),  # two words short: unchanged
        ("vote them out", "vote them", "vote them out"),  # the end of the text is a clause end
        ("Shame!\nNext", "Shame!", "Shame!"),  # a span that ends on punctuation is complete
        ("a 2019 vote for them 42.", "vote for them", "vote for them"),  # a number is not a word
    ],
)
def test_a_span_one_word_short_of_its_clause_end_takes_that_word_in(
    text: str, fragment: str, completed: str
) -> None:
    from proplens.models.decoding import complete_clause_end

    start = text.index(fragment)
    assert text[start : complete_clause_end(text, start, start + len(fragment))] == completed


def test_clause_completion_looks_only_a_little_ahead() -> None:
    from proplens.models.decoding import complete_clause_end

    text = "vote them " + "x" * 200 + "!"
    assert complete_clause_end(text, 0, 9) == 9  # the next word runs past the look-ahead: no clause end seen


def test_viterbi_completes_clause_ends_only_when_asked() -> None:
    text = "Enough is enough: vote them out!"
    spans = [0.05, 0.05, 0.05, 0.05, 0.9, 0.9, 0.1, 0.05]
    begins = [0.01, 0.01, 0.01, 0.01, 0.8, 0.1, 0.01, 0.01]
    assert _viterbi(text, spans, begins, bias=0.0) == ["vote them"]
    assert _viterbi(text, spans, begins, bias=0.0, complete=True) == ["vote them out"]


def test_a_models_decoder_is_one_value_built_from_its_flat_settings() -> None:
    from proplens.models.decoding import ThresholdDecoder, ViterbiDecoder
    from proplens.models.detector import ModelInfo

    viterbi = ModelInfo(decoder="viterbi", viterbi_bias=1.3, begin_penalty=-1.0, peak=0.4, trim=True)
    assert viterbi.span_decoder == ViterbiDecoder(bias=1.3, begin_penalty=-1.0, peak=0.4, trim=True)
    threshold = ModelInfo(threshold=0.3, max_gap=1, peak=0.5, split=0.6)
    assert threshold.span_decoder == ThresholdDecoder(threshold=0.3, max_gap=1, peak=0.5, split=0.6)


def test_raising_a_decoder_never_lets_weaker_spans_through() -> None:
    from proplens.models.decoding import ThresholdDecoder, ViterbiDecoder

    text = "a bad word here and a worse one"
    offsets = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    probabilities = [0.1, 0.6, 0.7, 0.2, 0.1, 0.1, 0.9, 0.95]
    begins = [0.0, 0.5, 0.1, 0.0, 0.0, 0.0, 0.6, 0.1]
    for decoder in (ThresholdDecoder(threshold=0.5), ViterbiDecoder(bias=1.0, trim=False)):
        loose = decoder.spans(text, offsets, probabilities, begins)
        strict = decoder.raised_to(0.8).spans(text, offsets, probabilities, begins)
        assert [text[s:e] for s, e, _ in loose] == ["bad word", "worse one"]
        assert [text[s:e] for s, e, _ in strict] == ["worse one"]
