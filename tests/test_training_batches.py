"""An epoch's batches."""

from __future__ import annotations

import numpy as np


def test_batch_plan_covers_every_window_once_and_buckets_by_length() -> None:
    from proplens.training.batches import batch_plan

    lengths = [int(n) for n in np.random.default_rng(1).integers(3, 200, size=1000)]
    order = np.random.default_rng(2).permutation(1000)
    for bucket in (False, True):
        batches = batch_plan(order, lengths, 8, np.random.default_rng(3), bucket=bucket)
        assert len(batches) == 125 and sorted(i for b in batches for i in b) == list(range(1000))
    plain = batch_plan(order, lengths, 8, np.random.default_rng(3), bucket=False)
    bucketed = batch_plan(order, lengths, 8, np.random.default_rng(3), bucket=True)
    padding = lambda plan: sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in plan)  # noqa: E731
    assert padding(bucketed) < padding(plain) / 10
