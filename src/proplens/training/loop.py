"""`proplens train`: multi-task fine-tuning of an encoder for span identification and technique labelling.

One pass over a window trains both heads: BIO cross-entropy on every token, and technique cross-entropy on
each gold (fragment, technique) line assigned to that window. The run logs progress, checkpoints every few
hundred steps and at least every `CHECKPOINT_SECONDS` (``--resume`` continues from the last checkpoint),
evaluates on dev after each epoch, and keeps the epoch with the best dev SI F1 + TC micro-F1. Needs the
``train`` extra.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from proplens.errors import ModelError
from proplens.models.detector import Detector, ModelInfo
from proplens.models.predict import encode_all
from proplens.models.windows import load_tokenizer, special_tokens
from proplens.training.base_encoders import resolve_base_encoder
from proplens.training.batches import batch_plan
from proplens.training.config import TrainConfig, write_config
from proplens.training.data import TrainingData, load_training_data, training_examples
from proplens.training.distillation import distillation_targets
from proplens.training.examples import TeacherTargets, WindowExample
from proplens.training.losses import batch_loss
from proplens.training.measures import dev_scores
from proplens.training.network import freeze_bottom, new_network
from proplens.training.precision import choose_precision, cpu_summary
from proplens.training.tuning import tune_operating_point

__all__ = ["CHECKPOINT_SECONDS", "Log", "average_weights", "evaluate_network", "train"]

CHECKPOINT_SECONDS = 600
"""A checkpoint at least this often (and every 200 steps), so a run stopped with its session loses little."""

LOG_EVERY = 25
"""Steps between two progress lines (and at each epoch's end)."""

Log = Callable[[str], None]


def train(
    config: TrainConfig,
    data: str | Path,
    out: str | Path,
    *,
    resume: bool = False,
    log: Log = print,
    export: bool = True,
) -> dict[str, Any]:
    """Train, keep the best epoch, tune the operating point on dev, export; returns the dev scores. With
    `TrainConfig.start_from`, training continues from that model's weights (its base encoder and window
    size replace the config's)."""
    started_from = None
    if config.start_from:
        from proplens.training.recover import continued_config

        config, started_from, start_folder = continued_config(config)
    corpus = load_training_data(data, config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(out / "train.toml", config)
    precision = _prepare(config, log)
    tokenizer = _tokenizer(config, out)
    teacher = distillation_targets(config, corpus, tokenizer, out, log) if config.teacher else None
    examples = training_examples(tokenizer, corpus, config, teacher=teacher)
    log(
        f"train: {len(corpus.train_articles)} articles, {len(corpus.train_gold)} technique lines, "
        f"{len(examples)} windows ({len(corpus.extra_gold)} extra technique lines in "
        f"{len(corpus.extra_articles)} extra texts); dev: {len(corpus.dev_articles)} articles"
    )
    network = new_network(config)
    if started_from is not None:
        from proplens.training.recover import load_model_weights

        loaded = load_model_weights(network, start_folder)
        log(f"start: {started_from.model_id} ({loaded} tensors recovered from {start_folder})")
    frozen = freeze_bottom(network, config.freeze_layers)
    if frozen:
        log(f"frozen: the embeddings and the bottom {config.freeze_layers} layers ({frozen:,} weights)")
    run = _Run.start(network, config, math.ceil(len(examples) / config.batch_size), out / "checkpoint.pt")
    if resume:
        run.resume(log)
    progress = _Progress(run, config.epochs, log)
    for epoch in range(run.state["epoch"], config.epochs):
        rng = np.random.default_rng(config.seed + epoch)
        epoch_examples = _epoch_examples(tokenizer, corpus, config, epoch, rng, examples, teacher, log)
        # as many windows as the first epoch's, so the schedule and checkpoints count the same steps
        order = np.resize(rng.permutation(len(epoch_examples)), len(examples))
        lengths = [len(e.ids) for e in epoch_examples]
        batches = batch_plan(order, lengths, config.batch_size, rng, bucket=config.bucket_by_length)
        batched_examples = [[epoch_examples[i] for i in batch] for batch in batches]
        distilled = teacher is not None
        train_loss = _train_epoch(
            run, epoch, batched_examples, config, tokenizer, precision, distilled, progress
        )
        _end_epoch(run, epoch, train_loss, tokenizer, config, corpus, out, log)
    _average_last_epochs(run, tokenizer, config, corpus, out, log)
    import torch

    network.load_state_dict(torch.load(out / "best.pt", weights_only=True))
    if not export:
        return {"history": run.state["history"]}
    from proplens.training.export import finalize

    provenance = _provenance(started_from, corpus)
    return {
        "history": run.state["history"],
        **finalize(network, tokenizer, config, corpus, out, log=log, provenance=provenance),
    }


def _provenance(started_from: ModelInfo | None, corpus: TrainingData) -> dict[str, Any]:
    """What the model was trained from, for `ModelInfo.provenance` (shown on /about)."""
    import datetime

    return {
        "trained_from": started_from.model_id if started_from else "",
        "reviewed_articles": len(corpus.reviewed_articles),
        "ptc_articles": len(corpus.train_articles),
        "date": datetime.date.today().isoformat(),
    }


def _prepare(config: TrainConfig, log: Log) -> str:
    """Seeds and torch threads set, the CPU and precision logged; returns the precision."""
    import torch

    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    precision = choose_precision(config.precision)
    log(f"base encoder: {resolve_base_encoder(config.base_encoder)}")
    log(f"cpu: {cpu_summary()}; torch threads {torch.get_num_threads()}; precision {precision}")
    return precision


def _tokenizer(config: TrainConfig, out: Path) -> Any:
    """The base encoder's fast tokenizer, without truncation or padding, saved into the run folder."""
    source = resolve_base_encoder(config.base_encoder)
    if (Path(source) / "tokenizer.json").is_file():
        tokenizer = load_tokenizer(Path(source) / "tokenizer.json")
    else:  # a hub name, or a folder with only slow-tokenizer files
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(source).backend_tokenizer
        tokenizer.no_truncation()
        tokenizer.no_padding()
    tokenizer.save(str(out / "tokenizer.json"))
    return tokenizer


@dataclass
class _Run:
    """What a checkpoint holds: the network, its optimiser and schedule, and where the run is."""

    network: Any
    optimizer: Any
    scheduler: Any
    steps_per_epoch: int
    total_steps: int
    checkpoint: Path
    state: dict[str, Any] = field(
        default_factory=lambda: {"epoch": 0, "step": 0, "best": -1.0, "history": []}
    )

    @classmethod
    def start(cls, network: Any, config: TrainConfig, steps_per_epoch: int, checkpoint: Path) -> _Run:
        """AdamW (the encoder's trainable weights and the heads at their own rates) with linear warm-up
        and decay over the whole run."""
        import torch

        encoder = [p for n, p in network.named_parameters() if n.startswith("encoder.") and p.requires_grad]
        heads = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
        optimizer = torch.optim.AdamW(
            [
                {"params": encoder, "lr": config.learning_rate},
                {"params": heads, "lr": config.head_learning_rate},
            ],
            weight_decay=config.weight_decay,
        )
        total = steps_per_epoch * config.epochs
        warmup = max(1, int(config.warmup_fraction * total))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))),
        )
        return cls(network, optimizer, scheduler, steps_per_epoch, total, checkpoint)

    @property
    def steps_done(self) -> int:
        return int(self.state["epoch"]) * self.steps_per_epoch + int(self.state["step"])

    def resume(self, log: Log) -> None:
        """Continue from the checkpoint, if there is one."""
        import torch

        if not self.checkpoint.is_file():
            return
        saved = torch.load(self.checkpoint, weights_only=False)
        try:
            self.network.load_state_dict(saved["network"])
        except RuntimeError as error:
            raise ModelError(
                f"{self.checkpoint} does not fit this network (older proplens?): {error}"
            ) from None
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])
        self.state = saved["state"]
        log(f"resumed from {self.checkpoint} at epoch {self.state['epoch'] + 1}, step {self.state['step']}")

    def save(self) -> None:
        """Write the checkpoint beside the old one, then replace it: a run killed mid-write keeps the old."""
        import torch

        partial = self.checkpoint.with_suffix(".tmp")
        torch.save(
            {
                "network": self.network.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "state": self.state,
            },
            partial,
        )
        partial.replace(self.checkpoint)


