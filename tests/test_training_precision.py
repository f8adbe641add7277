"""Which arithmetic a training run picks for the CPU."""

from __future__ import annotations

import pytest


def test_precision_auto_is_bf16_only_on_cpus_with_native_bf16(monkeypatch: pytest.MonkeyPatch) -> None:
    from proplens.training import precision

    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "fma"})
    assert precision.choose_precision("auto") == "fp32"
    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "avx512f", "avx512_bf16"})
    assert precision.choose_precision("auto") == "bf16"
    assert precision.choose_precision("fp32") == "fp32"
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.choose_precision("fp16")
    assert "avx2" in precision.cpu_summary()
