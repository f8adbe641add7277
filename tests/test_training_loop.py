"""A tiny end-to-end training run: a 1-layer random BERT on four invented articles, exported and reloaded."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from proplens.errors import FormatError, ModelError
from proplens.models.detector import load_detector
from proplens.training.config import TrainConfig, load_config

pytest.importorskip("torch")

from proplens.training.loop import train
from proplens.training.runs import ensemble


def test_loss_decreases(tiny_run: tuple[Path, dict, list[str]]) -> None:
    _, results, messages = tiny_run
    losses = [epoch["train_loss"] for epoch in results["history"]]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert any(m.startswith("epoch 1 dev: SI F1") for m in messages)


def test_last_epochs_are_averaged_and_compared(tiny_run: tuple[Path, dict, list[str]]) -> None:
    run, _, messages = tiny_run
    assert any(m.startswith("average of the last 2 dev: SI F1") for m in messages)
    assert (run / "epoch-3.pt").is_file() and (run / "epoch-4.pt").is_file()


def test_model_folder_is_complete_and_reloads(tiny_run: tuple[Path, dict, list[str]]) -> None:
    run, _, _ = tiny_run
    names = sorted(p.name for p in (run / "model").iterdir())
    assert names == ["detector.json", "encoder.onnx", "technique_head.npz", "tokenizer.json", "train.toml"]
    assert load_config(run / "model" / "train.toml").epochs == 4
    detector = load_detector(run / "model")
    assert detector.info.quantized and detector.info.max_tokens == 14
    assert set(detector.info.dev_scores) >= {"torch", "onnx_fp32", "onnx_int8", "parity", "operating_point"}
    analysis = detector.analyze([__import__("proplens").Article("x", "The corrupt mayor lied again.")])[0]
    assert all(span.technique for span in analysis.spans)


def test_onnx_fp32_matches_torch(tiny_run: tuple[Path, dict, list[str]]) -> None:
    """Parity: the exported fp32 graph reproduces torch's outputs (tolerance 1e-4), and so its dev scores."""
    _, results, _ = tiny_run
    assert results["parity"]["onnx_fp32_vs_torch"]["tag_logits"] < 1e-4
    assert results["parity"]["onnx_fp32_vs_torch"]["hidden"] < 1e-4
    for key in ("si_f1", "tc_micro_f1"):
        assert abs(results["onnx_fp32"][key] - results["torch"][key]) <= 0.005


def test_resume_continues_from_the_checkpoint(tiny_run: tuple[Path, dict, list[str]], tmp_path: Path) -> None:
    run, _, _ = tiny_run
    config = load_config(run / "train.toml")
    messages: list[str] = []
    results = train(config, run.parent / "corpus", run, resume=True, log=messages.append, export=False)
    assert any("resumed from" in m and "epoch 5" in m for m in messages)
    assert len(results["history"]) == 4  # nothing left to train