class _Progress:
    """Progress lines (mean loss of the steps since the last line, elapsed time, time left) and the
    clock of the periodic checkpoints."""

    def __init__(self, run: _Run, epochs: int, log: Log) -> None:
        self.run, self.epochs, self.log = run, epochs, log
        self.started = self.last_saved = time.monotonic()
        self.done_at_start = run.steps_done
        self.losses: list[float] = []

    def step(self, epoch: int, step: int, loss: float) -> None:
        self.losses.append(loss)
        done = self.run.steps_done
        if done % LOG_EVERY == 0 or step + 1 == self.run.steps_per_epoch:
            elapsed = time.monotonic() - self.started
            rate = (done - self.done_at_start) / elapsed if elapsed else 0.0
            eta = (self.run.total_steps - done) / rate if rate else 0.0
            self.log(
                f"epoch {epoch + 1}/{self.epochs} step {step + 1}/{self.run.steps_per_epoch} "
                f"loss {sum(self.losses) / len(self.losses):.4f} "
                f"({elapsed / 60:.1f} min, eta {eta / 60:.1f} min)"
            )
            self.losses = []
        if done % 200 == 0 or time.monotonic() - self.last_saved > CHECKPOINT_SECONDS:
            self.run.save()
            self.last_saved = time.monotonic()


