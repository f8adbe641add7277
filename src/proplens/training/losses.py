"""The training losses beside the plain cross-entropies: per-technique token tagging and soft targets
(a teacher's probabilities). Needs torch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from proplens.techniques import PTC_TECHNIQUE_IDS
from proplens.training.batches import collate
from proplens.training.config import TrainConfig
from proplens.training.examples import WindowExample
from proplens.training.precision import autocast

__all__ = ["batch_loss", "soft_loss", "technique_tagging_loss"]


def technique_tagging_loss(logits: Any, technique_tags: Any, mask: Any, bits: Any) -> Any:
    """Binary cross-entropy of every tagged token's per-technique logits against its technique bit mask,
    summed over techniques and averaged over tokens (so it weighs about as much as the BIO loss)."""
    import torch

    targets = ((technique_tags.unsqueeze(-1) & bits) != 0).float()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    per_token = loss.sum(-1)
    return (per_token * mask).sum() / mask.sum().clamp(min=1)


def soft_loss(logits: Any, targets: Any) -> Any:
    """Cross-entropy against soft targets (rows of probabilities), averaged over the rows that have one
    (a row of zeros has no target and is skipped)."""
    import torch

    flat_logits = logits.reshape(-1, logits.shape[-1]).float()
    flat_targets = targets.reshape(-1, targets.shape[-1])
    present = flat_targets.sum(dim=-1) > 0
    if not bool(present.any()):
        return flat_logits.sum() * 0.0
    log_p = torch.log_softmax(flat_logits[present], dim=-1)
    return -(flat_targets[present] * log_p).sum(dim=-1).mean()


def batch_loss(
    network: Any,
    batch: Sequence[WindowExample],
    prefix: Sequence[int],
    suffix: Sequence[int],
    config: TrainConfig,
    precision: str,
    *,
    distilled: bool = False,
) -> Any:
    """One batch's loss: the tags' cross-entropy (mixed with a teacher's soft tags when `distilled`), the
    optional per-technique token tagging, and the technique head's cross-entropy on the gold spans (mixed
    with the teacher's technique distributions where it has one), each with its configured weight."""
    import torch

    from proplens.training.network import pool

    ids, mask, tags, spans, technique_tags, surface, soft_tags = collate(batch, prefix, suffix)
    with autocast(precision):
        tag_logits, hidden = network(ids, mask)
    tag_logits, hidden = tag_logits.float(), hidden.float()
    if config.token_features:
        tag_logits = tag_logits + network.token_feature_logits(surface)
    # a batch of technique-only windows (all tags ignored) has no tag loss, not a NaN one
    loss = torch.nn.functional.cross_entropy(
        tag_logits.reshape(-1, tag_logits.shape[-1]), tags.reshape(-1), ignore_index=-100
    )
    if not bool((tags != -100).any()):
        loss = tag_logits.sum() * 0.0
    elif distilled:
        loss = (1 - config.distill_weight) * loss + config.distill_weight * soft_loss(tag_logits, soft_tags)
    if config.technique_tagging_weight > 0:
        bits = 1 << torch.arange(len(PTC_TECHNIQUE_IDS))
        loss = loss + config.technique_tagging_weight * technique_tagging_loss(
            network.technique_tag_logits(hidden), technique_tags, tags != -100, bits
        )
    if spans:
        pooled = torch.stack([pool(hidden[row], s, e) for row, s, e, *_ in spans])
        features = torch.tensor([span[4] for span in spans], dtype=torch.float32)
        targets = torch.tensor([t for _, _, _, t, _, _ in spans])
        logits = network.technique_logits(pooled, features)
        span_loss = torch.nn.functional.cross_entropy(logits, targets)
        taught = [i for i, span in enumerate(spans) if span[5]]
        if distilled and taught:
            soft = torch.tensor([spans[i][5] for i in taught], dtype=torch.float32)
            span_loss = (1 - config.distill_weight) * span_loss + config.distill_weight * soft_loss(
                logits[taught], soft
            )
        loss = loss + config.technique_loss_weight * span_loss
    return loss
