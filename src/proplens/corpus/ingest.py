"""`proplens ingest`: articles from folders, JSON(L), CSV and RSS/Atom feeds into the store's corpus.

Everything `proplens analyze` reads is read the same way here (`proplens.sources`); CSV files map their own
column names onto the article fields; feeds (files or URLs) give one article per entry: its title, then its
content (or summary) as plain text. Articles are de-duplicated by their normalised text and added in
batches, one transaction each; inputs that cannot be read are counted as rejected, with their reason.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from proplens.document import Article
from proplens.errors import FormatError, ProplensError
from proplens.io.ptc import title_of
from proplens.sources import Limits, Loaded, Problem, decode, fetch, read_sources
from proplens.store import Store

__all__ = [
    "ARTICLE_COLUMNS",
    "FEED_SUFFIXES",
    "IngestReport",
    "ingest",
    "parse_columns",
    "read_csv",
    "read_feed",
    "read_ingest_sources",
]

ARTICLE_COLUMNS = ("id", "text", "title", "source", "url", "published")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


@dataclass
class IngestReport:
    """Counts of an ingest run, and the reason of each rejected input."""

    new: int = 0
    duplicate: int = 0
    rejected: list[Problem] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.new + self.duplicate


def parse_columns(pairs: Sequence[str]) -> dict[str, str]:
    """``["text=body", "id=guid"]`` -> article field -> CSV column (unnamed fields keep their own name)."""
    columns = {name: name for name in ARTICLE_COLUMNS}
    for pair in pairs:
        field_name, _, column = pair.partition("=")
        if field_name not in ARTICLE_COLUMNS or not column:
            raise ProplensError(
                f"bad --column {pair!r}: use FIELD=COLUMN with FIELD one of {', '.join(ARTICLE_COLUMNS)}"
            )
        columns[field_name] = column
    return columns


def read_csv(path: Path, columns: Mapping[str, str], limits: Limits) -> Iterator[Loaded | Problem]:
    """One article per row; a row without text (or id) is a problem of its own, the others go on."""
    try:
        text, _ = decode(path.read_bytes(), str(path))
    except (ProplensError, OSError) as error:
        yield Problem(str(path), str(error).removeprefix(f"{path}: "))
        return
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [columns[f] for f in ("id", "text") if columns[f] not in (reader.fieldnames or [])]
    if missing:
        found = ", ".join(reader.fieldnames or []) or "none"
        yield Problem(
            str(path), f"no column {' or '.join(missing)} (columns: {found}; map them with --column)"
        )
        return
    for number, row in enumerate(reader, start=2):
        where = f"{path}:{number}"
        body = (row.get(columns["text"]) or "").strip("\ufeff")
        if not body.strip():
            yield Problem(where, "empty text")
            continue
        if len(body) > limits.max_chars:
            yield Problem(where, f"{len(body):,} characters is more than the limit of {limits.max_chars:,}")
            continue
        try:
            article = Article(
                id=(row.get(columns["id"]) or "").strip() or f"{path.stem}-{number}",
                text=body,
                title=(row.get(columns["title"]) or None) or title_of(body),
                source=row.get(columns["source"]) or None,
                url=row.get(columns["url"]) or None,
                published=_date(row.get(columns["published"])),
            )
        except ProplensError as error:
            yield Problem(where, str(error))
            continue
        yield Loaded(article, where)


def read_feed(origin: str, data: bytes, limits: Limits) -> Iterator[Loaded | Problem]:
    """One article per RSS/Atom entry: title, blank line, the entry's content (or summary) as plain text."""
    import feedparser

    parsed: Any = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception")
        yield Problem(origin, f"no feed entries found{f' ({reason})' if reason else ''}")
        return
    source = parsed.feed.get("title") or None
    for position, entry in enumerate(parsed.entries, start=1):
        where = f"{origin}#{position}"
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        body = _plain_text(html)
        title = (entry.get("title") or "").strip()
        text = f"{title}\n\n{body}" if title and body else (title or body)
        if not body.strip():
            yield Problem(where, "the entry has no content or summary")
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        try:
            article = Article(
                id=(entry.get("id") or entry.get("link") or f"{origin}#{position}").strip(),
                text=text[: limits.max_chars],
                title=title or None,
                source=source,
                url=entry.get("link"),
                published=date(*published[:3]) if published else None,
            )
        except ProplensError as error:
            yield Problem(where, str(error))
            continue
        yield Loaded(article, where)


def read_ingest_sources(
    inputs: Sequence[str],
    *,
    columns: Mapping[str, str] | None = None,
    feed_urls: bool = False,
    limits: Limits | None = None,
) -> Iterator[Loaded | Problem]:
    """Every article of every input: CSV and feed files by suffix, feed URLs with `feed_urls`, the rest
    as `proplens analyze` reads them. Directories are searched for CSV and feed files too."""
    limits = limits or Limits()
    columns = columns or parse_columns([])
    for item in inputs:
        if item.startswith(("http://", "https://")) and feed_urls:
            yield from _guard(item, partial(_feed_url, item, limits))
            continue
        path = Path(item)
        special = _special_files(path)
        for file in special:
            if file.suffix.lower() == ".csv":
                yield from read_csv(file, columns, limits)
            else:
                yield from _guard(str(file), partial(_feed_file, file, limits))
        if path.is_dir() or not special:
            for loaded in read_sources([item], limits=limits):
                if not (special and _no_files(loaded)):
                    yield loaded


def ingest(
    store: Store,
    sources: Iterable[Loaded | Problem],
    *,
    batch_size: int = 200,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Add every readable article to `store` in batches (one transaction each); returns the counts."""
    report = IngestReport()
    batch: list[Article] = []

    def flush() -> None:
        if batch:
            counts = store.add_articles(batch)
            report.new += counts.new
            report.duplicate += counts.duplicate
            batch.clear()
            if progress:
                progress(report)

    for item in sources:
        if isinstance(item, Problem):
            report.rejected.append(item)
            continue
        batch.append(item.article)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _special_files(path: Path) -> list[Path]:
    """The CSV and feed files this path is or holds (read here rather than by `read_sources`)."""
    suffixes = (".csv", *FEED_SUFFIXES)
    if path.is_file():
        return [path] if path.suffix.lower() in suffixes else []
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    return []


def _feed_file(path: Path, limits: Limits) -> Iterator[Loaded | Problem]:
    yield from read_feed(str(path), path.read_bytes(), limits)


def _no_files(item: Loaded | Problem) -> bool:
    return isinstance(item, Problem) and item.message.startswith("no .txt")


def _guard(origin: str, read: Callable[[], Iterator[Loaded | Problem]]) -> Iterator[Loaded | Problem]:
    try:
        yield from read()
    except (ProplensError, OSError) as error:
        yield Problem(origin, str(error).removeprefix(f"{origin}: "))


def _feed_url(url: str, limits: Limits) -> Iterator[Loaded | Problem]:
    body, _, _, _ = fetch(url, limits, accept=(*_FEED_TYPES, "text/html", "text/plain"))
    yield from read_feed(url, body, limits)


def _plain_text(html: str) -> str:
    if "<" not in html:
        return html.strip()
    import lxml.html

    try:
        element = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html.strip()
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in element.iter("p", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n\n" + (block.tail or "")
    lines = [" ".join(line.split()) for line in element.text_content().split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise FormatError("csv", f"published {value!r} is not an ISO date") from None
