"""Make a shallower base encoder by keeping some layers of a deeper one (a student to fine-tune).

Usage: python tools/drop_layers.py OUT_FOLDER [LAYER ...]   (default layers: 0 2 4)

Why: the detector's speed is bound by the encoder's operations (docs/detector.md), and halving the layers
halves them. Keeping every other layer of the pretrained all-MiniLM-L6-v2 (as DistilBERT was initialised
from BERT) gives a 3-layer encoder that `proplens train` can fine-tune like any base encoder: set
`base_encoder = "OUT_FOLDER"` in the training config. Needs the ``train`` extra.
"""

from __future__ import annotations

import sys

import torch
from transformers import AutoModel, AutoTokenizer

from proplens.training.base_encoders import resolve_base_encoder
from proplens.training.config import DEFAULT_BASE_ENCODER


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__.splitlines()[2])
    out = sys.argv[1]
    keep = [int(a) for a in sys.argv[2:]] or [0, 2, 4]
    source = resolve_base_encoder(DEFAULT_BASE_ENCODER)  # checks the pinned weights' sha256
    model = AutoModel.from_pretrained(source)
    layers = model.encoder.layer
    if any(not 0 <= i < len(layers) for i in keep):
        sys.exit(f"error: layers must be between 0 and {len(layers) - 1}")
    model.encoder.layer = torch.nn.ModuleList([layers[i] for i in keep])
    model.config.num_hidden_layers = len(keep)
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(source).save_pretrained(out)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"wrote {out}: layers {keep} of {source}, {parameters:,} parameters")


if __name__ == "__main__":
    main()