def test_bad_data_folder(tmp_path: Path) -> None:
    (tmp_path / "dev-articles").mkdir()
    (tmp_path / "dev-articles" / "article1.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FormatError, match="needs train-articles"):
        train(TrainConfig(base_encoder=str(tmp_path)), tmp_path, tmp_path / "run")


def test_technique_tagging_trains_an_auxiliary_head_that_is_not_exported(
    tiny_training_inputs: tuple[TrainConfig, Path], tmp_path: Path
) -> None:
    """Technique-aware tagging adds a training-only per-token technique loss: the run trains, its loss
    falls, and the exported graph has the same two outputs as any other run (the auxiliary head stays in
    best.pt)."""
    import onnx
    import torch

    tiny, corpus = tiny_training_inputs
    config = replace(tiny, epochs=2, technique_tagging_weight=1.0)
    results = train(config, corpus, tmp_path / "run", log=lambda _: None)
    losses = [epoch["train_loss"] for epoch in results["history"]]
    assert losses[-1] < losses[0]
    state = torch.load(tmp_path / "run" / "best.pt", weights_only=True)
    assert state["technique_tagger.weight"].shape[0] == 14
    graph = onnx.load(str(tmp_path / "run" / "model" / "encoder.onnx"))
    assert [o.name for o in graph.graph.output] == ["tag_logits", "hidden"]
    assert load_detector(tmp_path / "run" / "model").analyze([__import__("proplens").Article("x", "A b.")])


def test_token_features_train_weights_that_the_exported_detector_applies(
    tiny_training_inputs: tuple[TrainConfig, Path], tmp_path: Path
) -> None:
    """With `token_features` the tagger learns weights for the surface signals; they are exported into
    detector.json (not the graph), the loaded detector applies them, and its span probabilities are the
    ones the torch network gives with the same signals."""
    import onnx
    import torch

    from proplens.models.detector import ModelInfo
    from proplens.models.token_features import TOKEN_FEATURE_NAMES

    tiny, corpus = tiny_training_inputs
    config = replace(tiny, epochs=2, token_features=True)
    train(config, corpus, tmp_path / "run", log=lambda _: None)
    state = torch.load(tmp_path / "run" / "best.pt", weights_only=True)
    weights = state["token_feature_tagger.weight"]
    assert weights.shape == (3, len(TOKEN_FEATURE_NAMES)) and float(weights.abs().sum()) > 0
    info = ModelInfo.read(tmp_path / "run" / "model" / "detector.json")
    assert info.token_features == TOKEN_FEATURE_NAMES
    assert np.allclose(info.token_feature_weights, weights.reshape(-1).numpy(), atol=1e-6)
    graph = onnx.load(str(tmp_path / "run" / "model" / "encoder.onnx"))
    assert [i.name for i in graph.graph.input] == ["input_ids", "attention_mask"]
    # the detector (numpy, after the int8-stored graph) and the torch network agree on a text's span
    # probabilities, so training and inference compute and line up the signals the same way
    from proplens.document import Article
    from proplens.models.heads import softmax
    from proplens.models.token_features import token_features
    from proplens.training.network import new_network

    detector = load_detector(tmp_path / "run" / "model")
    encoded = detector.encode([Article("x", "The SHOCKING truth about THEM!")])[0]
    network = new_network(config)
    network.load_state_dict(state)
    network.eval()
    ids = torch.tensor([[*detector.prefix, *encoded.tokens.ids, *detector.suffix]])
    signals = torch.zeros((1, ids.shape[1], len(TOKEN_FEATURE_NAMES)))
    signals[0, 1:-1] = torch.from_numpy(token_features(encoded.article.text, encoded.tokens.offsets))
    with torch.inference_mode():
        tag_logits, _ = network(ids, torch.ones_like(ids))
        plain = 1 - softmax(tag_logits.numpy())[0, 1:-1, 0]
        with_signals = 1 - softmax((tag_logits + network.token_feature_logits(signals)).numpy())[0, 1:-1, 0]
    assert np.abs(encoded.span_probabilities - with_signals).max() < 0.01
    assert np.abs(plain - with_signals).max() > 0.01
    # an output ensemble averages graph probabilities the signals have not moved yet: refused
    with pytest.raises(ModelError, match="cannot combine taggers that read token features"):
        ensemble([tmp_path / "run", tmp_path / "run"], corpus, tmp_path / "ensemble")


def test_shifted_windows_give_later_epochs_other_window_plans_of_the_same_length(
    tiny_training_inputs: tuple[TrainConfig, Path], tmp_path: Path
) -> None:
    """With `shift_windows` epochs 2+ cut the articles at other places (logged) and still run as many
    steps as the first; the run trains and exports like any other."""
    tiny, corpus = tiny_training_inputs
    messages: list[str] = []
    results = train(
        replace(tiny, epochs=3, shift_windows=True), corpus, tmp_path / "run", log=messages.append
    )
    shifts = [m for m in messages if "windows shifted by" in m]
    assert [m.split(":")[0] for m in shifts] == ["epoch 2", "epoch 3"]
    steps = {m.split(" step ")[1].split()[0].split("/")[1] for m in messages if " step " in m}
    assert len(steps) == 1  # the same number of steps in every epoch
    assert len(results["history"]) == 3 and (tmp_path / "run" / "model" / "encoder.onnx").is_file()


def test_shifting_a_window_plan_keeps_every_gold_span_and_tag(tiny_tokenizer: object) -> None:
    from proplens.document import Annotation, Article, Span
    from proplens.training.examples import build_examples

    article = Article("a", "the corrupt mayor lied again and again , crooks in charge of the radical thugs .")
    gold = [
        Annotation("a", Span(4, 17, "Loaded_Language")),
        Annotation("a", Span(41, 47, "Name_Calling,Labeling")),
    ]
    for shift in range(4):
        examples = build_examples(tiny_tokenizer, [article], gold, max_tokens=6, overlap=1, shift=shift)
        assert sum(len(e.spans) for e in examples) == 2
        assert examples[0].window.token_end == 6 - shift
        tags = {e.window.token_start + i: t for e in examples for i, t in enumerate(e.tags)}
        assert sorted(tags.values()).count(1) == 2  # each gold span begins once, whatever the plan


def test_config_refuses_an_unknown_precision_and_negative_freezing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[train]\nprecision = "fp8"\n', encoding="utf-8")
    with pytest.raises(FormatError, match="precision must be auto, fp32 or bf16"):
        load_config(bad)
    bad.write_text("[train]\nfreeze_layers = -1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="freeze_layers must not be negative"):
        load_config(bad)
