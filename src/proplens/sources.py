"""Where articles come from: files, directories, stdin, URLs and JSON(L), each read into `Article`s.

`read_sources` turns the command line's inputs into a stream of `Loaded` articles and `Problem`s: one bad
input (a binary file, an empty page, an unreachable URL) is reported and the rest go on. Text that is not
UTF-8 is decoded with a fallback and the fallback is reported; nothing larger than `Limits.max_chars` is
analysed (a clear message instead of a machine that runs out of memory).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from proplens.document import Article
from proplens.errors import FormatError, ProplensError
from proplens.io.html import article_from_html
from proplens.io.jsonl import article_from_dict
from proplens.io.ptc import title_of

__all__ = [
    "FILE_SUFFIXES",
    "Limits",
    "Loaded",
    "Problem",
    "article_from_bytes",
    "article_from_url",
    "check_public_address",
    "decode",
    "fetch",
    "read_sources",
]

FILE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
"""The files a directory is searched for (recursively)."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep one hostile or broken input from stalling a run."""

    max_chars: int = 1_000_000
    """Longest article text analysed, in characters (PTC articles: median 4,400, longest 37,000)."""
    max_bytes: int = 10_000_000
    """Largest file or download read, in bytes."""
    timeout: float = 15.0
    """Seconds to wait for a URL (connect and each read)."""
    max_redirects: int = 5
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
    """An input that could not be read, with the one line a user needs to fix it."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def read_sources(
    inputs: Sequence[str], *, limits: Limits | None = None, stdin: BinaryIO | None = None
) -> Iterator[Loaded | Problem]:
    """Every article of every input, in order; ``-`` reads stdin, ``http(s)://`` fetches a page."""
    limits = limits or Limits()
    for item in inputs:
        if item == "-":
            yield from _guard("stdin", partial(_from_stdin, stdin, limits))
        elif item.startswith(("http://", "https://")):
            yield from _guard(item, partial(_from_url, item, limits))
        else:
            path = Path(item)
            if path.is_dir():
                files = sorted(
                    p for p in path.rglob("*") if p.suffix.lower() in FILE_SUFFIXES and p.is_file()
                )
                if not files:
                    yield Problem(item, f"no {', '.join(FILE_SUFFIXES)} files in this directory")
                for file in files:
                    yield from _guard(str(file), partial(_from_file, file, limits))
            elif path.exists():
                yield from _guard(item, partial(_from_file, path, limits))
            else:
                yield Problem(item, "no such file or directory")


def _guard(origin: str, read: Callable[[], Iterator[Loaded | Problem]]) -> Iterator[Loaded | Problem]:
    """Run a reader; turn its `ProplensError`s and OS errors into a `Problem` for that input."""
    try:
        yield from read()
    except ProplensError as error:
        message = str(error)
        yield Problem(origin, message.removeprefix(f"{origin}: "))
    except OSError as error:
        yield Problem(origin, f"cannot read: {error.strerror or error}")


def decode(data: bytes, origin: str, *, charset: str | None = None) -> tuple[str, str | None]:
    """Bytes to text: the declared charset or UTF-8, else Windows-1252 with a warning; binary is refused."""
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


def _check(article: Article, origin: str, limits: Limits) -> Article:
    if not article.text.strip():
        raise FormatError(origin, "empty text; nothing to analyse")
    if len(article.text) > limits.max_chars:
        raise FormatError(
            origin,
            f"{len(article.text):,} characters is more than the limit of {limits.max_chars:,} "
            "(raise it with --max-chars)",
        )
    return article


def _from_bytes(data: bytes, origin: str, name: str, limits: Limits) -> Iterator[Loaded | Problem]:
    """Articles from the bytes of one input, by the suffix of `name`."""
    if len(data) > limits.max_bytes:
        raise FormatError(origin, f"{len(data):,} bytes is more than the limit of {limits.max_bytes:,}")
    text, warning = decode(data, origin)
    suffix = Path(name).suffix.lower()
    stem = _article_id(name)
    if suffix in (".html", ".htm") or (
        suffix == "" and text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    ):
        yield Loaded(
            _check(article_from_html(text, article_id=stem, origin=origin), origin, limits), origin, warning
        )
    elif suffix == ".jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                where = f"{origin}:{number}"
                try:
                    yield Loaded(
                        _check(_json_article(json.loads(line), where), where, limits), where, warning
                    )
                except (json.JSONDecodeError, FormatError) as error:
                    yield Problem(where, _reason(error))
    elif suffix == ".json":
        try:
            data_json = json.loads(text)
        except json.JSONDecodeError as error:
            raise FormatError(origin, f"invalid JSON: {error.msg} (line {error.lineno})") from None
        for position, item in enumerate(data_json if isinstance(data_json, list) else [data_json], start=1):
            where = origin if not isinstance(data_json, list) else f"{origin}[{position}]"
            try:
                yield Loaded(_check(_json_article(item, where), where, limits), where, warning)
            except FormatError as error:
                yield Problem(where, _reason(error))
    else:
        yield Loaded(
            _check(Article(id=stem, text=text, title=title_of(text)), origin, limits), origin, warning
        )


