"""`proplens serve` against slow and abusive clients (a real process on 127.0.0.1, bounded counts): a
request must arrive whole within --request-timeout, connections are capped, health keeps answering."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from proplens.web.security import host_name
from tests.fixtures_web import free_port, wait_for_health

PROPLENS = Path(sys.executable).with_name("proplens")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    home = tmp_path_factory.mktemp("served")
    process = subprocess.Popen(
        [
            str(PROPLENS),
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{home / 's.db'}",
            "--request-timeout",
            "2",
            "--max-connections",
            "60",
            "--max-client-connections",
            "30",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PROPLENS_HOME": str(home)},
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base)
    yield base, port
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert err.decode().count("Traceback") == 0  # no traceback flood in the log


def _slow_clients(port: int, count: int) -> list[socket.socket]:
    """Connections that start a request and never finish its headers."""
    sockets = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(client)
    return sockets


def _closed_by_server(client: socket.socket) -> bool:
    client.settimeout(0.2)
    try:
        return client.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def _health_seconds(base: str) -> float:
    started = time.monotonic()
    assert httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200
    return time.monotonic() - started


def test_slow_clients_are_closed_and_health_answers_meanwhile(server: tuple[str, int]) -> None:
    base, port = server
    held = _slow_clients(port, 25)
    try:
        assert _health_seconds(base) < 1.0  # 25 half-open requests held; the server still answers
        time.sleep(2.5)
        assert sum(_closed_by_server(c) for c in held) == 25  # the request deadline closed every one
    finally:
        for client in held:
            client.close()


def test_connections_over_the_cap_are_closed_at_once(server: tuple[str, int]) -> None:
    base, port = server
    held = _slow_clients(port, 100)
    try:
        time.sleep(0.3)
        closed_at_once = sum(_closed_by_server(c) for c in held)
        assert closed_at_once >= 35  # 100 opened against a cap of 60
        time.sleep(2.5)
        assert _health_seconds(base) < 1.0  # after the deadline the server is fully available again
    finally:
        for client in held:
            client.close()


def test_one_client_cannot_take_every_connection(server: tuple[str, int]) -> None:
    """127.0.0.1 opens 100 half-open connections (its cap is 30 of the 60); another client address on
    the loopback (127.0.0.2) is still answered at once."""
    base, port = server
    held = _slow_clients(port, 100)
    try:
        time.sleep(0.3)
        assert sum(not _closed_by_server(c) for c in held) <= 30
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=5)
        with other:
            started = time.monotonic()
            assert other.get(f"{base}/api/v1/health").status_code == 200
            assert time.monotonic() - started < 1.0
    finally:
        for client in held:
            client.close()


def test_a_trickled_body_is_cut_at_the_deadline(server: tuple[str, int]) -> None:
    _, port = server
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.sendall(
        b"POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"text": "'
    )
    started = time.monotonic()
    closed = False
    while time.monotonic() - started < 6:
        try:
            client.sendall(b"a")
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if _closed_by_server(client):
            closed = True
            break
        time.sleep(0.3)
    client.close()
    assert closed and time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("LocalHost", "localhost"),
        ("evil.example", "evil.example"),
        ("", ""),
        ("[broken", ""),
    ],
)
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name
