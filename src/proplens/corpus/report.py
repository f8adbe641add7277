"""The corpus report's statistics: who uses which techniques, on which topics, and how that changes over time.

Every figure is computed from the stored corpus analyses of one model:

- per group (outlet, period or topic keyword) and technique: articles, spans, words, the rate of spans per
  1,000 words, and the share of the group's articles that use the technique at least once;
- for outlets, a 95% bootstrap confidence interval of the rate (articles resampled with replacement,
  1,000 times, fixed seed), so that two outlets' rates can be compared with their uncertainty;
- the most frequent flagged fragments.

Articles are reduced to small `ArticleFacts` as they stream from the database, so a report never holds
the corpus' texts in memory. `corpus_report` is the one way every entry point (``proplens report``, the web
app's corpus page) builds it; rendering lives in `proplens.render.corpus` (tables), `proplens.render.plots`
(pictures) and `proplens.corpus.exports` (CSV/Parquet).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from proplens.document import Analysis
from proplens.store import Store

__all__ = [
    "BOOTSTRAP_SAMPLES",
    "MIN_ARTICLES_FOR_INTERVAL",
    "ArticleFacts",
    "CorpusReport",
    "Grouping",
    "TechniqueRate",
    "bootstrap_interval",
    "build_report",
    "collect_facts",
    "corpus_report",
]

BOOTSTRAP_SAMPLES = 1000
MIN_ARTICLES_FOR_INTERVAL = 5
"""Groups with fewer articles get no interval: resampling two or three articles says nothing."""
Grouping = str
"""How articles are grouped into outlets: ``source`` (their source field), ``prefix`` (the first characters
of their id) or ``auto`` (source when any corpus article has one)."""
UNDATED = "undated"
NO_OUTLET = "(no outlet)"


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What a report needs of one analysed article."""

    outlet: str
    period: str
    words: int
    counts: dict[str, int]
    keywords: tuple[str, ...] = ()
    fragments: tuple[tuple[str, str], ...] = ()
    model: str | None = None


@dataclass(frozen=True, slots=True)
class TechniqueRate:
    """One row of a report table: a technique in a group."""

    dimension: str
    group: str
    technique: str
    articles: int
    articles_with: int
    spans: int
    words: int
    rate_per_1000_words: float
    share_of_articles: float
    ci_low: float | None = None
    ci_high: float | None = None

    def as_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class CorpusReport:
    models: tuple[str, ...]
    articles: int
    words: int
    grouping: str
    rates: list[TechniqueRate] = field(default_factory=list)
    fragments: list[tuple[str, str, int]] = field(default_factory=list)
    """(technique, fragment, count), most frequent first."""

    def rows(self, dimension: str) -> list[TechniqueRate]:
        return [r for r in self.rates if r.dimension == dimension]


def _outlet(analysis: Analysis, grouping: str, prefix_length: int) -> str:
    if grouping == "source":
        return analysis.article.source or NO_OUTLET
    return analysis.article.id[:prefix_length] or NO_OUTLET


def _period(published: date | None, period: str) -> str:
    if published is None:
        return UNDATED
    if period == "week":
        year, week, _ = published.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{published.year}-{published.month:02d}"


def collect_facts(
    analyses: Iterable[Analysis],
    *,
    grouping: str = "source",
    prefix_length: int = 3,
    period: str = "month",
    keywords: Sequence[str] = (),
) -> Iterable[ArticleFacts]:
    """Reduce each analysis to its `ArticleFacts` (streamed)."""
    patterns = [(k, re.compile(rf"\b{re.escape(k)}\b", re.IGNORECASE)) for k in keywords]
    for analysis in analyses:
        text = analysis.article.text
        yield ArticleFacts(
            outlet=_outlet(analysis, grouping, prefix_length),
            period=_period(analysis.article.published, period),
            words=int(analysis.figures.get("words", len(text.split()))),
            counts=analysis.technique_counts(),
            keywords=tuple(k for k, pattern in patterns if pattern.search(text)),
            fragments=tuple(
                (span.technique or "", " ".join(fragment.split())) for span, fragment in analysis.fragments()
            ),
            model=analysis.model,
        )


