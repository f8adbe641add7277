"""Pages on the web: a guarded fetch (public addresses only when asked, every redirect hop checked,
size and time capped), then the page read as an article — or, for a feed, as one article per entry."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from proplens.errors import FormatError
from proplens.sources.core import Limits, Loaded, Problem
from proplens.sources.documents import read_document
from proplens.sources.feeds import FEED_TYPES, read_feed

__all__ = ["check_public_address", "fetch", "read_url"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)


def read_url(url: str, limits: Limits, *, feed: bool = False) -> Iterator[Loaded | Problem]:
    """The article at `url`; a feed (by its content type, or any page when `feed`) gives one per entry."""
    body, content_type, charset, final_url = fetch(url, limits, accept=_HTML_TYPES + _TEXT_TYPES + FEED_TYPES)
    if feed or (content_type in FEED_TYPES):
        yield from read_feed(url, body, limits)
        return
    yield from read_document(
        body,
        url,
        name=url,
        html=content_type in _HTML_TYPES,
        url=final_url,
        article_id=url,
        charset=charset,
        limits=limits,
    )


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
    url: str, limits: Limits, *, accept: tuple[str, ...] = _HTML_TYPES + _TEXT_TYPES + FEED_TYPES
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
    return "HTML, plain text or a feed" if set(_HTML_TYPES) <= set(accept) else " or ".join(accept)
