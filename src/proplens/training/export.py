"""From a trained torch network to a shippable model directory: ONNX export, graph fusion, int8, parity.

The directory ``<out>/model/`` gets exactly the files `load_detector` reads (``encoder.onnx`` int8,
``tokenizer.json``, ``technique_head.npz``, ``detector.json``, ``train.toml``); the fp32 graphs stay in
``<out>/`` for comparison. Dev scores of torch, ONNX fp32 and ONNX int8 at the same operating point are
recorded in ``detector.json``, with the largest output differences and reference outputs of a few short
texts that every CPU must reproduce (see docs/detector.md, "Same answers on every CPU").
Needs the ``train`` extra.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from proplens.errors import ModelError
from proplens.models.detector import (
    ENCODER_FILE,
    HEAD_FILE,
    INFO_FILE,
    TOKENIZER_FILE,
    Detector,
    ModelInfo,
)
from proplens.models.heads import EnsembleHead, TechniqueHead, softmax
from proplens.models.onnx_encoder import OnnxEncoder
from proplens.models.predict import encode_all
from proplens.models.windows import tokenize
from proplens.training.config import TrainConfig
from proplens.training.measures import dev_scores, paragraph_agreement
from proplens.training.tuning import DECODING_RULES, reporting_changes, tune_decoder, tune_reporting

__all__ = [
    "ensemble_graph",
    "export_onnx",
    "finalize",
    "finish",
    "optimize",
    "quantize",
    "retune",
]


def export_onnx(network: Any, path: Path) -> None:
    """Export ids/mask -> (tag_logits, hidden) with dynamic batch and length (TorchScript exporter).

    Attention is exported in its plain ("eager") form: onnxruntime's transformer optimiser recognises that
    pattern and fuses it into one Attention node, which it cannot do with the SDPA form.
    """
    import torch

    from proplens.training.network import EncoderGraph

    if hasattr(network.encoder, "set_attn_implementation"):
        network.encoder.set_attn_implementation("eager")
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


def optimize(source: Path, target: Path, *, num_heads: int, hidden_size: int) -> None:
    """onnxruntime's BERT graph fusions: one Attention node per layer, embeddings + LayerNorm, skip +
    LayerNorm, bias + GELU. Fewer, larger kernels; the same outputs within float rounding."""
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(
        str(source), model_type="bert", num_heads=num_heads, hidden_size=hidden_size, opt_level=1
    )
    model.save_model_to_file(str(target))


def quantize(source: Path, target: Path) -> None:
    """Store every weight matrix as int8 (symmetric, one scale per output column); compute in fp32.

    Each matrix becomes an int8 initializer and a DequantizeLinear node, which onnxruntime folds back into
    an fp32 constant when the session is created (`OnnxEncoder`), so the file is a quarter of the fp32
    graph and the arithmetic is fp32: CPUs differ by float rounding (1e-6), so every CPU gives the same
    spans and scores. Why not int8 arithmetic: onnxruntime's int8 kernels and the float kernels around
    them differ between instruction sets, and int8 models gave other spans on other CPUs, even with
    7-bit weights that rule out AVX2's saturation (docs/detector.md).
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    initializers, dequantize = [], []
    for initializer in graph.initializer:
        weight = numpy_helper.to_array(initializer)
        if weight.dtype != np.float32 or weight.ndim != 2 or weight.size < 4096:
            initializers.append(initializer)
            continue
        scale = (np.abs(weight).max(axis=0) / 127.0).astype(np.float32)
        scale[scale == 0] = 1.0
        values = np.clip(np.round(weight / scale), -127, 127).astype(np.int8)
        name = initializer.name
        initializers += [
            numpy_helper.from_array(values, f"{name}_int8"),
            numpy_helper.from_array(scale, f"{name}_scale"),
        ]
        dequantize.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{name}_int8", f"{name}_scale"],
                [name],
                axis=1,
                name=f"{name}_dequantize",
            )
        )
    nodes = list(graph.node)
    del graph.initializer[:], graph.node[:]
    graph.initializer.extend(initializers)
    graph.node.extend(dequantize + nodes)
    onnx.save(model, str(target))


