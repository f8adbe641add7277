"""The corpus report as plain, formatted data — one view that the terminal tables and the web page both
show, so they cannot disagree. No statistics here: they come ready from `proplens.corpus.report`."""

from __future__ import annotations

from typing import Any

from proplens.corpus.report import MIN_ARTICLES_FOR_INTERVAL, UNDATED, CorpusReport, TechniqueRate
from proplens.render.view import css_class, describe

__all__ = ["SMALL_GROUP", "TOP_TECHNIQUES", "report_view"]

TOP_TECHNIQUES = 6
"""Techniques shown as columns of the per-group tables (the most frequent first)."""

_TITLES = {"outlet": "Per outlet", "period": "Per period", "keyword": "Per topic keyword"}


SMALL_GROUP = "*"
"""Marks the article count of a group too small to have an interval."""


def _rate(row: TechniqueRate, *, digits: int) -> dict[str, str]:
    """The rate, and its interval ("" where there is none)."""
    interval = ""
    if row.ci_low is not None and row.ci_high is not None:
        interval = f"{row.ci_low:.{digits}f}-{row.ci_high:.{digits}f}"
    return {"rate": f"{row.rate_per_1000_words:.{digits}f}", "interval": interval}


def report_view(report: CorpusReport, *, top: int = TOP_TECHNIQUES) -> dict[str, Any]:
    """Everything a reader sees of the report, formatted: a summary per technique, one table per
    dimension (outlet, period, keyword) with the `top` techniques as columns, and the frequent fragments.
    Every rate is ``{"rate", "interval"}`` (the interval "" where there is none)."""
    overall = report.rows("all")
    columns = [r.technique for r in overall][:top]
    grouping = "outlet" if report.grouping == "source" else "article-id prefix"
    dimensions = []
    for dimension, title in _TITLES.items():
        rows = report.rows(dimension)
        if not rows:
            continue
        if dimension == "outlet" and report.grouping != "source":
            title = "Per article-id prefix (no outlet metadata)"
        table_rows = []
        for group in dict.fromkeys(r.group for r in rows):
            cells = {r.technique: r for r in rows if r.group == group}
            first = next(iter(cells.values()))
            table_rows.append(
                {
                    "group": group,
                    "articles": f"{first.articles:,}"
                    + (
                        SMALL_GROUP
                        if dimension == "outlet" and first.articles < MIN_ARTICLES_FOR_INTERVAL
                        else ""
                    ),
                    "cells": [
                        _rate(cells[t], digits=1) if t in cells else {"rate": "", "interval": ""}
                        for t in columns
                    ],
                }
            )
        dimensions.append(
            {
                "dimension": dimension,
                "label": ("outlet" if report.grouping == "source" else "id prefix")
                if dimension == "outlet"
                else dimension,
                "title": title + ": spans per 1,000 words" + (" (95% CI)" if dimension == "outlet" else ""),
                "rows": table_rows,
            }
        )
    return {
        "articles": f"{report.articles:,}",
        "words": f"{report.words:,}",
        "models": ", ".join(report.models),
        "grouping": grouping,
        "overall": [
            {
                "technique": r.technique,
                "name": describe(r.technique).name,
                "css": css_class(r.technique),
                "colour": describe(r.technique).colour,
                "spans": f"{r.spans:,}",
                "rate": _rate(r, digits=2),
                "share": f"{r.share_of_articles:.0%}",
            }
            for r in overall
        ],
        "columns": [
            {"name": describe(t).name, "abbreviation": describe(t).abbreviation or t[:6]} for t in columns
        ],
        "dimensions": dimensions,
        "fragments": [
            {"technique": describe(t).name, "text": text, "count": f"{n:,}"}
            for t, text, n in report.fragments
        ],
        "has_periods": any(r.group != UNDATED for r in report.rows("period")),
        "small_group_note": (
            f"{SMALL_GROUP} fewer than {MIN_ARTICLES_FOR_INTERVAL} articles: too few for an interval"
        ),
    }