def _epoch_examples(
    tokenizer: Any,
    corpus: TrainingData,
    config: TrainConfig,
    epoch: int,
    rng: Any,
    first: list[WindowExample],
    teacher: dict[str, TeacherTargets] | None,
    log: Log,
) -> list[WindowExample]:
    """The epoch's windows: the first epoch's, or with `shift_windows` the articles cut at another offset."""
    if not config.shift_windows or epoch == 0:
        return first
    shift = int(rng.integers(1, config.max_tokens - config.overlap))
    log(f"epoch {epoch + 1}: article windows shifted by {shift} tokens")
    return training_examples(tokenizer, corpus, config, shift=shift, teacher=teacher)


def _train_epoch(
    run: _Run,
    epoch: int,
    batches: Sequence[Sequence[WindowExample]],
    config: TrainConfig,
    tokenizer: Any,
    precision: str,
    distilled: bool,
    progress: _Progress,
) -> float:
    """The epoch's remaining steps (from where a resumed run stopped); returns their mean loss."""
    import torch

    prefix, suffix = special_tokens(tokenizer)
    run.network.train()
    total, steps = 0.0, 0
    for step in range(run.state["step"], run.steps_per_epoch):
        loss = batch_loss(run.network, batches[step], prefix, suffix, config, precision, distilled=distilled)
        run.optimizer.zero_grad()
        if not bool(torch.isfinite(loss)):
            raise ModelError(
                f"epoch {epoch + 1} step {step + 1}: the loss is {loss.item()}; lower the learning rate "
                "(the last checkpoint is intact)"
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(run.network.parameters(), 1.0)
        run.optimizer.step()
        run.scheduler.step()
        total += loss.item()
        steps += 1
        run.state["step"] = step + 1
        progress.step(epoch, step, loss.item())
    return total / max(1, steps)


def _end_epoch(
    run: _Run,
    epoch: int,
    train_loss: float,
    tokenizer: Any,
    config: TrainConfig,
    corpus: TrainingData,
    out: Path,
    log: Log,
) -> None:
    """Score the epoch on dev, keep its weights (and as ``best.pt`` if it is the best), checkpoint."""
    import torch

    point, scores = evaluate_network(run.network, tokenizer, config, corpus, log, f"epoch {epoch + 1}")
    torch.save(run.network.state_dict(), out / f"epoch-{epoch + 1}.pt")
    run.state["history"].append({"epoch": epoch + 1, "train_loss": train_loss, **point, **scores})
    if scores["si_f1"] + scores["tc_micro_f1"] > run.state["best"]:
        run.state["best"] = scores["si_f1"] + scores["tc_micro_f1"]
        torch.save(run.network.state_dict(), out / "best.pt")
        log(f"epoch {epoch + 1} is the best so far; saved {out / 'best.pt'}")
    run.state["epoch"], run.state["step"] = epoch + 1, 0
    run.save()


def _average_last_epochs(
    run: _Run, tokenizer: Any, config: TrainConfig, corpus: TrainingData, out: Path, log: Log
) -> None:
    """With `average_last` > 1: the mean of the last epochs' weights, kept as ``best.pt`` if it beats them."""
    import torch

    last = [out / f"epoch-{n}.pt" for n in range(config.epochs - config.average_last + 1, config.epochs + 1)]
    if config.average_last <= 1 or not all(p.is_file() for p in last) or "averaged" in run.state:
        return
    run.network.load_state_dict(average_weights([torch.load(p, weights_only=True) for p in last]))
    point, scores = evaluate_network(
        run.network, tokenizer, config, corpus, log, f"average of the last {len(last)}"
    )
    run.state["averaged"] = {"epochs": len(last), **point, **scores}
    if scores["si_f1"] + scores["tc_micro_f1"] > run.state["best"]:
        run.state["best"] = scores["si_f1"] + scores["tc_micro_f1"]
        torch.save(run.network.state_dict(), out / "best.pt")
        log("the averaged weights beat every single epoch; kept them")
    run.save()


def evaluate_network(
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


def average_weights(states: list[dict[str, Any]]) -> dict[str, Any]:
    """Element-wise mean of several state dicts of the same network (integer buffers taken from the last)."""
    averaged = {}
    for key, value in states[-1].items():
        if value.is_floating_point():
            averaged[key] = sum(s[key] for s in states) / len(states)
        else:
            averaged[key] = value
    return averaged


def _detector(network: Any, tokenizer: Any, config: TrainConfig) -> Detector:
    from proplens.training.network import TorchEncoder

    info = ModelInfo(
        max_tokens=config.max_tokens,
        overlap=config.overlap,
        base_encoder=config.base_encoder,
        **network.token_feature_settings(),
    )
    return Detector(tokenizer, TorchEncoder(network), network.numpy_head(), info, batch_size=32)
