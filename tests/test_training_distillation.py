"""Knowledge distillation: a teacher's answers carried into the student's tokens, cached, and trained on."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from proplens.document import Annotation, Article, Span
from proplens.errors import FormatError, ModelError
from proplens.training.config import TrainConfig, load_config
from proplens.training.distillation import (
    fingerprint,
    load_targets,
    save_targets,
    teacher_targets,
    tokens_from_teacher,
)
from proplens.training.examples import TeacherTargets, build_examples


def test_student_tokens_take_the_teacher_token_that_holds_their_first_character() -> None:
    """Hand-worked: the teacher reads "corrupt mayor" as two tokens, the student as three ("cor", "##rupt",
    "mayor"); the student's second token starts inside the teacher's first, so it continues it."""
    teacher = [(0, 7), (8, 13)]
    span = np.array([0.8, 0.3], dtype=np.float32)
    begin = np.array([0.6, 0.1], dtype=np.float32)
    student = [(0, 3), (3, 7), (8, 13)]
    tags = tokens_from_teacher(student, teacher, span, begin)
    assert np.allclose(tags, [[0.2, 0.6, 0.2], [0.2, 0.0, 0.8], [0.7, 0.1, 0.2]], atol=1e-6)
    assert np.allclose(tags.sum(axis=1), 1.0)


def test_a_skipped_student_token_takes_the_next_teacher_token_and_no_teacher_means_outside() -> None:
    teacher = [(0, 3), (6, 9)]
    span = np.array([0.1, 0.9], dtype=np.float32)
    begin = np.array([0.05, 0.95], dtype=np.float32)  # p(B) above p(span) from rounding: clipped
    tags = tokens_from_teacher([(0, 3), (4, 5), (6, 9)], teacher, span, begin)
    assert np.allclose(tags[1], tags[2]) and np.allclose(tags[2], [0.1, 0.9, 0.0], atol=1e-6)
    assert (tags >= 0).all()
    empty = tokens_from_teacher([(0, 3)], [], np.zeros(0, np.float32), np.zeros(0, np.float32))
    assert empty.tolist() == [[1.0, 0.0, 0.0]]


def test_targets_round_trip_and_are_refused_for_other_inputs(tmp_path: Path) -> None:
    targets = {
        "a": TeacherTargets(
            np.array([[0.9, 0.05, 0.05]], np.float32),
            {
                (0, 4, "Doubt"): np.full(14, 1 / 14, np.float32),
                (2, 9, "Name_Calling,Labeling"): np.eye(14)[0],
            },
        ),
        "b": TeacherTargets(np.zeros((0, 3), np.float32)),
    }
    path = tmp_path / "teacher-targets.npz"
    save_targets(path, targets, "key-1")
    loaded = load_targets(path, "key-1")
    assert loaded is not None and sorted(loaded) == ["a", "b"]
    assert np.array_equal(loaded["a"].tags, targets["a"].tags)
    assert set(loaded["a"].techniques) == {(0, 4, "Doubt"), (2, 9, "Name_Calling,Labeling")}
    assert loaded["a"].techniques[(2, 9, "Name_Calling,Labeling")][0] == 1.0 and not loaded["b"].techniques
    assert load_targets(path, "key-2") is None  # other teacher, tokenizer or articles: computed again
    assert load_targets(tmp_path / "missing.npz", "key-1") is None
    path.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="cannot read the teacher's targets"):
        load_targets(path, "key-1")


def test_the_fingerprint_changes_with_teacher_tokenizer_and_text() -> None:
    articles = [Article("1", "The corrupt mayor.")]
    base = fingerprint("teacher-1", "tok", articles)
    assert base == fingerprint("teacher-1", "tok", [Article("1", "The corrupt mayor.")])
    assert base != fingerprint("teacher-2", "tok", articles)
    assert base != fingerprint("teacher-1", "other", articles)
    assert base != fingerprint("teacher-1", "tok", [Article("1", "The corrupt mayor!")])


def test_windows_carry_the_teacher_targets_and_refuse_another_tokenizers(tiny_tokenizer: object) -> None:
    article = Article("a", "the corrupt mayor lied again and again , crooks in charge .")
    gold = [Annotation("a", Span(4, 17, "Loaded_Language"))]
    n = 12
    tags = np.tile(np.array([[0.5, 0.25, 0.25]], np.float32), (n, 1))
    soft = np.eye(14, dtype=np.float32)[3]
    targets = {"a": TeacherTargets(tags, {(4, 17, "Loaded_Language"): soft})}
    examples = build_examples(tiny_tokenizer, [article], gold, max_tokens=6, overlap=1, teacher=targets)
    assert all(e.soft_tags is not None and len(e.soft_tags) == len(e.ids) for e in examples)
    spans = [s for e in examples for s in e.spans]
    assert len(spans) == 1 and spans[0].soft[3] == 1.0
    wrong = {"a": TeacherTargets(tags[:5])}
    with pytest.raises(ValueError, match="another tokenizer"):
        build_examples(tiny_tokenizer, [article], gold, max_tokens=6, overlap=1, teacher=wrong)


def test_soft_loss_is_cross_entropy_over_rows_that_have_a_target() -> None:
    torch = pytest.importorskip("torch")
    from proplens.training.losses import soft_loss

    logits = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]])
    one_hot = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]])  # the second row has no target
    expected = torch.nn.functional.cross_entropy(logits[0, :1], torch.tensor([0]))
    assert abs(float(soft_loss(logits, one_hot)) - float(expected)) < 1e-6
    assert float(soft_loss(logits, torch.zeros_like(logits))) == 0.0
    uniform = torch.full((1, 1, 3), 1 / 3)
    assert abs(float(soft_loss(torch.zeros(1, 1, 3), uniform)) - float(np.log(3))) < 1e-6


def test_a_distilled_run_learns_from_a_teacher_and_caches_its_answers(
    tiny_run: tuple[Path, dict, list[str]], tiny_training_inputs: tuple[TrainConfig, Path], tmp_path: Path
) -> None:
    """The tiny run's exported model teaches a new tiny run: its targets are computed once, saved in the
    run folder, read again on --resume, and the student exports like any other run."""
    from proplens.models.detector import load_detector
    from proplens.models.windows import load_tokenizer, tokenize
    from proplens.training.loop import train

    teacher_dir = tiny_run[0] / "model"
    tiny, corpus = tiny_training_inputs
    config = replace(tiny, epochs=2, teacher=str(teacher_dir), distill_weight=0.7)
    messages: list[str] = []
    results = train(config, corpus, tmp_path / "run", log=messages.append)
    assert any(m.startswith("teacher: proplens-detector-0 on 4 training articles") for m in messages)
    assert len(results["history"]) == 2 and (tmp_path / "run" / "model" / "encoder.onnx").is_file()
    assert load_config(tmp_path / "run" / "model" / "train.toml").teacher == str(teacher_dir)
    saved = np.load(tmp_path / "run" / "teacher-targets.npz")
    assert sum(name.endswith(".tags") for name in saved.files) == 4
    again: list[str] = []
    train(config, corpus, tmp_path / "run", resume=True, log=again.append, export=False)
    assert any("targets read from" in m for m in again)
    # the targets agree with running the teacher directly
    tokenizer = load_tokenizer(tmp_path / "run" / "tokenizer.json")
    article = Article("1", (corpus / "train-articles" / "article1.txt").read_text(encoding="utf-8"))
    direct = teacher_targets(load_detector(teacher_dir), tokenizer, [article], [], log=lambda _: None)
    assert direct["1"].tags.shape == (len(tokenize(tokenizer, article.text)), 3)  # type: ignore[arg-type]
    assert np.allclose(direct["1"].tags.sum(axis=1), 1.0, atol=1e-5)


def test_a_missing_teacher_is_a_clear_error(
    tiny_training_inputs: tuple[TrainConfig, Path], tmp_path: Path
) -> None:
    tiny, corpus = tiny_training_inputs
    with pytest.raises(ModelError, match="teacher 'nowhere': no model in nowhere"):
        from proplens.training.loop import train

        train(replace(tiny, teacher="nowhere"), corpus, tmp_path / "run", log=lambda _: None)


def test_distill_weight_must_be_a_share(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[train]\nteacher = "accurate"\ndistill_weight = 1.5\n', encoding="utf-8")
    with pytest.raises(FormatError, match="distill_weight must be between 0 and 1"):
        load_config(path)
