"""The torch model used for training: one encoder, a BIO span tagger and a technique head on top.

Both tasks share the encoder (multi-task training), so inference needs a single encoder pass per window.
Needs the ``train`` extra.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from proplens.errors import ModelError
from proplens.models.features import FEATURE_NAMES
from proplens.models.heads import TechniqueHead
from proplens.models.token_features import TOKEN_FEATURE_NAMES
from proplens.techniques import PTC_TECHNIQUE_IDS
from proplens.training.base_encoders import resolve_base_encoder
from proplens.training.config import TrainConfig
from proplens.training.examples import BIO_TAGS

__all__ = ["DetectorNetwork", "EncoderGraph", "TorchEncoder", "freeze_bottom", "new_network"]


class DetectorNetwork(nn.Module):
    def __init__(
        self,
        encoder: Any,
        n_features: int,
        n_techniques: int,
        *,
        head_hidden: int = 256,
        technique_tagging: bool = False,
        n_token_features: int = 0,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = int(encoder.config.hidden_size)
        dropout = float(getattr(encoder.config, "hidden_dropout_prob", 0.1))
        self.dropout = nn.Dropout(dropout)
        self.tagger = nn.Linear(hidden, len(BIO_TAGS))
        self.technique_hidden = nn.Linear(3 * hidden + n_features, head_hidden)
        self.technique_out = nn.Linear(head_hidden, n_techniques)
        # A direct (wide) path from the surface features to the logits: repetition counts and the like
        # are strong, simple signals that are easy to drown among 3 x hidden pooled numbers.
        self.technique_wide = nn.Linear(n_features, n_techniques)
        # Training only (`TrainConfig.technique_tagging_weight`): per-token technique logits, an auxiliary
        # task for the encoder; not part of the exported graph.
        self.technique_tagger = nn.Linear(hidden, n_techniques) if technique_tagging else None
        # `TrainConfig.token_features`: a linear function of each token's surface signals added to its tag
        # logits. It starts at zero (the plain tagger) and is exported as numbers in detector.json, applied
        # in numpy after the encoder graph, so the graph's inputs stay token ids and a mask.
        self.token_feature_tagger: nn.Linear | None = None
        if n_token_features:
            self.token_feature_tagger = nn.Linear(n_token_features, len(BIO_TAGS), bias=False)
            nn.init.zeros_(self.token_feature_tagger.weight)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(tag_logits [B,T,3], hidden [B,T,H])``."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.tagger(self.dropout(hidden)), hidden

    def token_feature_logits(self, token_features: torch.Tensor) -> torch.Tensor:
        """``[B,T,3]``: what the tokens' surface signals add to their tag logits (0 without them)."""
        if self.token_feature_tagger is None:
            return torch.zeros((*token_features.shape[:-1], len(BIO_TAGS)))
        logits: torch.Tensor = self.token_feature_tagger(token_features)
        return logits

    def token_feature_settings(self) -> dict[str, Any]:
        """The `ModelInfo` fields that carry the surface-signal weights (row per tag); empty without them."""
        if self.token_feature_tagger is None:
            return {}
        weights = tuple(float(w) for w in self.token_feature_tagger.weight.detach().cpu().reshape(-1))
        return {"token_features": TOKEN_FEATURE_NAMES, "token_feature_weights": weights}

    def technique_tag_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """``[B,T,n_techniques]``: which techniques' spans each token is in (training-only auxiliary)."""
        if self.technique_tagger is None:
            raise ValueError("this network was built without technique tagging")
        logits: torch.Tensor = self.technique_tagger(self.dropout(hidden))
        return logits

    def technique_logits(self, pooled: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        inputs = self.dropout(torch.cat([pooled, features], dim=1))
        deep = self.technique_out(self.dropout(torch.relu(self.technique_hidden(inputs))))
        logits: torch.Tensor = deep + self.technique_wide(features)
        return logits

    def numpy_head(self) -> TechniqueHead:
        """The technique head's weights as the numpy `TechniqueHead` used at inference."""

        def array(t: torch.Tensor) -> np.ndarray[Any, np.dtype[np.float32]]:
            return t.detach().cpu().numpy().astype(np.float32)

        return TechniqueHead(
            {
                "w1": array(self.technique_hidden.weight),
                "b1": array(self.technique_hidden.bias),
                "w2": array(self.technique_out.weight),
                "b2": array(self.technique_out.bias),
                "w3": array(self.technique_wide.weight),
                "b3": array(self.technique_wide.bias),
            }
        )


def pool(hidden: torch.Tensor, token_start: int, token_end: int) -> torch.Tensor:
    """Torch twin of `heads.pool`: mean, first and last token vector of a fragment."""
    part = hidden[token_start:token_end]
    return torch.cat([part.mean(dim=0), part[0], part[-1]])


class EncoderGraph(nn.Module):
    """What gets exported to ONNX: ids and mask in, tag logits and token vectors out."""

    def __init__(self, network: DetectorNetwork) -> None:
        super().__init__()
        self.network = network

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self.network(input_ids, attention_mask)  # type: ignore[no-any-return]


class TorchEncoder:
    """The `Detector` encoder callable backed by the torch network (evaluation during training)."""

    def __init__(self, network: DetectorNetwork) -> None:
        self.network = network

    def __call__(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
        self.network.eval()
        with torch.inference_mode():
            tag_logits, hidden = self.network(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return tag_logits.numpy(), hidden.numpy()


def new_network(config: TrainConfig) -> Any:
    """The detector network on the configured base encoder, before any fine-tuned weights are loaded."""
    from transformers import AutoModel

    return DetectorNetwork(
        AutoModel.from_pretrained(resolve_base_encoder(config.base_encoder)),
        len(FEATURE_NAMES),
        len(PTC_TECHNIQUE_IDS),
        technique_tagging=config.technique_tagging_weight > 0,
        n_token_features=len(TOKEN_FEATURE_NAMES) if config.token_features else 0,
    )


def freeze_bottom(network: Any, layers: int) -> int:
    """Freeze the encoder's embeddings and its bottom `layers` layers (0: nothing); returns how many weights.

    Their backward pass is then skipped: with 3 of 12 layers frozen a training step costs about a sixth
    less, and the layers that change most in fine-tuning are the top ones."""
    if layers <= 0:
        return 0
    encoder = network.encoder
    blocks = encoder.encoder.layer
    if layers >= len(blocks):
        raise ModelError(f"freeze_layers {layers}: the encoder has only {len(blocks)} layers")
    frozen = 0
    for module in (encoder.embeddings, *blocks[:layers]):
        for parameter in module.parameters():
            parameter.requires_grad_(False)
            frozen += parameter.numel()
    return frozen
