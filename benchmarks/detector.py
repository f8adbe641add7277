"""Speed and memory of the whole detection pipeline (tokenise, encode, decode spans, classify techniques).

Prints one row per variant: articles/s, tokens/s and peak RSS, each variant measured in a fresh child
process so that peak memory is its own. Variants:

- ``onnx-int8``: the shipped default model (fused graph, int8-stored weights, fp32 arithmetic, each
  window alone on one core, windows side by side on ``--threads`` cores), as `proplens predict` runs it;
- ``accurate-int8``: the accurate model (all-mpnet-base-v2; `--model accurate`, the proplens-accurate
  package), run the same way; skipped with a message when it is not installed;
- ``onnx-fp32``: the same network exported without fusion or int8 storage (needs the train extra);
- ``torch-fp32``: the same network run by torch (train extra);
- ``roberta-large-torch``: the same pipeline with a randomly initialised encoder of RoBERTa-large size
  (24 layers, 1024 hidden, 355M parameters): the model class of the SemEval-2020 winners, on this CPU.
  It is slow, so it runs on the first ``--large-articles`` articles only.

The first lines printed name the CPU and the instruction sets that decide onnxruntime's kernels.

Usage: python benchmarks/detector.py [--articles DIR] [--threads N] [--variants a,b] [--large-articles N]
                                    [--model NAME_OR_FOLDER]   (what onnx-int8 runs; default: default)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = REPO.parent / "shared" / "data" / "ptc" / "dev-articles"
VARIANTS = ("onnx-int8", "accurate-int8", "onnx-fp32", "torch-fp32", "roberta-large-torch")
"""Also ``export-fp32``: internal, writes the fp32 graph for ``onnx-fp32`` in a process of its own."""


def cpu_description() -> str:
    """The CPU model and whether it has AVX2, AVX-512, AVX-512 VNNI and AVX-VNNI (Linux /proc/cpuinfo)."""
    model, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    wanted = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    have = ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in wanted)
    return f"CPU: {model}, {os.cpu_count()} logical cores; {have}"


def build_detector(variant: str, threads: int, workdir: Path, model: str = "default"):  # type: ignore[no-untyped-def]
    from proplens.models.detector import Detector, load_detector

    if variant == "accurate-int8":
        return load_detector("accurate", threads=threads)
    shipped = load_detector(model, threads=threads)
    if variant == "onnx-int8":
        return shipped
    if variant == "onnx-fp32":
        from proplens.models.heads import read_head
        from proplens.models.onnx_encoder import OnnxEncoder

        head = read_head(workdir / "head.npz")
        return Detector(
            shipped.tokenizer, OnnxEncoder(workdir / "fp32.onnx", threads=threads), head, shipped.info
        )
    import torch
    from transformers import AutoModel, RobertaConfig, RobertaModel

    from proplens.models.features import FEATURE_NAMES
    from proplens.training.base_encoders import resolve_base_encoder
    from proplens.training.network import DetectorNetwork, TorchEncoder

    torch.set_num_threads(threads)
    if variant == "roberta-large-torch":
        config = RobertaConfig(
            vocab_size=50265,
            hidden_size=1024,
            num_hidden_layers=24,
            num_attention_heads=16,
            intermediate_size=4096,
            max_position_embeddings=514,
            pad_token_id=1,
        )
        encoder = RobertaModel(config)
    else:
        encoder = AutoModel.from_pretrained(resolve_base_encoder(shipped.info.base_encoder))
    network = DetectorNetwork(encoder, len(FEATURE_NAMES), len(shipped.info.techniques)).eval()
    head = network.numpy_head()
    if variant == "export-fp32":  # run in its own process, so that torch does not count in onnx-fp32's memory
        from proplens.training.export import export_onnx

        export_onnx(network, workdir / "fp32.onnx")
        np.savez(workdir / "head.npz", **head.state())
        return None
    # Token ids of the MiniLM vocabulary are valid RoBERTa ids too (both < 50265): same pipeline shape.
    return Detector(shipped.tokenizer, TorchEncoder(network), head, shipped.info)


def measure(
    variant: str, articles_dir: Path, threads: int, limit: int, workdir: Path, model: str = "default"
) -> dict[str, object]:
    from proplens.io.ptc import read_articles
    from proplens.models.windows import tokenize

    articles = read_articles(articles_dir)[: limit or None]
    started = time.perf_counter()
    detector = build_detector(variant, threads, workdir, model)
    load_seconds = time.perf_counter() - started
    if detector is None:
        return {}
    tokens = sum(len(tokenize(detector.tokenizer, a.text)) for a in articles)
    detector.analyze(articles[:2])  # warm-up
    started = time.perf_counter()
    spans = 0
    for first in range(0, len(articles), 32):
        spans += sum(len(a.spans) for a in detector.analyze(articles[first : first + 32]))
    seconds = time.perf_counter() - started
    return {
        "variant": variant,
        "articles": len(articles),
        "tokens": tokens,
        "load_s": round(load_seconds, 2),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(articles) / seconds, 2),
        "tokens_per_s": round(tokens / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "spans": spans,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--large-articles", type=int, default=10, help="articles for roberta-large-torch")
    parser.add_argument("--model", default="default", help="the model onnx-int8 runs (a name or a folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(
            json.dumps(measure(args.child, args.articles, args.threads, args.limit, args.workdir, args.model))
        )
        return
    if not args.articles.is_dir():
        sys.exit(f"error: {args.articles} is not a folder of articles (is ../shared beside the repo?)")
    variants = args.variants.split(",")
    for variant in variants:
        if variant not in VARIANTS:
            sys.exit(f"error: unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for variant in (["export-fp32"] if "onnx-fp32" in variants else []) + variants:
            limit = args.large_articles if variant == "roberta-large-torch" else 0
            command = [sys.executable, __file__, "--child", variant, "--articles", str(args.articles)]
            command += ["--threads", str(args.threads), "--limit", str(limit), "--workdir", workdir]
            command += ["--model", args.model]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{variant}: failed\n{done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            if row:
                rows.append(row)
    header = (
        "variant",
        "articles",
        "tokens",
        "seconds",
        "articles_per_s",
        "tokens_per_s",
        "peak_rss_mb",
        "load_s",
    )
    print(cpu_description())
    print(f"threads: {args.threads}; articles: {args.articles}; onnx-int8 runs the model {args.model}")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")
    speeds = {str(row["variant"]): float(row["articles_per_s"]) for row in rows}  # type: ignore[arg-type]
    if "onnx-int8" in speeds and "roberta-large-torch" in speeds:
        print(f"shipped vs RoBERTa-large-size: {speeds['onnx-int8'] / speeds['roberta-large-torch']:.1f}x")
    if "onnx-int8" in speeds and "accurate-int8" in speeds:
        print(f"default vs accurate: {speeds['onnx-int8'] / speeds['accurate-int8']:.1f}x faster")


if __name__ == "__main__":
    main()
