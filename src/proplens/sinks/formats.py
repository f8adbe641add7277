"""The file formats analyses are written in, in one registry: name -> how to write it, its media type and
its file suffix. `proplens analyze -o` (`Sink`), the web app's downloads and the REST API all write
through it, so a format reads the same wherever it comes from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from proplens.document import Analysis, Annotation, Span
from proplens.io.jsonl import analysis_to_dict
from proplens.io.ptc import span_lines, technique_lines

__all__ = ["FORMATS", "FileFormat", "OutputFormat", "document", "serialise"]


class OutputFormat(StrEnum):
    """``proplens analyze --format``."""

    pretty = "pretty"
    json = "json"
    jsonl = "jsonl"
    ptc = "ptc"
    """SemEval-2020 Task 11 technique lines: ``id<TAB>technique<TAB>start<TAB>end``."""
    ptc_si = "ptc-si"
    """SemEval-2020 Task 11 span lines: ``id<TAB>start<TAB>end``."""
    html = "html"

    @classmethod
    def for_path(cls, path: Path) -> OutputFormat | None:
        """The format a file name asks for by its suffix (``.html``, ``.json``, ``.labels``, ...)."""
        suffix = path.suffix.lower()
        if suffix in (".txt", ".htm"):
            return cls.pretty if suffix == ".txt" else cls.html
        return next((f.format for f in FORMATS.values() if f.suffix == suffix and f.by_suffix), None)


def document(analysis: Analysis, analysis_id: str | None = None) -> dict[str, Any]:
    """The analysis as JSON data (`proplens.io.jsonl.analysis_to_dict`), with its stored ``id`` if any."""
    data = analysis_to_dict(analysis)
    if analysis_id is not None:
        data["id"] = analysis_id
    return data


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How one format is written. `each` (for the formats that stream) writes one analysis; `whole`
    writes a run of them (for JSON and HTML, which need the whole run)."""

    format: OutputFormat
    media_type: str
    suffix: str
    each: Callable[[Analysis, str | None], str] | None
    whole: Callable[[Sequence[Analysis], Sequence[str | None], Sequence[str | None]], str]
    by_suffix: bool = True
    """Whether `OutputFormat.for_path` picks this format for a file with `suffix`."""


def _json_line(analysis: Analysis, analysis_id: str | None) -> str:
    return json.dumps(document(analysis, analysis_id), ensure_ascii=False) + "\n"


def _json(analyses: Sequence[Analysis], ids: Sequence[str | None], _: Sequence[str | None]) -> str:
    items = [document(a, i) for a, i in zip(analyses, ids, strict=True)]
    return json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=2) + "\n"


def _technique_lines(analysis: Analysis, _: str | None) -> str:
    return technique_lines(analysis.annotations())


def _span_lines(analysis: Analysis, _: str | None) -> str:
    ranges = sorted({(s.start, s.end) for s in analysis.spans})
    return span_lines(Annotation(analysis.article.id, Span(a, b)) for a, b in ranges)


def _html(analyses: Sequence[Analysis], _: Sequence[str | None], origins: Sequence[str | None]) -> str:
    from proplens.render.html import render_html

    return render_html(analyses, origins=origins)


def _joined(each: Callable[[Analysis, str | None], str]) -> Callable[..., str]:
    def whole(analyses: Sequence[Analysis], ids: Sequence[str | None], _: Sequence[str | None]) -> str:
        return "".join(each(a, i) for a, i in zip(analyses, ids, strict=True))

    return whole


FORMATS: dict[OutputFormat, FileFormat] = {
    f.format: f
    for f in (
        FileFormat(OutputFormat.json, "application/json", ".json", None, _json),
        FileFormat(OutputFormat.jsonl, "application/x-ndjson", ".jsonl", _json_line, _joined(_json_line)),
        FileFormat(
            OutputFormat.ptc,
            "text/plain; charset=utf-8",
            ".labels",
            _technique_lines,
            _joined(_technique_lines),
        ),
        FileFormat(
            OutputFormat.ptc_si,
            "text/plain; charset=utf-8",
            ".labels",
            _span_lines,
            _joined(_span_lines),
            by_suffix=False,  # a .labels file means technique lines
        ),
        FileFormat(OutputFormat.html, "text/html; charset=utf-8", ".html", None, _html),
    )
}
"""Every format written to files (``pretty`` is the terminal's, `proplens.render.terminal`)."""


def serialise(
    format: OutputFormat,
    analyses: Sequence[Analysis],
    *,
    ids: Sequence[str | None] | None = None,
    origins: Sequence[str | None] | None = None,
) -> str:
    """`analyses` written in `format` as one text (with stored `ids` in JSON, `origins` in HTML)."""
    blank: list[str | None] = [None] * len(analyses)
    return FORMATS[format].whole(analyses, ids or blank, origins or blank)
