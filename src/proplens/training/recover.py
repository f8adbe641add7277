"""A shipped model folder back into the torch network, so that training can continue from it
(`proplens train --from default`): shipped models carry no torch checkpoint, only their graph.

Every weight of the exported graph is recoverable as the graph uses it: an int8-stored matrix ``q`` with
per-column scale ``s`` is the float ``q * s`` (`export.quantize`); LayerNorm weights and biases keep their
torch names; each MatMul's output is named after its torch module (``/network/<module path>/MatMul``);
onnxruntime's fused Attention holds the query, key and value matrices side by side. The network so loaded
computes what the shipped graph computes (checked by the tests to 1e-4), not the lost fp32 original.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from proplens.errors import ModelError
from proplens.models.catalog import model_directory
from proplens.models.detector import ENCODER_FILE, HEAD_FILE, INFO_FILE, ModelInfo
from proplens.training.config import TrainConfig

__all__ = ["HEAD_PARAMETERS", "continued_config", "graph_state", "load_model_weights"]

HEAD_PARAMETERS = {
    "w1": "technique_hidden.weight",
    "b1": "technique_hidden.bias",
    "w2": "technique_out.weight",
    "b2": "technique_out.bias",
    "w3": "technique_wide.weight",
    "b3": "technique_wide.bias",
}
"""`technique_head.npz` arrays -> the torch network's parameters."""


def graph_state(path: Path) -> dict[str, np.ndarray]:
    """Torch parameter name -> float32 array, read off an exported encoder graph (int8-stored or not)."""
    import onnx
    from onnx import numpy_helper

    try:
        graph = onnx.load(str(path)).graph
    except Exception as error:  # a truncated or foreign file: protobuf's errors have no common base
        raise ModelError(
            f"{path}: not an ONNX graph proplens can read ({error.__class__.__name__})"
        ) from None
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in values:
            scale = values[node.input[1]].astype(np.float32)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * values[node.input[0]].ndim
            shape[axis] = -1
            values[node.output[0]] = values[node.input[0]].astype(np.float32) * scale.reshape(shape)
    state = {
        name.removeprefix("network."): value.astype(np.float32)
        for name, value in values.items()
        if name.startswith("network.")
        and value.dtype == np.float32
        and not name.endswith(("_scale", "_int8"))
    }
    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in values:
            module = _module(node.output[0], "/MatMul")
            if module:
                state[f"{module}.weight"] = np.ascontiguousarray(values[node.input[1]].T)
        elif node.op_type == "Attention":
            module = _module(node.output[0], "/self/")
            if not module:
                continue
            weight, bias = values[node.input[1]], values[node.input[2]]
            for part, w, b in zip(
                ("query", "key", "value"), np.split(weight, 3, axis=1), np.split(bias, 3), strict=True
            ):
                state[f"{module}.self.{part}.weight"] = np.ascontiguousarray(w.T.astype(np.float32))
                state[f"{module}.self.{part}.bias"] = b.astype(np.float32)
    return state


def _module(output: str, marker: str) -> str:
    """``/network/encoder/encoder/layer.0/attention/output/dense/MatMul_output_0`` -> the torch module
    path ``encoder.encoder.layer.0.attention.output.dense`` ("" when the name says no module)."""
    if not output.startswith("/network/") or marker not in output:
        return ""
    return output[len("/network/") : output.index(marker)].replace("/", ".")


def load_model_weights(network: Any, model_dir: Path) -> int:
    """Load a shipped model folder's weights (graph and technique head) into `network`; returns how many
    tensors were loaded. `ModelError` in one line when the folder's graph does not fit the network (another
    base encoder, a foreign or broken graph)."""
    import torch

    graph = Path(model_dir) / ENCODER_FILE
    head = Path(model_dir) / HEAD_FILE
    for needed in (graph, head):
        if not needed.is_file():
            raise ModelError(f"{model_dir} is not a proplens model folder: no {needed.name}")
    state = graph_state(graph)
    try:
        with np.load(head) as arrays:
            state.update({HEAD_PARAMETERS[k]: arrays[k].astype(np.float32) for k in arrays.files})
    except (KeyError, ValueError, OSError) as error:
        raise ModelError(f"{head}: not a proplens technique head ({error})") from None
    expected = network.state_dict()
    # integer buffers (position ids) are not weights; the pooler and training-only heads are not exported
    needed_keys = {
        k
        for k, v in expected.items()
        if v.is_floating_point()
        and ".pooler." not in k
        and not k.startswith(("technique_tagger.", "token_feature_tagger."))
    }
    missing = sorted(needed_keys - set(state))
    unknown = sorted(set(state) - set(expected))
    if missing or unknown:
        raise ModelError(
            f"{model_dir}: its graph does not fit a {type(network.encoder).__name__} network "
            f"(missing {', '.join(missing[:3]) or 'nothing'}; unknown {', '.join(unknown[:3]) or 'nothing'})"
        )
    for key, value in state.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise ModelError(
                f"{model_dir}: {key} has shape {tuple(value.shape)}, the network {tuple(expected[key].shape)}"
            )
    network.load_state_dict({**expected, **{k: torch.from_numpy(v) for k, v in state.items()}})
    tagger = getattr(network, "token_feature_tagger", None)
    if tagger is not None and (Path(model_dir) / INFO_FILE).is_file():
        weights = ModelInfo.read(Path(model_dir) / INFO_FILE).token_feature_weights
        if len(weights) == tagger.weight.numel():
            with torch.no_grad():
                tagger.weight.copy_(torch.tensor(weights).reshape(tagger.weight.shape))
    return len(state)


def continued_config(config: TrainConfig) -> tuple[TrainConfig, ModelInfo, Path]:
    """With `TrainConfig.start_from`: the config with the start model's base encoder, window size and
    token-feature setting (its graph fixes them), the start model's `ModelInfo` and its folder."""
    folder = model_directory(config.start_from)
    if not (folder / INFO_FILE).is_file():
        raise ModelError(f"{config.start_from}: not a proplens model folder (no {INFO_FILE})")
    info = ModelInfo.read(folder / INFO_FILE)
    adopted = replace(
        config,
        base_encoder=info.base_encoder or config.base_encoder,
        max_tokens=info.max_tokens,
        overlap=info.overlap,
        token_features=bool(info.token_features),
    )
    return adopted, info, folder
