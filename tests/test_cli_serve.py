"""`proplens serve` as users start it: a real process, a real port, JSON logs, a clean stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.fixtures_web import free_port, wait_for_health

PROPLENS = Path(sys.executable).with_name("proplens")


def test_serve_starts_answers_and_logs_json(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "served.db"
    process = subprocess.Popen(
        [str(PROPLENS), "serve", "--port", str(port), "--db", f"sqlite:///{database}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PROPLENS_HOME": str(tmp_path)},
    )
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}")
        assert health["status"] == "ok"
        posted = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/analyze",
            json={"text": "The corrupt mayor lied again. Vote them out!"},
            timeout=30,
        )
        assert posted.status_code == 200 and posted.json()["id"]
        assert database.exists()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    lines = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert {"started", "request"} <= {line["event"] for line in lines}
    requests = [line for line in lines if line["event"] == "request"]
    assert {"method", "path", "status", "ms"} <= set(requests[0])
    assert "corrupt mayor" not in err.decode()  # article text never reaches the logs
    token = (tmp_path / "extension-token").read_text().strip()
    assert f"browser extension token: {token}" in err.decode() and len(token) >= 24
    assert oct((tmp_path / "extension-token").stat().st_mode & 0o777) == "0o600"
    assert process.returncode == 0


def test_serve_with_a_bad_database_url_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(PROPLENS), "serve", "--port", str(free_port()), "--db", "nonsense://"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "database" in result.stderr


def test_serve_names_an_unreadable_token_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "extension-token").write_bytes(b"\xff\xfe\x00")
    done = subprocess.run(
        [str(PROPLENS), "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PROPLENS_HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "extension-token: not a token" in lines[0] and "internal error" not in lines[0]


def test_health_answers_while_an_analysis_works_and_sigterm_stops_at_once(tmp_path: Path) -> None:
    """The 199,000-'!' request of issue 22 keeps a worker busy for a long time; meanwhile the server
    answers health checks quickly (the work is in another process), and SIGTERM ends it in seconds."""
    import threading
    import time

    port = free_port()
    process = subprocess.Popen(
        [
            str(PROPLENS),
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{tmp_path / 's.db'}",
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PROPLENS_HOME": str(tmp_path)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base)

        def heavy() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server is stopped under it
                httpx.post(
                    f"{base}/api/v1/analyze", json={"text": "!" * 199_000, "store": False}, timeout=120
                )

        threading.Thread(target=heavy, daemon=True).start()
        time.sleep(1.5)  # the worker is at it
        assert httpx.get(f"{base}/api/v1/health", timeout=10).json()["queued"] == 0
        slowest = 0.0
        for _ in range(10):
            started = time.monotonic()
            assert httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
        assert slowest < 0.5
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert time.monotonic() - stopped_at < 5.0
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode in (0, -signal.SIGTERM)  # uvicorn ends by re-raising the signal it handled
    assert "Traceback" not in err.decode()


def test_serve_on_an_impossible_address_says_so_in_one_line() -> None:
    result = subprocess.run(
        [str(PROPLENS), "serve", "--host", "256.1.1.1", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        result.stderr.count("\n") == 1 and "256.1.1.1" in result.stderr and "Traceback" not in result.stderr
    )
