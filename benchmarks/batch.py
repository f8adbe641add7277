"""Throughput and memory of corpus-scale analysis, and how they grow with the corpus.

Builds JSONL corpora by repeating ``../shared/data/ptc/dev-articles`` (75 articles) with fresh ids, then runs
each command in a child process, sampling the summed RSS of the child and all its descendants (pool
workers, Ray's raylet and actors) every 0.2 s:

- ``analyze``: ``proplens analyze CORPUS.jsonl --format jsonl`` (one process);
- ``batch local``: ``proplens batch CORPUS.jsonl OUT --engine local`` (a process per core);
- ``batch ray``: ``proplens batch SHARDS OUT --engine ray`` (Ray started locally, as many actors as cores);
- ``ray cluster``: the same against Ray clusters started with ``ray start`` on this machine inside a network
  namespace that holds only loopback (``unshare -n``; token authentication on): one node of all the cores,
  then one node per core (1 CPU each). The driver's peak memory (the ``proplens batch`` process, which
  receives only counts) is measured there too, at ``--driver-size`` articles.

The batch rows read ``--shards`` JSONL shards (the engines parallelise over shards for Ray, over chunks
locally); first all at ``--size`` articles, then ``batch local`` at each of ``--scaling`` sizes. Targets
(issue 6): batch local >= 5 articles/s on 2 cores; time per article at 5,000 within 10% of that at 100;
peak memory flat as the corpus grows.

Usage: python benchmarks/batch.py [--size 1000] [--shards 16] [--scaling 100,1000,5000] [--driver-size 10000]
           [--entities/--no-entities] [--cluster/--no-cluster] [--driver-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "ptc" / "dev-articles"
PROPLENS = Path(sys.executable).with_name("proplens")


def write_corpus(path: Path, size: int, shards: int = 1) -> Path:
    """`size` articles: the dev articles over and over, each copy with its own id (streamed to disk), in
    one file (`shards` = 1) or a folder of `shards` files."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("article*.txt"))]
    if shards > 1:
        path.mkdir(parents=True, exist_ok=True)
    files = [path] if shards == 1 else [path / f"part-{n:03d}.jsonl" for n in range(shards)]
    outs = [f.open("w", encoding="utf-8") for f in files]
    for n in range(size):
        outs[n % len(outs)].write(json.dumps({"id": f"copy{n}", "text": texts[n % len(texts)]}) + "\n")
    for out in outs:
        out.close()
    return path


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


LOOPBACK_UP = (
    "import fcntl, socket, struct; fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), 0x8914, "
    "struct.pack('16sH14s', b'lo', 0x1 | 0x8 | 0x40, b''))"
)


def on_cluster(nodes: list[int], command: list[str], place: Path) -> tuple[float, float]:
    """Wall seconds and the driver's peak RSS of `command` (a ``proplens batch --address``) run against a
    Ray cluster of `nodes` (CPUs per node) started inside a fresh network namespace."""
    head = f"ray start --head --node-ip-address 127.0.0.1 --port 6379 --num-cpus {nodes[0]} "
    head += f"--include-dashboard false --disable-usage-stats --temp-dir {place}/r > /dev/null"
    workers = "".join(
        f"ray start --address 127.0.0.1:6379 --node-ip-address 127.0.0.1 --num-cpus {n} > /dev/null\n"
        for n in nodes[1:]
    )
    measured = f"{sys.executable} {Path(__file__)} --measure -- {' '.join(command)}"
    script = f"""set -e
export PATH={PROPLENS.parent}:$PATH HOME={place}/home RAY_USAGE_STATS_ENABLED=0
export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH={place}/token
mkdir -p $HOME; python -c "{LOOPBACK_UP}"
python -c "import secrets; print(secrets.token_hex(32))" > $RAY_AUTH_TOKEN_PATH
{head} 2>&1
{workers}{measured} > {place}/measured.json
ray stop --force > /dev/null 2>&1
"""
    result = subprocess.run(["unshare", "-n", "--map-root-user", "bash", "-c", script], capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"the cluster run failed:\n{result.stderr.decode()[-800:]}")
    figures = json.loads((place / "measured.json").read_text())
    return figures["wall"], figures["peak"]


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:  # inside a namespace: measure one command, print JSON
        wall, peak = measure(sys.argv[3:])
        print(json.dumps({"wall": wall, "peak": peak}))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--scaling", default="100,1000,5000")
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--driver-size", type=int, default=10_000)
    parser.add_argument("--entities", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--cluster", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--driver-only",
        action="store_true",
        help="only the two-node cluster at --driver-size articles (the driver's peak memory)",
    )
    args = parser.parse_args()
    entities = [] if args.entities else ["--no-entities"]
    sys.path.insert(0, str(Path(__file__).parent))
    from detector import cpu_description

    print(cpu_description())
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

        if args.driver_only:
            args.analyze, args.scaling = False, ""
        corpus = write_corpus(root / f"corpus-{args.size}.jsonl", args.size)
        if args.analyze:
            row(
                "analyze (1 process)",
                args.size,
                [str(PROPLENS), "analyze", str(corpus), "-f", "jsonl", *entities],
            )
        shards = write_corpus(root / f"shards-{args.size}", args.size, args.shards)
        for engine in () if args.driver_only else ("local", "ray"):
            out = root / f"out-{engine}"
            row(
                f"batch --engine {engine}",
                args.size,
                [str(PROPLENS), "batch", str(shards), str(out), "--engine", engine, *entities],
            )
        if args.cluster:
            cores = os.cpu_count() or 1
            batch = [str(PROPLENS), "batch", "--engine", "ray", "--address", "127.0.0.1:6379", *entities]
            big = write_corpus(root / f"shards-{args.driver_size}", args.driver_size, args.shards)
            runs = [([cores], args.size, shards), ([1] * cores, args.size, shards)]
            runs = [*(() if args.driver_only else runs), ([1] * cores, args.driver_size, big)]
            for run, (nodes, size, corpus_dir) in enumerate(runs):
                place = Path(tempfile.mkdtemp(prefix="pl-bench-"))
                name = f"ray cluster {len(nodes)} node{'s' * (len(nodes) > 1)} x {nodes[0]} CPU"
                wall, peak = on_cluster(nodes, [*batch, str(corpus_dir), str(root / f"cluster-{run}")], place)
                print(
                    f"{name:26} {size:9,d} {wall:9.1f} {size / wall:11.2f} {wall / size:10.3f} "
                    f"{peak:12.0f} (driver)",
                    flush=True,
                )
        for size in (int(s) for s in args.scaling.split(",") if s):
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
