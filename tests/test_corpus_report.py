"""proplens report: rates, shares and bootstrap intervals worked by hand; exports and plots written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from proplens.corpus.exports import write_exports
from proplens.corpus.report import bootstrap_interval, build_report, collect_facts
from proplens.document import Analysis, Article, Span
from proplens.render.plots import write_plots

WORDS = " ".join(["word"] * 500)


def _analysis(article_id: str, source: str | None, published: date | None, techniques: list[str]) -> Analysis:
    text = "Climate lies. " + WORDS if article_id.endswith("c") else "Taxes. " + WORDS
    spans = tuple(Span(0, 7, t, 0.5) for t in techniques)
    return Analysis(
        Article(article_id, text, source=source, published=published),
        spans,
        model="m-1",
        figures={"words": 500.0},
    )


ANALYSES = [
    _analysis("1a", "Gazette", date(2026, 1, 5), ["Loaded_Language", "Loaded_Language"]),
    _analysis("2c", "Gazette", date(2026, 1, 20), ["Doubt"]),
    _analysis("3a", "Herald", date(2026, 2, 2), []),
    _analysis("4c", "Herald", None, ["Loaded_Language"]),
]


def test_rates_and_shares_per_outlet_period_and_keyword() -> None:
    facts = collect_facts(ANALYSES, grouping="source", period="month", keywords=["climate"])
    report = build_report(facts, grouping="source")
    assert (report.articles, report.words, report.models) == (4, 2000, ("m-1",))
    cell = {(r.dimension, r.group, r.technique): r for r in report.rates}
    gazette = cell[("outlet", "Gazette", "Loaded_Language")]
    assert (gazette.spans, gazette.words, gazette.articles_with) == (2, 1000, 1)
    assert gazette.rate_per_1000_words == 2.0 and gazette.share_of_articles == 0.5
    assert cell[("outlet", "Herald", "Loaded_Language")].rate_per_1000_words == 1.0
    assert cell[("period", "2026-01", "Doubt")].spans == 1
    assert cell[("period", "undated", "Loaded_Language")].articles == 1
    climate = cell[("keyword", "climate", "Loaded_Language")]
    assert (climate.articles, climate.spans) == (2, 1)  # articles 2c and 4c mention climate
    assert cell[("all", "all", "Loaded_Language")].rate_per_1000_words == 1.5
    assert report.fragments[0] == ("Loaded_Language", "Taxes.", 2)  # article 1a flags "Taxes." twice
    assert gazette.ci_low is None and gazette.ci_high is None  # 2 articles: too few for an interval
    overall = cell[("all", "all", "Loaded_Language")]
    assert overall.ci_low is None  # 4 articles in all


def test_bootstrap_interval() -> None:
    # identical articles: every resample has the same rate, so the interval is that rate
    assert bootstrap_interval(np.array([2.0, 2.0, 2.0]), np.array([1000.0, 1000.0, 1000.0])) == (2.0, 2.0)
    low, high = bootstrap_interval(np.array([0.0, 10.0]), np.array([1000.0, 1000.0]))
    assert low == 0.0 and high == 10.0  # resamples range from both-zero to both-ten
    assert bootstrap_interval(np.array([]), np.array([])) == (0.0, 0.0)
    counts, words = np.arange(20, dtype=float), np.full(20, 1000.0)
    assert bootstrap_interval(counts, words) == bootstrap_interval(counts, words)  # seeded: reproducible


def test_exports_and_plots(tmp_path: Path) -> None:
    report = build_report(collect_facts(ANALYSES, grouping="source"), grouping="source")
    written = write_exports(report, tmp_path / "out", csv=True, parquet=True)
    assert {p.name for p in written} == {
        "technique_rates.csv",
        "technique_rates.parquet",
        "fragments.csv",
        "fragments.parquet",
    }
    table = pq.read_table(tmp_path / "out" / "technique_rates.parquet")
    assert table.num_rows == len(report.rates) and "ci_low" in table.column_names
    plots = write_plots(report, tmp_path / "plots")
    assert {p.name for p in plots} == {
        "technique_profile.png",
        "technique_profile.svg",
        "technique_rate_over_time.png",
        "technique_rate_over_time.svg",
    }
    assert (tmp_path / "plots" / "technique_profile.png").read_bytes().startswith(b"\x89PNG")


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    """An outlet name comes from a feed's title: whoever writes the feed must not get a formula into a
    spreadsheet that opens the CSV. Parquet keeps the names as they are."""
    import csv

    hostile = ['=HYPERLINK("http://x.example","click me")', "+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1"]
    analyses = [_analysis(str(i), name, None, ["Loaded_Language"]) for i, name in enumerate(hostile)]
    report = build_report(collect_facts(analyses, grouping="source"), grouping="source")
    write_exports(report, tmp_path, csv=True, parquet=True)
    with (tmp_path / "technique_rates.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = {row["group"] for row in rows}
    assert {"'" + name for name in hostile} <= groups
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for v in row.values())
    assert all(float(row["rate_per_1000_words"]) >= 0 for row in rows)  # numbers stay numbers
    parquet_groups = set(pq.read_table(tmp_path / "technique_rates.parquet").column("group").to_pylist())
    assert set(hostile) <= parquet_groups
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fragments.csv",
        "fragments.parquet",
        "technique_rates.csv",
        "technique_rates.parquet",
    ]
