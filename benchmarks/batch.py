"""Throughput and memory of corpus-scale analysis, and how they grow with the corpus.

Builds JSONL corpora by repeating ``../shared/data/ptc/dev-articles`` (75 articles) with fresh ids, then runs
each command in a child process, sampling the summed RSS of the child and all its descendants (pool
workers, Ray's raylet and actors) every 0.2 s:

- ``analyze``: ``proplens analyze CORPUS.jsonl --format jsonl`` (one process);
- ``batch local``: ``proplens batch CORPUS.jsonl OUT --engine local`` (a process per core);
- ``batch ray``: ``proplens batch CORPUS.jsonl OUT --engine ray`` (Ray started locally, an actor per core);

first all three at ``--size`` articles, then ``batch local`` at each of ``--scaling`` sizes. Targets
(issue 6): batch local >= 5 articles/s on 2 cores; time per article at 5,000 within 10% of that at 100;
peak memory flat as the corpus grows.

Usage: python benchmarks/batch.py [--size 1000] [--scaling 100,1000,5000] [--entities/--no-entities]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "ptc" / "dev-articles"
PROPLENS = Path(sys.executable).with_name("proplens")


def write_corpus(path: Path, size: int) -> None:
    """`size` articles: the dev articles over and over, each copy with its own id (streamed to disk)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("article*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for n in range(size):
            out.write(json.dumps({"id": f"copy{n}", "text": texts[n % len(texts)]}) + "\n")


def _tree_rss_mb(root: int) -> float:
    """Summed VmRSS of `root` and all its descendants."""
    parents: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            parents[int(status.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak summed RSS (MB) of a command and its descendants."""
    peak = 0.0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-800:]}")
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--scaling", default="100,1000,5000")
    parser.add_argument("--entities", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    entities = [] if args.entities else ["--no-entities"]
    print(f"entities {'on' if args.entities else 'off'}; articles are copies of {DEV}")
    header = f"{'run':26} {'articles':>9} {'seconds':>9} {'articles/s':>11} {'s/article':>10}"
    print(f"\n{header} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)

        def row(name: str, size: int, command: list[str]) -> None:
            wall, peak = measure(command)
            print(
                f"{name:26} {size:9,d} {wall:9.1f} {size / wall:11.2f} {wall / size:10.3f} {peak:12.0f}",
                flush=True,
            )

        corpus = root / f"corpus-{args.size}.jsonl"
        write_corpus(corpus, args.size)
        row(
            "analyze (1 process)",
            args.size,
            [str(PROPLENS), "analyze", str(corpus), "-f", "jsonl", *entities],
        )
        for engine in ("local", "ray"):
            out = root / f"out-{engine}"
            row(
                f"batch --engine {engine}",
                args.size,
                [str(PROPLENS), "batch", str(corpus), str(out), "--engine", engine, *entities],
            )
        for size in (int(s) for s in args.scaling.split(",")):
            corpus = root / f"corpus-{size}.jsonl"
            if not corpus.exists():
                write_corpus(corpus, size)
            row(
                "batch --engine local",
                size,
                [str(PROPLENS), "batch", str(corpus), str(root / f"scale-{size}"), *entities],
            )


if __name__ == "__main__":
    main()