def bootstrap_interval(
    counts: np.ndarray, words: np.ndarray, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of ``sum(counts) / sum(words) * 1000`` over articles resampled with
    replacement."""
    n = len(counts)
    if n == 0 or words.sum() == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(samples, n))
    totals = words[picks].sum(axis=1)
    rates = np.where(totals > 0, counts[picks].sum(axis=1) / np.maximum(totals, 1) * 1000, 0.0)
    low, high = np.percentile(rates, [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def _rates(
    dimension: str, groups: dict[str, list[ArticleFacts]], techniques: Sequence[str], *, intervals: bool
) -> list[TechniqueRate]:
    rows = []
    for group, members in sorted(groups.items()):
        words = np.array([f.words for f in members], dtype=np.float64)
        for technique in techniques:
            counts = np.array([f.counts.get(technique, 0) for f in members], dtype=np.float64)
            total_words = int(words.sum())
            wanted = intervals and len(members) >= MIN_ARTICLES_FOR_INTERVAL
            interval = bootstrap_interval(counts, words) if wanted else (None, None)
            rows.append(
                TechniqueRate(
                    dimension=dimension,
                    group=group,
                    technique=technique,
                    articles=len(members),
                    articles_with=int((counts > 0).sum()),
                    spans=int(counts.sum()),
                    words=total_words,
                    rate_per_1000_words=round(float(counts.sum()) / total_words * 1000, 3)
                    if total_words
                    else 0.0,
                    share_of_articles=round(float((counts > 0).mean()), 4) if len(members) else 0.0,
                    ci_low=interval[0],
                    ci_high=interval[1],
                )
            )
    return rows


def build_report(
    facts: Iterable[ArticleFacts],
    *,
    model: str | None = None,
    grouping: str = "source",
    top_fragments: int = 20,
) -> CorpusReport:
    """All report tables from the articles' facts."""
    by_outlet: dict[str, list[ArticleFacts]] = {}
    by_period: dict[str, list[ArticleFacts]] = {}
    by_keyword: dict[str, list[ArticleFacts]] = {}
    fragments: Counter[tuple[str, str]] = Counter()
    spellings: dict[tuple[str, str], Counter[str]] = {}
    techniques: Counter[str] = Counter()
    everything: list[ArticleFacts] = []
    for fact in facts:
        everything.append(fact)
        by_outlet.setdefault(fact.outlet, []).append(fact)
        by_period.setdefault(fact.period, []).append(fact)
        for keyword in fact.keywords:
            by_keyword.setdefault(keyword, []).append(fact)
        for technique, fragment in fact.fragments:
            key = (technique, fragment.lower())
            fragments[key] += 1
            spellings.setdefault(key, Counter())[fragment] += 1
        techniques.update(fact.counts)
    used = [t for t, _ in techniques.most_common()]
    models = tuple(sorted({f.model for f in everything if f.model}))
    report = CorpusReport(models, len(everything), sum(f.words for f in everything), grouping)
    report.rates = (
        _rates("all", {"all": everything}, used, intervals=True)
        + _rates("outlet", by_outlet, used, intervals=True)
        + _rates("period", by_period, used, intervals=False)
        + _rates("keyword", by_keyword, used, intervals=False)
    )
    # counted regardless of case, shown as most often written
    report.fragments = [
        (key[0], spellings[key].most_common(1)[0][0], n) for key, n in fragments.most_common(top_fragments)
    ]
    return report


def corpus_report(
    store: Store,
    *,
    model: str | None = None,
    grouping: Grouping = "auto",
    prefix_length: int = 3,
    period: str = "month",
    keywords: Sequence[str] = (),
) -> CorpusReport | None:
    """The report of the store's corpus analyses by `model` (default: the latest used), streamed from the
    database; None when there are none."""
    if grouping == "auto":
        grouping = "source" if store.corpus_has_sources() else "prefix"
    analyses = (c.analysis for c in store.corpus_analyses(model))
    facts = collect_facts(
        analyses, grouping=grouping, prefix_length=prefix_length, period=period, keywords=keywords
    )
    report = build_report(facts, grouping=grouping)
    return report if report.articles else None
