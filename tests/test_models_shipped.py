"""The shipped default model: present, small enough, loadable, and still scoring what its model card says."""

import json

import numpy as np
import pytest

from proplens.io import ptc
from proplens.models.detector import DEFAULT_MODEL_DIR, load_detector
from proplens.models.predict import encode_all
from proplens.training.export import REFERENCE_TEXTS, reference_outputs
from proplens.training.measures import dev_scores
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


def test_reproduces_the_outputs_recorded_at_export_on_this_cpu() -> None:
    """Same spans, techniques, scores (3 decimals) and span probabilities (1e-5) as on the export machine,
    whatever this CPU's instruction set (AVX2, AVX-512, VNNI): see docs/detector.md."""
    detector = load_detector()
    recorded = detector.info.reference
    here = reference_outputs(detector)
    assert here["texts"] == recorded["texts"] and len(recorded["texts"]) >= 3
    for mine, theirs in zip(here["span_probabilities"], recorded["span_probabilities"], strict=True):
        assert len(mine) == len(theirs)
        assert np.abs(np.asarray(mine) - np.asarray(theirs)).max() <= 1e-5
    assert _rounded(here["spans"]) == _rounded(recorded["spans"])


def test_int8_span_probabilities_stay_close_to_fp32() -> None:
    """Quantisation with 7-bit weights moves a span probability by at most 0.1 (0.067 was the largest
    over the dev windows compared at export). Saturation is ruled out by the 7-bit range itself
    (test_models_onnx_encoder) and by the same outputs on emulated CPUs (test_models_portable)."""
    detector = load_detector()
    here = reference_outputs(detector)["span_probabilities"]
    fp32 = detector.info.reference["fp32_span_probabilities"]
    for mine, theirs in zip(here, fp32, strict=True):
        assert np.abs(np.asarray(mine) - np.asarray(theirs)).max() <= 0.1
    parity = detector.info.dev_scores["parity"]["onnx_int8_vs_onnx_fp32"]
    assert parity["span_probabilities"] <= 0.1


def test_an_article_gets_the_same_result_whatever_it_is_analysed_with() -> None:
    from proplens import Article

    detector = load_detector()
    alone = detector.analyze([Article("a", REFERENCE_TEXTS[1])])[0]
    among = detector.analyze([Article("b", REFERENCE_TEXTS[2] * 30), Article("a", REFERENCE_TEXTS[1])])[1]
    assert alone.spans == among.spans


def _rounded(spans: list[list[list[object]]]) -> list[list[tuple[object, ...]]]:
    return [[(s[0], s[1], s[2], round(float(s[3]), 3)) for s in article] for article in spans]  # type: ignore[arg-type]


def test_batched_windows_give_the_outputs_of_one_window_at_a_time() -> None:
    from proplens import Article
    from proplens.models.detector import Detector
    from proplens.models.onnx_encoder import OnnxEncoder

    shipped = load_detector(threads=2, batch_size=8)
    one = OnnxEncoder(shipped.encoder.path, threads=1)  # type: ignore[attr-defined]
    alone = Detector(shipped.tokenizer, one, shipped.head, shipped.info, batch_size=1)
    articles = [Article(str(i), text * (i + 1)) for i, text in enumerate(REFERENCE_TEXTS)]
    for a, b in zip(alone.encode(articles), shipped.encode(articles), strict=True):
        assert np.abs(a.span_probabilities - b.span_probabilities).max() <= 1e-5
        assert np.abs(a.hidden - b.hidden).max() <= 1e-5
