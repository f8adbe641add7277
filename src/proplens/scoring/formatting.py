"""Formatting of score dicts: Rich tables for people, JSON for programs. No arithmetic lives here."""

from __future__ import annotations

import json
from collections.abc import Mapping

from rich import box
from rich.table import Table

from proplens import techniques
from proplens.scoring.tc import NO_TECHNIQUE

__all__ = [
    "SUMMARY_KEYS",
    "comparison_table",
    "confusion_table",
    "scores_json",
    "summary_table",
    "technique_table",
]

SUMMARY_KEYS: dict[str, tuple[str, ...]] = {
    "si": ("precision", "recall", "f1", "predicted_spans", "gold_spans"),
    "tc": ("micro_f1", "micro_precision", "micro_recall", "macro_f1", "correct", "predicted", "gold"),
    "slc": (
        "precision",
        "recall",
        "f1",
        "sentences",
        "gold_propaganda_sentences",
        "predicted_propaganda_sentences",
    ),
}
"""The figures each task's summary table shows, in order."""


def summary_table(title: str, scores: Mapping[str, float], keys: tuple[str, ...]) -> Table:
    """A two-column table of the named figures (ratios to 4 decimals, counts as integers)."""
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in keys:
        if key in scores:
            table.add_row(key.replace("_", " "), _number(key, scores[key]))
    return table


def comparison_table(title: str, columns: Mapping[str, Mapping[str, float]], keys: tuple[str, ...]) -> Table:
    """The named figures (rows) of several score dicts (columns), e.g. one model run three ways."""
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    for name in columns:
        table.add_column(name, justify="right")
    for key in keys:
        table.add_row(
            key.replace("_", " "), *(_number(key, s[key]) if key in s else "-" for s in columns.values())
        )
    return table


def technique_table(scores: Mapping[str, float]) -> Table:
    """Per-technique precision, recall, F1 and gold support from a TC score dict."""
    table = Table(title="Per technique", title_justify="left")
    table.add_column("technique", no_wrap=True)
    for column in ("precision", "recall", "F1", "gold"):
        table.add_column(column, justify="right")
    names = sorted(k.split("/", 1)[1] for k in scores if k.startswith("f1/"))
    for name in sorted(names, key=lambda n: -scores[f"support/{n}"]):
        table.add_row(
            name,
            f"{scores[f'precision/{name}']:.4f}",
            f"{scores[f'recall/{name}']:.4f}",
            f"{scores[f'f1/{name}']:.4f}",
            str(int(scores[f"support/{name}"])),
        )
    return table


def confusion_table(matrix: Mapping[str, Mapping[str, int]]) -> Table:
    """Gold techniques down, predicted across; columns use the short technique abbreviations."""
    labels = sorted(set(matrix) | {p for row in matrix.values() for p in row})
    labels = [label for label in labels if label != NO_TECHNIQUE] + (
        [NO_TECHNIQUE] if NO_TECHNIQUE in labels else []
    )
    legend = ", ".join(f"{_abbreviation(label)} = {label}" for label in labels)
    table = Table(
        title="Confusion (rows gold, columns predicted)",
        title_justify="left",
        caption=legend,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0, 0, 1),
    )
    table.add_column("gold", no_wrap=True)
    for label in labels:
        header = _abbreviation(label)
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))
    for gold in labels:
        row = matrix.get(gold, {})
        cells = [str(row[p]) if row.get(p) else "[dim]·[/dim]" for p in labels]
        table.add_row(_abbreviation(gold), *cells)
    return table


def _abbreviation(technique: str) -> str:
    if techniques.is_known(technique):
        return techniques.get(technique).abbreviation
    return "none" if technique == NO_TECHNIQUE else technique


def scores_json(scores: Mapping[str, float], **context: object) -> str:
    """Scores (and any context such as the task name) as indented JSON."""
    return json.dumps({**context, "scores": dict(scores)}, indent=2, ensure_ascii=False)


def _number(key: str, value: float) -> str:
    is_ratio = any(part in key for part in ("precision", "recall", "f1"))
    return f"{value:.4f}" if is_ratio else f"{int(value):,}"
