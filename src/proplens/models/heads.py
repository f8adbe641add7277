"""The technique head in numpy: pooled token vectors of a fragment plus surface features -> probabilities.

It is a two-layer perceptron small enough to run in numpy, so the exported encoder graph stays a plain
"token ids in, token vectors out" model and a fragment costs one matrix product, not another encoder pass.
The torch twin in `network` has the same layers; `TechniqueHead.from_state` converts its weights.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from proplens.errors import ModelError

__all__ = ["EnsembleHead", "TechniqueHead", "load_head", "pool", "read_head", "softmax"]

Array = NDArray[np.float32]


def pool(hidden: Array, token_start: int, token_end: int) -> Array:
    """A fragment's vector: the mean of its token vectors, then its first and its last token vector."""
    part = hidden[token_start:token_end]
    pooled: Array = np.concatenate([part.mean(axis=0), part[0], part[-1]]).astype(np.float32)
    return pooled


def softmax(logits: Array, axis: int = -1) -> Array:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    probabilities: Array = (exp / exp.sum(axis=axis, keepdims=True)).astype(np.float32)
    return probabilities


class TechniqueHead:
    """``softmax(W2 · relu(W1 · [pooled; features] + b1) + b2 + W3 · features + b3)``.

    The last term (``w3``/``b3``, optional) is a direct path from the surface features to the logits.
    """

    def __init__(self, weights: Mapping[str, Array]) -> None:
        self.w1 = np.asarray(weights["w1"], dtype=np.float32)
        self.b1 = np.asarray(weights["b1"], dtype=np.float32)
        self.w2 = np.asarray(weights["w2"], dtype=np.float32)
        self.b2 = np.asarray(weights["b2"], dtype=np.float32)
        self.w3 = np.asarray(weights["w3"], dtype=np.float32) if "w3" in weights else None
        self.b3 = np.asarray(weights["b3"], dtype=np.float32) if "b3" in weights else None
        if self.w1.shape[0] != self.b1.shape[0] or self.w2.shape[1] != self.w1.shape[0]:
            raise ValueError("technique head weights have inconsistent shapes")

    @property
    def n_techniques(self) -> int:
        return int(self.w2.shape[0])

    def logits(self, pooled: Array, features: Array) -> Array:
        """Logits for a batch: `pooled` is ``[n, 3·hidden]``, `features` ``[n, n_features]``."""
        inputs = np.concatenate([pooled, features], axis=1).astype(np.float32)
        hidden = np.maximum(inputs @ self.w1.T + self.b1, 0.0)
        logits: Array = (hidden @ self.w2.T + self.b2).astype(np.float32)
        if self.w3 is not None and self.b3 is not None:
            logits = logits + (features.astype(np.float32) @ self.w3.T + self.b3).astype(np.float32)
        return logits

    def probabilities(self, pooled: Array, features: Array) -> Array:
        return softmax(self.logits(pooled, features))

    def state(self) -> dict[str, Array]:
        state = {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}
        if self.w3 is not None and self.b3 is not None:
            state.update(w3=self.w3, b3=self.b3)
        return state


class EnsembleHead:
    """The mean logits of several members' technique heads, for an encoder graph that runs several
    encoders side by side and concatenates their token vectors (see `export.ensemble_graph`).

    Member *i* reads the *i*-th slice of every pooled part: `pool` gives ``[mean, first, last]`` of the
    concatenated vectors, so each part holds the members' vectors one after the other.
    """

    def __init__(self, members: list[TechniqueHead]) -> None:
        if not members or len({m.n_techniques for m in members}) != 1:
            raise ValueError("an ensemble needs members with the same techniques")
        self.members = members

    @property
    def n_techniques(self) -> int:
        return self.members[0].n_techniques

    def logits(self, pooled: Array, features: Array) -> Array:
        count = len(self.members)
        part = pooled.shape[1] // 3
        size = part // count
        total = np.zeros((pooled.shape[0], self.n_techniques), dtype=np.float32)
        for i, member in enumerate(self.members):
            mine = np.concatenate(
                [pooled[:, j * part + i * size : j * part + (i + 1) * size] for j in range(3)], axis=1
            )
            total += member.logits(mine, features)
        averaged: Array = (total / count).astype(np.float32)
        return averaged

    def probabilities(self, pooled: Array, features: Array) -> Array:
        return softmax(self.logits(pooled, features))

    def state(self) -> dict[str, Array]:
        return {f"{i}.{k}": v for i, m in enumerate(self.members) for k, v in m.state().items()}


def load_head(weights: Mapping[str, Array]) -> TechniqueHead | EnsembleHead:
    """The head stored in ``technique_head.npz``: plain keys (``w1``...) for one model, numbered keys
    (``0.w1``, ``1.w1``...) for an ensemble."""
    if all("." not in k for k in weights):
        return TechniqueHead(weights)
    members: dict[int, dict[str, Array]] = {}
    for key, value in weights.items():
        index, _, name = key.partition(".")
        if not index.isdigit() or not name:
            raise ValueError(f"unexpected technique head weight {key!r}")
        members.setdefault(int(index), {})[name] = value
    return EnsembleHead([TechniqueHead(members[i]) for i in sorted(members)])


def read_head(path: Path) -> TechniqueHead | EnsembleHead:
    """The head in a ``technique_head.npz`` file; a file that is not one is a `ModelError`."""
    try:
        with np.load(path) as weights:
            return load_head({k: weights[k] for k in weights.files})
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise ModelError(f"cannot read {path}: {error}") from None
