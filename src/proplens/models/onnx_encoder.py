"""Run the exported encoder graph with onnxruntime: token ids in, tag logits and token vectors out.

The shipped graph stores its weights as int8 and computes in fp32 (see `export.quantize`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from proplens.errors import ModelError

__all__ = ["OnnxEncoder"]


class OnnxEncoder:
    """A callable ``(input_ids, attention_mask) -> (tag_logits [B,T,3], hidden [B,T,H])`` on the CPU."""

    def __init__(self, path: str | Path, *, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # int8-stored weights (DequantizeLinear of a constant) are folded into fp32 constants at load time
        # instead of being kept for int8 kernels: fp32 arithmetic, the same answers on every CPU
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load the ONNX encoder {path}: {error}") from None
        self.path = Path(path)

    def __call__(
        self, input_ids: NDArray[np.int64], attention_mask: NDArray[np.int64]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        tag_logits, hidden = self.session.run(
            ["tag_logits", "hidden"], {"input_ids": input_ids, "attention_mask": attention_mask}
        )
        return np.asarray(tag_logits, dtype=np.float32), np.asarray(hidden, dtype=np.float32)
