"""What every reader shares: caps, the `Loaded`/`Problem` results, the one way text becomes an article.

One policy for every kind of input:

- a record that cannot be read (bad JSON, a missing field, empty text, text over `Limits.max_chars`) is a
  `Problem` naming the file and line, row or entry; the records around it go on;
- nothing is cut short: an over-long text is refused with the limit named, never truncated;
- a single-document input (a text or HTML file, stdin, a page) over `Limits.max_bytes` is refused; record
  files (JSON Lines, CSV, Parquet) are streamed record by record, each record capped at `Limits.max_bytes`.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from proplens.document import Article
from proplens.errors import FormatError, ProplensError
from proplens.io.jsonl import article_from_dict

__all__ = [
    "Limits",
    "Loaded",
    "Problem",
    "article_from_record",
    "article_from_text",
    "article_id_from_name",
    "checked",
    "decode",
    "guard",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep one hostile or broken input from stalling a run."""

    max_chars: int = 1_000_000
    """Longest article text analysed, in characters (PTC articles: median 4,400, longest 37,000)."""
    max_bytes: int = 10_000_000
    """Largest single document (file, page, stdin) or single record (JSONL line, CSV row) read, in bytes."""
    timeout: float = 15.0
    """Seconds to wait for a URL (connect and each read)."""
    max_redirects: int = 5
    max_chars_hint: str = "raise it with --max-chars"
    """How a user can raise `max_chars`, said after the refusal ("" where they cannot, e.g. the web app)."""
    allow_private: bool = True
    """Whether URLs may point at loopback, private, link-local or other non-public addresses. The CLI
    allows them (a user fetching their own intranet); the web app refuses them by default (SSRF)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """An article read from `origin`; `warning` says what was odd but survivable (e.g. not UTF-8)."""

    article: Article
    origin: str
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """An input (or one record of it) that could not be read, with the one line a user needs to fix it."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def article_from_text(
    text: str, *, title: str | None = None, article_id: str | None = None, url: str | None = None
) -> Article:
    """Raw text (and an optional headline) as an article, the same way for the CLI, the API and the web.

    A headline given apart from the text is put in front of it (``title + "\\n\\n" + text``, as a page's
    title is), unless the text already starts with it; without one, the first line is the title. The id
    is a hash of the final text, so the same article gets the same id wherever it was pasted.
    """
    text = text.removeprefix("\ufeff")
    headline = (title or "").strip()
    if headline and not text.lstrip().startswith(headline):
        text = f"{headline}\n\n{text.lstrip()}"
    if article_id is None:
        article_id = "text-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    first_line = text.split("\n", 1)[0].strip()
    return Article(id=article_id, text=text, title=headline or first_line or None, url=url)


def checked(article: Article, origin: str, limits: Limits) -> Article:
    """The article, if it has text and is not over the character limit; `FormatError` otherwise."""
    if not article.text.strip():
        raise FormatError(origin, "empty text; nothing to analyse")
    if len(article.text) > limits.max_chars:
        hint = f" ({limits.max_chars_hint})" if limits.max_chars_hint else ""
        raise FormatError(
            origin, f"{len(article.text):,} characters is more than the limit of {limits.max_chars:,}{hint}"
        )
    return article


def article_from_record(record: Any, where: str, limits: Limits) -> Article:
    """A JSON object, Parquet row or mapped CSV row (``id``, ``text``, optional ``title``, ``source``,
    ``url``, ``published``) as a checked article; `FormatError` naming `where` otherwise."""
    if isinstance(record, dict):
        published = record.get("published")
        if isinstance(published, datetime | date):
            record = {**record, "published": published.isoformat()}
    try:
        article = article_from_dict(record)
    except (ValueError, ProplensError) as error:
        raise FormatError(where, str(error).removeprefix(f"{where}: ")) from None
    return checked(article, where, limits)


def article_id_from_name(name: str) -> str:
    """``article123.txt`` -> ``123`` (PTC ids, so the official scorer accepts the output); else the stem."""
    stem = Path(name).stem
    return stem[len("article") :] if stem.startswith("article") and stem[len("article") :].isalnum() else stem


def decode(data: bytes, origin: str, *, charset: str | None = None) -> tuple[str, str | None]:
    """Bytes to text: a byte-order mark's encoding (UTF-8/16/32), the declared charset or UTF-8, else
    Windows-1252 with a warning; binary is refused."""
    for mark, marked in _BOMS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(marked), None
            except UnicodeDecodeError:
                raise FormatError(origin, f"has a {marked} byte-order mark but is not {marked}") from None
    if b"\x00" in data[:8192]:
        raise FormatError(origin, "looks like a binary file (NUL bytes), not text")
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return data.decode(encoding).removeprefix("\ufeff"), None
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return data.decode("cp1252"), "not valid UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; decoded as Latin-1"


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def guard(origin: str, read: Callable[[], Iterator[Loaded | Problem]]) -> Iterator[Loaded | Problem]:
    """Run a reader; turn its `ProplensError`s and OS errors into a `Problem` for that input."""
    try:
        yield from read()
    except ProplensError as error:
        yield Problem(origin, str(error).removeprefix(f"{origin}: "))
    except OSError as error:
        yield Problem(origin, f"cannot read: {error.strerror or error}")


def read_capped(path: Path, limits: Limits) -> bytes:
    """A whole file, refused past `limits.max_bytes` (also for devices and pipes, whose size says 0)."""
    with path.open("rb") as file:
        data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise FormatError(path, f"more than the limit of {limits.max_bytes:,} bytes")
    return data
