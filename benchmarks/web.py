"""Load on the web app: `POST /api/v1/analyze` from concurrent clients while pages are being read.

Starts ``proplens serve`` in a child process (fresh SQLite file), then for ``--seconds``:

- ``--clients`` concurrent clients each POST a typical article (the PTC dev article of median length, or
  ``--article``) in a loop, each waiting for its answer before sending the next;
- one reader GETs the analyse page and the about page every 100 ms, to show whether pages stay responsive
  while analyses run;
- one prober GETs ``/api/v1/health`` every 100 ms;
- with ``--hostile``, one more client first POSTs 199,000 "!" (issue 22: it used to freeze the server).

Prints the CPU, then requests/s, latency percentiles and errors for each. Targets: issue 5, >= 4
requests/s, p95 <= 3 s, zero errors, page GET p95 <= 200 ms with 8 clients on 2 cores; issue 22, 16
clients on the bundled example article: zero errors, p95 < 2.5 s, health < 100 ms throughout.

Usage: python benchmarks/web.py [--clients 8] [--seconds 60] [--article FILE] [--entities/--no-entities]
       [--hostile] [--serve-option=--workers=2 ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _server import running_server

from proplens.training.precision import cpu_summary

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "ptc" / "dev-articles"


def typical_article() -> Path:
    """The dev article of median length."""
    articles = sorted(DEV.glob("article*.txt"), key=lambda p: p.stat().st_size)
    if not articles:
        raise SystemExit(f"no articles in {DEV}; give one with --article")
    return articles[len(articles) // 2]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def run_load(
    base: str, text: str, clients: int, seconds: float, entities: bool, hostile: bool = False
) -> None:
    latencies: list[float] = []
    page_latencies: list[float] = []
    health_latencies: list[float] = []
    hostile_outcome: list[str] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await http.post(
                    f"{base}/api/v1/analyze", json={"text": text, "entities": entities}, timeout=60
                )
                if response.status_code != 200:
                    errors.append(f"POST {response.status_code}")
                    continue
            except httpx.HTTPError as error:
                errors.append(f"POST {error.__class__.__name__}")
                continue
            latencies.append(time.perf_counter() - started)

    async def reader(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            for path in ("/", "/about"):
                started = time.perf_counter()
                try:
                    response = await http.get(base + path, timeout=10)
                    if response.status_code != 200:
                        errors.append(f"GET {response.status_code}")
                except httpx.HTTPError as error:
                    errors.append(f"GET {error.__class__.__name__}")
                page_latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.1)

    async def prober(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await http.get(f"{base}/api/v1/health", timeout=10)
                if response.status_code != 200:
                    errors.append(f"health {response.status_code}")
            except httpx.HTTPError as error:
                errors.append(f"health {error.__class__.__name__}")
            health_latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.1)

    async def bangs(http: httpx.AsyncClient) -> None:
        started = time.perf_counter()
        try:
            response = await http.post(
                f"{base}/api/v1/analyze", json={"text": "!" * 199_000, "store": False}, timeout=120
            )
            hostile_outcome.append(f"HTTP {response.status_code}")
        except httpx.HTTPError as error:
            hostile_outcome.append(error.__class__.__name__)
        hostile_outcome.append(f"after {time.perf_counter() - started:.1f} s")

    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(limits=limits) as http:
        started = time.perf_counter()
        extra = [bangs(http)] if hostile else []
        await asyncio.gather(*(client(http) for _ in range(clients)), reader(http), prober(http), *extra)
        elapsed = time.perf_counter() - started
    print(f"\n{'':28} {'count':>6} {'per s':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    print(
        f"{'POST /api/v1/analyze':28} {len(latencies):6d} {len(latencies) / elapsed:7.2f} "
        f"{percentile(latencies, 0.5):7.3f} {percentile(latencies, 0.95):7.3f} "
        f"{max(latencies, default=0):7.3f}"
    )
    print(
        f"{'GET / and /about':28} {len(page_latencies):6d} {len(page_latencies) / elapsed:7.2f} "
        f"{percentile(page_latencies, 0.5):7.3f} {percentile(page_latencies, 0.95):7.3f} "
        f"{max(page_latencies, default=0):7.3f}"
    )
    print(
        f"{'GET /api/v1/health':28} {len(health_latencies):6d} {len(health_latencies) / elapsed:7.2f} "
        f"{percentile(health_latencies, 0.5):7.3f} {percentile(health_latencies, 0.95):7.3f} "
        f"{max(health_latencies, default=0):7.3f}"
    )
    if hostile:
        print(f"199,000 '!': {' '.join(hostile_outcome) or 'no answer within the run'}")
    print(f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--article", type=Path)
    parser.add_argument("--entities", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--hostile", action="store_true", help="also POST 199,000 '!' at the start")
    parser.add_argument("--serve-option", action="append", default=[], help="an option for proplens serve")
    args = parser.parse_args()
    article = args.article or typical_article()
    text = article.read_text(encoding="utf-8")
    print(f"cpu: {cpu_summary()}, {os.cpu_count()} logical cores")
    with running_server(*args.serve_option) as (base, _):
        httpx.post(f"{base}/api/v1/analyze", json={"text": text}, timeout=60)  # warm-up
        print(
            f"{args.clients} clients for {args.seconds:g} s, article {article.name} "
            f"({len(text):,} characters, {len(text.split()):,} words), "
            f"entities {'on' if args.entities else 'off'}"
        )
        asyncio.run(run_load(base, text, args.clients, args.seconds, args.entities, args.hostile))


if __name__ == "__main__":
    main()
