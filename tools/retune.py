"""Tune what an exported model reports again (candidates, calibration, default minimum score) on dev.

Usage: python tools/retune.py MODEL_DIR DATA VERSION

For a model exported before `ModelInfo.min_score` existed (proplens-detector-5): its graph, head and
decoder stay; the candidates below the operating point, the calibration fitted on them and the default
minimum score are added, and ``detector.json`` is rewritten under VERSION with new dev scores.
"""

from __future__ import annotations

import sys
from pathlib import Path

from proplens.training.config import load_config
from proplens.training.data import load_training_data
from proplens.training.export import retune


def main() -> None:
    model_dir, data, version = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    corpus = load_training_data(data, load_config(model_dir / "train.toml"))
    retune(model_dir, corpus, version=version)


if __name__ == "__main__":
    main()
