"""The accurate model (packages/proplens-accurate): installed by `make install`, loaded by name, the same
answers as at export, its figures in the model card. Skips where the package or its files are absent."""

from __future__ import annotations

import numpy as np
import pytest

from proplens.models.catalog import named_models
from proplens.models.detector import load_detector
from proplens.training.export import reference_outputs
from tests.conftest import REPO

FOLDER = dict((m.name, f) for m, f in named_models())["accurate"]
pytestmark = pytest.mark.skipif(FOLDER is None, reason="the accurate model is not installed (make install)")


def test_its_files_and_size() -> None:
    assert FOLDER is not None
    names = sorted(f.name for f in FOLDER.iterdir() if not f.name.startswith(("_", "encoder.onnx.part-")))
    assert names == ["detector.json", "encoder.onnx", "technique_head.npz", "tokenizer.json", "train.toml"]
    assert sum(f.stat().st_size for f in FOLDER.iterdir()) <= 150 * 1024 * 1024
    assert all(f.stat().st_size <= 40 * 1024 * 1024 for f in FOLDER.iterdir())  # each fits a repository


def test_loads_by_name_with_its_own_encoder_and_windows() -> None:
    detector = load_detector("accurate")
    assert detector.info.base_encoder == "all-mpnet-base-v2" and detector.info.quantized
    assert detector.info.max_tokens == 254 and detector.info.min_score is not None


def test_reproduces_the_outputs_recorded_at_export_on_this_cpu() -> None:
    detector = load_detector("accurate")
    recorded, here = detector.info.reference, reference_outputs(detector)
    for mine, theirs in zip(here["span_probabilities"], recorded["span_probabilities"], strict=True):
        assert np.abs(np.asarray(mine) - np.asarray(theirs)).max() <= 1e-5
    rounded = [[(s[0], s[1], s[2], round(float(s[3]), 3)) for s in a] for a in here["spans"]]
    assert rounded == [[(s[0], s[1], s[2], round(float(s[3]), 3)) for s in a] for a in recorded["spans"]]


def test_the_model_card_states_its_dev_figures() -> None:
    scores = load_detector("accurate").info.dev_scores["onnx_int8"]
    card = (REPO / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## The accurate model" in card
    for key in ("si_precision", "si_recall", "si_f1", "tc_micro_f1", "tc_macro_f1"):
        assert f"{scores[key]:.3f}" in card, f"MODEL_CARD.md does not state the accurate model's {key}"


def test_proplens_model_lists_both_models() -> None:
    from typer.testing import CliRunner

    from proplens.cli import app

    result = CliRunner().invoke(app, ["model"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "default" in result.output and "accurate" in result.output and "all-mpnet-base-v2" in result.output
