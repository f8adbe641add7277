"""Speed, memory and start-up of `proplens analyze`, the command users run, on the PTC dev articles.

Each row is the real command in a fresh child process (``proplens analyze DIR --format jsonl``, output
discarded), so its wall time includes start-up and its peak RSS is its own:

- ``with entities``: the default (spaCy NER finds who each fragment targets);
- ``no entities``: ``--no-entities``.

Start-up is measured separately, also in fresh processes: ``import proplens`` plus loading the detector,
and the same plus the spaCy entity pipeline. Targets (issue 4): >= 4 articles/s with entities, >= 5
without, peak RSS <= 1.5 GB, start-up <= 3 s.

Usage: python benchmarks/analyze.py [--articles DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = REPO.parent / "shared" / "data" / "ptc" / "dev-articles"
PROPLENS = Path(sys.executable).with_name("proplens")

STARTUP = {
    "import + detector": "import proplens; proplens.load_model()",
    "import + detector + spaCy pipeline": (
        "import proplens; proplens.load_model(); from proplens import nlp; "
        "nlp._pipeline(); nlp._sentencizer()"
    ),
}


def _child_run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {completed.stderr.decode()[-500:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--repeat", type=int, default=3, help="Start-up measurements per row (median).")
    args = parser.parse_args()
    articles = sorted(args.articles.glob("article*.txt"))
    if not articles:
        raise SystemExit(f"no article*.txt in {args.articles}")
    characters = sum(len(p.read_text(encoding="utf-8")) for p in articles)
    print(f"{len(articles)} articles, {characters:,} characters, from {args.articles}")
    # warm the file cache and Python's bytecode cache so the first row is not penalised
    _child_run([sys.executable, "-c", STARTUP["import + detector + spaCy pipeline"]])

    print(f"\n{'start-up':34} {'median s':>9}")
    for name, code in STARTUP.items():
        times = sorted(_child_run([sys.executable, "-c", code])[0] for _ in range(args.repeat))
        print(f"{name:34} {times[len(times) // 2]:9.2f}")

    print(f"\n{'proplens analyze':34} {'wall s':>9} {'articles/s':>11} {'peak RSS MB':>12}")
    for name, extra in (("with entities", []), ("no entities", ["--no-entities"])):
        # RUSAGE_CHILDREN keeps the largest child so far: run each row in its own interpreter
        command = [str(PROPLENS), "analyze", str(args.articles), "--format", "jsonl", *extra]
        measure = (
            "import subprocess, sys, resource, time; t = time.perf_counter(); "
            f"subprocess.run({command!r}, "
            "stdout=subprocess.DEVNULL, check=True); w = time.perf_counter() - t; "
            "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
        )
        output = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True, check=True)
        wall, rss = (float(v) for v in output.stdout.split())
        print(f"{name:34} {wall:9.2f} {len(articles) / wall:11.2f} {rss:12.0f}")


if __name__ == "__main__":
    main()
