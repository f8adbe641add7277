"""The ONNX encoder: each window alone, so neither padding, batch-mates nor threads change its outputs; and
the shipped graph computes the way its model says (see training/export.py)."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from proplens.errors import ModelError
from proplens.models.detector import DEFAULT_MODEL_DIR, ENCODER_FILE
from proplens.models.onnx_encoder import OnnxEncoder

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / ENCODER_FILE).is_file(), reason="no shipped model in this checkout"
)

GRAPH = DEFAULT_MODEL_DIR / ENCODER_FILE


def _batch(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


ROWS = [
    [101, 1996, 13593, 3664, 9828, 2153, 1012, 102],
    [101, *range(2000, 2120), 102],
    [101, 5256, 2039, 999, 102],
]


def test_a_window_gives_the_same_outputs_alone_padded_or_among_others() -> None:
    encoder = OnnxEncoder(GRAPH, threads=1)
    tags, hidden = encoder(*_batch(ROWS))
    for i, row in enumerate(ROWS):
        alone_tags, alone_hidden = encoder(*_batch([row]))
        assert np.array_equal(tags[i, : len(row)], alone_tags[0])
        assert np.array_equal(hidden[i, : len(row)], alone_hidden[0])
        assert not tags[i, len(row) :].any() and not hidden[i, len(row) :].any()


def test_threads_do_not_change_the_outputs() -> None:
    one = OnnxEncoder(GRAPH, threads=1)(*_batch(ROWS * 3))
    four = OnnxEncoder(GRAPH, threads=4)(*_batch(ROWS * 3))
    assert np.array_equal(one[0], four[0]) and np.array_equal(one[1], four[1])


def test_the_shipped_graph_stores_int8_weights_and_computes_in_fp32() -> None:
    """int8 arithmetic gave other spans on other CPUs (docs/detector.md); a graph with int8 kernels in it
    fails here."""
    model = onnx.load(str(GRAPH))
    operators = {node.op_type for node in model.graph.node}
    assert "DequantizeLinear" in operators
    assert not operators & {"MatMulInteger", "DynamicQuantizeMatMul", "QAttention", "QLinearMatMul"}
    stored = [i for i in model.graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert len(stored) >= 18


def test_a_file_that_is_not_a_graph_is_a_model_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "encoder.onnx"
    bad.write_bytes(b"not a graph")
    with pytest.raises(ModelError, match="cannot load the ONNX encoder"):
        OnnxEncoder(bad)
