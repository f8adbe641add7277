"""`running_server()`: ``proplens serve`` in a child process on a free port with a throwaway database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PROPLENS = Path(sys.executable).with_name("proplens")


@contextmanager
def running_server(*options: str, log: Path | None = None) -> Iterator[tuple[str, str]]:
    """Yields (base URL, database URL) once /api/v1/health answers; stops the server (SIGINT) afterwards.
    `options` are extra `proplens serve` options; `log` receives the server's stderr (default: dropped)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as home:
        server = subprocess.Popen(
            [str(PROPLENS), "serve", "--port", str(port), "--db", f"sqlite:///{home}/proplens.db", *options],
            stderr=log.open("w") if log else subprocess.DEVNULL,
            env={**os.environ, "PROPLENS_HOME": home},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    httpx.get(f"{base}/api/v1/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.25)
            yield base, f"sqlite:///{home}/proplens.db"
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
