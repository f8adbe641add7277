"""One exception tree for proplens.

Every error a user can cause (a bad file, an unknown technique, a span outside the text) is a
`ProplensError`, so the CLI can print one clear line and exit non-zero instead of a traceback,
and library users can catch one base class.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "Busy",
    "Cancelled",
    "FormatError",
    "MissingExtra",
    "ModelError",
    "ProplensError",
    "ScoringError",
    "SpanError",
    "StoreError",
    "UnknownTechniqueError",
]


class ProplensError(Exception):
    """Base class of every error proplens raises on purpose."""


class SpanError(ProplensError, ValueError):
    """A span whose offsets are not a valid half-open range over the article text."""


class UnknownTechniqueError(ProplensError, KeyError):
    """A technique id that the named taxonomy does not define."""

    def __init__(self, technique: str, taxonomy: str) -> None:
        self.technique = technique
        self.taxonomy = taxonomy
        super().__init__(technique)

    def __str__(self) -> str:
        return f"unknown {self.taxonomy} technique {self.technique!r}"


class FormatError(ProplensError, ValueError):
    """A file that does not follow its format; names the file and, when known, the line."""

    def __init__(self, path: str | Path, message: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ScoringError(ProplensError, ValueError):
    """Predictions and references that cannot be scored together (e.g. a TC prediction with no technique)."""


class ModelError(ProplensError):
    """A model that cannot be loaded, trained or exported (missing files, wrong checksum, missing extras)."""


class MissingExtra(ProplensError, ImportError):
    """A feature whose optional packages are not installed (Parquet files, plots, training); the message
    names the extra that installs them, e.g. ``pip install 'proplens[parquet]'``."""


class StoreError(ProplensError):
    """The database cannot be opened or used (bad URL, server down, missing driver)."""


class Busy(ProplensError):
    """Too much work is already waiting (the web app's analysis queue is full); try again shortly."""


class Cancelled(ProplensError):
    """An analysis stopped because nobody waits for it any more (its request timed out or went away)."""