def max_logit_difference(
    a: Any, b: Any, windows: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]
) -> dict[str, float]:
    """Largest absolute difference of tag logits, span probabilities and token vectors of two encoders."""
    tags, spans, hidden = 0.0, 0.0, 0.0
    for ids, mask in windows:
        tag_a, hid_a = a(ids, mask)
        tag_b, hid_b = b(ids, mask)
        keep = mask.astype(bool)
        tags = max(tags, float(np.abs(tag_a - tag_b)[keep].max()))
        span_a, span_b = 1 - softmax(tag_a)[..., 0], 1 - softmax(tag_b)[..., 0]
        spans = max(spans, float(np.abs(span_a - span_b)[keep].max()))
        hidden = max(hidden, float(np.abs(hid_a - hid_b)[keep].max()))
    return {"tag_logits": tags, "span_probabilities": spans, "hidden": hidden}


REFERENCE_TEXTS = (
    "The corrupt mayor lied again. Vote them out!",
    "Councillor Brandt, a known crook and a puppet of the developers, calls the vote a “consultation”.",
    "Wake up, patriots: the reckless elite will take everything you love, and nobody will stop them!",
)
"""Short invented texts whose outputs every CPU must reproduce (recorded at export; tests compare)."""


def reference_outputs(detector: Detector) -> dict[str, Any]:
    """Span probabilities (7 decimals) and the analysed spans of `REFERENCE_TEXTS`, as recorded in
    ``detector.json``: the shipped model must give these on any CPU (tests/test_models_shipped.py)."""
    from proplens.document import Article

    articles = [Article(f"reference-{i}", text) for i, text in enumerate(REFERENCE_TEXTS)]
    encoded = detector.encode(articles)
    analyses = detector.analyze(articles)
    return {
        "texts": list(REFERENCE_TEXTS),
        "span_probabilities": [[round(float(p), 7) for p in e.span_probabilities] for e in encoded],
        "spans": [[[s.start, s.end, s.technique, s.score] for s in a.spans] for a in analyses],
    }


PART_BYTES = 40 * 1024 * 1024
"""A graph larger than this keeps its weights in ``<graph>.part-NN`` files of at most this size beside it
(ONNX external data, read by onnxruntime from the graph's folder): no file of a model package is too large
for a repository or a package index."""


