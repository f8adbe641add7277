"""Pictures of the corpus report, rendered to bytes (SVG or PNG): the web app serves them as they are,
`proplens report --plots` writes them to files.

- ``technique_profile``: a heatmap of technique rates (spans per 1,000 words) per outlet;
- ``technique_rate_over_time``: the rates of the most frequent techniques per period (dated articles only).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from proplens._extras import require
from proplens.corpus.report import UNDATED, CorpusReport
from proplens.io._files import write_bytes_atomic
from proplens.render.view import describe

__all__ = ["PLOTS", "render_plot", "write_plots"]

PLOTS = ("technique_profile", "technique_rate_over_time")
ROW_PIXELS_ON_A_PHONE = 18
LINES = 6
"""Techniques drawn in the rate-over-time chart."""


def render_plot(report: CorpusReport, name: str, *, format: str = "svg") -> bytes | None:
    """The plot `name` as SVG or PNG bytes; None when the report has nothing to draw (e.g. no dates)."""
    if name not in PLOTS:
        raise ValueError(f"unknown plot {name!r} (known: {', '.join(PLOTS)})")
    matplotlib = require("matplotlib", "plots")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = _technique_profile(plt, report) if name == PLOTS[0] else _rate_over_time(plt, report)
    if figure is None:
        return None
    buffer = io.BytesIO()
    figure.savefig(buffer, format=format, dpi=130, bbox_inches="tight")  # legends outside the axes too
    plt.close(figure)
    return buffer.getvalue()


def write_plots(
    report: CorpusReport, directory: Path, *, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Every plot there is something to draw for, in every format, as files in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PLOTS:
        for extension in formats:
            data = render_plot(report, name, format=extension)
            if data is None:
                break
            path = directory / f"{name}.{extension}"
            write_bytes_atomic(path, data)
            written.append(path)
    return written


def _technique_profile(plt: Any, report: CorpusReport) -> Any:
    outlets = sorted({r.group for r in report.rows("outlet")})
    techniques = list(dict.fromkeys(r.technique for r in report.rows("all")))
    if not outlets or not techniques:
        return None
    grid = np.zeros((len(outlets), len(techniques)))
    for row in report.rows("outlet"):
        grid[outlets.index(row.group), techniques.index(row.technique)] = row.rate_per_1000_words
    width = 2.6 + 0.62 * len(techniques)
    # a row stays at least 18 px high when the picture is shrunk to a 375 px phone (about 330 px wide)
    row_height = max(0.45, ROW_PIXELS_ON_A_PHONE * width / 330)
    height = 2.4 + row_height * max(len(outlets), 2)
    figure, axes = plt.subplots(figsize=(width, height))
    image = axes.imshow(grid, cmap="Reds", aspect="auto")
    axes.set_xticks(range(len(techniques)), [describe(t).name for t in techniques], rotation=40, ha="right")
    axes.set_yticks(range(len(outlets)), outlets)
    for (i, j), value in np.ndenumerate(grid):
        colour = "white" if value > grid.max() * 0.6 else "black"
        axes.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=8, color=colour)
    figure.colorbar(image, ax=axes, label="spans per\n1,000 words")
    axes.set_title(f"Technique profile per {'outlet' if report.grouping == 'source' else 'id prefix'}")
    figure.tight_layout()
    return figure


def _rate_over_time(plt: Any, report: CorpusReport) -> Any:
    periods = sorted({r.group for r in report.rows("period")} - {UNDATED})
    if not periods:
        return None
    techniques = list(dict.fromkeys(r.technique for r in report.rows("all")))[:LINES]
    figure, axes = plt.subplots(figsize=(9.5, 4.5))
    for technique in techniques:
        rates = {r.group: r.rate_per_1000_words for r in report.rows("period") if r.technique == technique}
        info = describe(technique)
        axes.plot(
            periods, [rates.get(p, 0.0) for p in periods], marker="o", label=info.name, color=info.colour
        )
    axes.set_ylabel("spans per 1,000 words")
    axes.set_title("Technique rate over time")
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    axes.tick_params(axis="x", rotation=40)
    figure.tight_layout()
    return figure
