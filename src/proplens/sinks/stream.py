"""``proplens analyze`` output, written atomically: the terminal, or a file format of
`proplens.sinks.formats` (JSON, JSONL, PTC, HTML).

A sink receives results one at a time and writes them out as it goes (JSONL, PTC and pretty stream; JSON
and HTML need the whole run). Files are written through a temporary file that replaces the target only
when the run finishes, so an interrupted run never leaves half an output behind.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console

from proplens.io._files import open_atomic
from proplens.pipeline import Result
from proplens.render.terminal import render_analysis
from proplens.sinks.formats import FORMATS, OutputFormat, serialise

__all__ = ["OutputFormat", "Sink"]


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
        elif (each := FORMATS[self.format].each) is not None:
            self._write(each(analysis, None))
        else:
            self._kept.append(result)

    def _finish(self) -> None:
        if self.count == 0 or not self._kept:
            return  # nothing analysed (leave any existing output file alone), or all written already
        analyses = [r.analysis for r in self._kept]
        self._write(serialise(self.format, analyses, origins=[r.origin for r in self._kept]))

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
