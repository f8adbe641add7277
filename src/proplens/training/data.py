"""The corpus a run trains on: PTC train and dev articles with gold technique spans, optional SemEval-2021
meme texts, and the training windows built from them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from proplens.dataset.layout import find_splits
from proplens.document import Annotation, Article, Span
from proplens.errors import FormatError
from proplens.io import ptc
from proplens.io.semeval2021 import read_semeval2021
from proplens.techniques import Taxonomy, is_known, translate
from proplens.training.config import TrainConfig
from proplens.training.examples import TeacherTargets, WindowExample, build_examples

__all__ = ["TrainingData", "load_training_data", "reviewed_data", "semeval2021_extra", "training_examples"]


@dataclass(frozen=True, slots=True)
class TrainingData:
    train_articles: list[Article]
    train_gold: list[Annotation]
    dev_articles: list[Article]
    dev_gold: list[Annotation]
    extra_articles: list[Article] = field(default_factory=list)
    """Texts whose spans train only the technique head (SemEval-2021 memes)."""
    extra_gold: list[Annotation] = field(default_factory=list)
    extra_unmapped: list[Annotation] = field(default_factory=list)
    """Meme spans of techniques outside the PTC taxonomy (technique None): spans for the tagger only."""
    reviewed_articles: list[Article] = field(default_factory=list)
    """Articles people reviewed (`TrainConfig.extra_data`): their spans train both heads."""
    reviewed_gold: list[Annotation] = field(default_factory=list)


def load_training_data(data: str | Path, config: TrainConfig) -> TrainingData:
    """Train and dev articles with gold technique spans from a PTC-layout folder (``train`` and ``dev``)."""
    splits = {s.name: s for s in find_splits(data)}
    for name in ("train", "dev"):
        if name not in splits or splits[name].technique_labels is None:
            raise FormatError(data, f"needs {name}-articles/ with {name}-task-flc-tc.labels beside it")
    loaded = {}
    for name in ("train", "dev"):
        split = splits[name]
        articles = ptc.read_articles(split.articles)
        if name == "train" and config.max_train_articles:
            articles = articles[: config.max_train_articles]
        if name == "train" and 0 < config.rehearsal_articles < len(articles):
            chosen = random.Random(config.seed).sample(range(len(articles)), config.rehearsal_articles)
            articles = [articles[i] for i in sorted(chosen)]
        by_id = {a.id: a for a in articles}
        assert split.technique_labels is not None
        gold = [g for g in ptc.read_technique_labels(split.technique_labels) if g.article_id in by_id]
        loaded[name] = (articles, gold)
    extra: tuple[list[Article], list[Annotation], list[Annotation]] = ([], [], [])
    if config.extra_semeval2021:
        extra = semeval2021_extra(Path(data).parent / "semeval2021-task6")
    (train_articles, train_gold), (dev_articles, dev_gold) = loaded["train"], loaded["dev"]
    reviewed, reviewed_gold = reviewed_data(config.extra_data) if config.extra_data else ([], [])
    return TrainingData(train_articles, train_gold, dev_articles, dev_gold, *extra, reviewed, reviewed_gold)


def reviewed_data(folder: str | Path) -> tuple[list[Article], list[Annotation]]:
    """Reviewed articles and their corrected spans from a PTC-layout folder (``proplens reviews
    export``): every split in it with its technique labels. Their ids are prefixed (``r-``) so that they
    never meet a PTC article's."""
    articles: list[Article] = []
    gold: list[Annotation] = []
    for split in find_splits(folder):
        if split.technique_labels is None:
            raise FormatError(split.articles, f"no {split.name}-task-flc-tc.labels beside it")
        found = {a.id: a for a in ptc.read_articles(split.articles)}
        labels = ptc.read_technique_labels(split.technique_labels, articles=found)
        articles += [replace(a, id=f"r-{a.id}") for a in found.values()]
        gold += [Annotation(f"r-{g.article_id}", g.span) for g in labels]
    return articles, gold


def semeval2021_extra(folder: Path) -> tuple[list[Article], list[Annotation], list[Annotation]]:
    """SemEval-2021 Task 6 meme texts, their spans mapped to PTC techniques, and the spans of techniques
    that have no PTC counterpart (with technique None)."""
    articles: list[Article] = []
    gold: list[Annotation] = []
    unmapped: list[Annotation] = []
    for name in ("training_set_task2.txt", "dev_set_task2.txt"):
        path = folder / name
        if not path.is_file():
            raise FormatError(path, "not found (needed for extra_semeval2021)")
        texts, annotations = read_semeval2021(path)
        articles += [Article(f"s21-{a.id}", a.text) for a in texts]
        for annotation in annotations:
            technique = annotation.span.technique or ""
            mapped = translate(technique, source=Taxonomy.SEMEVAL2021, target=Taxonomy.PTC)
            known = bool(mapped) and is_known(mapped[0])
            span = Span(annotation.span.start, annotation.span.end, mapped[0] if known else None)
            (gold if known else unmapped).append(Annotation(f"s21-{annotation.article_id}", span))
    return articles, gold, unmapped


def training_examples(
    tokenizer: Any,
    corpus: TrainingData,
    config: TrainConfig,
    *,
    shift: int = 0,
    teacher: dict[str, TeacherTargets] | None = None,
) -> list[WindowExample]:
    """The training windows: the articles' (their window plan shifted by `shift` tokens, with the
    `teacher`'s soft targets if any), the reviewed articles' (`TrainConfig.extra_weight` times each), then
    the extra texts'. Unless `TrainConfig.semeval2021_spans`, an
    extra window trains only the technique head: its tags are ignored (-100), and it is kept only when it
    holds a technique span."""
    size, overlap = config.max_tokens, config.overlap
    examples = build_examples(
        tokenizer,
        corpus.train_articles,
        corpus.train_gold,
        max_tokens=size,
        overlap=overlap,
        shift=shift,
        teacher=teacher,
    )
    if corpus.reviewed_articles:
        reviewed = build_examples(
            tokenizer,
            corpus.reviewed_articles,
            corpus.reviewed_gold,
            max_tokens=size,
            overlap=overlap,
            shift=shift,
        )
        examples += reviewed * config.extra_weight
    extra_spans = [*corpus.extra_gold, *corpus.extra_unmapped]
    extra = build_examples(tokenizer, corpus.extra_articles, extra_spans, max_tokens=size, overlap=overlap)
    if config.semeval2021_spans:
        return examples + extra
    return examples + [replace(e, tags=(-100,) * len(e.tags)) for e in extra if e.spans]
