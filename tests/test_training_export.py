"""Export steps that work on ONNX graphs alone: the ensemble graph and the int8 quantisation rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper, numpy_helper

from proplens.errors import ModelError
from proplens.training.export import ensemble_graph, quantize

HIDDEN = 64


def _tiny_encoder(path: Path, seed: int) -> None:
    """ids -> hidden (embedding lookup, 64 x 64 projection) -> tag logits: the encoder graph's shape."""
    rng = np.random.default_rng(seed)
    weights = {
        "embedding": rng.normal(size=(50, HIDDEN)),
        "projection": rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN),
        "tagger": rng.normal(size=(HIDDEN, 3)) / np.sqrt(HIDDEN),
    }
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("MatMul", ["embedded", "projection"], ["hidden"]),
        helper.make_node("MatMul", ["hidden", "tagger"], ["tag_logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", onnx.TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", onnx.TensorProto.INT64, ["batch", "tokens"]),
        ],
        [
            helper.make_tensor_value_info("tag_logits", onnx.TensorProto.FLOAT, ["batch", "tokens", 3]),
            helper.make_tensor_value_info("hidden", onnx.TensorProto.FLOAT, ["batch", "tokens", HIDDEN]),
        ],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def _run(path: Path, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tags, hidden = session.run(
        ["tag_logits", "hidden"], {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    )
    return tags, hidden


def _softmax(x: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


def test_the_ensemble_graph_averages_tag_probabilities_and_keeps_each_members_vectors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    members = [tmp_path / "a.onnx", tmp_path / "b.onnx"]
    for seed, path in enumerate(members):
        _tiny_encoder(path, seed)
    ensemble_graph(members, tmp_path / "ensemble.onnx")
    ids = np.array([[1, 7, 9, 3]], dtype=np.int64)
    (tags_a, hidden_a), (tags_b, hidden_b) = (_run(p, ids) for p in members)
    tags, hidden = _run(tmp_path / "ensemble.onnx", ids)
    assert np.allclose(_softmax(tags), (_softmax(tags_a) + _softmax(tags_b)) / 2, atol=1e-6)
    assert np.array_equal(hidden, np.concatenate([hidden_a, hidden_b], axis=-1))


def test_an_ensemble_needs_two_members(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _tiny_encoder(tmp_path / "a.onnx", 0)
    with pytest.raises(ModelError, match="at least two"):
        ensemble_graph([tmp_path / "a.onnx"], tmp_path / "e.onnx")


def test_quantize_stores_the_ensembles_matrices_as_int8_and_computes_in_fp32(tmp_path) -> None:  # type: ignore[no-untyped-def]
    members = [tmp_path / "a.onnx", tmp_path / "b.onnx"]
    for seed, path in enumerate(members):
        _tiny_encoder(path, seed)
    ensemble_graph(members, tmp_path / "ensemble.onnx")
    quantize(tmp_path / "ensemble.onnx", tmp_path / "int8.onnx")
    model = onnx.load(str(tmp_path / "int8.onnx"))
    operators = [n.op_type for n in model.graph.node]
    assert operators.count("DequantizeLinear") == 2  # the projections; embeddings and taggers are small
    assert not {"MatMulInteger", "DynamicQuantizeLinear", "QAttention"} & set(operators)
    ids = np.array([[1, 7, 9, 3]], dtype=np.int64)
    tags8, hidden8 = _run(tmp_path / "int8.onnx", ids)
    tags32, hidden32 = _run(tmp_path / "ensemble.onnx", ids)
    assert np.abs(_softmax(tags8) - _softmax(tags32)).max() < 0.05
    assert np.abs(hidden8 - hidden32).max() < 0.1


def test_a_large_graph_keeps_its_weights_in_parts_with_the_same_outputs(tmp_path: Path) -> None:
    from proplens.models.onnx_encoder import OnnxEncoder
    from proplens.training.export import store_in_parts

    graph = tmp_path / "model" / "encoder.onnx"
    graph.parent.mkdir()
    _tiny_encoder(graph, seed=3)
    ids = np.array([[1, 7, 42, 3]], dtype=np.int64)
    before = _run(graph, ids)
    assert store_in_parts(graph, part_bytes=1 << 20) == []  # small enough: untouched
    parts = store_in_parts(graph, part_bytes=14_000)  # 12.8 KB embedding, 16 KB projection, 768 B tagger
    assert [p.name for p in parts] == ["encoder.onnx.part-00", "encoder.onnx.part-01"]
    assert graph.stat().st_size < 2_000 and all(p.stat().st_size <= 16_384 for p in parts)
    moved = tmp_path / "elsewhere"
    graph.parent.rename(moved)  # the parts are found beside the graph, wherever the folder goes
    after = OnnxEncoder(moved / "encoder.onnx", threads=1)(ids, np.ones_like(ids))
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
