"""The shipped model gives the same answers on other CPUs: the same Python run under qemu-user emulating an
AVX2-only (Haswell) and an SSE4.2-only (Nehalem) x86-64 CPU must reproduce the native outputs.

`make test` installs Debian's qemu-user; without it these tests skip. The texts are short so that each
emulated run takes seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from proplens.models.detector import load_detector
from proplens.models.export import reference_outputs

QEMU = shutil.which("qemu-x86_64")
SCRIPT = (
    "import json; from proplens.models.detector import load_detector; "
    "from proplens.models.export import reference_outputs; "
    "print(json.dumps(reference_outputs(load_detector())))"
)

pytestmark = pytest.mark.skipif(QEMU is None, reason="no qemu-x86_64 (make test installs qemu-user)")


@pytest.fixture(scope="module")
def native() -> dict[str, object]:
    return reference_outputs(load_detector())


@pytest.mark.parametrize("cpu", ["Haswell", "Nehalem"])
def test_same_spans_scores_and_probabilities_on_an_emulated_cpu(cpu: str, native: dict) -> None:  # type: ignore[type-arg]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [str(QEMU), "-cpu", cpu, sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    emulated = json.loads(result.stdout)
    assert emulated["spans"] == native["spans"]
    for mine, theirs in zip(emulated["span_probabilities"], native["span_probabilities"], strict=True):
        assert np.abs(np.asarray(mine) - np.asarray(theirs)).max() <= 1e-5
