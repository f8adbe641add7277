"""Run the exported encoder graph with onnxruntime: token ids in, tag logits and token vectors out.

Every window goes through the graph alone and unpadded, on one core, and windows run side by side on the
others. Alone, a window's outputs cannot depend on its batch-mates or on padding. Side by side, two
windows on two cores ran as fast as one window on onnxruntime's two threads for the shipped fp32 graph
(6,907-7,464 vs 6,906-7,158 tokens/s, `benchmarks/encoder.py`, AVX-512 CPU) and 1.19x as fast for an int8
one (14,880 vs 12,534), so nothing is lost for the guarantee.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from proplens.errors import ModelError

__all__ = ["OnnxEncoder"]

Outputs = tuple[NDArray[np.float32], NDArray[np.float32]]


class OnnxEncoder:
    """A callable ``(input_ids, attention_mask) -> (tag_logits [B,T,3], hidden [B,T,H])`` on the CPU.

    `threads` windows run at once (0: one per core). Rows of a batch are run one by one without their
    padding, so a window's outputs never depend on the rest of the batch; padded positions come back as 0.
    """

    def __init__(self, path: str | Path, *, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # int8-stored weights (DequantizeLinear of a constant) are folded into fp32 constants at load time
        # instead of being handed to int8 kernels, which differ between CPUs (see export.quantize)
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load the ONNX encoder {path}: {error}") from None
        self.path = Path(path)
        self.threads = max(1, threads or os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(self.threads, "proplens-encoder") if self.threads > 1 else None

    def window(self, input_ids: NDArray[np.int64]) -> Outputs:
        """One unpadded window ``[T]`` -> ``(tag_logits [T,3], hidden [T,H])``."""
        ids = np.ascontiguousarray(input_ids, dtype=np.int64)[None, :]
        tag_logits, hidden = self.session.run(
            ["tag_logits", "hidden"], {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        )
        return np.asarray(tag_logits[0], dtype=np.float32), np.asarray(hidden[0], dtype=np.float32)

    def __call__(self, input_ids: NDArray[np.int64], attention_mask: NDArray[np.int64]) -> Outputs:
        lengths = [int(n) for n in np.asarray(attention_mask).sum(axis=1)]
        rows = [input_ids[i, :n] for i, n in enumerate(lengths)]
        results = list(self._pool.map(self.window, rows)) if self._pool else [self.window(r) for r in rows]
        width = input_ids.shape[1]
        tags_size, hidden_size = (results[0][0].shape[-1], results[0][1].shape[-1]) if results else (3, 0)
        tag_logits = np.zeros((len(rows), width, tags_size), dtype=np.float32)
        hidden = np.zeros((len(rows), width, hidden_size), dtype=np.float32)
        for i, (tags, vectors) in enumerate(results):
            tag_logits[i, : lengths[i]] = tags
            hidden[i, : lengths[i]] = vectors
        return tag_logits, hidden
