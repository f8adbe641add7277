"""From per-token tag probabilities to character spans a reader would draw.

A run of consecutive tokens whose span probability (1 - p(O)) reaches `threshold` becomes a candidate span;
runs separated by at most `max_gap` characters of whitespace or punctuation are joined (the SI score divides
precision by the number of predicted spans, so fragments are costly). Then, each rule measured on dev
(see MODEL_CARD.md, "What was tried"):

- **B tags start spans** (`split`): a token the tagger marks as the beginning of a span (p(B) > p(I) and
  p(B) >= split) starts a new run even when its neighbour is inside one.
- **Sentence ends stop spans** (`cross`): a run continues across a line break or a sentence end only when
  the tokens on both sides reach `cross` (the corpus has one sentence per line; 3% of its spans cross one).
- **Hysteresis** (`peak`): a run is kept only if one of its tokens reaches `peak`: a low threshold gives
  whole fragments, the peak keeps weak runs out.
- **Phrase ends** (`trim`): a span does not end on a function word ("and", "the", "instead", ...) or on
  punctuation other than closing quotes, brackets, "?", "!" and "…", and does not start on punctuation
  other than opening quotes, "(" and "#": in the training corpus 15 of 6,128 spans end on such a word.

Spans are finally snapped outwards to whole words, so a span never starts or ends inside a word.

- **Clause ends** (`complete`): a span that stops one word short of the end of its clause (a comma, a
  sentence end, a closing quote or bracket, a line break) takes that word in: "vote them" becomes "vote them
  out" before "!". Measured on dev with version 5.1: SI F1 0.4443 -> 0.4455 (precision 0.3811 -> 0.3807,
  recall 0.5325 -> 0.5368); completing two words (0.4448) or the start of a clause as well (0.4420) did
  worse in a first trial, so neither is done.

`viterbi_spans` decodes the same probabilities differently, and better on dev (see the model card): the most
probable *valid* BIO sequence (I never follows O; after a line break or sentence end only B or O), with
`bias` added to the log-probabilities of B and I (the tagger is trained on text that is 90% O, so its
argmax finds too little) and `begin_penalty` added whenever a B follows a span token (fewer, longer spans).
Each B I* run is a span, kept if one of its tokens reaches `peak`, then trimmed and snapped as above.

A model's choice of decoder and its settings are one small value, `ThresholdDecoder` or `ViterbiDecoder`
(`ModelInfo.span_decoder` builds it from the model's ``detector.json``): the detector asks it for spans and
never looks at the decoder's name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

__all__ = [
    "DECODERS",
    "END_WORDS",
    "SpanDecoder",
    "ThresholdDecoder",
    "ViterbiDecoder",
    "complete_clause_end",
    "decode_spans",
    "snap_to_words",
    "trim_span",
    "viterbi_spans",
]

Spans = list[tuple[int, int, float]]


@dataclass(frozen=True, slots=True)
class ThresholdDecoder:
    """Runs of tokens whose span probability reaches `threshold` (`decode_spans`)."""

    threshold: float = 0.4
    max_gap: int = 2
    peak: float = 0.0
    split: float | None = None
    cross: float | None = None
    trim: bool = False
    complete_ends: bool = False

    def spans(
        self,
        text: str,
        offsets: Sequence[tuple[int, int]],
        probabilities: Sequence[float],
        begin_probabilities: Sequence[float],
    ) -> Spans:
        return decode_spans(
            text,
            offsets,
            probabilities,
            threshold=self.threshold,
            max_gap=self.max_gap,
            peak=self.peak if self.peak > self.threshold else None,
            begin_probabilities=begin_probabilities,
            split=self.split,
            cross=self.cross,
            trim=self.trim,
            complete=self.complete_ends,
        )

    @property
    def summary(self) -> str:
        return (
            f"token threshold {self.threshold}{_peak(self.peak)}, gaps up to {self.max_gap} characters "
            f"joined, B tags start spans at p(B) >= {self.split}, "
            f"sentence ends crossed at p >= {self.cross}, "
            f"phrase ends trimmed: {_yes(self.trim)}, clause ends completed: {_yes(self.complete_ends)}"
        )

    def raised_to(self, minimum: float) -> ThresholdDecoder:
        """The decoder at token threshold `minimum`, its peak moved by as much (never weaker spans)."""
        return replace(self, threshold=minimum, peak=minimum + max(0.0, self.peak - self.threshold))


@dataclass(frozen=True, slots=True)
class ViterbiDecoder:
    """The most probable valid BIO sequence (`viterbi_spans`)."""

    bias: float = 1.0
    begin_penalty: float = 0.0
    peak: float = 0.0
    trim: bool = True
    complete_ends: bool = False

    def spans(
        self,
        text: str,
        offsets: Sequence[tuple[int, int]],
        probabilities: Sequence[float],
        begin_probabilities: Sequence[float],
    ) -> Spans:
        return viterbi_spans(
            text,
            offsets,
            probabilities,
            begin_probabilities,
            bias=self.bias,
            begin_penalty=self.begin_penalty,
            peak=self.peak,
            trim=self.trim,
            complete=self.complete_ends,
        )

    @property
    def summary(self) -> str:
        return (
            f"constrained Viterbi (bias {self.bias}, begin penalty {self.begin_penalty}{_peak(self.peak)}), "
            f"phrase ends trimmed: {_yes(self.trim)}, clause ends completed: {_yes(self.complete_ends)}"
        )

    def raised_to(self, minimum: float) -> ViterbiDecoder:
        """The decoder whose spans must peak at `minimum` at least."""
        return replace(self, peak=max(self.peak, minimum))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _peak(peak: float) -> str:
    return f", peak {peak}" if peak > 0 else ""


SpanDecoder = ThresholdDecoder | ViterbiDecoder

DECODERS: dict[str, type[ThresholdDecoder] | type[ViterbiDecoder]] = {
    "threshold": ThresholdDecoder,
    "viterbi": ViterbiDecoder,
}
"""The decoders a model's ``detector.json`` may name (`ModelInfo.decoder`)."""

