"""Defences for an app that renders untrusted text and fetches untrusted URLs.

- `SecurityHeadersMiddleware`: a strict Content-Security-Policy (scripts and styles only from this
  origin, no inline code, no framing, forms post only here), nosniff, no referrer.
- `BodyLimitMiddleware`: a request body larger than the limit gets a 413 with a clear message, whether it
  declares its length or streams it.
- CSRF: forms carry a token that must equal the value of a SameSite=Strict cookie (double submit).
- `RequestLogMiddleware`: one JSON line per request (method, path without query, status, time); article
  text, query strings and form fields are never logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "EXTENSION_SCHEMES",
    "BodyLimitMiddleware",
    "HeadMiddleware",
    "HostCheckMiddleware",
    "JsonLogFormatter",
    "OriginMiddleware",
    "RequestLogMiddleware",
    "SecurityHeadersMiddleware",
    "csrf_token",
    "csrf_valid",
    "host_name",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
CSRF_COOKIE = "proplens_csrf"

log = logging.getLogger("proplens.web")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append(
                    (b"referrer-policy", b"same-origin")
                )  # no referrer leaves the site; own POSTs keep their Origin
                headers.append((b"x-frame-options", b"DENY"))
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """413 for bodies over `limit` bytes; checks Content-Length first, then counts streamed bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            # a body streamed without Content-Length (chunked): answer 413 as soon as it passes the limit,
            # and tell the app the client is gone, whatever the app does with the error
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not started:
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app answers goes nowhere
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counting_receive, tracking_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body larger than {self.limit:,} bytes; send a shorter article"
        response: Response
        if str(scope.get("path", "")).startswith("/api/"):
            response = Response(
                json.dumps({"detail": detail}), status_code=413, media_type="application/json"
            )
        else:  # a page: the browser shows this to a person
            page = (
                '<!doctype html><html lang="en"><meta charset="utf-8"><title>Too large · proplens</title>'
                '<link rel="stylesheet" href="/static/app.css"><main class="panel"><h1>Too large</h1>'
                f"<p>The article is larger than {self.limit:,} bytes. Send a shorter one.</p>"
                '<p><a href="/">Back to the form</a></p></main></html>'
            )
            response = Response(page, status_code=413, media_type="text/html")
        await response(scope, receive, send)


class HostCheckMiddleware:
    """400 for a Host header that is not one of the names this server is reached by (``*``: any).

    A server on 127.0.0.1 would otherwise answer a page on ``evil.example`` whose DNS name was rebound to
    127.0.0.1 — and build redirects with that name."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {h.lower().strip("[]") for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "*" not in self.allowed:
            host = host_name(dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                response = Response(
                    "unknown Host: this server answers only to the names it was started with "
                    "(proplens serve --allowed-host)\n",
                    status_code=400,
                    media_type="text/plain",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


_HOST = re.compile(r"(?:\[(?P<ip6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::[0-9]{1,5})?")
_BARE_IP6 = re.compile(r"[0-9a-f]*:[0-9a-f:.]*:[0-9a-f:.]*")


def host_name(header: str) -> str:
    """The name in a Host header, without port and brackets, lower-cased (``[::1]:8000`` -> ``::1``); ""
    for anything that is not a host name or address with an optional numeric port
    (``127.0.0.1:8700@evil``, ``a b``), so that it matches no allowed host."""
    header = header.strip().lower()
    found = _HOST.fullmatch(header)
    if found:
        return found.group("ip6") or found.group("name")
    return header if _BARE_IP6.fullmatch(header) else ""


EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://")


class OriginMiddleware:
    """Who may ask this server to work, by the request's ``Origin``:

    - the app's own pages (same origin) and clients that send no Origin (curl, scripts): as before;
    - a browser extension (``chrome-extension://``, ``moz-extension://``): only with
      ``Authorization: Bearer <token>`` (the token `proplens serve` prints); CORS is answered for it, and
      only for it;
    - any other web page (another site, ``null``): every request that could make the server work (any
      method but GET/HEAD) is refused with 403 — a page on any site cannot make a local proplens analyse or
      fetch anything.
    """

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1")
        if not origin or origin == _own_origin(scope, headers):
            await self.app(scope, receive, send)
            return
        if origin.startswith(EXTENSION_SCHEMES):
            await self._extension(scope, receive, send, origin, headers)
            return
        if scope.get("method") in ("GET", "HEAD"):
            await self.app(
                scope, receive, send
            )  # a cross-site read gets no CORS header: the page cannot see it
            return
        await _json(403, "cross-site requests are refused", scope, receive, send)

    async def _extension(
        self, scope: Scope, receive: Receive, send: Send, origin: str, headers: dict[bytes, bytes]
    ) -> None:
        cors = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"vary", b"Origin"),
        ]
        if scope.get("method") == "OPTIONS":  # preflight: say what the extension may send
            response = Response(status_code=204)
            response.raw_headers.extend(cors)
            response.raw_headers.extend(
                [
                    (b"access-control-allow-methods", b"GET, POST"),
                    (b"access-control-allow-headers", b"Authorization, Content-Type"),
                    (b"access-control-max-age", b"600"),
                ]
            )
            await response(scope, receive, send)
            return
        scheme, _, credentials = headers.get(b"authorization", b"").decode("latin-1").strip().partition(" ")
        given = credentials.strip() if scheme.lower() == "bearer" else ""  # the scheme is case-insensitive
        if not self.token:
            await _json(
                401, "this server has no extension token (see proplens serve)", scope, receive, send, cors
            )
            return
        if not given or not secrets.compare_digest(given, self.token):
            await _json(
                401,
                "wrong or missing extension token: copy it from proplens serve",
                scope,
                receive,
                send,
                cors,
            )
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *cors]}
            await send(message)

        await self.app(scope, receive, with_cors)


def _own_origin(scope: Scope, headers: dict[bytes, bytes]) -> str:
    return f"{scope.get('scheme', 'http')}://{headers.get(b'host', b'').decode('latin-1')}"


async def _json(
    status: int,
    detail: str,
    scope: Scope,
    receive: Receive,
    send: Send,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    response = Response(json.dumps({"detail": detail}), status_code=status, media_type="application/json")
    response.raw_headers.extend(extra or [])
    await response(scope, receive, send)


class HeadMiddleware:
    """HEAD answered like GET, without the body (Starlette routes only GET)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                    }
                },
            )


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


def csrf_token(request: Request) -> str:
    """The request's CSRF token (from its cookie), or a new one the response must set."""
    existing = request.cookies.get(CSRF_COOKIE)
    return existing if existing and len(existing) >= 32 else secrets.token_urlsafe(32)


def set_csrf_cookie(response: Response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=7 * 24 * 3600)


def csrf_valid(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted and secrets.compare_digest(cookie, submitted))
