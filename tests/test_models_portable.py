"""The shipped models (default; accurate where installed) give the same answers on other CPUs: the same
Python run under qemu-user emulating an AVX2-only (Haswell) and an SSE4.2-only (Nehalem) x86-64 CPU must
reproduce the native outputs.

`make test` installs Debian's qemu-user; without it these tests skip. The texts are short so that each
emulated run of the default model takes seconds; the accurate model's runs are marked slow (`make
test-all`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from proplens.models.catalog import named_models
from proplens.models.detector import load_detector
from proplens.training.export import reference_outputs

QEMU = shutil.which("qemu-x86_64")
SCRIPT = (
    "import json, sys; from proplens.models.detector import load_detector; "
    "from proplens.training.export import reference_outputs; "
    "print(json.dumps(reference_outputs(load_detector(sys.argv[1]))))"
)
MODELS = [
    # the accurate model (MPNet, 113 MB) takes over 15 minutes per emulated CPU: `make test-all` runs it
    pytest.param(name, marks=pytest.mark.slow) if name != "default" else name
    for name, folder in ((m.name, f) for m, f in named_models())
    if folder is not None
]
"""The named models installed here (the accurate one when `make install` put it there)."""

pytestmark = pytest.mark.skipif(QEMU is None, reason="no qemu-x86_64 (make test installs qemu-user)")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("cpu", ["Haswell", "Nehalem"])
def test_same_spans_scores_and_probabilities_on_an_emulated_cpu(cpu: str, model: str) -> None:
    native = reference_outputs(load_detector(model))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [str(QEMU), "-cpu", cpu, sys.executable, "-c", SCRIPT, model],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    emulated = json.loads(result.stdout)
    assert emulated["spans"] == native["spans"]
    for mine, theirs in zip(emulated["span_probabilities"], native["span_probabilities"], strict=True):
        assert np.abs(np.asarray(mine) - np.asarray(theirs)).max() <= 1e-5
