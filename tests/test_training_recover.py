"""Training continued from a shipped model: its weights recovered exactly from the int8-stored fused graph,
and a short run on a reviewed article after which the model finds the fragment a reviewer added."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from proplens.document import Article
from proplens.errors import ModelError
from tests.fixtures_models import TINY_ARTICLES

pytest.importorskip("torch")


def test_the_shipped_models_weights_come_back_from_its_graph() -> None:
    """The torch network with the recovered weights computes what the shipped ONNX graph computes."""
    import torch

    from proplens.models.onnx_encoder import OnnxEncoder
    from proplens.training.config import TrainConfig
    from proplens.training.network import new_network
    from proplens.training.recover import continued_config, load_model_weights

    config, info, folder = continued_config(TrainConfig(start_from="default"))
    assert config.base_encoder == info.base_encoder and config.max_tokens == info.max_tokens
    network = new_network(config)
    assert load_model_weights(network, folder) > 100
    ids = np.array([[101, 1996, 13593, 3664, 9828, 2153, 1012, 102]], dtype=np.int64)
    mask = np.ones_like(ids)
    network.eval()
    with torch.inference_mode():
        tags, hidden = network(torch.from_numpy(ids), torch.from_numpy(mask))
    onnx_tags, onnx_hidden = OnnxEncoder(folder / "encoder.onnx")(ids, mask)
    assert np.abs(tags.numpy() - onnx_tags).max() < 1e-4
    assert np.abs(hidden.numpy() - onnx_hidden).max() < 1e-4


def test_a_foreign_folder_cannot_be_continued_from(tiny_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from proplens.training.config import TrainConfig
    from proplens.training.network import new_network
    from proplens.training.recover import load_model_weights

    network = new_network(TrainConfig())  # all-MiniLM: the tiny model's graph does not fit it
    with pytest.raises(ModelError, match="does not fit a BertModel network"):
        load_model_weights(network, tiny_run[0] / "model")
    with pytest.raises(ModelError, match="not a proplens model folder"):
        load_model_weights(network, tmp_path)


def test_a_short_run_on_a_reviewed_article_learns_the_added_fragment(tiny_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from proplens.models.detector import load_detector
    from proplens.training.config import load_config
    from proplens.training.loop import train

    text = TINY_ARTICLES["3"]
    fragment = "Officials would review plan"
    start = text.index(fragment)
    reviewed = tmp_path / "reviewed"
    (reviewed / "reviewed-articles").mkdir(parents=True)
    (reviewed / "reviewed-articles" / "article77.txt").write_text(text, encoding="utf-8")
    (reviewed / "reviewed-task-flc-tc.labels").write_text(f"77\tDoubt\t{start}\t{start + len(fragment)}\n")

    def found(model: Path) -> list[tuple[str, str | None]]:
        analysis = load_detector(model).analyze([Article("77", text)])[0]
        return [(text[s.start : s.end], s.technique) for s in analysis.spans]

    run, corpus = tiny_run[0], tiny_run[0].parent / "corpus"
    assert (fragment, "Doubt") not in found(run / "model")
    config = replace(
        load_config(run / "train.toml"),
        start_from=str(run / "model"),
        extra_data=str(reviewed),
        extra_weight=20,
        epochs=3,
        average_last=1,
    )
    messages: list[str] = []
    train(config, corpus, tmp_path / "taught", log=messages.append)
    assert any(m.startswith("start: proplens-detector-0") for m in messages)
    assert (fragment, "Doubt") in found(tmp_path / "taught" / "model")
    info = load_detector(tmp_path / "taught" / "model").info
    assert info.version == "0+1r" and info.provenance["reviewed_articles"] == 1
    assert info.provenance["trained_from"] == "proplens-detector-0"


def test_train_from_a_model_with_reviewed_articles_on_the_command_line(tiny_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`proplens train --from MODEL --extra DIR` without --config: the teaching recipe, the start model's
    encoder and windows, a model that says what it was taught from."""
    import json

    from tests.conftest import invoke

    text = TINY_ARTICLES["3"]
    reviewed = tmp_path / "reviewed"
    (reviewed / "reviewed-articles").mkdir(parents=True)
    (reviewed / "reviewed-articles" / "article5.txt").write_text(text, encoding="utf-8")
    (reviewed / "reviewed-task-flc-tc.labels").write_text(
        f"5\tDoubt\t{text.index('Officials')}\t{len(text) - 2}\n"
    )
    run, corpus = tiny_run[0], tiny_run[0].parent / "corpus"
    code, _, err = invoke(
        "train", "--from", run / "model", "--extra", reviewed, "--data", corpus, "--out", tmp_path / "taught"
    )
    assert code == 0, err
    recipe = (tmp_path / "taught" / "train.toml").read_text()
    assert "epochs = 3" in recipe and "extra_weight = 20" in recipe and "max_tokens = 14" in recipe
    info = json.loads((tmp_path / "taught" / "model" / "detector.json").read_text())
    assert info["provenance"]["reviewed_articles"] == 1 and info["version"] == "0+1r"
    code, _, err = invoke("train", "--from", tmp_path / "nowhere", "--data", corpus, "--out", tmp_path / "x")
    assert code == 1 and "not a proplens model folder" in err and "Traceback" not in err
