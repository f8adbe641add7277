"""Print the MODEL_CARD.md tables (dev scores, per-technique F1, operating point) from a model folder.

Usage: python tools/model_card_tables.py [MODEL_DIR]   (default: the shipped model)
The figures come from the model's detector.json, written by `proplens train` when it exported the model.
"""

from __future__ import annotations

import sys

from proplens.models.detector import DEFAULT_MODEL_DIR, ModelInfo
from proplens.techniques import get

KEYS = (
    ("SI precision", "si_precision"),
    ("SI recall", "si_recall"),
    ("SI F1", "si_f1"),
    ("TC micro-F1", "tc_micro_f1"),
    ("TC macro-F1", "tc_macro_f1"),
)


def main() -> None:
    directory = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT_MODEL_DIR)
    info = ModelInfo.read(__import__("pathlib").Path(directory) / "detector.json")
    scores = info.dev_scores
    print("| dev (75 articles) | torch fp32 | ONNX fp32 | ONNX int8-stored (shipped) |")
    print("|---|---:|---:|---:|")
    for label, key in KEYS:
        row = [f"{scores[v][key]:.3f}" if v in scores else "-" for v in ("torch", "onnx_fp32", "onnx_int8")]
        print(f"| {label} | " + " | ".join(row) + " |")
    print()
    shipped = scores["onnx_int8"]
    print("| technique | dev lines | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|")
    names = sorted(
        (k.removeprefix("tc_f1/") for k in shipped if k.startswith("tc_f1/")),
        key=lambda n: -shipped[f"tc_support/{n}"],
    )
    for name in names:
        print(
            f"| {get(name).name} (`{name}`) | {int(shipped[f'tc_support/{name}'])} | "
            f"{shipped[f'tc_precision/{name}']:.3f} | {shipped[f'tc_recall/{name}']:.3f} | "
            f"{shipped[f'tc_f1/{name}']:.3f} |"
        )
    print()
    parity = scores["parity"]
    if info.decoder == "viterbi":
        point = (
            f"Viterbi decoder, bias {info.viterbi_bias}, begin penalty {info.begin_penalty}, peak {info.peak}"
        )
    else:
        point = f"threshold {info.threshold}, peak {info.peak}, max_gap {info.max_gap}"
    print(
        f"Operating point: {point}, repetition boost {info.repetition_boost}; windows of "
        f"{info.max_tokens} tokens overlapping by {info.overlap}. Largest |difference| on dev windows: "
        f"ONNX fp32 vs torch tag logits {parity['onnx_fp32_vs_torch']['tag_logits']:.1e}, token vectors "
        f"{parity['onnx_fp32_vs_torch']['hidden']:.1e}; shipped (int8-stored) vs torch tag logits "
        f"{parity['onnx_int8_vs_torch']['tag_logits']:.2f}, token vectors "
        f"{parity['onnx_int8_vs_torch']['hidden']:.2f}."
    )


if __name__ == "__main__":
    main()
