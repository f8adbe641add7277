"""Models made from finished runs: soups and output ensembles."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from proplens.errors import ModelError
from proplens.models.detector import load_detector
from proplens.training.runs import ensemble, soup


def test_soup_averages_runs_and_exports(tiny_run: tuple[Path, dict, list[str]], tmp_path: Path) -> None:
    """A soup of a run with a perturbed copy of itself: the mean lies between them and is exported."""
    import torch

    run = tiny_run[0]
    twin = tmp_path / "twin"
    shutil.copytree(run, twin, ignore=shutil.ignore_patterns("model", "*.onnx"))
    weights = torch.load(run / "best.pt", weights_only=True)
    key = next(k for k, v in weights.items() if v.is_floating_point())
    shifted = {k: (v + 1.0 if k == key else v) for k, v in weights.items()}
    torch.save(shifted, twin / "best.pt")
    messages: list[str] = []
    results = soup([run, twin], run.parent / "corpus", tmp_path / "soup", log=messages.append)
    averaged = torch.load(tmp_path / "soup" / "best.pt", weights_only=True)
    assert torch.allclose(averaged[key], weights[key] + 0.5)
    assert any(m.startswith("soup of 2 runs dev:") for m in messages)
    assert "onnx_int8" in results and (tmp_path / "soup" / "model" / "encoder.onnx").is_file()
    assert "(proplens soup)" in (tmp_path / "soup" / "train.toml").read_text(encoding="utf-8")
    with pytest.raises(ModelError, match="at least two"):
        soup([run], run.parent / "corpus", tmp_path / "x")
    with pytest.raises(ModelError, match="not a finished run"):
        soup([run, tmp_path / "nothing"], run.parent / "corpus", tmp_path / "x")


def test_an_ensemble_of_a_run_with_itself_reads_like_the_run(
    tiny_run: tuple[Path, dict, list[str]], tmp_path: Path
) -> None:
    """Two identical members: mean probabilities and mean head logits are the run's own, so the
    ensemble's span probabilities and technique probabilities match it; its token vectors are twice as
    wide."""
    from proplens import Article

    run = tiny_run[0]
    results = ensemble([run, run], run.parent / "corpus", tmp_path / "both", log=lambda _: None)
    assert "onnx_int8" in results
    assert "(proplens ensemble)" in (tmp_path / "both" / "train.toml").read_text(encoding="utf-8")
    single, both = load_detector(run / "model"), load_detector(tmp_path / "both" / "model")
    article = Article("a", "The corrupt mayor lied again. Vote them out! The mayor lied.")
    one, two = single.encode([article])[0], both.encode([article])[0]
    assert np.abs(one.span_probabilities - two.span_probabilities).max() < 1e-4
    assert two.hidden.shape[1] == 2 * one.hidden.shape[1]
    ranges = [(4, 17), (30, 44)]
    assert np.abs(single.classify(one, ranges) - both.classify(two, ranges)).max() < 1e-3
    with pytest.raises(ModelError, match="at least two"):
        ensemble([run], run.parent / "corpus", tmp_path / "x")
    with pytest.raises(ModelError, match="not an exported run"):
        ensemble([run, tmp_path / "nothing"], run.parent / "corpus", tmp_path / "x")
    with pytest.raises(ModelError, match="an ensemble already"):
        ensemble([tmp_path / "both", run], run.parent / "corpus", tmp_path / "x")
