"""Overlapping token windows that cover a whole article, and stitching their outputs back together.

Encoders see at most a few hundred tokens, articles have thousands, and truncation would silently drop
text. So an article is tokenised once (without special tokens, keeping each token's character offsets from
the fast tokenizer), cut into windows of at most `max_tokens` tokens that overlap by `overlap` tokens, and
per-token model outputs are stitched back: each token takes its output from the window in which it sits
farthest from an edge, where the encoder saw the most context on both sides.

Token positions here are ``token_start``/``token_end``; character positions stay ``start``/``end``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

__all__ = [
    "TokenizedText",
    "Window",
    "load_tokenizer",
    "plan_windows",
    "special_tokens",
    "stitch",
    "token_range",
    "tokenize",
]


class _Encoding(Protocol):
    ids: list[int]
    offsets: list[tuple[int, int]]


class _Tokenizer(Protocol):
    @property
    def truncation(self) -> dict[str, object] | None: ...

    def encode(self, sequence: str, *, add_special_tokens: bool = ...) -> _Encoding: ...


@dataclass(frozen=True, slots=True)
class TokenizedText:
    """Token ids of a text with each token's ``[start, end)`` character range in that text."""

    ids: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class Window:
    """The tokens ``[token_start, token_end)`` of one article, as fed to the encoder in one pass."""

    token_start: int
    token_end: int


def tokenize(tokenizer: _Tokenizer, text: str) -> TokenizedText:
    """Tokenise the whole text (no truncation, no special tokens), keeping character offsets.

    Tokens with an empty character range (some tokenizers emit them for stray whitespace) are dropped,
    so every token covers at least one character. A tokenizer with truncation switched on is refused:
    saved ``tokenizer.json`` files often carry ``max_length`` truncation, which would silently cut
    articles short (`load_tokenizer` switches it off).
    """
    if tokenizer.truncation:
        raise ValueError("the tokenizer truncates; load it with load_tokenizer() or call no_truncation()")
    encoding = tokenizer.encode(text, add_special_tokens=False)
    kept = [(i, o) for i, o in zip(encoding.ids, encoding.offsets, strict=True) if o[1] > o[0]]
    return TokenizedText(tuple(i for i, _ in kept), tuple(o for _, o in kept))


def load_tokenizer(path: str | Path) -> Tokenizer:
    """A fast tokenizer from a ``tokenizer.json`` file, with truncation and padding switched off."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def plan_windows(n_tokens: int, *, max_tokens: int, overlap: int, shift: int = 0) -> list[Window]:
    """Windows of at most `max_tokens` tokens, each overlapping the next by `overlap`, covering all tokens.

    With a `shift` (training only: 0 <= shift < max_tokens - overlap) the first window is `shift` tokens
    shorter, so every later window starts `shift` tokens earlier than in the plain plan: another epoch
    sees each token at another place in its window, with other neighbours at the edges.
    """
    if max_tokens < 1 or not 0 <= overlap < max_tokens:
        raise ValueError(f"need max_tokens >= 1 and 0 <= overlap < max_tokens, got {max_tokens}, {overlap}")
    step = max_tokens - overlap
    if not 0 <= shift < step:
        raise ValueError(f"need 0 <= shift < max_tokens - overlap, got {shift}")
    if n_tokens == 0:
        return []
    windows, start = [], -shift
    while True:
        end = min(start + max_tokens, n_tokens)
        windows.append(Window(max(0, start), end))
        if end == n_tokens:
            return windows
        start += step


def stitch(
    n_tokens: int, windows: Sequence[Window], outputs: Sequence[NDArray[np.float32]]
) -> NDArray[np.float32]:
    """Per-token outputs for the article from per-window ones (``outputs[k][i]`` = token i of window k).

    Where windows overlap, a token takes the output of the window in which it is farthest from an edge.
    """
    if len(windows) != len(outputs):
        raise ValueError(f"{len(windows)} windows but {len(outputs)} outputs")
    if not windows:
        return np.zeros((0,), dtype=np.float32)
    width = outputs[0].shape[1:]
    stitched = np.zeros((n_tokens, *width), dtype=np.float32)
    best_context = np.full(n_tokens, -1, dtype=np.int64)
    for window, output in zip(windows, outputs, strict=True):
        length = window.token_end - window.token_start
        if output.shape[0] != length:
            raise ValueError(f"window of {length} tokens got {output.shape[0]} outputs")
        positions = np.arange(length)
        context = np.minimum(positions, length - 1 - positions)
        tokens = window.token_start + positions
        better = context > best_context[tokens]
        stitched[tokens[better]] = output[better]
        best_context[tokens[better]] = context[better]
    if (best_context < 0).any():
        raise ValueError("windows do not cover every token")
    return stitched


def special_tokens(tokenizer: object) -> tuple[list[int], list[int]]:
    """The ids the encoder expects around a window's content (``[CLS]``/``[SEP]``, ``<s>``/``</s>``)."""
    plain = tokenizer.encode("a", add_special_tokens=False).ids  # type: ignore[attr-defined]
    full = tokenizer.encode("a", add_special_tokens=True).ids  # type: ignore[attr-defined]
    at = full.index(plain[0])
    return list(full[:at]), list(full[at + len(plain) :])


def token_range(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Tokens ``[token_start, token_end)`` overlapping characters ``[start, end)``; None if none does."""
    token_start = bisect.bisect_right(offsets, start, key=lambda o: o[1])
    token_end = token_start
    while token_end < len(offsets) and offsets[token_end][0] < end:
        token_end += 1
    return (token_start, token_end) if token_end > token_start else None
