"""Serving the app with uvicorn, guarded against slow and abusive clients.

uvicorn alone waits forever for a request's headers and body, so a few thousand connections that never
finish their request exhaust the process' file descriptors (and the accept loop then logs a traceback per
attempt). Here every connection must deliver a complete request within `request_timeout` seconds of its
first byte (or of connecting), or it is closed; at most `max_connections` are open at once (more are closed
at once, before any work), and at most `max_client_connections` from one client address (so one client
cannot take every slot), the open-file limit is raised to what the system allows, and repeated accept
errors are logged once per interval instead of once per attempt. For a public deployment put a reverse
proxy in front as well (docs/web.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "DEFAULT_MAX_CLIENT_CONNECTIONS",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_REQUEST_TIMEOUT",
    "GRACEFUL_SHUTDOWN",
    "guarded_protocol",
    "run",
]

GRACEFUL_SHUTDOWN = 2
"""Seconds requests in flight get to finish on Ctrl-C / SIGTERM; then they are cut and the workers ended."""

DEFAULT_REQUEST_TIMEOUT = 15.0
DEFAULT_MAX_CONNECTIONS = 1000
DEFAULT_MAX_CLIENT_CONNECTIONS = 64
log = logging.getLogger("proplens.web")


def guarded_protocol(
    *,
    request_timeout: float,
    max_connections: int,
    max_client_connections: int = DEFAULT_MAX_CLIENT_CONNECTIONS,
) -> type[H11Protocol]:
    """An h11 protocol class with a deadline for reading each request and caps on open connections, in
    total and per client address."""
    per_client: dict[str, int] = {}

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _client: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            self._client = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
            per_client[self._client] = per_client.get(self._client, 0) + 1
            if len(self.connections) > max_connections or per_client[self._client] > max_client_connections:
                transport.abort()  # over a cap: no work, the descriptor is freed at once
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._deadline is None and self.conn.their_state is h11.IDLE:
                self._arm()  # the first byte of the next request on a kept-alive connection
            super().data_received(data)
            if self.conn.their_state is h11.DONE:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._client is not None:
                left = per_client.get(self._client, 1) - 1
                if left > 0:
                    per_client[self._client] = left
                else:
                    per_client.pop(self._client, None)
                self._client = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(request_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                if self.cycle is not None and not self.cycle.response_complete:
                    self.cycle.disconnected = True
                    self.cycle.message_event.set()
                self.transport.abort()

    return GuardedH11Protocol


def raise_open_file_limit() -> int:
    """Raise the soft open-file limit to the hard one; returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def quiet_accept_errors(loop: asyncio.AbstractEventLoop, *, every: float = 10.0) -> None:
    """Log the event loop's errors (e.g. "accept() out of system resource") at most once per `every` s,
    as one line, instead of a traceback per failed accept."""
    last: dict[str, float] = {}

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", "event loop error"))
        now = time.monotonic()
        if now - last.get(message, -every) >= every:
            last[message] = now
            error = context.get("exception")
            log.warning("server", extra={"fields": {"error": f"{message}: {error}" if error else message}})

    loop.set_exception_handler(handler)


def run(
    app: Any,
    *,
    host: str,
    port: int,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_client_connections: int = DEFAULT_MAX_CLIENT_CONNECTIONS,
) -> None:
    """Serve `app` until Ctrl-C / SIGTERM (requests in flight get `GRACEFUL_SHUTDOWN` seconds)."""
    import uvicorn

    limit = raise_open_file_limit()
    max_connections = max(1, min(max_connections, limit - 64))
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(
            request_timeout=request_timeout,
            max_connections=max_connections,
            max_client_connections=max_client_connections,
        ),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        timeout_keep_alive=5,
        limit_concurrency=max_connections + 16,
        backlog=min(2048, max_connections),
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        quiet_accept_errors(asyncio.get_running_loop())
        await server.serve()

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled, after shutdown
        asyncio.run(serve())
