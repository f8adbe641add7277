"""The training corpus: PTC articles, SemEval-2021 memes mapped to PTC techniques, and their windows."""

from __future__ import annotations

from pathlib import Path

from proplens.training.config import TrainConfig


def test_semeval2021_memes_map_to_ptc_techniques(ptc_dir: Path, semeval2021_dir: Path) -> None:
    from proplens.techniques import is_known
    from proplens.training.data import load_training_data

    data = load_training_data(ptc_dir, TrainConfig(extra_semeval2021=True))
    assert len(data.train_articles) == 371 and len(data.dev_articles) == 75
    assert len(data.extra_articles) == 751 and len(data.extra_gold) == 1421
    assert all(a.article_id.startswith("s21-") and is_known(a.span.technique or "") for a in data.extra_gold)
    assert len(data.extra_unmapped) > 200 and all(a.span.technique is None for a in data.extra_unmapped)


def test_meme_spans_train_the_tagger_only_when_asked(ptc_dir: Path, semeval2021_dir: Path) -> None:
    from proplens.models.windows import load_tokenizer
    from proplens.training.data import load_training_data, training_examples

    tokenizer = load_tokenizer(Path(__import__("proplens").__file__).parent / "models/default/tokenizer.json")
    config = TrainConfig(extra_semeval2021=True, max_train_articles=2)
    data = load_training_data(ptc_dir, config)
    plain = [e for e in training_examples(tokenizer, data, config) if e.article_id.startswith("s21-")]
    assert plain and all(set(e.tags) == {-100} and e.spans for e in plain)
    config = TrainConfig(extra_semeval2021=True, semeval2021_spans=True, max_train_articles=2)
    tagged = [e for e in training_examples(tokenizer, data, config) if e.article_id.startswith("s21-")]
    assert len(tagged) > len(plain)  # memes without spans are negatives now
    assert -100 not in {t for e in tagged for t in e.tags} and any(1 in e.tags for e in tagged)
    # a meme whose only spans are of techniques outside PTC (e.g. Smears): a span to the tagger, no technique
    assert any(1 in e.tags and not e.spans for e in tagged)
