"""The output formats of ``proplens analyze`` (terminal, JSON, JSONL, PTC, HTML), written atomically.

A sink receives results one at a time and writes them out as it goes (JSONL, PTC and pretty stream; JSON
and HTML need the whole run). Files are written through a temporary file that replaces the target only
when the run finishes, so an interrupted run never leaves half an output behind.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console

from proplens.document import Annotation, Span
from proplens.io._files import open_atomic
from proplens.io.jsonl import analysis_to_dict
from proplens.io.ptc import span_lines, technique_lines
from proplens.pipeline import Result
from proplens.render.html import render_html
from proplens.render.terminal import render_analysis

__all__ = ["OutputFormat", "Sink"]


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
        return _SUFFIX_FORMATS.get(path.suffix.lower())


_SUFFIX_FORMATS = {
    ".html": OutputFormat.html,
    ".htm": OutputFormat.html,
    ".json": OutputFormat.json,
    ".jsonl": OutputFormat.jsonl,
    ".labels": OutputFormat.ptc,
    ".txt": OutputFormat.pretty,
}


class Sink:
    """Writes results in one format to a file (atomically) or to stdout; use as a context manager.

    The file replaces an existing one only when the block ends without error and at least one result
    was added."""

    def __init__(self, format: OutputFormat, out: Path | None, *, console: Console | None = None) -> None:
        self.format = format
        self.out = out
        self.count = 0
        self._stack = ExitStack()
        self._console = console
        self._file: TextIO | None = None
        self._kept: list[Result] = []

    def __enter__(self) -> Sink:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            try:
                self._finish()
            except BaseException as failure:
                # the output is incomplete: the atomic writer must see the failure and keep the old file
                if not self._stack.__exit__(type(failure), failure, failure.__traceback__):
                    raise
                return
        self._stack.__exit__(kind, error, traceback)

    def add(self, result: Result) -> None:
        """Write (or keep, for whole-run formats) one result."""
        self.count += 1
        analysis = result.analysis
        if self.format == OutputFormat.pretty:
            console = self._console_for_output()
            console.print(render_analysis(analysis, origin=result.origin))
            console.print()
        elif self.format == OutputFormat.jsonl:
            self._write(json.dumps(analysis_to_dict(analysis), ensure_ascii=False) + "\n")
        elif self.format == OutputFormat.ptc:
            self._write(technique_lines(analysis.annotations()))
        elif self.format == OutputFormat.ptc_si:
            ranges = sorted({(s.start, s.end) for s in analysis.spans})
            self._write(span_lines(Annotation(analysis.article.id, Span(a, b)) for a, b in ranges))
        else:
            self._kept.append(result)

    def _finish(self) -> None:
        if self.count == 0:
            return  # nothing analysed: leave any existing output file alone
        if self.format == OutputFormat.json:
            items = [analysis_to_dict(r.analysis) for r in self._kept]
            payload = items[0] if len(items) == 1 else items
            self._write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        elif self.format == OutputFormat.html and self._kept:
            analyses = [r.analysis for r in self._kept]
            self._write(render_html(analyses, origins=[r.origin for r in self._kept]))

    def _target(self) -> TextIO:
        """The output file, opened (atomically) on first use, so a run with no results writes nothing."""
        if self.out is None:
            return sys.stdout
        if self._file is None:
            self._file = self._stack.enter_context(open_atomic(self.out))
        return self._file

    def _write(self, text: str) -> None:
        self._target().write(text)

    def _console_for_output(self) -> Console:
        if self.out is not None:
            return Console(file=self._target(), width=100, no_color=True, force_terminal=False)
        return self._console or Console()
