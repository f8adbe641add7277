"""Training examples: each article cut into encoder windows with BIO tags and the technique spans inside.

Everything here is plain Python/numpy so that inference code can share the span-to-token mapping; torch
only appears in `network` and `training`. BIO tags are an internal detail of the span model: spans in and
out of this module are character ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from proplens.document import Annotation, Article, Span, group_by_article, merge_ranges
from proplens.models.features import span_features
from proplens.models.token_features import token_features
from proplens.models.windows import TokenizedText, Window, plan_windows, token_range, tokenize
from proplens.techniques import PTC_TECHNIQUE_IDS

Array = NDArray[np.float32]

__all__ = [
    "BIO_TAGS",
    "SpanExample",
    "TeacherTargets",
    "WindowExample",
    "build_examples",
]

BIO_TAGS = ("O", "B", "I")
TECHNIQUE_INDEX = {technique: index for index, technique in enumerate(PTC_TECHNIQUE_IDS)}


@dataclass(frozen=True, slots=True)
class TeacherTargets:
    """What the teacher says about one article, ready for the student."""

    tags: Array
    """``[student tokens, 3]``: p(O), p(B), p(I) per student token."""
    techniques: dict[tuple[int, int, str], Array] = field(default_factory=dict)
    """Per gold fragment ``(start, end, technique)``: the teacher's technique distribution (calibrated)."""


@dataclass(frozen=True, slots=True)
class SpanExample:
    """One gold (fragment, technique) line, as tokens ``[token_start, token_end)`` of its window."""

    token_start: int
    token_end: int
    technique: int
    features: tuple[float, ...]
    soft: tuple[float, ...] = ()
    """A teacher's technique distribution for this fragment (`training/distillation.py`); empty: none."""


@dataclass(frozen=True, slots=True)
class WindowExample:
    """One encoder input: content token ids (no special tokens), their BIO tags and the spans inside."""

    article_id: str
    window: Window
    ids: tuple[int, ...]
    tags: tuple[int, ...]
    spans: tuple[SpanExample, ...]
    technique_bits: tuple[int, ...] = ()
    """Per token, a bit mask of the techniques whose gold spans cover it (bit k: technique k)."""
    token_features: NDArray[np.float32] | None = field(default=None, compare=False)
    """Per token, the surface signals of `token_features.TOKEN_FEATURE_NAMES`."""
    soft_tags: NDArray[np.float32] | None = field(default=None, compare=False)
    """Per token, a teacher's O/B/I probabilities (`training/distillation.py`); None: no teacher."""


def bio_tags(offsets: Sequence[tuple[int, int]], ranges: Iterable[tuple[int, int]]) -> list[int]:
    """BIO tag per token for the merged character ranges (overlapping gold spans become one run)."""
    tags = [0] * len(offsets)
    for start, end in merge_ranges(ranges):
        found = token_range(offsets, start, end)
        if found is None:
            continue
        tags[found[0]] = 1
        for index in range(found[0] + 1, found[1]):
            tags[index] = 2
    return tags


def technique_bits(offsets: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[int]:
    """Per token, the bit mask of the known techniques whose spans cover it (for technique-aware tagging)."""
    bits = [0] * len(offsets)
    for span in spans:
        if span.technique not in TECHNIQUE_INDEX:
            continue
        found = token_range(offsets, span.start, span.end)
        if found is None:
            continue
        bit = 1 << TECHNIQUE_INDEX[span.technique]
        for index in range(*found):
            bits[index] |= bit
    return bits


def build_examples(
    tokenizer: object,
    articles: Iterable[Article],
    annotations: Iterable[Annotation],
    *,
    max_tokens: int,
    overlap: int,
    shift: int = 0,
    teacher: Mapping[str, TeacherTargets] | None = None,
) -> list[WindowExample]:
    """Windows covering every article; each gold line is assigned to the window holding most of it.
    `shift`: see `windows.plan_windows`. `teacher`: soft targets by article id, carried into the windows."""
    by_article = group_by_article(annotations)
    examples: list[WindowExample] = []
    for article in articles:
        tokens = tokenize(tokenizer, article.text)  # type: ignore[arg-type]
        targets = teacher.get(article.id) if teacher is not None else None
        if targets is not None and len(targets.tags) != len(tokens):
            raise ValueError(f"{article.id}: the teacher's targets were made for another tokenizer")
        examples.extend(
            _article_examples(
                article, tokens, by_article.get(article.id, []), max_tokens, overlap, shift, targets
            )
        )
    return examples


def _article_examples(
    article: Article,
    tokens: TokenizedText,
    spans: Sequence[Span],
    max_tokens: int,
    overlap: int,
    shift: int,
    targets: TeacherTargets | None = None,
) -> list[WindowExample]:
    windows = plan_windows(len(tokens), max_tokens=max_tokens, overlap=overlap, shift=shift)
    ranges = [(s.start, s.end) for s in spans]
    tags = bio_tags(tokens.offsets, ranges)
    bits = technique_bits(tokens.offsets, spans)
    surface = token_features(article.text, tokens.offsets)
    lowered = article.text.lower()
    per_window: list[list[SpanExample]] = [[] for _ in windows]
    for span in spans:
        technique = span.technique
        if technique is None or technique not in TECHNIQUE_INDEX:
            continue
        found = token_range(tokens.offsets, span.start, span.end)
        if found is None:
            continue
        best = max(
            range(len(windows)),
            key=lambda k: min(found[1], windows[k].token_end) - max(found[0], windows[k].token_start),
        )
        window = windows[best]
        features = tuple(span_features(article.text, span.start, span.end, lowered=lowered))
        soft = targets.techniques.get((span.start, span.end, technique)) if targets else None
        per_window[best].append(
            SpanExample(
                max(found[0], window.token_start) - window.token_start,
                min(found[1], window.token_end) - window.token_start,
                TECHNIQUE_INDEX[technique],
                features,
                tuple(float(p) for p in soft) if soft is not None else (),
            )
        )
    return [
        WindowExample(
            article.id,
            window,
            tokens.ids[window.token_start : window.token_end],
            tuple(tags[window.token_start : window.token_end]),
            tuple(per_window[k]),
            tuple(bits[window.token_start : window.token_end]),
            surface[window.token_start : window.token_end],
            targets.tags[window.token_start : window.token_end] if targets is not None else None,
        )
        for k, window in enumerate(windows)
    ]
