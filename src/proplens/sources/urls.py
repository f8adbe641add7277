"""Pages on the web: a guarded fetch (public addresses only when asked, every redirect hop checked,
size and time capped), then the page read as an article — or, for a feed, as one article per entry."""

from __future__ import annotations

import ipaddress
import queue
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from proplens.errors import FormatError
from proplens.sources.core import Limits, Loaded, Problem
from proplens.sources.documents import read_document
from proplens.sources.feeds import FEED_TYPES, read_feed

__all__ = ["check_public_address", "fetch", "non_public_reason", "read_url"]

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


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries to the network: IPv4-mapped (``::ffff:a.b.c.d``),
    IPv4-compatible (``::a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``), 6to4 (``2002:AABB:CCDD::``) or Teredo."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address.packed[:12] == bytes(12) and int(address) > 1:
        return ipaddress.IPv4Address(address.packed[12:])
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(address.packed[12:])
    return None


def non_public_reason(text: str) -> str | None:
    """Why the IP address `text` must not be fetched from a server (None when it is a public unicast
    address): loopback, private, link-local (the 169.254.169.254 metadata service), shared, reserved,
    multicast — also when wrapped in IPv6 (mapped, compatible, NAT64, 6to4, Teredo)."""
    address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(text.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and (inner := _embedded_ipv4(address)) is not None:
        address = inner
    if address.is_multicast:
        return "a multicast address"
    if not address.is_global:
        return "a non-public address"
    return None


def _split(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`; `FormatError` for anything that is not a well-formed http(s) URL."""
    try:
        parsed = urlsplit(url)
        port = parsed.port
    except ValueError as error:
        raise FormatError(url, f"not a valid URL ({error})") from None
    if parsed.scheme not in ("http", "https"):
        raise FormatError(url, "only http:// and https:// URLs can be fetched")
    if not parsed.hostname:
        raise FormatError(url, "the URL has no host")
    return parsed.scheme, parsed.hostname, port


def check_public_address(url: str) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a non-public address (every address
    the name resolves to is checked with `non_public_reason`).

    A name that resolves to a public address when checked and to a private one when connected (DNS
    rebinding) is not caught here; docs/web.md says how to close that with an egress proxy.
    """
    _, host, port = _split(url)
    try:
        infos = socket.getaddrinfo(host, port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        raise FormatError(url, f"cannot resolve host {host!r}") from None
    for info in infos:
        address = str(info[4][0])
        reason = non_public_reason(address)
        if reason:
            named = host.strip("[]") if host.strip("[]") == address else f"{host} ({address})"
            raise FormatError(
                url,
                f"refused: {named} is {reason}; this server fetches public addresses only "
                "(`proplens serve --allow-private-urls` lets it fetch the others, for intranet use)",
            )


def fetch(
    url: str, limits: Limits, *, accept: tuple[str, ...] = _HTML_TYPES + _TEXT_TYPES + FEED_TYPES
) -> tuple[bytes, str, str | None, str]:
    """Download `url`: ``(body, content type, charset, final url)``; `FormatError` with a reason otherwise.

    Redirects are followed by hand (at most `limits.max_redirects`) so that, without
    `limits.allow_private`, every hop is checked against non-public addresses before it is requested.
    `limits.timeout` is a deadline for the whole fetch — redirects, headers and every chunk of the body —
    so a server trickling bytes, or stalling after a first chunk, cannot hold a fetch longer than that:
    the download runs in a thread of its own and the caller stops waiting at the deadline (the thread
    then ends at its next chunk or read timeout).
    """
    answer: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def download() -> None:
        try:
            answer.put((True, _fetch(url, limits, accept, stop)))
        except BaseException as error:  # handed to the caller, raised there
            answer.put((False, error))

    threading.Thread(target=download, name="proplens-fetch", daemon=True).start()
    try:
        done, value = answer.get(timeout=limits.timeout)
    except queue.Empty:
        stop.set()
        raise FormatError(url, f"no complete answer within {limits.timeout:g} s") from None
    if not done:
        raise value
    return value  # type: ignore[no-any-return]


def _fetch(
    url: str, limits: Limits, accept: tuple[str, ...], stop: threading.Event
) -> tuple[bytes, str, str | None, str]:
    import httpx

    deadline = time.monotonic() + limits.timeout
    try:
        with httpx.Client(
            follow_redirects=False,
            timeout=limits.timeout,
            headers={"User-Agent": "proplens (news analysis)"},
        ) as client:
            current = url
            for _ in range(limits.max_redirects + 1):
                _split(current)
                if not limits.allow_private:
                    check_public_address(current)
                left = _time_left(url, deadline, limits)
                with client.stream("GET", current, timeout=left) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = str(response.url.join(response.headers["location"]))
                        continue
                    return _read_response(url, response, limits, accept, deadline, stop)
            raise FormatError(url, f"more than {limits.max_redirects} redirects")
    except httpx.TimeoutException:
        raise FormatError(url, f"no complete answer within {limits.timeout:g} s") from None
    except FormatError:
        raise  # already says what went wrong, and names the URL once
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        raise FormatError(url, f"cannot fetch: {error}") from None


def _time_left(url: str, deadline: float, limits: Limits) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FormatError(url, f"no complete answer within {limits.timeout:g} s")
    return left


def _read_response(
    url: str, response: Any, limits: Limits, accept: tuple[str, ...], deadline: float, stop: threading.Event
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
        if stop.is_set():
            raise FormatError(url, f"no complete answer within {limits.timeout:g} s")
        _time_left(url, deadline, limits)
        body.extend(chunk)
        if len(body) > limits.max_bytes:
            raise FormatError(url, f"the page is larger than the limit of {limits.max_bytes:,} bytes")
    return bytes(body), content_type, response.charset_encoding, str(response.url)


def _describe(accept: tuple[str, ...]) -> str:
    return "HTML, plain text or a feed" if set(_HTML_TYPES) <= set(accept) else " or ".join(accept)
