"""How `proplens serve` holds up against clients that open connections and never finish their request.

Starts ``proplens serve --request-timeout T`` (throwaway database) on 127.0.0.1, opens N connections that
each send a partial request (headers never finished), measures /api/v1/health while they are held, then
counts how many the server has closed after the deadline, and the tracebacks in its log. Loopback only,
bounded in count and time.

Usage: python benchmarks/slow_clients.py [--connections 900] [--request-timeout 5]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _server import running_server
from detector import cpu_description


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=900)
    parser.add_argument("--request-timeout", type=float, default=5.0)
    args = parser.parse_args()
    print(cpu_description())
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with running_server("--request-timeout", str(args.request_timeout), log=log) as (base, _):
            port = int(base.rsplit(":", 1)[1])
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