def store_in_parts(graph: Path, *, part_bytes: int = PART_BYTES) -> list[Path]:
    """Move the weights of `graph` into ``<graph>.part-00``, ``-01``, ... (each at most `part_bytes`, a
    larger single weight alone in its part) and rewrite `graph` to point at them; returns the parts. A
    graph already smaller than `part_bytes` is left as it is."""
    import onnx
    from onnx.external_data_helper import set_external_data

    if graph.stat().st_size <= part_bytes:
        return []
    model = onnx.load(str(graph))
    for old in graph.parent.glob(f"{graph.name}.part-*"):
        old.unlink()
    parts: list[Path] = []
    handle = None
    used = 0
    try:
        for tensor in model.graph.initializer:
            data = tensor.raw_data
            if len(data) < 1024:
                continue
            if handle is None or (used and used + len(data) > part_bytes):
                if handle is not None:
                    handle.close()
                parts.append(graph.parent / f"{graph.name}.part-{len(parts):02d}")
                handle, used = parts[-1].open("wb"), 0
            handle.write(data)
            set_external_data(tensor, location=parts[-1].name, offset=used, length=len(data))
            tensor.ClearField("raw_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
            used += len(data)
    finally:
        if handle is not None:
            handle.close()
    onnx.save(model, str(graph))
    return parts


def parity_batches(detector: Detector, articles: Any) -> list[tuple[Any, Any]]:
    """A few padded batches of real dev windows (short and full-length) to compare encoders on."""
    ids = [i for article in articles[:8] for i in tokenize(detector.tokenizer, article.text).ids]
    size = detector.info.max_tokens
    windows = [ids[k : k + size] for k in range(0, min(len(ids), 8 * size), size)]
    groups = [windows[:4], [w[:7] for w in windows[:2]], windows[4:]]
    return [detector._pad(group) for group in groups if group]


def finalize(
    network: Any,
    tokenizer: Any,
    config: TrainConfig,
    corpus: Any,
    out: Path,
    *,
    log: Any = print,
    compare_variants: bool = True,
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Export the torch network to a fused fp32 graph, then `finish` it (int8, dev tuning, scores)."""
    from proplens.training.network import TorchEncoder

    torch_encoder = TorchEncoder(network)
    exported, fp32 = out / "encoder-fp32-unfused.onnx", out / "encoder-fp32.onnx"
    export_onnx(network, exported)
    encoder_config = network.encoder.config
    optimize(
        exported,
        fp32,
        num_heads=int(encoder_config.num_attention_heads),
        hidden_size=int(encoder_config.hidden_size),
    )
    return finish(
        fp32,
        network.numpy_head(),
        tokenizer,
        config,
        corpus,
        out,
        torch_encoder=torch_encoder,
        log=log,
        token_features=network.token_feature_settings(),
        compare_variants=compare_variants,
        provenance=provenance,
    )


def finish(
    fp32: Path,
    head: TechniqueHead | EnsembleHead,
    tokenizer: Any,
    config: TrainConfig,
    corpus: Any,
    out: Path,
    *,
    torch_encoder: Any = None,
    log: Any = print,
    token_features: dict[str, Any] | None = None,
    compare_variants: bool = True,
    provenance: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """From a fused fp32 graph and its technique head to ``<out>/model``: int8 graph, the operating point
    tuned on dev (and cross-validated), calibration, dev scores of every variant, parity, reference
    outputs. ``<out>`` must hold ``tokenizer.json`` and ``train.toml``. `token_features`: the surface
    signal settings of the tagger (`DetectorNetwork.token_feature_settings`), if it reads them.
    `compare_variants=False` scores only the shipped int8 graph on dev (the torch and fp32 graphs are still
    compared with it on a few windows): for a large encoder, each dev pass costs minutes."""
    info = ModelInfo(
        max_tokens=config.max_tokens,
        overlap=config.overlap,
        base_encoder=config.base_encoder,
        quantized=True,
        **DECODING_RULES,
        **(token_features or {}),
        **_named(provenance),
    )
    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    quantize(fp32, model_dir / ENCODER_FILE)
    onnx32 = OnnxEncoder(fp32)
    onnx8 = OnnxEncoder(model_dir / ENCODER_FILE)
    windows = parity_batches(Detector(tokenizer, onnx32, head, info), corpus.dev_articles)
    parity = {"onnx_int8_vs_onnx_fp32": max_logit_difference(onnx32, onnx8, windows)}
    results: dict[str, Any] = {"parity": parity}
    if torch_encoder is not None:
        parity["onnx_fp32_vs_torch"] = max_logit_difference(torch_encoder, onnx32, windows)
        parity["onnx_int8_vs_torch"] = max_logit_difference(torch_encoder, onnx8, windows)
    shipped = Detector(tokenizer, onnx8, head, info)
    shipped_encoded = encode_all(shipped, corpus.dev_articles)
    info, point = tune_decoder(shipped, shipped_encoded, corpus.dev_gold)
    info, reporting = tune_reporting(
        Detector(tokenizer, onnx8, head, info), shipped_encoded, corpus.dev_gold, log=log
    )
    point.update(reporting.pop("min_score_point", {}))
    results["operating_point"] = point
    results.update(reporting)
    log(f"operating point (tuned on dev, int8): {point}")
    variants = [("torch", torch_encoder)] if torch_encoder is not None else []
    variants.append(("onnx_fp32", onnx32))
    if not compare_variants:
        variants = []
    for name, encoder in (*variants, ("onnx_int8", onnx8)):
        detector = Detector(tokenizer, encoder, head, info)
        encoded = shipped_encoded if name == "onnx_int8" else encode_all(detector, corpus.dev_articles)
        results[name] = dev_scores(detector, encoded, corpus.dev_gold)
        log(f"{name} dev: {_brief(results[name])}")

    results["paragraph_agreement"] = paragraph_agreement(
        Detector(tokenizer, onnx8, head, info), corpus.dev_articles, encoded=shipped_encoded
    )
    log(f"paragraphs alone vs inside their article (dev): {results['paragraph_agreement']}")
    reference = reference_outputs(Detector(tokenizer, onnx8, head, info))
    reference["fp32_span_probabilities"] = reference_outputs(Detector(tokenizer, onnx32, head, info))[
        "span_probabilities"
    ]
    store_in_parts(model_dir / ENCODER_FILE)
    np.savez(model_dir / HEAD_FILE, **head.state())  # type: ignore[arg-type]
    shutil.copy(out / TOKENIZER_FILE, model_dir / TOKENIZER_FILE)
    shutil.copy(out / "train.toml", model_dir / "train.toml")
    replace(info, dev_scores=results, reference=reference).write(model_dir / INFO_FILE)
    log(f"wrote {model_dir}: {sum(f.stat().st_size for f in model_dir.iterdir()) / 1e6:.1f} MB")
    return results


def _named(provenance: dict[str, Any] | None) -> dict[str, Any]:
    """A model taught from another gets a version that says so (``5.1+12r``: 12 reviewed articles) and
    keeps its provenance; others keep the defaults."""
    if not provenance or not provenance.get("trained_from"):
        return {"provenance": provenance or {}}
    base = str(provenance["trained_from"]).removeprefix("proplens-detector-")
    return {"version": f"{base}+{provenance.get('reviewed_articles', 0)}r", "provenance": provenance}


def retune(model_dir: Path, corpus: Any, *, version: str, log: Any = print) -> dict[str, Any]:
    """Tune what an exported model reports (`tune_reporting`) again, without touching its graph or head:
    for models exported before candidates and a default minimum score existed. Rewrites its
    ``detector.json`` under a new `version` (its outputs change), with new dev scores and reference
    outputs."""
    from proplens.models.detector import load_detector

    detector = load_detector(model_dir)
    encoded = encode_all(detector, corpus.dev_articles)
    info, reporting = tune_reporting(detector, encoded, corpus.dev_gold, log=log)
    results = dict(detector.info.dev_scores)
    results["operating_point"] = {
        **results.get("operating_point", {}),
        **reporting.pop("min_score_point", {}),
    }
    results.update(reporting)
    tuned = detector.with_operating_point(**reporting_changes(info))
    results["onnx_int8"] = dev_scores(tuned, encoded, corpus.dev_gold)
    for stale in ("torch", "onnx_fp32"):  # measured with the old reporting rules
        results.pop(stale, None)
    log(f"onnx_int8 dev: {_brief(results['onnx_int8'])}")
    results["paragraph_agreement"] = paragraph_agreement(tuned, corpus.dev_articles, encoded=encoded)
    log(f"paragraphs alone vs inside their article (dev): {results['paragraph_agreement']}")
    reference = reference_outputs(tuned)
    reference["fp32_span_probabilities"] = detector.info.reference.get("fp32_span_probabilities", [])
    replace(info, version=version, dev_scores=results, reference=reference).write(model_dir / INFO_FILE)
    return results


def ensemble_graph(sources: list[Path], target: Path) -> None:
    """One graph running several fused fp32 encoder graphs side by side on the same token ids.

    Outputs: ``tag_logits``, the log of the members' mean tag probabilities (so a softmax gives that mean),
    and ``hidden``, the members' token vectors one after the other (`heads.EnsembleHead` splits them).
    One graph, one session: the members share onnxruntime's start-up and each window is still one call.
    """
    import onnx
    from onnx import compose, helper, numpy_helper

    if len(sources) < 2:
        raise ModelError("an ensemble needs at least two members")
    nodes: list[Any] = []
    initializers: list[Any] = []
    opsets: dict[str, int] = {}
    first = onnx.load(str(sources[0]))
    for i, source in enumerate(sources):
        member = compose.add_prefix(onnx.load(str(source)), f"m{i}/")
        shared = {f"m{i}/input_ids": "input_ids", f"m{i}/attention_mask": "attention_mask"}
        for node in member.graph.node:
            for k, name in enumerate(node.input):
                node.input[k] = shared.get(name, name)
            nodes.append(node)
        initializers.extend(member.graph.initializer)
        for opset in member.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
    count = len(sources)
    nodes += [
        helper.make_node("Softmax", [f"m{i}/tag_logits"], [f"m{i}/tag_p"], axis=-1) for i in range(count)
    ]
    initializers.append(numpy_helper.from_array(np.array(count, dtype=np.float32), "ensemble_members"))
    nodes += [
        helper.make_node("Sum", [f"m{i}/tag_p" for i in range(count)], ["ensemble_tag_sum"]),
        helper.make_node("Div", ["ensemble_tag_sum", "ensemble_members"], ["ensemble_tag_mean"]),
        helper.make_node("Log", ["ensemble_tag_mean"], ["tag_logits"]),
        helper.make_node("Concat", [f"m{i}/hidden" for i in range(count)], ["hidden"], axis=-1),
    ]
    outputs = [
        helper.make_tensor_value_info("tag_logits", onnx.TensorProto.FLOAT, ["batch", "tokens", 3]),
        helper.make_tensor_value_info("hidden", onnx.TensorProto.FLOAT, ["batch", "tokens", "hidden"]),
    ]
    graph = helper.make_graph(nodes, "proplens-ensemble", list(first.graph.input), outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()])
    model.ir_version = first.ir_version
    onnx.save(model, str(target))


def _brief(scores: dict[str, float]) -> str:
    return (
        f"SI P {scores['si_precision']:.4f} R {scores['si_recall']:.4f} F1 {scores['si_f1']:.4f}; "
        f"TC micro-F1 {scores['tc_micro_f1']:.4f} macro-F1 {scores['tc_macro_f1']:.4f}"
    )
