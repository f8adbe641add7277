"""Window planning, stitching and offset mapping, with a tiny hand-made WordPiece tokenizer."""

import numpy as np
import pytest
from tokenizers.implementations import BertWordPieceTokenizer

from proplens.models.windows import Window, load_tokenizer, plan_windows, stitch, tokenize

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "corrupt",
    "mayor",
    "lied",
    "##s",
    "liar",
    "vote",
    "them",
    "out",
    "!",
    ".",
    "\u201c",
    "\u201d",
]


@pytest.fixture(scope="module")
def tokenizer() -> BertWordPieceTokenizer:
    return BertWordPieceTokenizer({w: i for i, w in enumerate(VOCAB)}, lowercase=True)


def test_offsets_are_character_offsets_with_emoji_curly_quotes_and_crlf(
    tokenizer: BertWordPieceTokenizer,
) -> None:
    text = "The corrupt mayor lied \U0001f642 \u201cliars\u201d.\r\nVote them out!"
    tokens = tokenize(tokenizer, text)
    fragments = [text[start:end] for start, end in tokens.offsets]
    assert fragments == [
        "The",
        "corrupt",
        "mayor",
        "lied",
        "\U0001f642",
        "\u201c",
        "liar",
        "s",
        "\u201d",
        ".",
        "Vote",
        "them",
        "out",
        "!",
    ]
    assert len(tokens) == len(tokens.ids) == 14


def test_windows_cover_every_token_with_the_requested_overlap() -> None:
    windows = plan_windows(10, max_tokens=4, overlap=2)
    assert windows == [Window(0, 4), Window(2, 6), Window(4, 8), Window(6, 10)]
    assert plan_windows(3, max_tokens=4, overlap=2) == [Window(0, 3)]
    assert plan_windows(0, max_tokens=4, overlap=2) == []
    for n in range(1, 40):
        covered = set()
        for window in plan_windows(n, max_tokens=7, overlap=3):
            assert window.token_end - window.token_start <= 7
            covered.update(range(window.token_start, window.token_end))
        assert covered == set(range(n))
    with pytest.raises(ValueError):
        plan_windows(5, max_tokens=4, overlap=4)


def test_a_shifted_plan_starts_with_a_shorter_window_and_still_covers_every_token() -> None:
    assert plan_windows(10, max_tokens=4, overlap=1, shift=2) == [
        Window(0, 2),
        Window(1, 5),
        Window(4, 8),
        Window(7, 10),
    ]
    assert plan_windows(10, max_tokens=4, overlap=1, shift=0) == plan_windows(10, max_tokens=4, overlap=1)
    for n in range(1, 30):
        for shift in range(5):
            windows = plan_windows(n, max_tokens=7, overlap=2, shift=shift)
            covered = {t for w in windows for t in range(w.token_start, w.token_end)}
            assert covered == set(range(n)) and all(0 < w.token_end - w.token_start <= 7 for w in windows)
    with pytest.raises(ValueError, match="shift"):
        plan_windows(10, max_tokens=4, overlap=1, shift=3)


def test_stitch_takes_each_token_from_its_most_central_window() -> None:
    windows = plan_windows(6, max_tokens=4, overlap=2)  # [0,4) [2,6)
    first = np.array([[0.0], [0.1], [0.2], [0.3]], dtype=np.float32)  # tokens 0..3
    second = np.array([[1.2], [1.3], [1.4], [1.5]], dtype=np.float32)  # tokens 2..5
    stitched = stitch(6, windows, [first, second])
    # token 2 sits 1 inside the first window but on the edge of the second: the first wins;
    # token 3 sits on the edge of the first window but 1 inside the second: the second wins.
    assert stitched[:, 0].tolist() == pytest.approx([0.0, 0.1, 0.2, 1.3, 1.4, 1.5])


def test_stitch_rejects_mismatched_outputs() -> None:
    windows = plan_windows(4, max_tokens=4, overlap=1)
    with pytest.raises(ValueError, match="got 3 outputs"):
        stitch(4, windows, [np.zeros((3, 2), dtype=np.float32)])


def test_truncating_tokenizers_are_refused_and_load_tokenizer_switches_truncation_off(
    tokenizer: BertWordPieceTokenizer, tmp_path
) -> None:
    text = "the corrupt mayor lied " * 10
    tokenizer.enable_truncation(max_length=8)
    try:
        with pytest.raises(ValueError, match="truncates"):
            tokenize(tokenizer, text)
        tokenizer.save(str(tmp_path / "tokenizer.json"))
    finally:
        tokenizer.no_truncation()
    loaded = load_tokenizer(tmp_path / "tokenizer.json")
    assert len(tokenize(loaded, text)) == 40
