"""The numpy technique heads: one model's, and an ensemble's that averages its members' logits."""

from __future__ import annotations

import numpy as np
import pytest

from proplens.models.heads import EnsembleHead, TechniqueHead, load_head, pool


def _head(seed: int, hidden: int = 4, features: int = 2, techniques: int = 3) -> TechniqueHead:
    rng = np.random.default_rng(seed)
    return TechniqueHead(
        {
            "w1": rng.normal(size=(5, 3 * hidden + features)).astype(np.float32),
            "b1": rng.normal(size=5).astype(np.float32),
            "w2": rng.normal(size=(techniques, 5)).astype(np.float32),
            "b2": rng.normal(size=techniques).astype(np.float32),
            "w3": rng.normal(size=(techniques, features)).astype(np.float32),
            "b3": rng.normal(size=techniques).astype(np.float32),
        }
    )


def test_an_ensemble_averages_each_members_logits_on_its_own_vectors() -> None:
    a, b = _head(1), _head(2)
    rng = np.random.default_rng(3)
    vectors_a = rng.normal(size=(6, 4)).astype(np.float32)
    vectors_b = rng.normal(size=(6, 4)).astype(np.float32)
    side_by_side = np.concatenate([vectors_a, vectors_b], axis=1)  # what the ensemble graph outputs
    features = rng.normal(size=(1, 2)).astype(np.float32)
    expected = (
        a.logits(pool(vectors_a, 1, 4)[None], features) + b.logits(pool(vectors_b, 1, 4)[None], features)
    ) / 2
    got = EnsembleHead([a, b]).logits(pool(side_by_side, 1, 4)[None], features)
    assert np.allclose(got, expected, atol=1e-6)


def test_the_stored_weights_say_whether_it_is_one_head_or_an_ensemble() -> None:
    single = load_head(_head(1).state())
    assert isinstance(single, TechniqueHead)
    ensemble = load_head(EnsembleHead([_head(1), _head(2)]).state())
    assert isinstance(ensemble, EnsembleHead) and len(ensemble.members) == 2
    assert np.array_equal(ensemble.members[1].w1, _head(2).w1)


@pytest.mark.parametrize("key", ["x.w1", "0.", "-1.w1"])
def test_unknown_weight_names_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="unexpected technique head weight"):
        load_head({**{f"0.{k}": v for k, v in _head(1).state().items()}, key: np.zeros(1, np.float32)})


def test_members_must_agree_on_the_techniques() -> None:
    with pytest.raises(ValueError, match="same techniques"):
        EnsembleHead([_head(1, techniques=3), _head(2, techniques=4)])


@pytest.mark.parametrize(
    "content", [b"not a zip file", b"PK\x03\x04 truncated", None], ids=["garbage", "truncated", "wrong keys"]
)
def test_a_broken_head_file_is_a_model_error_not_a_traceback(tmp_path, content) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from proplens.errors import ModelError
    from proplens.models.detector import DEFAULT_MODEL_DIR, HEAD_FILE, load_detector

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    if content is None:
        np.savez(model / HEAD_FILE, **{"9x.w1": np.zeros(1, np.float32)})
    else:
        (model / HEAD_FILE).write_bytes(content)
    with pytest.raises(ModelError, match="cannot read"):
        load_detector(model)
