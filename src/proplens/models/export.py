"""From a trained torch network to a shippable model directory: ONNX export, int8 quantisation, parity.

The directory ``<out>/model/`` gets exactly the files `load_detector` reads (``encoder.onnx`` int8,
``tokenizer.json``, ``technique_head.npz``, ``detector.json``, ``train.toml``); the fp32 graph stays in
``<out>/`` for comparison. Dev scores of torch, ONNX fp32 and ONNX int8 at the same operating point are
recorded in ``detector.json``, with the largest logit differences. Needs the ``train`` extra.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from proplens.models.config import TrainConfig
from proplens.models.detector import (
    ENCODER_FILE,
    HEAD_FILE,
    INFO_FILE,
    TOKENIZER_FILE,
    Detector,
    ModelInfo,
)
from proplens.models.onnx_encoder import OnnxEncoder
from proplens.models.predict import dev_scores, encode_all, tune_operating_point, tune_repetition_boost
from proplens.models.windows import tokenize

__all__ = ["export_onnx", "finalize", "quantize"]

FINE_GRID: dict[str, tuple[float, ...]] = {
    "thresholds": tuple(float(t) for t in np.round(np.arange(0.10, 0.501, 0.025), 3)),
    "max_gaps": (0, 1, 2, 4),
    "peak_margins": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5),
}
"""The grid searched for the shipped model's operating point (612 settings, about a minute on dev)."""


def export_onnx(network: Any, path: Path) -> None:
    """Export ids/mask -> (tag_logits, hidden) with dynamic batch and length (TorchScript exporter)."""
    import torch

    from proplens.models.network import EncoderGraph

    graph = EncoderGraph(network).eval()
    ids = torch.randint(0, int(network.encoder.config.vocab_size), (2, 16))
    axes = {
        name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "tag_logits", "hidden")
    }
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        torch.onnx.export(
            graph,
            (ids, torch.ones_like(ids)),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["tag_logits", "hidden"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the weights (per channel), activations quantised on the fly."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def max_logit_difference(
    a: Any, b: Any, windows: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]
) -> dict[str, float]:
    """Largest absolute difference of tag logits and of token vectors between two encoders."""
    tags, hidden = 0.0, 0.0
    for ids, mask in windows:
        tag_a, hid_a = a(ids, mask)
        tag_b, hid_b = b(ids, mask)
        keep = mask.astype(bool)
        tags = max(tags, float(np.abs(tag_a - tag_b)[keep].max()))
        hidden = max(hidden, float(np.abs(hid_a - hid_b)[keep].max()))
    return {"tag_logits": tags, "hidden": hidden}


def parity_batches(detector: Detector, articles: Any) -> list[tuple[Any, Any]]:
    """A few padded batches of real dev windows (short and full-length) to compare encoders on."""
    ids = [i for article in articles[:8] for i in tokenize(detector.tokenizer, article.text).ids]
    size = detector.info.max_tokens
    windows = [ids[k : k + size] for k in range(0, min(len(ids), 8 * size), size)]
    groups = [windows[:4], [w[:7] for w in windows[:2]], windows[4:]]
    return [detector._pad(group) for group in groups if group]


def finalize(
    network: Any, tokenizer: Any, config: TrainConfig, corpus: Any, out: Path, *, log: Any = print
) -> dict[str, Any]:
    """Export fp32 and int8 ONNX, tune the int8 model's operating point on dev, score all three variants
    there, measure parity, write ``<out>/model``."""
    from proplens.models.network import TorchEncoder

    info = ModelInfo(
        max_tokens=config.max_tokens, overlap=config.overlap, base_encoder=config.base_encoder, quantized=True
    )
    torch_detector = Detector(tokenizer, TorchEncoder(network), network.numpy_head(), info, batch_size=16)
    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out / "encoder-fp32.onnx"
    export_onnx(network, fp32)
    quantize(fp32, model_dir / ENCODER_FILE)
    onnx32 = OnnxEncoder(fp32)
    onnx8 = OnnxEncoder(model_dir / ENCODER_FILE)
    windows = parity_batches(torch_detector, corpus.dev_articles)
    results: dict[str, Any] = {
        "parity": {
            "onnx_fp32_vs_torch": max_logit_difference(torch_detector.encoder, onnx32, windows),
            "onnx_int8_vs_torch": max_logit_difference(torch_detector.encoder, onnx8, windows),
        }
    }
    shipped = Detector(tokenizer, onnx8, torch_detector.head, info, batch_size=1)
    shipped_encoded = encode_all(shipped, corpus.dev_articles)
    point = tune_operating_point(shipped, shipped_encoded, corpus.dev_gold, **FINE_GRID)
    info = replace(info, threshold=point["threshold"], max_gap=int(point["max_gap"]), peak=point["peak"])
    shipped = Detector(tokenizer, onnx8, torch_detector.head, info, batch_size=1)
    point.update(tune_repetition_boost(shipped, shipped_encoded, corpus.dev_gold))
    info = replace(info, repetition_boost=point["repetition_boost"])
    results["operating_point"] = point
    log(f"operating point (tuned on dev, int8): {point}")
    for name, encoder in (("torch", torch_detector.encoder), ("onnx_fp32", onnx32), ("onnx_int8", onnx8)):
        batch_size = 16 if name == "torch" else 1  # see load_detector: int8 results depend on batch-mates
        detector = Detector(tokenizer, encoder, torch_detector.head, info, batch_size=batch_size)
        encoded = shipped_encoded if name == "onnx_int8" else encode_all(detector, corpus.dev_articles)
        results[name] = dev_scores(detector, encoded, corpus.dev_gold)
        log(f"{name} dev: {_brief(results[name])}")

    np.savez(model_dir / HEAD_FILE, **torch_detector.head.state())  # type: ignore[arg-type]
    shutil.copy(out / TOKENIZER_FILE, model_dir / TOKENIZER_FILE)
    shutil.copy(out / "train.toml", model_dir / "train.toml")
    replace(info, dev_scores=results).write(model_dir / INFO_FILE)
    log(f"wrote {model_dir}: {sum(f.stat().st_size for f in model_dir.iterdir()) / 1e6:.1f} MB")
    return results


def _brief(scores: dict[str, float]) -> str:
    return (
        f"SI P {scores['si_precision']:.4f} R {scores['si_recall']:.4f} F1 {scores['si_f1']:.4f}; "
        f"TC micro-F1 {scores['tc_micro_f1']:.4f} macro-F1 {scores['tc_macro_f1']:.4f}"
    )
