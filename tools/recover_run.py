"""Turn a shipped model folder back into a finished training run (``best.pt`` + ``train.toml`` + tokenizer).

Usage: python tools/recover_run.py MODEL_DIR OUT_RUN

For graphs of version 4 and earlier (dynamic int8, MatMulInteger). Today's fused, int8-stored graphs are
read by `proplens.training.recover` (``proplens train --from``).

Why: the runs behind proplens-detector-4 were lost with an old machine; only its dynamic-int8 ONNX graph
was kept. Every weight of that graph is recoverable exactly as the int8 model used it: a quantised weight
``q`` with scale ``s`` and zero point ``z`` is the float ``(q - z) * s``; LayerNorm weights and biases were
never quantised. Loading those floats into the torch network gives the model the int8 graph approximated
(not the lost fp32 original), which `proplens export` can then re-export with another quantisation.
Needs the ``train`` extra.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from transformers import AutoModel

from proplens.models.detector import HEAD_FILE
from proplens.models.features import FEATURE_NAMES
from proplens.techniques import PTC_TECHNIQUE_IDS
from proplens.training.base_encoders import resolve_base_encoder
from proplens.training.config import load_config
from proplens.training.network import DetectorNetwork
from proplens.training.recover import HEAD_PARAMETERS


def dequantized(initializers: dict[str, np.ndarray], name: str) -> np.ndarray:
    """The float weight an int8 graph used: ``(q - zero_point) * scale``, per channel when so quantised."""
    base = name.removesuffix("_quantized")
    q = initializers[name].astype(np.float32)
    scale = initializers[f"{base}_scale"].astype(np.float32)
    zero = initializers[f"{base}_zero_point"].astype(np.float32)
    if scale.ndim == 1 and scale.size > 1:  # per channel: a MatMul weight [in, out] per output column
        if scale.size != q.shape[1]:
            raise ValueError(f"{name}: {scale.size} scales for a weight of shape {q.shape}")
        scale, zero = scale.reshape(1, -1), zero.reshape(1, -1)
    return (q - zero) * scale


def onnx_state(path: Path) -> dict[str, np.ndarray]:
    """Parameter name -> float array, read off an exported (and possibly quantised) encoder graph."""
    graph = onnx.load(str(path)).graph
    initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = {
        name.removeprefix("network."): value.astype(np.float32)
        for name, value in initializers.items()
        if name.startswith("network.") and value.dtype == np.float32 and not name.endswith("_scale")
    }
    for node in graph.node:
        if node.op_type in ("MatMulInteger", "MatMul"):
            weight = node.input[1]
            if weight not in initializers:
                continue
            # the node's output is named after the torch module: /network/<module path>/MatMul_output_0
            module = node.output[0].split("/MatMul")[0].strip("/").removeprefix("network/")
            value = (
                dequantized(initializers, weight) if node.op_type == "MatMulInteger" else initializers[weight]
            )
            state[module.replace("/", ".") + ".weight"] = value.T.astype(np.float32)
        elif node.op_type == "DequantizeLinear" and node.input[0].endswith("Gather_output_0_quantized"):
            table = node.input[1].removesuffix("_scale")
            value = dequantized(initializers, f"{table}_quantized")
            state[table.removeprefix("network.")] = value
    return state


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[2])
    model, out = Path(sys.argv[1]), Path(sys.argv[2])
    config = load_config(model / "train.toml")
    network = DetectorNetwork(
        AutoModel.from_pretrained(resolve_base_encoder(config.base_encoder)),
        len(FEATURE_NAMES),
        len(PTC_TECHNIQUE_IDS),
    )
    state = {
        k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in onnx_state(model / "encoder.onnx").items()
    }
    with np.load(model / HEAD_FILE) as head:
        state.update({HEAD_PARAMETERS[k]: torch.from_numpy(head[k]) for k in head.files})
    expected = network.state_dict()
    missing = sorted(set(expected) - set(state))
    unknown = sorted(set(state) - set(expected))
    # integer buffers (position_ids) are not weights, and the pooler is not in the graph (the detector
    # reads the last hidden state): both keep the base model's values
    missing = [k for k in missing if expected[k].is_floating_point() and ".pooler." not in k]
    if missing or unknown:
        sys.exit(f"cannot map the graph onto the network: missing {missing[:5]}, unknown {unknown[:5]}")
    for key, value in state.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            sys.exit(f"{key}: shape {tuple(value.shape)} in the graph, {tuple(expected[key].shape)} expected")
    network.load_state_dict({**expected, **state})
    out.mkdir(parents=True, exist_ok=True)
    torch.save(network.state_dict(), out / "best.pt")
    shutil.copy(model / "tokenizer.json", out / "tokenizer.json")
    recipe = (model / "train.toml").read_text(encoding="utf-8")
    (out / "train.toml").write_text(
        recipe + f"# weights: recovered from the int8 graph of {model} (tools/recover_run.py)\n",
        encoding="utf-8",
    )
    print(f"wrote {out}/best.pt ({len(state)} tensors)")


if __name__ == "__main__":
    main()
