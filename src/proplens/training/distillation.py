"""Knowledge distillation: a teacher model's soft answers on the training articles, in the student's tokens.

A small student learns more from a larger teacher's probabilities than from the gold labels alone: how
likely each token is to begin or continue a span (not just 0 or 1), and how a fragment's technique is
shared among look-alikes (a "loaded" insult is partly Name calling). `teacher_targets` runs the teacher
(any exported model, e.g. ``accurate``) over the training articles once and returns, per article, the
O/B/I probabilities of every *student* token and the technique distribution of every gold fragment.

The two models may tokenise differently (MPNet and MiniLM do, a little), so the tag probabilities are
carried over by character offsets: a student token takes the probabilities of the teacher token that
holds its first character; a student token that starts inside a teacher token continues it (its B mass
moves to I). The targets are cached next to the run (``teacher-targets.npz``), so ``--resume`` and a
second run with the same teacher do not pay for the teacher again.
"""

from __future__ import annotations

import bisect
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from proplens.document import Annotation, Article, group_by_article
from proplens.errors import ModelError
from proplens.training.examples import TeacherTargets

if TYPE_CHECKING:  # data.py builds on this module
    from proplens.training.config import TrainConfig
    from proplens.training.data import TrainingData

__all__ = [
    "distillation_targets",
    "load_targets",
    "save_targets",
    "teacher_targets",
    "tokens_from_teacher",
]

Array = NDArray[np.float32]
Offsets = Sequence[tuple[int, int]]


def tokens_from_teacher(
    student: Offsets, teacher: Offsets, span_probabilities: Array, begin_probabilities: Array
) -> Array:
    """O/B/I probabilities for each student token from the teacher's per-token p(span) and p(B)."""
    result = np.zeros((len(student), 3), dtype=np.float32)
    result[:, 0] = 1.0
    if not teacher:
        return result
    ends = [end for _, end in teacher]
    for index, (start, _) in enumerate(student):
        j = min(bisect.bisect_right(ends, start), len(teacher) - 1)
        span = float(np.clip(span_probabilities[j], 0.0, 1.0))
        begin = float(np.clip(begin_probabilities[j], 0.0, span))
        if teacher[j][0] < start:  # inside the teacher's token: a continuation, never a beginning
            result[index] = (1.0 - span, 0.0, span)
        else:
            result[index] = (1.0 - span, begin, span - begin)
    return result


def teacher_targets(
    teacher: object,
    student_tokenizer: object,
    articles: Sequence[Article],
    gold: Iterable[Annotation],
    *,
    chunk: int = 8,
    log: Callable[[str], None] = print,
) -> dict[str, TeacherTargets]:
    """Run `teacher` (a `Detector`) over `articles` and express its answers in the student's tokens."""
    from proplens.models.windows import tokenize

    by_article = group_by_article(gold)
    targets: dict[str, TeacherTargets] = {}
    for first in range(0, len(articles), chunk):
        part = articles[first : first + chunk]
        for encoded in teacher.encode(part):  # type: ignore[attr-defined]
            article = encoded.article
            student = tokenize(student_tokenizer, article.text)  # type: ignore[arg-type]
            tags = tokens_from_teacher(
                student.offsets,
                encoded.tokens.offsets,
                encoded.span_probabilities,
                encoded.begin_probabilities,
            )
            spans = [s for s in by_article.get(article.id, []) if s.technique]
            techniques: dict[tuple[int, int, str], Array] = {}
            if spans:
                probabilities = teacher.classify(encoded, [(s.start, s.end) for s in spans])  # type: ignore[attr-defined]
                for span, row in zip(spans, probabilities, strict=True):
                    techniques[(span.start, span.end, str(span.technique))] = row.astype(np.float32)
            targets[article.id] = TeacherTargets(tags, techniques)
        log(f"teacher: {min(first + chunk, len(articles))}/{len(articles)} articles")
    return targets


def fingerprint(teacher_id: str, student_tokenizer: str, articles: Sequence[Article]) -> str:
    """Identifies a set of targets: the teacher, the student's tokenizer and the articles' texts."""
    digest = hashlib.sha256(f"{teacher_id}\n{student_tokenizer}\n".encode())
    for article in articles:
        digest.update(f"{article.id}\0{article.text}\0".encode())
    return digest.hexdigest()


def save_targets(path: Path, targets: dict[str, TeacherTargets], key: str) -> None:
    """Write the targets as one npz file (written aside, then moved into place)."""
    arrays: dict[str, NDArray[np.float32] | NDArray[np.str_]] = {"key": np.array(key)}
    for number, (article_id, target) in enumerate(sorted(targets.items())):
        arrays[f"{number}.id"] = np.array(article_id)
        arrays[f"{number}.tags"] = target.tags
        ranges = sorted(target.techniques)
        arrays[f"{number}.ranges"] = np.array([f"{s}:{e}:{t}" for s, e, t in ranges], dtype=np.str_)
        arrays[f"{number}.techniques"] = (
            np.stack([target.techniques[r] for r in ranges]) if ranges else np.zeros((0, 0), np.float32)
        )
    partial = path.with_suffix(".partial.npz")
    np.savez_compressed(partial, **arrays)  # type: ignore[arg-type]
    partial.replace(path)


def load_targets(path: Path, key: str) -> dict[str, TeacherTargets] | None:
    """The targets saved at `path` for `key`; None when the file is missing or was made for other inputs."""
    if not path.is_file():
        return None
    try:
        with np.load(path) as saved:
            if str(saved["key"]) != key:
                return None
            targets = {}
            count = sum(1 for name in saved.files if name.endswith(".id"))
            for number in range(count):
                ranges = [str(r).split(":", 2) for r in saved[f"{number}.ranges"]]
                rows = saved[f"{number}.techniques"]
                techniques = {(int(s), int(e), t): rows[i] for i, (s, e, t) in enumerate(ranges)}
                targets[str(saved[f"{number}.id"])] = TeacherTargets(saved[f"{number}.tags"], techniques)
            return targets
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"cannot read the teacher's targets {path}: {error}") from None


def distillation_targets(
    config: TrainConfig, corpus: TrainingData, tokenizer: Any, out: Path, log: Callable[[str], None]
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