def _reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON: {error.msg}"
    return error.message if isinstance(error, FormatError) else str(error)


def _json_article(data: object, where: str) -> Article:
    try:
        return article_from_dict(data)
    except (ValueError, ProplensError) as error:
        raise FormatError(where, str(error)) from None


def _article_id(name: str) -> str:
    """``article123.txt`` -> ``123`` (PTC ids, so the official scorer accepts the output); else the stem."""
    stem = Path(name).stem
    return stem[len("article") :] if stem.startswith("article") and stem[len("article") :].isalnum() else stem


def _from_file(path: Path, limits: Limits) -> Iterator[Loaded | Problem]:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FormatError(path, f"{size:,} bytes is more than the limit of {limits.max_bytes:,}")
    yield from _from_bytes(path.read_bytes(), str(path), path.name, limits)


def _from_stdin(stdin: BinaryIO | None, limits: Limits) -> Iterator[Loaded | Problem]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read(limits.max_bytes + 1)
    yield from _from_bytes(data, "stdin", "stdin", limits)


def check_public_address(url: str) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a non-public address.

    Every address the name resolves to must be global (not loopback, private, link-local such as the
    169.254.169.254 cloud metadata service, shared, reserved or multicast), IPv4-mapped IPv6 included.
    """
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https"):
        raise FormatError(url, "only http:// and https:// URLs can be fetched")
    host = parsed.hostname
    if not host:
        raise FormatError(url, "the URL has no host")
    try:
        infos = socket.getaddrinfo(host, parsed.port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FormatError(url, f"cannot resolve host {host!r}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            raise FormatError(
                url, f"refused: {host} is a non-public address ({address}); fetching it is not allowed here"
            )


def fetch(
    url: str, limits: Limits, *, accept: tuple[str, ...] = _HTML_TYPES + _TEXT_TYPES
) -> tuple[bytes, str, str | None, str]:
    """Download `url`: ``(body, content type, charset, final url)``; `FormatError` with a reason otherwise.

    Redirects are followed by hand (at most `limits.max_redirects`) so that, without
    `limits.allow_private`, every hop is checked against non-public addresses before it is requested.
    """
    import httpx

    try:
        with httpx.Client(
            follow_redirects=False,
            timeout=limits.timeout,
            headers={"User-Agent": "proplens (news analysis)"},
        ) as client:
            current = url
            for _ in range(limits.max_redirects + 1):
                if urlsplit(current).scheme not in ("http", "https"):
                    raise FormatError(url, "only http:// and https:// URLs can be fetched")
                if not limits.allow_private:
                    check_public_address(current)
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = str(response.url.join(response.headers["location"]))
                        continue
                    return _read_response(url, response, limits, accept)
            raise FormatError(url, f"more than {limits.max_redirects} redirects")
    except httpx.TimeoutException:
        raise FormatError(url, f"no answer within {limits.timeout:g} s") from None
    except httpx.HTTPError as error:
        raise FormatError(url, f"cannot fetch: {error}") from None


def _read_response(
    url: str, response: Any, limits: Limits, accept: tuple[str, ...]
) -> tuple[bytes, str, str | None, str]:
    if response.status_code >= 400:
        raise FormatError(url, f"the server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in accept:
        raise FormatError(url, f"content type {content_type or 'unknown'!r} is not {_describe(accept)}")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FormatError(url, f"{int(declared):,} bytes is more than the limit of {limits.max_bytes:,}")
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > limits.max_bytes:
            raise FormatError(url, f"the page is larger than the limit of {limits.max_bytes:,} bytes")
    return bytes(body), content_type, response.charset_encoding, str(response.url)


def _describe(accept: tuple[str, ...]) -> str:
    return "HTML or plain text" if set(accept) == set(_HTML_TYPES + _TEXT_TYPES) else " or ".join(accept)


def _from_url(url: str, limits: Limits) -> Iterator[Loaded | Problem]:
    body, content_type, charset, final_url = fetch(url, limits)
    text, warning = decode(body, url, charset=charset)
    if content_type in _HTML_TYPES:
        article = article_from_html(text, article_id=url, origin=url, url=final_url)
    else:
        article = Article(id=url, text=text, title=title_of(text), url=final_url)
    yield Loaded(_check(article, url, limits), url, warning)


def _single(items: Iterator[Loaded | Problem], origin: str) -> Loaded:
    for item in items:
        if isinstance(item, Problem):
            raise FormatError(item.origin, item.message)
        return item
    raise FormatError(origin, "no article found")


def article_from_bytes(data: bytes, *, name: str, limits: Limits | None = None) -> Loaded:
    """One article from the bytes of an uploaded ``.txt``/``.html`` file (the first, for JSON lists)."""
    return _single(_from_bytes(data, name, name, limits or Limits()), name)


def article_from_url(url: str, *, limits: Limits | None = None) -> Loaded:
    """One article fetched from `url` (`FormatError` with the reason when it cannot be)."""
    return _single(_from_url(url, limits or Limits()), url)
