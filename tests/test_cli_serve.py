"""`proplens serve` as users start it: a real process, a real port, JSON logs, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PROPLENS = Path(sys.executable).with_name("proplens")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_starts_answers_and_logs_json(tmp_path: Path) -> None:
    port = _free_port()
    database = tmp_path / "served.db"
    process = subprocess.Popen(
        [str(PROPLENS), "serve", "--port", str(port), "--db", f"sqlite:///{database}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PROPLENS_HOME": str(tmp_path)},
    )
    try:
        health = None
        for _ in range(120):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.25)
        assert health is not None and health["status"] == "ok"
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
    assert process.returncode == 0


def test_serve_with_a_bad_database_url_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(PROPLENS), "serve", "--port", str(_free_port()), "--db", "nonsense://"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "database" in result.stderr
