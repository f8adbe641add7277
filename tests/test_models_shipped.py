"""The shipped default model: present, small enough, loadable, and still scoring what its model card says."""

import json

import pytest

from proplens.io import ptc
from proplens.models.detector import DEFAULT_MODEL_DIR, load_detector
from proplens.models.predict import dev_scores, encode_all
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "encoder.onnx").is_file(), reason="no shipped model in this checkout"
)


def test_shipped_files_fit_the_size_budget() -> None:
    total = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir() if f.is_file())
    assert total <= 40 * 1024 * 1024
    assert sorted(f.name for f in DEFAULT_MODEL_DIR.iterdir() if not f.name.startswith("_")) == [
        "detector.json",
        "encoder.onnx",
        "technique_head.npz",
        "tokenizer.json",
        "train.toml",
    ]


def test_loads_by_default_and_finds_the_loaded_words() -> None:
    detector = load_detector()
    assert detector.info.quantized
    from proplens import Article

    text = (
        "The corrupt, lying thugs in Washington want to destroy our great nation. "
        "Wake up, patriots: they will take everything you love!"
    )
    analysis = detector.analyze([Article("t", text)])[0]
    assert analysis.spans, "the shipped model finds nothing in an obviously loaded text"


def test_dev_scores_match_the_model_card(ptc_dir) -> None:  # type: ignore[no-untyped-def]
    detector = load_detector()
    recorded = detector.info.dev_scores["onnx_int8"]
    articles = ptc.read_articles(ptc_dir / "dev-articles")
    gold = ptc.read_technique_labels(ptc_dir / "dev-task-flc-tc.labels")
    scores = dev_scores(detector, encode_all(detector, articles), gold)
    card = (REPO / "MODEL_CARD.md").read_text(encoding="utf-8")
    for key in ("si_precision", "si_recall", "si_f1", "tc_micro_f1", "tc_macro_f1"):
        assert abs(scores[key] - recorded[key]) <= 0.01, (key, scores[key], recorded[key])
        assert f"{recorded[key]:.3f}" in card, f"MODEL_CARD.md does not state {key} = {recorded[key]:.3f}"
    assert json.loads((DEFAULT_MODEL_DIR / "detector.json").read_text())["dev_scores"]
