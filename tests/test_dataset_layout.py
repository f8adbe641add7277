from pathlib import Path

import pytest

from proplens import FormatError
from proplens.dataset.layout import find_splits
from tests.conftest import EXAMPLES, write


def test_a_folder_of_splits_and_a_single_article_folder(tmp_path: Path) -> None:
    write(tmp_path / "train-articles" / "article1.txt", "x")
    write(tmp_path / "train-task-flc-tc.labels", "")
    write(tmp_path / "dev-articles" / "article2.txt", "y")
    write(tmp_path / "dev-labels-task-flc-tc" / "article2.task-flc-tc.labels", "")
    splits = find_splits(tmp_path)
    assert [(s.name, s.technique_labels.name if s.technique_labels else None) for s in splits] == [
        ("dev", "dev-labels-task-flc-tc"),
        ("train", "train-task-flc-tc.labels"),
    ]
    (single,) = find_splits(tmp_path / "train-articles")
    assert single.technique_labels == tmp_path / "train-task-flc-tc.labels"


def test_unlabelled_folder_and_bad_paths(tmp_path: Path) -> None:
    write(tmp_path / "plain" / "article3.txt", "z")
    (split,) = find_splits(tmp_path / "plain")
    assert split.technique_labels is None
    with pytest.raises(FormatError, match="no such directory"):
        find_splits(tmp_path / "missing")
    with pytest.raises(FormatError, match="holds no article"):
        find_splits(write(tmp_path / "empty" / "notes.txt", "").parent)


def test_bundled_examples_are_found() -> None:
    (split,) = find_splits(EXAMPLES)
    assert split.name == "demo"
    assert split.technique_labels == EXAMPLES / "demo-task-flc-tc.labels"
