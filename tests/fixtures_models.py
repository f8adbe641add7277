"""Fixtures of the model tests: a tiny tokenizer, corpus, encoder and training run, all made here (no
download, seconds to build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from proplens.models.detector import Detector, ModelInfo
from proplens.models.heads import TechniqueHead
from proplens.techniques import PTC_TECHNIQUE_IDS
from tests.conftest import write

TINY_WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "was",
    "that",
    "it",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "this",
    "be",
    "are",
    "not",
    "have",
    "he",
    "she",
    "they",
    "we",
    "corrupt",
    "mayor",
    "lied",
    "again",
    "vote",
    "them",
    "out",
    "crooks",
    "charge",
    "radical",
    "thugs",
    "destroy",
    "our",
    "great",
    "nation",
    "never",
    "forget",
    "heroes",
    "stand",
    "people",
    "must",
    "act",
    "now",
    "or",
    "lose",
    "everything",
    "city",
    "council",
    "said",
    "on",
    "tuesday",
    "budget",
    "report",
    "shows",
    "spending",
    "rose",
    "percent",
    "officials",
    "would",
    "review",
    "plan",
    "next",
    "month",
]


def make_tiny_tokenizer(words: tuple[str, ...] | list[str] = TINY_WORDS) -> object:
    """A word-level tokenizer with BERT-style [CLS]/[SEP] and character offsets, built in memory."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for word in [*words, *".,!?\"'-:;()"]:
        vocab.setdefault(word, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tokenizer


@pytest.fixture
def tiny_tokenizer() -> object:
    return make_tiny_tokenizer()


TINY_ARTICLES = {
    "1": "Crooks in charge\n\nThe corrupt mayor lied again. Vote them out!\nThe council said on tuesday.\n",
    "2": "Never forget\n\nRadical thugs destroy our great nation. Never forget our heroes.\nNever forget!\n",
    "3": "Budget report\n\nThe report shows spending rose percent. Officials would review plan next month.\n",
    "4": "Act now\n\nPeople must act now or lose everything. The corrupt mayor lied. Stand with us.\n",
}


def _spans(text: str, technique: str, fragment: str) -> list[tuple[str, int, int]]:
    start = text.index(fragment)
    return [(technique, start, start + len(fragment))]


def write_tiny_corpus(root: Path) -> Path:
    """A PTC-layout corpus (train: articles 1-4, dev: 1 and 2 again) with a few technique spans."""
    labels = {
        "1": _spans(TINY_ARTICLES["1"], "Name_Calling,Labeling", "Crooks")
        + _spans(TINY_ARTICLES["1"], "Loaded_Language", "corrupt")
        + _spans(TINY_ARTICLES["1"], "Slogans", "Vote them out!"),
        "2": _spans(TINY_ARTICLES["2"], "Name_Calling,Labeling", "Radical thugs")
        + _spans(TINY_ARTICLES["2"], "Flag-Waving", "our great nation")
        + _spans(TINY_ARTICLES["2"], "Repetition", "Never forget our heroes"),
        "3": [],
        "4": _spans(TINY_ARTICLES["4"], "Appeal_to_fear-prejudice", "act now or lose everything")
        + _spans(TINY_ARTICLES["4"], "Loaded_Language", "corrupt"),
    }
    for split, ids in (("train", ("1", "2", "3", "4")), ("dev", ("1", "2"))):
        lines = []
        for article_id in ids:
            write(root / f"{split}-articles" / f"article{article_id}.txt", TINY_ARTICLES[article_id])
            lines += [f"{article_id}\t{t}\t{s}\t{e}\n" for t, s, e in labels[article_id]]
        write(root / f"{split}-task-flc-tc.labels", "".join(lines))
    return root


def tiny_encoder(folder: Path) -> Path:
    import torch
    import transformers

    tokenizer = make_tiny_tokenizer()
    config = transformers.BertConfig(
        vocab_size=tokenizer.get_vocab_size(),  # type: ignore[attr-defined]
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(folder)
    tokenizer.save(str(folder / "tokenizer.json"))  # type: ignore[attr-defined]
    return folder


def tiny_train_config(encoder: Path, **changes: Any) -> Any:
    """The training settings that suit the 1-layer random BERT and the tiny corpus (a `TrainConfig`)."""
    from proplens.training.config import TrainConfig

    settings: dict[str, Any] = {
        "base_encoder": str(encoder),
        "batch_size": 2,
        "max_tokens": 14,
        "overlap": 4,
        "learning_rate": 3e-3,
        "head_learning_rate": 1e-2,
        "warmup_fraction": 0.0,
    }
    return TrainConfig(**{**settings, **changes})


@pytest.fixture
def tiny_training_inputs(tmp_path: Path) -> tuple[Any, Path]:
    """For a training run of a test's own: the tiny settings (a `TrainConfig` on a 1-layer random BERT;
    change fields with `dataclasses.replace`) and the tiny corpus."""
    pytest.importorskip("torch")
    return tiny_train_config(tiny_encoder(tmp_path / "encoder")), write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[str]]:
    """A 4-epoch training run of a 1-layer random BERT on the tiny corpus: (run folder, results, log)."""
    pytest.importorskip("torch")
    from proplens.training.loop import train

    root = tmp_path_factory.mktemp("tiny")
    corpus = write_tiny_corpus(root / "corpus")
    config = tiny_train_config(tiny_encoder(root / "encoder"), epochs=4, average_last=2)
    messages: list[str] = []
    results = train(config, corpus, root / "run", log=messages.append)
    return root / "run", results, messages


# -- a detector on a fake encoder: spans where the hot words are -----------------------------------

HIDDEN = 4
LOADED = PTC_TECHNIQUE_IDS.index("Loaded_Language")
NAME = PTC_TECHNIQUE_IDS.index("Name_Calling,Labeling")


class FakeEncoder:
    """Marks the tokens whose id is in `hot` as propaganda; token vectors are one-hot on hot/cold."""

    def __init__(self, hot: set[int]) -> None:
        self.hot = hot
        self.calls: list[tuple[int, int]] = []

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.calls.append(ids.shape)
        is_hot = np.isin(ids, list(self.hot)) & (mask == 1)
        logits = np.zeros((*ids.shape, 3), dtype=np.float32)
        logits[..., 0] = np.where(is_hot, -4.0, 4.0)
        logits[..., 2] = np.where(is_hot, 4.0, -4.0)
        hidden = np.zeros((*ids.shape, HIDDEN), dtype=np.float32)
        hidden[..., 0] = is_hot
        hidden[..., 1] = ~is_hot
        return logits, hidden


def head_preferring(technique: int, n_features: int) -> TechniqueHead:
    """Hot fragments: `technique` first, Name_Calling second; cold fragments: Name_Calling."""
    w1 = np.zeros((2, 3 * HIDDEN + n_features), dtype=np.float32)
    w1[0, 0], w1[1, 1] = 1.0, 1.0
    w2 = np.zeros((len(PTC_TECHNIQUE_IDS), 2), dtype=np.float32)
    w2[technique, 0], w2[NAME, 0], w2[NAME, 1] = 5.0, 2.0, 5.0
    return TechniqueHead({"w1": w1, "b1": np.zeros(2, np.float32), "w2": w2, "b2": np.zeros(14, np.float32)})


@pytest.fixture
def detector(tiny_tokenizer: object) -> Detector:
    hot = {tiny_tokenizer.token_to_id(w) for w in ("corrupt", "crooks", "radical", "thugs")}  # type: ignore[attr-defined]
    info = ModelInfo(max_tokens=6, overlap=2, threshold=0.5, max_gap=1)
    return Detector(
        tiny_tokenizer, FakeEncoder(hot), head_preferring(LOADED, len(info.features)), info, batch_size=3
    )
