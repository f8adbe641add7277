"""Fixtures of the web and network tests: a local news server for URL inputs, the web app (TestClient and
uvicorn on 127.0.0.1), Chromium, the test databases, and the helpers that wait for a server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

# -- analyze: a local web server for URL inputs, never the internet ---------------------------------------

NEWS_PAGE = """<!DOCTYPE html>
<html><head><title>Council vote sparks row</title><meta charset="utf-8"></head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Council vote sparks row</h1>
<p>The city council voted on Tuesday to close the old library, a decision that the mayor called
"a disgrace to every family in this town". Opponents said the corrupt council had betrayed its voters.</p>
<p>Supporters of the plan argued that the building was too expensive to keep open and that a new
digital service would reach more people. The vote passed by seven votes to four.</p>
<p>Residents plan to protest outside the town hall next week, and a petition has already gathered
more than two thousand signatures from people who want the library to stay open for good.</p>
</article>
<footer>Copyright 2026 The Example Gazette. All rights reserved.</footer>
</body></html>
"""


@pytest.fixture(scope="session")
def web_server() -> Iterator[str]:
    """A localhost HTTP server with fixed pages: /news.html, /plain.txt, /image.png, /redirect-loop,
    /big.html, /missing (404), /slow (answers after 3 s), /trickle (a byte every 0.25 s), /stall (5 bytes
    at 0.7 s, then silence). Yields its base URL."""
    import http.server
    import threading
    import time

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            routes: dict[str, tuple[int, str, bytes]] = {
                "/news.html": (200, "text/html; charset=utf-8", NEWS_PAGE.encode()),
                "/plain.txt": (200, "text/plain", b"Plain title\n\nThe shameful plan will ruin us all."),
                "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
                "/big.html": (
                    200,
                    "text/html",
                    b"<html><body>" + b"<p>word </p>" * 300_000 + b"</body></html>",
                ),
            }
            if self.path == "/redirect-loop":
                self.send_response(302)
                self.send_header("Location", "/redirect-loop")
                self.end_headers()
                return
            if self.path == "/slow":
                time.sleep(3)
            if self.path == "/stall":  # headers at once, a few bytes at 0.7 s, then nothing for 5 s
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.flush()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    time.sleep(0.7)
                    self.wfile.write(b"hello")
                    self.wfile.flush()
                    time.sleep(5)
                return
            if self.path == "/trickle":  # a byte every 0.25 s, forever (until the client gives up)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for _ in range(400):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.25)
                return
            status, kind, body = routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up, as intended
                self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# -- web app ------------------------------------------------------------------------------------------------

EXTENSION_TOKEN = "test-extension-token-0123456789abcdef"
"""The token the test web app expects from browser extensions."""

POSTGRES_URL_VARIABLE = "PROPLENS_TEST_POSTGRES"
"""A database URL, set by .ci/run after starting PostgreSQL: the store tests then run there too."""


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The web app on a fresh SQLite file, started once for the session (model loaded once)."""
    from fastapi.testclient import TestClient

    from proplens.web import Settings, create_app

    database = tmp_path_factory.mktemp("web") / "proplens.db"
    settings = Settings(
        database_url=f"sqlite:///{database}",
        max_body_bytes=300_000,
        max_chars=50_000,
        allowed_hosts=("127.0.0.1", "localhost", "testserver"),
        extension_token=EXTENSION_TOKEN,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield app, client


@pytest.fixture
def client(web_app):  # type: ignore[no-untyped-def]
    return web_app[1]


@pytest.fixture(scope="session")
def live_server(web_app):  # type: ignore[no-untyped-def]
    """The same app served by uvicorn on a free localhost port (for the browser tests); yields its URL."""
    import threading
    import time

    import uvicorn

    app = web_app[0]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium():  # type: ignore[no-untyped-def]
    """A headless Debian Chromium driven by Playwright; skips when either is missing."""
    import shutil

    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("no Chromium at /usr/bin/chromium (make browser installs it)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


def reset_database(url: str) -> None:
    """Drop every table of the database at `url` (alembic's version table included)."""
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the CI's PostgreSQL server emptied (skipped without one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'proplens.db'}"
    import os

    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set (CI sets it after starting PostgreSQL)")
    reset_database(url)
    return url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(base: str, *, seconds: float = 60) -> dict:  # type: ignore[type-arg]
    """The health answer of a server that is starting; fails after `seconds`."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            return dict(httpx.get(f"{base}/api/v1/health", timeout=1).json())
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


# -- feeds ----------------------------------------------------------------------------------------------

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>The Example Gazette</title>
<item><title>Council vote sparks row</title><link>http://news.test/1</link><guid>g1</guid>
<pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The corrupt council betrayed its voters.&lt;/p&gt;
&lt;p&gt;Vote them out!&lt;/p&gt;</description></item>
<item><title>Empty one</title><link>http://news.test/2</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title>
<entry><title>Mayor lies again</title><id>urn:a1</id><updated>2026-02-01T00:00:00Z</updated>
<link href="http://atom.test/a1"/><content type="html">&lt;p&gt;A shameful day.&lt;/p&gt;</content></entry>
</feed>"""
