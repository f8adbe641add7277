"""`proplens report`: who uses which techniques, on which topics, and how that changes over time.

Every figure is computed from the stored corpus analyses of one model:

- per group (outlet, period or topic keyword) and technique: articles, spans, words, the rate of spans per
  1,000 words, and the share of the group's articles that use the technique at least once;
- for outlets, a 95% bootstrap confidence interval of the rate (articles resampled with replacement,
  1,000 times, fixed seed), so that two outlets' rates can be compared with their uncertainty;
- the most frequent flagged fragments.

Articles are reduced to small `ArticleFacts` as they stream from the database, so a report never holds
the corpus' texts in memory.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from proplens.document import Analysis

__all__ = [
    "BOOTSTRAP_SAMPLES",
    "ArticleFacts",
    "CorpusReport",
    "TechniqueRate",
    "bootstrap_interval",
    "build_report",
    "collect_facts",
    "write_exports",
    "write_plots",
]

BOOTSTRAP_SAMPLES = 1000
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
                (span.technique or "", " ".join(fragment.lower().split()))
                for span, fragment in analysis.fragments()
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
            interval = bootstrap_interval(counts, words) if intervals else (None, None)
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
    techniques: Counter[str] = Counter()
    everything: list[ArticleFacts] = []
    for fact in facts:
        everything.append(fact)
        by_outlet.setdefault(fact.outlet, []).append(fact)
        by_period.setdefault(fact.period, []).append(fact)
        for keyword in fact.keywords:
            by_keyword.setdefault(keyword, []).append(fact)
        fragments.update(fact.fragments)
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
    report.fragments = [(t, text, n) for (t, text), n in fragments.most_common(top_fragments)]
    return report


def write_exports(report: CorpusReport, directory: Path, *, csv: bool, parquet: bool) -> list[Path]:
    """``technique_rates`` and ``fragments`` tables as CSV and/or Parquet files in `directory`."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "technique_rates": pa.Table.from_pylist(
            [r.as_row() for r in report.rates] or [], schema=_RATES_SCHEMA(pa)
        ),
        "fragments": pa.Table.from_pylist(
            [{"technique": t, "fragment": f, "count": n} for t, f, n in report.fragments],
            schema=pa.schema([("technique", pa.string()), ("fragment", pa.string()), ("count", pa.int64())]),
        ),
    }
    written = []
    for name, table in tables.items():
        if csv:
            pa_csv.write_csv(table, directory / f"{name}.csv")
            written.append(directory / f"{name}.csv")
        if parquet:
            pq.write_table(table, directory / f"{name}.parquet")
            written.append(directory / f"{name}.parquet")
    return written


def _RATES_SCHEMA(pa: Any) -> Any:
    return pa.schema(
        [
            ("dimension", pa.string()),
            ("group", pa.string()),
            ("technique", pa.string()),
            ("articles", pa.int64()),
            ("articles_with", pa.int64()),
            ("spans", pa.int64()),
            ("words", pa.int64()),
            ("rate_per_1000_words", pa.float64()),
            ("share_of_articles", pa.float64()),
            ("ci_low", pa.float64()),
            ("ci_high", pa.float64()),
        ]
    )


def write_plots(
    report: CorpusReport, directory: Path, *, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """A heatmap of technique rates per outlet and a line chart of rates over time (top 6 techniques)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from proplens.render.view import describe

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    outlets = sorted({r.group for r in report.rows("outlet")})
    techniques = list(dict.fromkeys(r.technique for r in report.rows("all")))
    if outlets and techniques:
        grid = np.zeros((len(outlets), len(techniques)))
        for row in report.rows("outlet"):
            grid[outlets.index(row.group), techniques.index(row.technique)] = row.rate_per_1000_words
        figure, axes = plt.subplots(figsize=(1.2 + 0.62 * len(techniques), 1.4 + 0.42 * len(outlets)))
        image = axes.imshow(grid, cmap="Reds", aspect="auto")
        axes.set_xticks(
            range(len(techniques)), [describe(t).name for t in techniques], rotation=40, ha="right"
        )
        axes.set_yticks(range(len(outlets)), outlets)
        for (i, j), value in np.ndenumerate(grid):
            axes.text(
                j,
                i,
                f"{value:.1f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > grid.max() * 0.6 else "black",
            )
        figure.colorbar(image, ax=axes, label="spans per 1,000 words")
        axes.set_title(f"Technique profile per {'outlet' if report.grouping == 'source' else 'id prefix'}")
        figure.tight_layout()
        written += _save(figure, directory / "technique_profile", formats)
        plt.close(figure)
    periods = sorted({r.group for r in report.rows("period")} - {UNDATED})
    if periods:
        figure, axes = plt.subplots(figsize=(8, 4.5))
        for technique in techniques[:6]:
            rates = {
                r.group: r.rate_per_1000_words for r in report.rows("period") if r.technique == technique
            }
            info = describe(technique)
            axes.plot(
                periods, [rates.get(p, 0.0) for p in periods], marker="o", label=info.name, color=info.colour
            )
        axes.set_ylabel("spans per 1,000 words")
        axes.set_title("Technique rate over time")
        axes.legend(fontsize=8)
        axes.tick_params(axis="x", rotation=40)
        figure.tight_layout()
        written += _save(figure, directory / "technique_rate_over_time", formats)
        plt.close(figure)
    return written


def _save(figure: Any, stem: Path, formats: Sequence[str]) -> list[Path]:
    paths = []
    for extension in formats:
        path = stem.with_suffix(f".{extension}")
        figure.savefig(path, dpi=130)
        paths.append(path)
    return paths
