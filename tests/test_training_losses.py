"""The training losses besides the plain cross-entropies."""

from __future__ import annotations


def test_technique_tagging_loss_is_zero_only_for_confident_right_answers() -> None:
    import torch

    from proplens.training.losses import technique_tagging_loss

    bits = 1 << torch.arange(3)
    tags = torch.tensor([[0b101, 0]])  # token 0 is in techniques 0 and 2, token 1 in none
    right = torch.tensor([[[20.0, -20.0, 20.0], [-20.0, -20.0, -20.0]]])
    wrong = -right
    mask = torch.tensor([[True, True]])
    assert float(technique_tagging_loss(right, tags, mask, bits)) < 1e-6
    assert float(technique_tagging_loss(wrong, tags, mask, bits)) > 20
    masked = torch.tensor([[True, False]])  # padding and special tokens do not count
    assert float(technique_tagging_loss(right, tags, masked, bits)) < 1e-6
