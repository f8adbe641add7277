"""Where articles come from: one reader dispatch for every entry point (CLI, web, ingest, batch).

`read_sources` turns inputs — files, folders (searched recursively), URLs, ``-`` for stdin — into a
stream of `Loaded` articles and `Problem`s, by suffix:

- single documents: ``.txt``, ``.html``/``.htm`` (the article extracted with trafilatura), stdin;
- records, streamed: ``.json`` (an object or a list), ``.jsonl``, ``.csv`` (columns mapped with
  `parse_columns`), ``.parquet``;
- feeds: ``.rss``, ``.atom``, ``.xml``, and URLs whose content type is a feed (or any URL with
  ``feed=True``).

One bad input or record is reported and the rest go on; see `proplens.sources.core` for the policy on
limits. `article_from_text` is the one way raw text (and a headline) becomes an `Article`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO

from proplens.errors import FormatError
from proplens.sources.core import (
    Limits,
    Loaded,
    Problem,
    article_from_record,
    article_from_text,
    decode,
    guard,
    read_capped,
)
from proplens.sources.documents import read_document
from proplens.sources.feeds import read_feed
from proplens.sources.records import (
    ARTICLE_FIELDS,
    parse_columns,
    read_csv,
    read_json,
    read_jsonl,
    read_parquet,
)
from proplens.sources.urls import check_public_address, fetch, read_url

__all__ = [
    "ARTICLE_FIELDS",
    "DOCUMENT_SUFFIXES",
    "FEED_SUFFIXES",
    "FILE_SUFFIXES",
    "RECORD_SUFFIXES",
    "Limits",
    "Loaded",
    "Problem",
    "article_from_bytes",
    "article_from_page",
    "article_from_record",
    "article_from_text",
    "article_from_url",
    "check_public_address",
    "decode",
    "fetch",
    "parse_columns",
    "read_feed",
    "read_sources",
]

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")
RECORD_SUFFIXES = (".json", ".jsonl", ".csv", ".parquet")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
FILE_SUFFIXES = DOCUMENT_SUFFIXES + RECORD_SUFFIXES + FEED_SUFFIXES
"""The files a folder is searched for (recursively)."""


def read_sources(
    inputs: Sequence[str],
    *,
    limits: Limits | None = None,
    columns: Mapping[str, str] | None = None,
    feed: bool = False,
    suffixes: Sequence[str] = FILE_SUFFIXES,
    stdin: BinaryIO | None = None,
) -> Iterator[Loaded | Problem]:
    """Every article of every input, in order. `columns` maps CSV columns (default: the field names);
    `feed` reads every URL as a feed; `suffixes` narrows what files (and folders) are read."""
    limits = limits or Limits()
    columns = columns or parse_columns([])
    for item in inputs:
        if item == "-":
            yield from guard("stdin", partial(_from_stdin, stdin, limits))
        elif item.startswith(("http://", "https://")):
            yield from guard(item, partial(read_url, item, limits, feed=feed))
        else:
            path = Path(item)
            if path.is_dir():
                files, unreadable = _files_below(path, suffixes)
                yield from unreadable
                if not files and not unreadable:
                    yield Problem(item, f"no {', '.join(suffixes)} files in this folder")
                for file in files:
                    yield from guard(str(file), partial(read_file, file, limits, columns))
            elif not path.exists():
                yield Problem(item, "no such file or directory")
            elif path.is_file() and path.suffix.lower() not in (*suffixes, ""):
                yield Problem(item, f"not a file proplens reads here (expected {', '.join(suffixes)})")
            else:
                yield from guard(item, partial(read_file, path, limits, columns))


def _files_below(folder: Path, suffixes: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    """The files with one of `suffixes` below `folder` (sorted), and a problem per unreadable subfolder."""
    files: list[Path] = []
    unreadable: list[Problem] = []

    def failed(error: OSError) -> None:
        unreadable.append(
            Problem(str(error.filename or folder), f"cannot read this folder: {error.strerror}")
        )

    for root, _, names in os.walk(folder, onerror=failed):
        for name in names:
            candidate = Path(root, name)
            if candidate.suffix.lower() in suffixes and candidate.is_file():
                files.append(candidate)
    return sorted(files), unreadable


def read_file(path: Path, limits: Limits, columns: Mapping[str, str]) -> Iterator[Loaded | Problem]:
    """The articles of one file, by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("rb") as stream:
            yield from read_jsonl(stream, str(path), limits)
    elif suffix == ".csv":
        yield from read_csv(path, columns, limits)
    elif suffix == ".parquet":
        yield from read_parquet(path, limits)
    elif suffix == ".json":
        yield from read_json(read_capped(path, limits), str(path), limits)
    elif suffix in FEED_SUFFIXES:
        yield from read_feed(str(path), read_capped(path, limits), limits)
    else:
        yield from read_document(read_capped(path, limits), str(path), name=path.name, limits=limits)


def _from_stdin(stdin: BinaryIO | None, limits: Limits) -> Iterator[Loaded | Problem]:
    import sys

    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise FormatError("stdin", f"more than the limit of {limits.max_bytes:,} bytes")
    yield from read_document(data, "stdin", name="stdin", limits=limits)


def _single(items: Iterator[Loaded | Problem], origin: str) -> Loaded:
    for item in items:
        if isinstance(item, Problem):
            raise FormatError(item.origin, item.message)
        return item
    raise FormatError(origin, "no article found")


def article_from_bytes(data: bytes, *, name: str, limits: Limits | None = None) -> Loaded:
    """One article from the bytes of an uploaded ``.txt``/``.html`` file."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise FormatError(name, f"{len(data):,} bytes is more than the limit of {limits.max_bytes:,}")
    return _single(read_document(data, name, name=name, limits=limits), name)


def article_from_page(data: bytes, *, origin: str, url: str | None, limits: Limits | None = None) -> Loaded:
    """The article in a page's HTML that a browser already has (the extension): extracted exactly as from
    a fetched URL (title + body), nothing fetched."""
    return _single(
        read_document(data, origin, name=origin, html=True, url=url, limits=limits or Limits()), origin
    )


def article_from_url(url: str, *, limits: Limits | None = None) -> Loaded:
    """One article fetched from `url` (`FormatError` with the reason when it cannot be)."""
    return _single(read_url(url, limits or Limits()), url)
