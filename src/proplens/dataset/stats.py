"""Descriptive statistics of an annotated dataset: size, technique counts, span lengths, overlaps.

Plain data out (`DatasetStats`); tables and JSON are made elsewhere.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from proplens.dataset.layout import DatasetSplit, find_splits
from proplens.document import Annotation, Article, covered_characters, group_by_article

__all__ = ["LENGTH_BUCKETS", "DatasetStats", "TechniqueStats", "compute_stats", "describe_splits"]

#: Upper bounds (inclusive, in characters) of the span-length histogram; the last bucket is open.
LENGTH_BUCKETS: tuple[int, ...] = (10, 25, 50, 100, 200)


@dataclass(frozen=True, slots=True)
class LengthSummary:
    """Span lengths in characters."""

    minimum: int
    p25: float
    median: float
    p75: float
    p90: float
    maximum: int
    mean: float


@dataclass(frozen=True, slots=True)
class TechniqueStats:
    technique: str
    spans: int
    articles: int
    lengths: LengthSummary


@dataclass(frozen=True, slots=True)
class DatasetStats:
    """What a corpus (or split) holds. Counts are of technique spans (label-file lines)."""

    articles: int
    characters: int
    words: int
    annotated: bool
    spans: int = 0
    articles_without_spans: int = 0
    propaganda_characters: int = 0
    duplicate_spans: int = 0
    overlapping_pairs: int = 0
    spans_crossing_newline: int = 0
    lengths: LengthSummary | None = None
    length_histogram: dict[str, int] = field(default_factory=dict)
    techniques: list[TechniqueStats] = field(default_factory=list)

    @property
    def propaganda_share(self) -> float:
        """Share of all characters inside at least one span."""
        return self.propaganda_characters / self.characters if self.characters else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["propaganda_share"] = self.propaganda_share
        return data


def compute_stats(
    articles: Sequence[Article], annotations: Iterable[Annotation] | None = None
) -> DatasetStats:
    """Statistics of `articles` and, if given, their technique `annotations`."""
    characters = sum(len(a.text) for a in articles)
    words = sum(len(a.text.split()) for a in articles)
    if annotations is None:
        return DatasetStats(len(articles), characters, words, annotated=False)
    by_article = group_by_article(annotations)
    texts = {a.id: a.text for a in articles}
    spans = [(article_id, s) for article_id, ss in by_article.items() for s in ss]
    per_technique: dict[str, list[int]] = {}
    technique_articles: dict[str, set[str]] = {}
    for article_id, span in spans:
        technique = span.technique or "(no technique)"
        per_technique.setdefault(technique, []).append(len(span))
        technique_articles.setdefault(technique, set()).add(article_id)
    ranges_per_article = {article_id: [(s.start, s.end) for s in ss] for article_id, ss in by_article.items()}
    duplicates = sum(
        count - 1 for count in Counter((a, s.start, s.end) for a, s in spans).values() if count > 1
    )
    crossing = sum(1 for a, s in spans if "\n" in texts.get(a, "")[s.start : s.end])
    return DatasetStats(
        articles=len(articles),
        characters=characters,
        words=words,
        annotated=True,
        spans=len(spans),
        articles_without_spans=sum(1 for a in articles if not by_article.get(a.id)),
        propaganda_characters=sum(covered_characters(r) for r in ranges_per_article.values()),
        duplicate_spans=duplicates,
        overlapping_pairs=sum(_overlapping_pairs(r) for r in ranges_per_article.values()),
        spans_crossing_newline=crossing,
        lengths=_summary([len(s) for _, s in spans]) if spans else None,
        length_histogram=_histogram([len(s) for _, s in spans]),
        techniques=sorted(
            (
                TechniqueStats(t, len(lengths), len(technique_articles[t]), _summary(lengths))
                for t, lengths in per_technique.items()
            ),
            key=lambda t: (-t.spans, t.technique),
        ),
    )


def _overlapping_pairs(ranges: list[tuple[int, int]]) -> int:
    """Pairs of distinct ranges (different offsets) that share at least one character."""
    unique = sorted(set(ranges))
    pairs = 0
    for i, (_, end) in enumerate(unique):
        for other_start, _ in unique[i + 1 :]:
            if other_start >= end:
                break
            pairs += 1
    return pairs


def _summary(lengths: list[int]) -> LengthSummary:
    ordered = sorted(lengths)
    return LengthSummary(
        minimum=ordered[0],
        p25=_percentile(ordered, 25),
        median=_percentile(ordered, 50),
        p75=_percentile(ordered, 75),
        p90=_percentile(ordered, 90),
        maximum=ordered[-1],
        mean=statistics.fmean(ordered),
    )


def _percentile(ordered: list[int], percent: float) -> float:
    """Linear-interpolation percentile (numpy's default method) of a sorted list."""
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _histogram(lengths: list[int]) -> dict[str, int]:
    labels: list[tuple[str, int, int | None]] = []
    low = 1
    for bound in LENGTH_BUCKETS:
        labels.append((f"{low}-{bound}", low, bound))
        low = bound + 1
    labels.append((f">{LENGTH_BUCKETS[-1]}", low, None))
    histogram = {}
    for label, lower, upper in labels:
        histogram[label] = sum(1 for n in lengths if n >= lower and (upper is None or n <= upper))
    return histogram


def describe_splits(
    path: str | Path, *, labels: str | Path | None = None
) -> dict[str, tuple[DatasetSplit, DatasetStats]]:
    """The statistics of every split found at `path` (its technique labels read when there are any)."""
    from proplens.io import ptc

    results = {}
    for split in find_splits(path, labels=labels):
        articles = ptc.read_articles(split.articles)
        annotations = None
        if split.technique_labels is not None:
            annotations = ptc.read_technique_labels(
                split.technique_labels, articles={a.id: a for a in articles}
            )
        results[split.name] = (split, compute_stats(articles, annotations))
    return results
