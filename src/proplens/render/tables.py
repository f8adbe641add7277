"""Rich tables for corpus statistics and the technique taxonomy. Formatting only: data comes in ready."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from proplens import techniques
from proplens.dataset.stats import DatasetStats
from proplens.techniques import Taxonomy

__all__ = ["corpus_report_tables", "ingest_table", "stats_tables", "techniques_table"]


def corpus_report_tables(view: dict[str, Any]) -> list[Table]:
    """The corpus report (`proplens.render.corpus.report_view`) as Rich tables."""
    summary = Table(
        title=f"Corpus: {view['articles']} articles, {view['words']} words, model {view['models']}",
        title_justify="left",
    )
    summary.add_column("technique")
    summary.add_column("spans", justify="right")
    summary.add_column("per 1,000 words (95% CI)", justify="right")
    summary.add_column("articles using it", justify="right")
    for row in view["overall"]:
        summary.add_row(
            Text("■ ", style=row["colour"]) + Text(row["name"]),
            row["spans"],
            _rate(row["rate"], sep=" "),
            row["share"],
        )
    tables = [summary]
    for dimension in view["dimensions"]:
        table = Table(
            title=dimension["title"], title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True
        )
        longest = max((len(row["group"]) for row in dimension["rows"]), default=5)
        table.add_column(dimension["label"], overflow="fold", min_width=max(6, min(16, longest)))
        table.add_column("n", justify="right", no_wrap=True)
        for column in view["columns"]:
            table.add_column(column["abbreviation"], justify="right", no_wrap=True)
        for row in dimension["rows"]:
            table.add_row(row["group"], row["articles"], *(_rate(cell, sep="\n") for cell in row["cells"]))
        tables.append(table)
    if view["columns"]:
        key = Table(
            title="Columns (n: articles)",
            title_justify="left",
            show_header=False,
            caption=view["small_group_note"],
            caption_justify="left",
        )
        key.add_column("abbreviation")
        key.add_column("technique")
        for column in view["columns"]:
            key.add_row(column["abbreviation"], column["name"])
        tables.append(key)
    if view["fragments"]:
        fragments = Table(title="Most frequent flagged fragments", title_justify="left")
        fragments.add_column("count", justify="right")
        fragments.add_column("technique")
        fragments.add_column("fragment", overflow="fold")
        for row in view["fragments"]:
            fragments.add_row(row["count"], row["technique"], row["text"][:100])
        tables.append(fragments)
    return tables


def _rate(cell: dict[str, str], *, sep: str) -> Text:
    """A rate with its interval (dim, in brackets) after `sep`; the rate alone when there is none."""
    text = Text(cell["rate"])
    if cell["interval"]:
        text.append(f"{sep}({cell['interval']})", style="dim")
    return text


def ingest_table(new: int, duplicate: int, rejected: int, corpus: int) -> Table:
    """What an ingest did."""
    table = Table(title="Ingest", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("articles", justify="right")
    table.add_row("new", f"{new:,}")
    table.add_row("duplicate (skipped)", f"{duplicate:,}")
    table.add_row("rejected", f"{rejected:,}")
    table.add_row("in the corpus now", f"{corpus:,}")
    return table


def stats_tables(name: str, stats: DatasetStats) -> list[Table]:
    """An overview table, and for annotated corpora a per-technique and a span-length table."""
    overview = Table(title=f"Dataset {name}", title_justify="left", show_header=False)
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


def _technique_table(stats: DatasetStats) -> Table:
    table = Table(
        title="Spans per technique",
        title_justify="left",
        caption="lengths in characters",
        caption_justify="left",
    )
    table.add_column("technique", overflow="fold")
    for column in ("spans", "share", "articles", "median", "mean"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
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


def _length_table(stats: DatasetStats) -> Table:
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


def techniques_table(taxonomy: Taxonomy) -> Table:
    """The techniques of one taxonomy with names, categories and (for PTC) definitions."""
    table = Table(title=f"Techniques ({taxonomy})", title_justify="left", show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("name")
    if taxonomy == Taxonomy.SEMEVAL2023:
        table.add_column("category")
    if taxonomy != Taxonomy.SEMEVAL2021:
        table.add_column("definition", ratio=3)
    for technique in techniques.techniques(taxonomy):
        cells: list[str | Text] = [
            Text("■ ", style=technique.colour) + Text(technique.id),
            technique.name,
        ]
        if taxonomy == Taxonomy.SEMEVAL2023:
            cells.append(technique.category or "")
        if taxonomy != Taxonomy.SEMEVAL2021:
            definition = Text(technique.definition)
            if technique.example:
                definition.append(f"\ne.g. {technique.example}", style="dim")
            cells.append(definition)
        table.add_row(*cells)
    return table
