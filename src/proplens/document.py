"""The data model: articles, technique spans over them, and the analysis of one article.

Offsets follow spaCy's convention: a span is the half-open character range ``[start, end)`` of
``Article.text`` as given (Python string indices, not bytes, not tokens). Overlapping and duplicate spans
are legal — the corpus annotates the same fragment with two techniques and nests short spans in long ones.
Token indices never appear here; models convert to tokens and BIO tags internally.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from proplens.errors import SpanError

__all__ = [
    "ARTICLE_FIELDS",
    "SCHEMA_VERSION",
    "Analysis",
    "Annotation",
    "Article",
    "Sentence",
    "Span",
    "Target",
    "covered_characters",
    "group_by_article",
    "merge_ranges",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A technique used on the character range ``[start, end)`` of an article.

    `technique` is ``None`` for spans that only mark propaganda (span identification, no technique).
    `score` is the detector's calibrated probability in ``[0, 1]`` that the fragment is (part of) a
    propaganda span; ``None`` for gold annotations. `technique_score` is its probability that the fragment
    uses `technique` (``None`` where there is none). `cues` are the ``[start, end)`` ranges of the words
    inside the span that drove the detector (why it was flagged).
    """

    start: int
    end: int
    technique: str | None = None
    score: float | None = field(default=None, compare=False)
    cues: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    technique_score: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.start, bool) or not isinstance(self.start, int):
            raise SpanError(f"span start must be an integer, got {self.start!r}")
        if isinstance(self.end, bool) or not isinstance(self.end, int):
            raise SpanError(f"span end must be an integer, got {self.end!r}")
        if not 0 <= self.start < self.end:
            raise SpanError(f"span [{self.start}, {self.end}) is empty or starts before 0")
        if self.technique is not None and not self.technique:
            raise SpanError("span technique must be a non-empty string or None")
        if self.score is not None and not 0.0 <= self.score <= 1.0:
            raise SpanError(f"span score must lie in [0, 1], got {self.score!r}")
        if self.technique_score is not None and not 0.0 <= self.technique_score <= 1.0:
            raise SpanError(f"span technique_score must lie in [0, 1], got {self.technique_score!r}")
        for cue in self.cues:
            if not (len(cue) == 2 and self.start <= cue[0] < cue[1] <= self.end):
                raise SpanError(f"cue {cue!r} is not a range inside span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """Whether the two ranges share at least one character (touching is not overlapping)."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Annotation:
    """A span together with the id of the article it belongs to: one line of a corpus label file."""

    article_id: str
    span: Span


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: the text every span offset refers to, plus optional metadata.

    For the PTC layout the title is the first line of the text; readers fill `title` from it.
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None

    def __post_init__(self) -> None:
        if not self.id or any(c in self.id for c in "\t\r\n"):
            raise SpanError(f"article id must be non-empty with no tabs or newlines: {self.id!r}")

    def check_span(self, span: Span) -> Span:
        """Return `span` if it fits inside the text, else raise `SpanError` naming the article."""
        if span.end > len(self.text):
            raise SpanError(
                f"span [{span.start}, {span.end}) ends past the end of article {self.id} "
                f"({len(self.text)} characters)"
            )
        return span

    def fragment(self, span: Span) -> str:
        """The text a span covers."""
        return self.text[self.check_span(span).start : span.end]


SCHEMA_VERSION = "1.3"


ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
"""An article's fields, as every reader and writer names them: id, text, title, source, url, published."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence ``[start, end)`` of an article and the techniques used in it, one entry per span."""

    start: int
    end: int
    techniques: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """A named entity that technique fragments are aimed at, e.g. the person a name-calling insults.

    `kind` is the entity type (``PERSON``, ``ORG``, ``GPE``, ``NORP``); `spans` are the spans aimed at it
    and `how` says, for each, how the sentence ties it to this target (``apposition``, ``predicate``, ...,
    or ``nearest`` for a guess; see `proplens.targeting`).
    """

    name: str
    kind: str
    spans: tuple[Span, ...] = ()
    how: tuple[str, ...] = field(default=(), compare=False)

    def how_of(self, span: Span) -> str | None:
        """How `span` was tied to this target (None when not recorded)."""
        for candidate, how in zip(self.spans, self.how, strict=False):
            if candidate is span or candidate == span:
                return how
        return None

    def technique_counts(self) -> dict[str, int]:
        """How often each technique is used on this target, most frequent first."""
        return _count_techniques(self.spans)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the detector found in one article: its spans plus article-level figures.

    Spans are validated against the article text on construction. `figures` holds named article-level
    numbers (counts, coverage, score) that the analysis step fills in; `model` names the model that
    produced the spans so stored results can be re-run when the model changes. `key_sentences` are the
    sentences that carry the most techniques and `targets` the named entities the spans are aimed at
    (both filled by `proplens.analysis.summarise`). `taxonomy` is the taxonomy the technique ids belong to.
    """

    article: Article
    spans: tuple[Span, ...] = ()
    model: str | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    key_sentences: tuple[Sentence, ...] = ()
    targets: tuple[Target, ...] = ()
    taxonomy: str = "ptc"

    def __post_init__(self) -> None:
        spans = tuple(sorted(self.spans, key=lambda s: (s.start, s.end, s.technique or "")))
        for span in spans:
            self.article.check_span(span)
        for sentence in self.key_sentences:
            self.article.check_span(Span(sentence.start, sentence.end))
        known = set(spans)
        for target in self.targets:
            if not known.issuperset(target.spans):
                raise SpanError(f"target {target.name!r} refers to spans the analysis does not have")
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickles (a read-only mapping does not): analyses travel from worker processes to the server."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return _rebuilt_analysis, ({**values, "figures": dict(self.figures)},)

    def technique_counts(self) -> dict[str, int]:
        """How many spans use each technique, most frequent first."""
        return _count_techniques(self.spans)

    def target_of(self, span: Span) -> Target | None:
        """The target a span is aimed at, if one was found."""
        return next((t for t in self.targets if span in t.spans), None)

    def fragments(self) -> Iterator[tuple[Span, str]]:
        """Each span with the text it covers, in text order."""
        for span in self.spans:
            yield span, self.article.text[span.start : span.end]

    def annotations(self) -> list[Annotation]:
        """The spans as corpus annotations (article id + span), ready for label-file writers."""
        return [Annotation(self.article.id, span) for span in self.spans]


def _count_techniques(spans: Iterable[Span]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for span in spans:
        if span.technique is not None:
            counts[span.technique] = counts.get(span.technique, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def group_by_article(annotations: Iterable[Annotation]) -> dict[str, list[Span]]:
    """Spans per article id, in input order."""
    grouped: dict[str, list[Span]] = {}
    for annotation in annotations:
        grouped.setdefault(annotation.article_id, []).append(annotation.span)
    return grouped


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping half-open ranges into disjoint ones, sorted by start.

    Ranges that merely touch (``[0, 5)`` and ``[5, 9)``) share no character and stay apart, as in the
    official SemEval-2020 scorer.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_characters(ranges: Sequence[tuple[int, int]]) -> int:
    """How many characters the union of `ranges` covers."""
    return sum(end - start for start, end in merge_ranges(ranges))


def _rebuilt_analysis(values: dict[str, Any]) -> Analysis:
    return Analysis(**values)