END_WORDS = frozenset(
    [
        "and",
        "or",
        "nor",
        "but",
        "the",
        "a",
        "an",
        "as",
        "for",
        "of",
        "with",
        "by",
        "from",
        "at",
        "which",
        "who",
        "whom",
        "whose",
        "its",
        "their",
        "your",
        "my",
        "these",
        "those",
        "while",
        "when",
        "where",
        "instead",
        "than",
        "any",
        "because",
    ]
)
"""Words a detected span may not end on (together they end 15 of the 6,128 training spans)."""

_END_PUNCTUATION_KEPT = frozenset("\u201d?\"\u2019!)\u2026'")  # closing quotes, ?, !, ), ellipsis
_START_PUNCTUATION_KEPT = frozenset("\u201c\"\u2018(#'")  # opening quotes, (, #
_LAST_WORD = re.compile(r"(\w+)\W*$")
_SENTENCE_END = frozenset(".!?")


def decode_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    *,
    threshold: float,
    max_gap: int = 0,
    peak: float | None = None,
    begin_probabilities: Sequence[float] | None = None,
    split: float | None = None,
    cross: float | None = None,
    trim: bool = False,
    complete: bool = False,
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` spans, where score is the mean span probability of the span's tokens.

    `split` needs `begin_probabilities` (p(B) per token); `None` turns a rule off.
    """
    if len(offsets) != len(probabilities):
        raise ValueError(f"{len(offsets)} token offsets but {len(probabilities)} probabilities")
    if split is not None and (begin_probabilities is None or len(begin_probabilities) != len(offsets)):
        raise ValueError("split needs one begin probability per token")
    runs: list[list[int]] = []
    for index, probability in enumerate(probabilities):
        if probability < threshold:
            continue
        previous = runs[-1][-1] if runs else None
        if previous is not None and _joinable(
            text, offsets[previous][1], offsets[index][0], index == previous + 1, max_gap
        ):
            begins = (
                split is not None
                and begin_probabilities is not None
                and begin_probabilities[index] >= split
                and begin_probabilities[index] > probability - begin_probabilities[index]
            )
            crosses = (
                cross is not None
                and _sentence_boundary(text, offsets[previous][1], offsets[index][0])
                and min(probabilities[previous], probability) < cross
            )
            if not begins and not crosses:
                runs[-1].append(index)
                continue
        runs.append([index])
    return _spans_of_runs(text, offsets, probabilities, runs, peak=peak, trim=trim, complete=complete)


def _spans_of_runs(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    runs: Sequence[list[int]],
    *,
    peak: float | None,
    trim: bool,
    complete: bool = False,
) -> list[tuple[int, int, float]]:
    """Token runs -> character spans: the peak rule, trimming, snapping to words, completing clause ends,
    merging runs that meet."""
    spans: list[tuple[int, int, float]] = []
    for found in runs:
        run = found
        if peak is not None and max(probabilities[i] for i in run) < peak:
            continue
        start, end = snap_to_words(text, offsets[run[0]][0], offsets[run[-1]][1])
        if trim:
            start, end = trim_span(text, start, end)
            run = [i for i in run if offsets[i][0] < end and offsets[i][1] > start] or run
        if complete:
            end = complete_clause_end(text, start, end)
        if end <= start:
            continue
        score = sum(probabilities[i] for i in run) / len(run)
        if spans and start < spans[-1][1]:  # snapping made two runs meet: keep one span
            before = spans.pop()
            start, end, score = before[0], max(end, before[1]), max(score, before[2])
        spans.append((start, end, float(score)))
    return spans


def viterbi_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    begin_probabilities: Sequence[float],
    *,
    bias: float,
    begin_penalty: float = 0.0,
    peak: float = 0.0,
    trim: bool = True,
    complete: bool = False,
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` spans of the most probable valid BIO sequence; score: mean span probability."""
    if not (len(offsets) == len(probabilities) == len(begin_probabilities)):
        raise ValueError(
            f"{len(offsets)} token offsets, {len(probabilities)} probabilities, "
            f"{len(begin_probabilities)} begin probabilities"
        )
    n = len(offsets)
    if n == 0:
        return []
    impossible = -1e9
    back: list[tuple[int, int, int]] = []
    first_o, first_b, _ = _emissions(probabilities[0], begin_probabilities[0], bias)
    scores = (first_o, first_b, impossible)  # a text cannot start inside a span
    for index in range(1, n):
        o_e, b_e, i_e = _emissions(probabilities[index], begin_probabilities[index], bias)
        so, sb, si = scores
        # O <- best of (O, B, I); B <- O, or B/I with the begin penalty; I <- B or I, never O
        from_o = 0 if so >= sb and so >= si else (1 if sb >= si else 2)
        to_o = scores[from_o]
        b_from_span = max(sb, si) + begin_penalty
        from_b = 0 if so >= b_from_span else (1 if sb >= si else 2)
        to_b = so if from_b == 0 else b_from_span
        if _sentence_boundary(text, offsets[index - 1][1], offsets[index][0]):
            from_i, to_i = 1, impossible
        else:
            from_i = 1 if sb >= si else 2
            to_i = max(sb, si)
        back.append((from_o, from_b, from_i))
        scores = (to_o + o_e, to_b + b_e, to_i + i_e)
    tags = [0] * n
    tags[-1] = max(range(3), key=lambda t: scores[t])
    for index in range(n - 1, 0, -1):
        tags[index - 1] = back[index - 1][tags[index]]
    runs: list[list[int]] = []
    current: list[int] | None = None
    for index, tag in enumerate(tags):
        if tag == 1:
            current = [index]
            runs.append(current)
        elif tag == 2 and current is not None:
            current.append(index)
        else:
            current = None
    return _spans_of_runs(text, offsets, probabilities, runs, peak=peak, trim=trim, complete=complete)


def _emissions(span: float, begin: float, bias: float) -> tuple[float, float, float]:
    """Log-probabilities of O, B and I for one token, B and I raised by `bias`."""
    inside = max(span - begin, 1e-6)
    return (
        math.log(max(1.0 - span, 1e-6)),
        math.log(max(begin, 1e-6)) + bias,
        math.log(inside) + bias,
    )


def _joinable(text: str, left_end: int, right_start: int, adjacent: bool, max_gap: int) -> bool:
    """Adjacent tokens always join; otherwise only across a short gap with no letters or digits."""
    if adjacent:
        return True
    gap = text[left_end:right_start]
    return len(gap) <= max_gap and not any(c.isalnum() for c in gap)


def _sentence_boundary(text: str, left_end: int, right_start: int) -> bool:
    """A line break between two tokens, or a sentence-final mark followed by a space."""
    gap = text[left_end:right_start]
    if "\n" in gap:
        return True
    return bool(gap) and gap.isspace() and left_end > 0 and text[left_end - 1] in _SENTENCE_END


_LAST_WORD_OF_CLAUSE = re.compile(
    r"[ \t]+[^\W\d_][\w'\u2019-]*(?=[ \t]*(?:[\n.!?;:,\u2026\"\u201d\u2019)\]]|$))"
)


def complete_clause_end(text: str, start: int, end: int) -> int:
    """`end`, moved past the one word that separates it from the end of its clause, if that is all there
    is (see the module docstring). Looks at most 80 characters ahead: linear in the text."""
    if start >= end or end >= len(text) or not text[end - 1].isalnum():
        return end
    ahead = text[end : end + 80]
    word = _LAST_WORD_OF_CLAUSE.match(ahead)
    if word is None or (word.end() == len(ahead) and end + len(ahead) < len(text)):
        return end  # no clause end in reach ("$" matched only where the look-ahead was cut)
    return end + word.end()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` until it neither ends on a function word or stray punctuation nor starts
    on stray punctuation (see the module docstring); a span that would vanish is returned unchanged."""
    original = (start, end)
    while start < end:
        last = text[end - 1]
        if last.isspace() or (not last.isalnum() and last != "_" and last not in _END_PUNCTUATION_KEPT):
            end -= 1
        else:
            word = _LAST_WORD.search(text, start, end)
            if word is None or word.group(1).lower() not in END_WORDS or word.start(1) == start:
                break
            end = word.start(1)
    while start < end:
        first = text[start]
        if first.isspace() or (not first.isalnum() and first not in _START_PUNCTUATION_KEPT):
            start += 1
        else:
            break
    if end <= start:
        return original
    return start, _close_quote(text, start, end)


def _close_quote(text: str, start: int, end: int) -> int:
    """Take in the closing quotation mark right after a span that opens one and does not close it."""
    fragment = text[start:end]
    for opening, closing in (("\u201c", "\u201d"), ("\u2018", "\u2019")):
        if fragment.count(opening) > fragment.count(closing) and text[end : end + 1] == closing:
            return end + 1
    if fragment.count('"') % 2 == 1 and fragment.startswith('"') and text[end : end + 1] == '"':
        return end + 1
    return end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so it neither starts nor ends inside a word; trims surrounding whitespace. A
    start on the suffix of a possessive or contraction ("s rogue regime" in "Maduro's rogue regime") takes
    in the word it belongs to."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    if (
        start >= 2
        and text[start - 1] in "'\u2019"
        and text[start - 2].isalnum()
        and text[start : start + 1].isalnum()
    ):
        start -= 1
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
