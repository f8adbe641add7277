import pytest

from proplens._batching import batched


def test_batches_in_order_the_last_shorter_and_lazily() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
    endless = batched(iter(int, 1), 2)  # an endless input: only what is asked for is read
    assert next(endless) == [0, 0]


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], 0))
