"""The detector's inference path with a fake encoder: batching, stitching, decoding, classification."""

from pathlib import Path

import numpy as np
import pytest

from proplens.document import Annotation, Article, Span
from proplens.errors import ModelError
from proplens.models.detector import Detector, load_detector
from proplens.models.heads import pool
from proplens.models.predict import predict_si, predict_tc
from proplens.techniques import PTC_TECHNIQUE_IDS
from tests.conftest import EXAMPLES
from tests.fixtures_models import LOADED, NAME

ARTICLES = [
    Article("1", "The corrupt mayor lied again, crooks in charge.\n\nVote them out!"),
    Article("2", "Radical thugs destroy our great nation."),
    Article("3", ""),
]


def test_windows_of_all_articles_share_sorted_batches(detector: Detector) -> None:
    encoded = detector.encode(ARTICLES)
    assert [len(e.tokens) for e in encoded] == [len(e.span_probabilities) for e in encoded]
    assert encoded[2].span_probabilities.shape == (0,)
    calls = detector.encoder.calls  # type: ignore[attr-defined]
    assert all(batch <= 3 for batch, _ in calls)
    widths = [width for _, width in calls]
    assert widths == sorted(widths)  # short windows first, so little padding


def test_spans_are_character_ranges_of_the_hot_words(detector: Detector) -> None:
    encoded = detector.encode(ARTICLES)
    text = ARTICLES[0].text
    assert [text[s:e] for s, e, _ in detector.find_spans(encoded[0])] == ["corrupt", "crooks"]
    assert [ARTICLES[1].text[s:e] for s, e, _ in detector.find_spans(encoded[1])] == ["Radical thugs"]
    assert all(score > 0.99 for *_, score in detector.find_spans(encoded[1]))
    assert detector.find_spans(encoded[0], minimum=1.01) == []


def test_classify_pools_the_fragment_tokens(detector: Detector) -> None:
    encoded = detector.encode(ARTICLES[:1])[0]
    text = encoded.article.text
    ranges = [(text.index("corrupt"), text.index("corrupt") + 7), (text.index("Vote"), len(text))]
    probabilities = detector.classify(encoded, ranges)
    assert probabilities.shape == (2, 14)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert probabilities[0].argmax() == LOADED and probabilities[1].argmax() == NAME


def test_analyze_returns_spans_with_technique_and_score(detector: Detector) -> None:
    analyses = detector.analyze(ARTICLES)
    assert [len(a.spans) for a in analyses] == [2, 1, 0]
    first = analyses[0].spans[0]
    assert first.technique == "Loaded_Language" and (first.score or 0) > 0.99
    assert 0.8 < (first.technique_score or 0) < 0.95


def test_predict_si_and_tc_in_official_shapes(detector: Detector) -> None:
    si = predict_si(detector, ARTICLES)
    assert [(a.article_id, a.span.technique) for a in si] == [("1", None), ("1", None), ("2", None)]
    text = ARTICLES[0].text
    start = text.index("corrupt")
    template = [
        Annotation("1", Span(start, start + 7)),
        Annotation("2", Span(0, 13)),
        Annotation("1", Span(start, start + 7)),  # listed twice: gets the second-best technique
    ]
    tc = predict_tc(detector, ARTICLES, template)
    assert [(a.article_id, a.span.start) for a in tc] == [(a.article_id, a.span.start) for a in template]
    assert tc[0].span.technique == "Loaded_Language" and tc[1].span.technique == "Loaded_Language"
    assert tc[2].span.technique == "Name_Calling,Labeling"


def test_pool_is_mean_first_last() -> None:
    hidden = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(pool(hidden, 1, 3), [4.5, 5.5, 6.5, 3, 4, 5, 6, 7, 8])


def test_operating_point_is_replaceable(detector: Detector) -> None:
    assert detector.with_operating_point(threshold=0.9).info.threshold == 0.9
    assert detector.info.threshold == 0.5


def test_loading_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"missing encoder\.onnx"):
        load_detector(tmp_path)


def test_repetition_boost_applies_to_fragments_seen_three_times(detector: Detector) -> None:
    article = Article("r", "Never forget, radical thugs. Never forget the crooks. Never forget!")
    encoded = detector.encode([article])[0]
    ranges = [(0, 12), (14, 27)]  # "Never forget" (3 times), "radical thugs" (once)
    repetition = PTC_TECHNIQUE_IDS.index("Repetition")
    assert detector.classify(encoded, ranges).argmax(axis=1).tolist() == [NAME, LOADED]
    boosted = detector.with_operating_point(repetition_boost=10.0).classify(encoded, ranges)
    assert boosted.argmax(axis=1).tolist() == [repetition, LOADED]


def test_a_model_naming_an_unknown_decoder_is_refused(detector: Detector) -> None:
    from dataclasses import replace

    with pytest.raises(ModelError, match="unknown decoder 'beam'"):
        Detector(detector.tokenizer, detector.encoder, detector.head, replace(detector.info, decoder="beam"))


def test_token_feature_weights_move_the_tag_logits_of_the_tokens_with_that_signal(detector: Detector) -> None:
    """A weight on "all_caps" for I raises the span probability of SHOUTED words only; the fake encoder's
    own logits are left as they were (the detector adds to a copy)."""
    from proplens.models.token_features import TOKEN_FEATURE_NAMES

    weights = np.zeros((3, len(TOKEN_FEATURE_NAMES)), dtype=np.float32)
    weights[2, TOKEN_FEATURE_NAMES.index("all_caps")] = 12.0
    shouting = detector.with_operating_point(
        token_features=TOKEN_FEATURE_NAMES, token_feature_weights=tuple(weights.reshape(-1).tolist())
    )
    article = Article("caps", "The MAYOR lied again.")
    before = detector.encode([article])[0].span_probabilities
    after = shouting.encode([article])[0].span_probabilities
    changed = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if abs(a - b) > 1e-6]
    offsets = detector.encode([article])[0].tokens.offsets
    assert [article.text[slice(*offsets[i])] for i in changed] == ["mayor".upper()]
    assert after[changed[0]] > 0.95 > before[changed[0]] and np.allclose(
        detector.encode([article])[0].span_probabilities, before
    )


