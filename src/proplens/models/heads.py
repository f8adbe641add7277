"""The technique head in numpy: pooled token vectors of a fragment plus surface features -> probabilities.

It is a two-layer perceptron small enough to run in numpy, so the exported encoder graph stays a plain
"token ids in, token vectors out" model and a fragment costs one matrix product, not another encoder pass.
The torch twin in `network` has the same layers; `TechniqueHead.from_state` converts its weights.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

__all__ = ["TechniqueHead", "pool", "softmax"]

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
