"""How `proplens serve` holds up against clients that open connections and never finish their request.

Starts ``proplens serve --request-timeout T`` (throwaway database) on 127.0.0.1, opens N connections that
each send a partial request (headers never finished), measures /api/v1/health while they are held, then
counts how many the server has closed after the deadline, and the tracebacks in its log. Loopback only,
bounded in count and time.

Usage: python benchmarks/slow_clients.py [--connections 900] [--request-timeout 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from detector import cpu_description

PROPLENS = Path(sys.executable).with_name("proplens")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=900)
    parser.add_argument("--request-timeout", type=float, default=5.0)
    args = parser.parse_args()
    print(cpu_description())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as home:
        log = Path(home) / "server.log"
        server = subprocess.Popen(
            [
                str(PROPLENS),
                "serve",
                "--port",
                str(port),
                "--db",
                f"sqlite:///{home}/s.db",
                "--request-timeout",
                str(args.request_timeout),
            ],
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
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
            held = []
            for _ in range(args.connections):
                client = socket.create_connection(("127.0.0.1", port))
                client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                held.append(client)
            started = time.monotonic()
            status = httpx.get(f"{base}/api/v1/health", timeout=10).status_code
            health_ms = (time.monotonic() - started) * 1000
            time.sleep(args.request_timeout + 1)
            closed = 0
            for client in held:
                client.settimeout(0.05)
                try:
                    closed += client.recv(1) == b""
                except (ConnectionResetError, BrokenPipeError):
                    closed += 1
                except TimeoutError:
                    pass
                client.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        tracebacks = log.read_text().count("Traceback")
    print(
        "| half-open requests held | health while held | closed after the deadline | tracebacks in the log |"
    )
    print("|---|---|---|---|")
    print(
        f"| {args.connections} | HTTP {status} in {health_ms:.0f} ms | {closed} of {args.connections} "
        f"(--request-timeout {args.request_timeout:g}) | {tracebacks} |"
    )


if __name__ == "__main__":
    main()