@pytest.mark.parametrize(
    ("names", "weights", "message"),
    [
        (("capitalised", "sarcasm"), (0.0,) * 6, "differ from this proplens's: sarcasm"),
        (None, (0.0,) * 5, "5 token feature weights, expected"),
        ((), (1.0,), "differ from this proplens's"),
    ],
)
def test_a_model_with_token_features_this_proplens_does_not_compute_is_refused(
    detector: Detector, names: tuple[str, ...] | None, weights: tuple[float, ...], message: str
) -> None:
    from dataclasses import replace

    from proplens.models.token_features import TOKEN_FEATURE_NAMES

    info = replace(
        detector.info,
        token_features=TOKEN_FEATURE_NAMES if names is None else names,
        token_feature_weights=weights,
    )
    with pytest.raises(ModelError, match=message):
        Detector(detector.tokenizer, detector.encoder, detector.head, info)


def test_the_viterbi_decoder_and_min_score(detector: Detector) -> None:
    viterbi = detector.with_operating_point(decoder="viterbi", viterbi_bias=1.0, peak=0.0)
    encoded = viterbi.encode([Article("v", "The corrupt mayor lied again.")])[0]
    loose = viterbi.find_spans(encoded)
    strict = viterbi.find_spans(encoded, minimum=0.999)
    assert len(strict) <= len(loose)
    assert all(0 <= s < e <= len(encoded.article.text) for s, e, _ in loose)


def test_every_detected_span_says_why_with_words_inside_it() -> None:
    from proplens import analyze

    analysis = analyze((EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8"))
    text = analysis.article.text
    assert analysis.spans
    for span in analysis.spans:
        assert 1 <= len(span.cues) <= 3
        for a, b in span.cues:
            assert span.start <= a < b <= span.end and text[a:b].strip() == text[a:b]


def test_candidates_below_the_operating_point_are_revealed_by_a_lower_minimum(detector: Detector) -> None:
    """A model with a default minimum: the permissive pass adds candidates, every reported span's score
    is at or above the minimum asked for, and a lower minimum never shows fewer fragments."""
    model = detector.with_operating_point(
        decoder="viterbi", viterbi_bias=-3.0, candidate_bias=6.0, min_score=0.5, peak=0.0
    )
    text = "The corrupt mayor lied again, crooks in charge. Radical thugs destroy our great nation."
    encoded = model.encode([Article("c", text)])[0]
    first_pass = viterbi_spans_of(model, encoded)
    candidates = model.candidates(encoded)
    assert len(candidates) > len(first_pass)
    counts = []
    for minimum in (0.9, 0.5, 0.2, 0.01):
        analysis = model.analyze([Article("c", text)], min_score=minimum)[0]
        assert all(s.score is not None and s.score >= minimum for s in analysis.spans)
        assert all(s.technique_score is not None and 0 < s.technique_score <= 1 for s in analysis.spans)
        counts.append(len({(s.start, s.end) for s in analysis.spans}))
    assert counts == sorted(counts)
    assert counts[-1] == len(candidates)


def viterbi_spans_of(model: Detector, encoded: object) -> list[tuple[int, int, float]]:
    from proplens.models.decoding import viterbi_spans

    return viterbi_spans(
        encoded.article.text,  # type: ignore[attr-defined]
        encoded.tokens.offsets,  # type: ignore[attr-defined]
        encoded.span_probabilities.tolist(),  # type: ignore[attr-defined]
        encoded.begin_probabilities.tolist(),  # type: ignore[attr-defined]
        bias=model.info.viterbi_bias,
        begin_penalty=model.info.begin_penalty,
    )


def test_a_model_without_a_default_minimum_still_reports_only_scores_at_the_minimum(
    detector: Detector,
) -> None:
    analysis = detector.analyze([ARTICLES[0]], min_score=0.9)[0]
    assert all(s.score is not None and s.score >= 0.9 for s in analysis.spans)


def test_named_models_resolve_and_a_missing_one_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import builtins

    from proplens.models.catalog import DEFAULT_MODEL_DIR, model_directory

    assert model_directory(None) == model_directory("default") == DEFAULT_MODEL_DIR
    assert model_directory("some/folder") == Path("some/folder")
    real_import = builtins.__import__

    def no_accurate(name: str, *args: object, **kwargs: object) -> object:
        if name == "proplens_accurate":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_accurate)
    with pytest.raises(ModelError, match="accurate model is not installed: pip install"):
        load_detector("accurate")


def test_candidates_of_the_permissive_pass_are_those_overlapping_no_tuned_span() -> None:
    from proplens.models.detector import _not_overlapping

    tuned = [(10, 20, 0.9), (30, 40, 0.8)]
    extra = [(0, 5, 0.1), (5, 10, 0.1), (15, 25, 0.2), (20, 30, 0.3), (39, 45, 0.2), (40, 41, 0.1)]
    assert _not_overlapping(extra, tuned) == [(0, 5, 0.1), (5, 10, 0.1), (20, 30, 0.3), (40, 41, 0.1)]
    assert _not_overlapping(extra, []) == extra and _not_overlapping([], tuned) == []
    many = [(i * 3, i * 3 + 2, 0.5) for i in range(200_000)]  # linear: instant even for 200,000 spans
    assert len(_not_overlapping(many, [(1, 2, 0.9)])) == 199_999
