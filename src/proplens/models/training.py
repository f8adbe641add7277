"""`proplens train`: multi-task fine-tuning of an encoder for span identification and technique labelling.

One pass over a window trains both heads: BIO cross-entropy on every token, and technique cross-entropy on
each gold (fragment, technique) line assigned to that window. The run logs progress, checkpoints every few
hundred steps (``--resume`` continues from the last checkpoint), evaluates on dev after each epoch, and
keeps the epoch with the best dev SI F1 + TC micro-F1. Needs the ``train`` extra.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from proplens.dataset.layout import find_splits
from proplens.document import Annotation, Article, Span
from proplens.errors import FormatError, ModelError
from proplens.io import ptc
from proplens.io.semeval2021 import read_semeval2021
from proplens.models.base_encoders import resolve_base_encoder
from proplens.models.config import TrainConfig, write_config
from proplens.models.detector import Detector, ModelInfo
from proplens.models.distillation import (
    TeacherTargets,
    fingerprint,
    load_targets,
    save_targets,
    teacher_targets,
)
from proplens.models.features import FEATURE_NAMES
from proplens.models.precision import autocast, choose_precision, cpu_summary
from proplens.models.predict import dev_scores, encode_all, tune_operating_point
from proplens.models.token_features import TOKEN_FEATURE_NAMES
from proplens.models.training_examples import WindowExample, build_examples
from proplens.models.windows import load_tokenizer, special_tokens
from proplens.techniques import PTC_TECHNIQUE_IDS, Taxonomy, is_known, translate

__all__ = ["CHECKPOINT_SECONDS", "TrainingData", "load_training_data", "resolve_base_encoder", "train"]

CHECKPOINT_SECONDS = 600
"""A checkpoint at least this often (and every 200 steps), so a run stopped with its session loses little."""

Log = Callable[[str], None]


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
        by_id = {a.id: a for a in articles}
        assert split.technique_labels is not None
        gold = [g for g in ptc.read_technique_labels(split.technique_labels) if g.article_id in by_id]
        loaded[name] = (articles, gold)
    extra: tuple[list[Article], list[Annotation], list[Annotation]] = ([], [], [])
    if config.extra_semeval2021:
        extra = semeval2021_extra(Path(data).parent / "semeval2021-task6")
    (train_articles, train_gold), (dev_articles, dev_gold) = loaded["train"], loaded["dev"]
    return TrainingData(train_articles, train_gold, dev_articles, dev_gold, *extra)


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
    `teacher`'s soft targets if any), then the extra texts'. Unless `TrainConfig.semeval2021_spans`, an
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
    extra_spans = [*corpus.extra_gold, *corpus.extra_unmapped]
    extra = build_examples(tokenizer, corpus.extra_articles, extra_spans, max_tokens=size, overlap=overlap)
    if config.semeval2021_spans:
        return examples + extra
    return examples + [replace(e, tags=(-100,) * len(e.tags)) for e in extra if e.spans]


def train(
    config: TrainConfig,
    data: str | Path,
    out: str | Path,
    *,
    resume: bool = False,
    log: Log = print,
    export: bool = True,
) -> dict[str, Any]:
    """Train, keep the best epoch, tune the operating point on dev, export; returns the dev scores."""
    import torch
    from transformers import AutoTokenizer

    corpus = load_training_data(data, config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(out / "train.toml", config)
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    source = resolve_base_encoder(config.base_encoder)
    precision = choose_precision(config.precision)
    log(f"base encoder: {source}")
    log(f"cpu: {cpu_summary()}; torch threads {torch.get_num_threads()}; precision {precision}")
    if (Path(source) / "tokenizer.json").is_file():
        tokenizer = load_tokenizer(Path(source) / "tokenizer.json")
    else:  # a hub name, or a folder with only slow-tokenizer files
        tokenizer = AutoTokenizer.from_pretrained(source).backend_tokenizer
        tokenizer.no_truncation()
        tokenizer.no_padding()
    tokenizer.save(str(out / "tokenizer.json"))
    teacher = distillation_targets(config, corpus, tokenizer, out, log) if config.teacher else None
    examples = training_examples(tokenizer, corpus, config, teacher=teacher)
    log(
        f"train: {len(corpus.train_articles)} articles, {len(corpus.train_gold)} technique lines, "
        f"{len(examples)} windows ({len(corpus.extra_gold)} extra technique lines in "
        f"{len(corpus.extra_articles)} extra texts); dev: {len(corpus.dev_articles)} articles"
    )
    network = new_network(config)
    frozen = freeze_bottom(network, config.freeze_layers)
    if frozen:
        log(f"frozen: the embeddings and the bottom {config.freeze_layers} layers ({frozen:,} weights)")
    encoder_params = [
        p for n, p in network.named_parameters() if n.startswith("encoder.") and p.requires_grad
    ]
    head_params = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": config.learning_rate},
            {"params": head_params, "lr": config.head_learning_rate},
        ],
        weight_decay=config.weight_decay,
    )
    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    warmup = max(1, int(config.warmup_fraction * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / max(1, total_steps - warmup))),
    )
    prefix, suffix = special_tokens(tokenizer)
    checkpoint = out / "checkpoint.pt"
    state: dict[str, Any] = {"epoch": 0, "step": 0, "best": -1.0, "history": []}
    if resume and checkpoint.is_file():
        saved = torch.load(checkpoint, weights_only=False)
        try:
            network.load_state_dict(saved["network"])
        except RuntimeError as error:
            raise ModelError(f"{checkpoint} does not fit this network (older proplens?): {error}") from None
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        state = saved["state"]
        log(f"resumed from {checkpoint} at epoch {state['epoch'] + 1}, step {state['step']}")

    def save_checkpoint() -> None:
        torch.save(
            {
                "network": network.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "state": state,
            },
            checkpoint.with_suffix(".tmp"),
        )
        checkpoint.with_suffix(".tmp").replace(checkpoint)

    tag_loss = torch.nn.CrossEntropyLoss(ignore_index=-100)
    technique_loss = torch.nn.CrossEntropyLoss()
    bits = 1 << torch.arange(len(PTC_TECHNIQUE_IDS))
    started = time.monotonic()
    last_saved = started
    done_at_start = state["epoch"] * steps_per_epoch + state["step"]
    for epoch in range(state["epoch"], config.epochs):
        rng = np.random.default_rng(config.seed + epoch)
        epoch_examples = examples
        if config.shift_windows and epoch > 0:
            shift = int(rng.integers(1, config.max_tokens - config.overlap))
            epoch_examples = training_examples(tokenizer, corpus, config, shift=shift, teacher=teacher)
            log(f"epoch {epoch + 1}: article windows shifted by {shift} tokens")
        # as many windows as the first epoch's, so the schedule and checkpoints count the same steps
        order = np.resize(rng.permutation(len(epoch_examples)), len(examples))
        batches = batch_plan(
            order,
            [len(e.ids) for e in epoch_examples],
            config.batch_size,
            rng,
            bucket=config.bucket_by_length,
        )
        network.train()
        running, running_steps, epoch_loss, epoch_steps = 0.0, 0, 0.0, 0
        for step in range(state["step"], steps_per_epoch):
            batch = [epoch_examples[i] for i in batches[step]]
            ids, mask, tags, spans, technique_tags, surface, soft_tags = collate(batch, prefix, suffix)
            with autocast(precision):
                tag_logits, hidden = network(ids, mask)
            tag_logits, hidden = tag_logits.float(), hidden.float()
            if config.token_features:
                tag_logits = tag_logits + network.token_feature_logits(surface)
            # a batch of technique-only windows (all tags ignored) has no tag loss, not a NaN one
            loss = tag_loss(tag_logits.reshape(-1, tag_logits.shape[-1]), tags.reshape(-1))
            if not bool((tags != -100).any()):
                loss = tag_logits.sum() * 0.0
            elif teacher is not None:
                loss = (1 - config.distill_weight) * loss + config.distill_weight * soft_loss(
                    tag_logits, soft_tags
                )
            if config.technique_tagging_weight > 0:
                loss = loss + config.technique_tagging_weight * technique_tagging_loss(
                    network.technique_tag_logits(hidden), technique_tags, tags != -100, bits
                )
            if spans:
                from proplens.models.network import pool

                pooled = torch.stack([pool(hidden[row], s, e) for row, s, e, *_ in spans])
                features = torch.tensor([span[4] for span in spans], dtype=torch.float32)
                targets = torch.tensor([t for _, _, _, t, _, _ in spans])
                logits = network.technique_logits(pooled, features)
                span_loss = technique_loss(logits, targets)
                taught = [i for i, span in enumerate(spans) if span[5]]
                if teacher is not None and taught:
                    soft = torch.tensor([spans[i][5] for i in taught], dtype=torch.float32)
                    span_loss = (1 - config.distill_weight) * span_loss + config.distill_weight * soft_loss(
                        logits[taught], soft
                    )
                loss = loss + config.technique_loss_weight * span_loss
            optimizer.zero_grad()
            if not bool(torch.isfinite(loss)):
                raise ModelError(
                    f"epoch {epoch + 1} step {step + 1}: the loss is {loss.item()}; lower the learning rate "
                    "(the last checkpoint is intact)"
                )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            running += loss.item()
            running_steps += 1
            epoch_loss += loss.item()
            epoch_steps += 1
            state["step"] = step + 1
            done = epoch * steps_per_epoch + step + 1
            if done % 25 == 0 or step + 1 == steps_per_epoch:
                elapsed = time.monotonic() - started
                rate = (done - done_at_start) / elapsed
                eta = (total_steps - done) / rate if rate else 0.0
                log(
                    f"epoch {epoch + 1}/{config.epochs} step {step + 1}/{steps_per_epoch} "
                    f"loss {running / running_steps:.4f} ({elapsed / 60:.1f} min, eta {eta / 60:.1f} min)"
                )
                running, running_steps = 0.0, 0
            if done % 200 == 0 or time.monotonic() - last_saved > CHECKPOINT_SECONDS:
                save_checkpoint()
                last_saved = time.monotonic()
        point, scores = _evaluate(network, tokenizer, config, corpus, log, f"epoch {epoch + 1}")
        torch.save(network.state_dict(), out / f"epoch-{epoch + 1}.pt")
        combined = scores["si_f1"] + scores["tc_micro_f1"]
        train_loss = epoch_loss / max(1, epoch_steps)
        state["history"].append({"epoch": epoch + 1, "train_loss": train_loss, **point, **scores})
        if combined > state["best"]:
            state["best"] = combined
            torch.save(network.state_dict(), out / "best.pt")
            log(f"epoch {epoch + 1} is the best so far; saved {out / 'best.pt'}")
        state["epoch"], state["step"] = epoch + 1, 0
        save_checkpoint()
    last = [out / f"epoch-{n}.pt" for n in range(config.epochs - config.average_last + 1, config.epochs + 1)]
    if config.average_last > 1 and all(p.is_file() for p in last) and "averaged" not in state:
        network.load_state_dict(_average([torch.load(p, weights_only=True) for p in last]))
        point, scores = _evaluate(network, tokenizer, config, corpus, log, f"average of the last {len(last)}")
        state["averaged"] = {"epochs": len(last), **point, **scores}
        if scores["si_f1"] + scores["tc_micro_f1"] > state["best"]:
            state["best"] = scores["si_f1"] + scores["tc_micro_f1"]
            torch.save(network.state_dict(), out / "best.pt")
            log("the averaged weights beat every single epoch; kept them")
        save_checkpoint()
    network.load_state_dict(torch.load(out / "best.pt", weights_only=True))
    if not export:
        return {"history": state["history"]}
    from proplens.models.export import finalize

    return {"history": state["history"], **finalize(network, tokenizer, config, corpus, out, log=log)}


def soup(
    runs: Sequence[str | Path], data: str | Path, out: str | Path, *, log: Log = print
) -> dict[str, Any]:
    """A "model soup": the element-wise mean of several finished runs' weights, then the usual export.

    Runs fine-tuned from the same base encoder sit in one basin of the loss, so their mean is itself a
    good model and often a better one than each ingredient (Wortsman et al., 2022) -- an ensemble that
    costs nothing at inference, where a real ensemble would run the encoder once per member. The runs
    must share the base encoder and head shapes; the first run's config and tokenizer are used.
    """
    import torch

    from proplens.models.config import load_config

    folders = [Path(r) for r in runs]
    if len(folders) < 2:
        raise ModelError("a soup needs at least two runs")
    missing = [str(f) for f in folders if not (f / "best.pt").is_file() or not (f / "train.toml").is_file()]
    if missing:
        raise ModelError(f"not a finished run (no best.pt or train.toml): {', '.join(missing)}")
    config = load_config(folders[0] / "train.toml")
    corpus = load_training_data(data, config)
    tokenizer = load_tokenizer(folders[0] / "tokenizer.json")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(out / "tokenizer.json"))
    write_config(out / "train.toml", config)
    with (out / "train.toml").open("a", encoding="utf-8") as recipe:
        recipe.write(
            f"# weights: the mean of the runs {', '.join(str(f) for f in folders)} (proplens soup)\n"
        )
    network = new_network(config)
    try:
        network.load_state_dict(_average([torch.load(f / "best.pt", weights_only=True) for f in folders]))
    except (RuntimeError, KeyError) as error:
        raise ModelError(f"the runs do not have the same network shape: {error}") from None
    _evaluate(network, tokenizer, config, corpus, log, f"soup of {len(folders)} runs")
    torch.save(network.state_dict(), out / "best.pt")
    from proplens.models.export import finalize

    return finalize(network, tokenizer, config, corpus, out, log=log)


def ensemble(
    runs: Sequence[str | Path],
    data: str | Path,
    out: str | Path,
    *,
    log: Log = print,
) -> dict[str, Any]:
    """An output ensemble of exported runs: one graph that runs their encoders side by side on each window
    (mean tag probabilities, token vectors side by side), the mean of their technique heads' logits, then
    the usual int8, dev tuning and scores (`export.finish`).

    Unlike a soup it costs one encoder pass per member, and unlike a soup it works for runs that do not
    share a basin (other seeds, other heads). The runs must share the tokenizer and the window settings.
    """
    from proplens.models.config import load_config
    from proplens.models.detector import HEAD_FILE, INFO_FILE
    from proplens.models.export import ensemble_graph, finish
    from proplens.models.heads import EnsembleHead, TechniqueHead, read_head

    folders = [Path(r) for r in runs]
    if len(folders) < 2:
        raise ModelError("an ensemble needs at least two runs")
    needed = ("encoder-fp32.onnx", f"model/{HEAD_FILE}", f"model/{INFO_FILE}", "train.toml", "tokenizer.json")
    missing = [f"{f}/{n}" for f in folders for n in needed if not (f / n).is_file()]
    if missing:
        raise ModelError(f"not an exported run (proplens export RUN): no {', '.join(missing)}")
    configs = [load_config(f / "train.toml") for f in folders]
    if len({(c.max_tokens, c.overlap) for c in configs}) != 1:
        raise ModelError("the runs read articles in different windows (max_tokens, overlap)")
    if len({(f / "tokenizer.json").read_bytes() for f in folders}) != 1:
        raise ModelError("the runs do not share one tokenizer")
    heads = []
    for folder in folders:
        head = read_head(folder / "model" / HEAD_FILE)
        if not isinstance(head, TechniqueHead):
            raise ModelError(f"{folder} is an ensemble already; name its members instead")
        heads.append(head)
        if ModelInfo.read(folder / "model" / INFO_FILE).token_features:
            raise ModelError(f"{folder}: an ensemble cannot combine taggers that read token features")
    config = configs[0]
    corpus = load_training_data(data, config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_bytes((folders[0] / "tokenizer.json").read_bytes())
    write_config(out / "train.toml", config)
    with (out / "train.toml").open("a", encoding="utf-8") as recipe:
        recipe.write(
            f"# an output ensemble of the runs {', '.join(str(f) for f in folders)} (proplens ensemble)\n"
        )
    ensemble_graph([f / "encoder-fp32.onnx" for f in folders], out / "encoder-fp32.onnx")
    tokenizer = load_tokenizer(out / "tokenizer.json")
    return finish(out / "encoder-fp32.onnx", EnsembleHead(heads), tokenizer, config, corpus, out, log=log)


def export_run(
    run: str | Path, data: str | Path, *, log: Log = print, compare_variants: bool = True
) -> dict[str, Any]:
    """Export a finished run again (``RUN/best.pt`` -> ``RUN/model/``): ONNX, fusion, int8, dev tuning.

    For when the export changed but the weights did not: no training step is repeated.
    """
    import torch

    from proplens.models.config import load_config

    folder = Path(run)
    if not (folder / "best.pt").is_file() or not (folder / "train.toml").is_file():
        raise ModelError(f"not a finished run (no best.pt or train.toml): {folder}")
    config = load_config(folder / "train.toml")
    corpus = load_training_data(data, config)
    tokenizer = load_tokenizer(folder / "tokenizer.json")
    network = new_network(config)
    try:
        network.load_state_dict(torch.load(folder / "best.pt", weights_only=True))
    except (RuntimeError, KeyError) as error:
        raise ModelError(f"{folder / 'best.pt'} does not fit the configured network: {error}") from None
    from proplens.models.export import finalize

    return finalize(network, tokenizer, config, corpus, folder, log=log, compare_variants=compare_variants)


def new_network(config: TrainConfig) -> Any:
    """The detector network on the configured base encoder, before any fine-tuned weights are loaded."""
    from transformers import AutoModel

    from proplens.models.network import DetectorNetwork

    return DetectorNetwork(
        AutoModel.from_pretrained(resolve_base_encoder(config.base_encoder)),
        len(FEATURE_NAMES),
        len(PTC_TECHNIQUE_IDS),
        technique_tagging=config.technique_tagging_weight > 0,
        n_token_features=len(TOKEN_FEATURE_NAMES) if config.token_features else 0,
    )


def batch_plan(
    order: Any, lengths: Sequence[int], batch_size: int, rng: Any, *, bucket: bool
) -> list[list[int]]:
    """The epoch's batches of example indices, in `order`; with `bucket`, windows of similar length share
    a batch (sorted within chunks of 50 batches, the batches then shuffled), so a short window is not
    padded to a long one's length. Either way there are ``ceil(len(order) / batch_size)`` batches."""
    indices = [int(i) for i in order]
    if not bucket:
        return [indices[at : at + batch_size] for at in range(0, len(indices), batch_size)]
    chunk = 50 * batch_size
    batches = []
    for at in range(0, len(indices), chunk):
        part = sorted(indices[at : at + chunk], key=lambda i: lengths[i])
        batches += [part[b : b + batch_size] for b in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


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


def technique_tagging_loss(logits: Any, technique_tags: Any, mask: Any, bits: Any) -> Any:
    """Binary cross-entropy of every tagged token's per-technique logits against its technique bit mask,
    summed over techniques and averaged over tokens (so it weighs about as much as the BIO loss)."""
    import torch

    targets = ((technique_tags.unsqueeze(-1) & bits) != 0).float()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    per_token = loss.sum(-1)
    return (per_token * mask).sum() / mask.sum().clamp(min=1)


def _evaluate(
    network: Any, tokenizer: Any, config: TrainConfig, corpus: TrainingData, log: Log, what: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Tune the span operating point on dev, then score SI and TC there; logs one line."""
    detector = _detector(network, tokenizer, config)
    encoded = encode_all(detector, corpus.dev_articles)
    point = tune_operating_point(detector, encoded, corpus.dev_gold)
    detector = detector.with_operating_point(
        threshold=point["threshold"], max_gap=int(point["max_gap"]), peak=point["peak"]
    )
    scores = dev_scores(detector, encoded, corpus.dev_gold)
    log(
        f"{what} dev: SI F1 {scores['si_f1']:.4f} (P {scores['si_precision']:.4f} "
        f"R {scores['si_recall']:.4f}, threshold {point['threshold']}, peak {point['peak']}, "
        f"max_gap {int(point['max_gap'])}), "
        f"TC micro-F1 {scores['tc_micro_f1']:.4f} macro-F1 {scores['tc_macro_f1']:.4f}"
    )
    return point, scores


def _average(states: list[dict[str, Any]]) -> dict[str, Any]:
    """Element-wise mean of several state dicts of the same network (integer buffers taken from the last)."""
    averaged = {}
    for key, value in states[-1].items():
        if value.is_floating_point():
            averaged[key] = sum(s[key] for s in states) / len(states)
        else:
            averaged[key] = value
    return averaged


def _detector(network: Any, tokenizer: Any, config: TrainConfig) -> Detector:
    from proplens.models.network import TorchEncoder

    info = ModelInfo(
        max_tokens=config.max_tokens,
        overlap=config.overlap,
        base_encoder=config.base_encoder,
        **network.token_feature_settings(),
    )
    return Detector(tokenizer, TorchEncoder(network), network.numpy_head(), info, batch_size=32)


def collate(
    batch: Sequence[WindowExample], prefix: Sequence[int], suffix: Sequence[int]
) -> tuple[
    Any, Any, Any, list[tuple[int, int, int, int, tuple[float, ...], tuple[float, ...]]], Any, Any, Any
]:
    """Padded ids, mask and BIO tags (-100 on special and padding tokens), the batch's gold spans (with
    a teacher's technique distribution, or ``()``), each token's technique bit mask (0 where unknown), its
    surface signals (0 on special tokens) and a teacher's O/B/I probabilities (all 0 where there is none:
    `soft_loss` then ignores the token)."""
    import torch

    width = max(len(e.ids) for e in batch) + len(prefix) + len(suffix)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    tags = torch.full((len(batch), width), -100, dtype=torch.long)
    technique_tags = torch.zeros((len(batch), width), dtype=torch.long)
    surface = torch.zeros((len(batch), width, len(TOKEN_FEATURE_NAMES)), dtype=torch.float32)
    soft_tags = torch.zeros((len(batch), width, 3), dtype=torch.float32)
    spans = []
    for row, example in enumerate(batch):
        tokens = [*prefix, *example.ids, *suffix]
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
        tags[row, len(prefix) : len(prefix) + len(example.ids)] = torch.tensor(example.tags)
        if example.technique_bits:
            content = slice(len(prefix), len(prefix) + len(example.ids))
            technique_tags[row, content] = torch.tensor(example.technique_bits)
        if example.token_features is not None:
            content = slice(len(prefix), len(prefix) + len(example.ids))
            surface[row, content] = torch.from_numpy(example.token_features)
        if example.soft_tags is not None and all(t != -100 for t in example.tags):
            content = slice(len(prefix), len(prefix) + len(example.ids))
            soft_tags[row, content] = torch.from_numpy(np.asarray(example.soft_tags, dtype=np.float32))
        for span in example.spans:
            offset = len(prefix)
            spans.append(
                (
                    row,
                    span.token_start + offset,
                    span.token_end + offset,
                    span.technique,
                    span.features,
                    span.soft,
                )
            )
    return ids, mask, tags, spans, technique_tags, surface, soft_tags


def soft_loss(logits: Any, targets: Any) -> Any:
    """Cross-entropy against soft targets (rows of probabilities), averaged over the rows that have one
    (a row of zeros has no target and is skipped)."""
    import torch

    flat_logits = logits.reshape(-1, logits.shape[-1]).float()
    flat_targets = targets.reshape(-1, targets.shape[-1])
    present = flat_targets.sum(dim=-1) > 0
    if not bool(present.any()):
        return flat_logits.sum() * 0.0
    log_p = torch.log_softmax(flat_logits[present], dim=-1)
    return -(flat_targets[present] * log_p).sum(dim=-1).mean()


def distillation_targets(
    config: TrainConfig, corpus: TrainingData, tokenizer: Any, out: Path, log: Log
) -> dict[str, TeacherTargets]:
    """The teacher's soft targets on the training articles: read from ``OUT/teacher-targets.npz`` when
    made for the same teacher, tokenizer and articles, else computed (minutes for a large teacher) and
    saved there."""
    from proplens.models.catalog import model_directory
    from proplens.models.detector import load_detector

    folder = model_directory(config.teacher)
    if not (folder / "detector.json").is_file():
        raise ModelError(f"teacher {config.teacher!r}: no model in {folder}")
    teacher = load_detector(folder, batch_size=8)
    key = fingerprint(teacher.info.model_id, tokenizer.to_str(), corpus.train_articles)
    path = out / "teacher-targets.npz"
    targets = load_targets(path, key)
    if targets is not None:
        log(f"teacher: {teacher.info.model_id}'s targets read from {path}")
        return targets
    log(f"teacher: {teacher.info.model_id} on {len(corpus.train_articles)} training articles")
    started = time.monotonic()
    targets = teacher_targets(teacher, tokenizer, corpus.train_articles, corpus.train_gold, log=log)
    save_targets(path, targets, key)
    log(f"teacher: done in {(time.monotonic() - started) / 60:.1f} min; saved {path}")
    return targets
