"""Rich tables for corpus statistics and the technique taxonomy. Formatting only: data comes in ready."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from proplens import techniques
from proplens.corpus.stats import CorpusStats
from proplens.techniques import Scheme

__all__ = ["stats_tables", "techniques_table"]


def stats_tables(name: str, stats: CorpusStats) -> list[Table]:
    """An overview table, and for annotated corpora a per-technique and a span-length table."""
    overview = Table(title=f"Corpus {name}", title_justify="left", show_header=False)
    overview.add_column("measure")
    overview.add_column("value", justify="right")
    overview.add_row("articles", f"{stats.articles:,}")
    overview.add_row("characters", f"{stats.characters:,}")
    overview.add_row("words (whitespace-separated)", f"{stats.words:,}")
    if not stats.annotated:
        overview.add_row("technique labels", "none found")
        return [overview]
    overview.add_row("technique spans", f"{stats.spans:,}")
    overview.add_row("articles without spans", f"{stats.articles_without_spans:,}")
    overview.add_row(
        "characters inside spans",
        f"{stats.propaganda_characters:,} ({stats.propaganda_share:.1%})",
    )
    overview.add_row("same fragment listed twice (extra lines)", f"{stats.duplicate_spans:,}")
    overview.add_row("overlapping pairs (distinct offsets)", f"{stats.overlapping_pairs:,}")
    overview.add_row("spans crossing a newline", f"{stats.spans_crossing_newline:,}")
    tables = [overview]
    if stats.techniques:
        tables.append(_technique_table(stats))
        tables.append(_length_table(stats))
    return tables


def _technique_table(stats: CorpusStats) -> Table:
    table = Table(
        title="Spans per technique",
        title_justify="left",
        caption="lengths in characters",
        caption_justify="left",
    )
    table.add_column("technique", no_wrap=True)
    for column in ("spans", "share", "articles", "median", "mean"):
        table.add_column(column, justify="right")
    for row in stats.techniques:
        known = techniques.is_known(row.technique)
        colour = techniques.get(row.technique).colour if known else "white"
        table.add_row(
            Text("■ ", style=colour) + Text(row.technique),
            f"{row.spans:,}",
            f"{row.spans / stats.spans:.1%}",
            f"{row.articles:,}",
            f"{row.lengths.median:.0f}",
            f"{row.lengths.mean:.1f}",
        )
    return table


def _length_table(stats: CorpusStats) -> Table:
    summary = stats.lengths
    assert summary is not None
    table = Table(title="Span length (characters)", title_justify="left", show_header=False)
    table.add_column("statistic")
    table.add_column("value", justify="right")
    for name, value in (
        ("min", summary.minimum),
        ("p25", summary.p25),
        ("median", summary.median),
        ("p75", summary.p75),
        ("p90", summary.p90),
        ("max", summary.maximum),
    ):
        table.add_row(name, f"{value:.0f}")
    table.add_row("mean", f"{summary.mean:.1f}")
    histogram = Table(title="Span length histogram", title_justify="left")
    histogram.add_column("chars", no_wrap=True)
    histogram.add_column("spans", justify="right")
    histogram.add_column("", no_wrap=True)
    peak = max(stats.length_histogram.values()) or 1
    for bucket, count in stats.length_histogram.items():
        histogram.add_row(bucket, f"{count:,}", "█" * round(24 * count / peak))
    outer = Table.grid(padding=(0, 4))
    outer.add_row(table, histogram)
    return outer


def techniques_table(scheme: Scheme) -> Table:
    """The techniques of one scheme with names, categories and (for PTC) definitions."""
    table = Table(title=f"Techniques ({scheme})", title_justify="left", show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("name")
    if scheme == Scheme.SEMEVAL2023:
        table.add_column("category")
    if scheme != Scheme.SEMEVAL2021:
        table.add_column("definition", ratio=3)
    for technique in techniques.techniques(scheme):
        cells: list[str | Text] = [
            Text("■ ", style=technique.colour) + Text(technique.id),
            technique.name,
        ]
        if scheme == Scheme.SEMEVAL2023:
            cells.append(technique.category or "")
        if scheme != Scheme.SEMEVAL2021:
            definition = Text(technique.definition)
            if technique.example:
                definition.append(f"\ne.g. {technique.example}", style="dim")
            cells.append(definition)
        table.add_row(*cells)
    return table
