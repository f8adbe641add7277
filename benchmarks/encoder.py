"""Tokens per second of the encoder graph alone, for the three ways of using two cores.

- one window on one core (one onnxruntime thread);
- one window on all cores (onnxruntime's intra-op threads);
- one window per core, side by side (what `OnnxEncoder` does).

Each row runs 128-token windows of random ids for a few seconds. The first line names the CPU and the
instruction sets that decide onnxruntime's kernels.

Usage: python benchmarks/encoder.py [--graph PATH] [--seconds S]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detector import cpu_description

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GRAPH = REPO / "src" / "proplens" / "models" / "default" / "encoder.onnx"


def session(graph: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.disable_quant_qdq", "1")
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def tokens_per_second(run: ort.InferenceSession, lanes: int, seconds: float) -> float:
    ids = np.random.default_rng(0).integers(1000, 20000, (1, 128)).astype(np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    for _ in range(3):
        run.run(None, feed)

    def lane(_: int) -> int:
        done, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            run.run(None, feed)
            done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(lanes) as pool:
        windows = sum(pool.map(lane, range(lanes)))
    return windows * 128 / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=DEFAULT_GRAPH)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(cpu_description())
    print(f"graph: {args.graph}")
    rows = [
        ("one window, 1 thread", session(args.graph, 1), 1),
        (f"one window, {cores} threads", session(args.graph, cores), 1),
        (f"{cores} windows side by side, 1 thread each", session(args.graph, 1), cores),
    ]
    print("| way | tokens/s |\n|---|---:|")
    for name, run, lanes in rows:
        print(f"| {name} | {tokens_per_second(run, lanes, args.seconds):,.0f} |")


if __name__ == "__main__":
    main()
