"""An epoch's batches: which windows go together, and their padded tensors. Needs torch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from proplens.models.token_features import TOKEN_FEATURE_NAMES
from proplens.training.examples import WindowExample

__all__ = ["batch_plan", "collate"]


def batch_plan(
    order: Any, lengths: Sequence[int], batch_size: int, rng: Any, *, bucket: bool
) -> list[list[int]]:
    """The epoch's batches of example indices, in `order`; with `bucket`, windows of similar length share
    a batch (sorted within chunks of 50 batches, the batches then shuffled), so a short window is not
    padded to a long one's length. Either way there are ``ceil(len(order) / batch_size)`` batches."""
    indices = [int(i) for i in order]
    if not bucket:
        return [indices[at : at + batch_size] for at in range(0, len(indices), batch_size)]
    chunk = 50 * batch_size
    batches = []
    for at in range(0, len(indices), chunk):
        part = sorted(indices[at : at + chunk], key=lambda i: lengths[i])
        batches += [part[b : b + batch_size] for b in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def collate(
    batch: Sequence[WindowExample], prefix: Sequence[int], suffix: Sequence[int]
) -> tuple[
    Any, Any, Any, list[tuple[int, int, int, int, tuple[float, ...], tuple[float, ...]]], Any, Any, Any
]:
    """Padded ids, mask and BIO tags (-100 on special and padding tokens), the batch's gold spans (with
    a teacher's technique distribution, or ``()``), each token's technique bit mask (0 where unknown), its
    surface signals (0 on special tokens) and a teacher's O/B/I probabilities (all 0 where there is none:
    `soft_loss` then ignores the token)."""
    import torch

    width = max(len(e.ids) for e in batch) + len(prefix) + len(suffix)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    tags = torch.full((len(batch), width), -100, dtype=torch.long)
    technique_tags = torch.zeros((len(batch), width), dtype=torch.long)
    surface = torch.zeros((len(batch), width, len(TOKEN_FEATURE_NAMES)), dtype=torch.float32)
    soft_tags = torch.zeros((len(batch), width, 3), dtype=torch.float32)
    spans = []
    for row, example in enumerate(batch):
        tokens = [*prefix, *example.ids, *suffix]
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
        tags[row, len(prefix) : len(prefix) + len(example.ids)] = torch.tensor(example.tags)
        if example.technique_bits:
            content = slice(len(prefix), len(prefix) + len(example.ids))
            technique_tags[row, content] = torch.tensor(example.technique_bits)
        if example.token_features is not None:
            content = slice(len(prefix), len(prefix) + len(example.ids))
            surface[row, content] = torch.from_numpy(example.token_features)
        if example.soft_tags is not None and all(t != -100 for t in example.tags):
            content = slice(len(prefix), len(prefix) + len(example.ids))
            soft_tags[row, content] = torch.from_numpy(np.asarray(example.soft_tags, dtype=np.float32))
        for span in example.spans:
            offset = len(prefix)
            spans.append(
                (
                    row,
                    span.token_start + offset,
                    span.token_end + offset,
                    span.technique,
                    span.features,
                    span.soft,
                )
            )
    return ids, mask, tags, spans, technique_tags, surface, soft_tags
