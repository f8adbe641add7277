"""`proplens evaluate` and `proplens predict`: the SemEval-2020 Task 11 formats and official scores."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from proplens.cli.app import app
from proplens.cli.common import MODEL_HELP, RateBar, clean_errors, load_model, stderr, stdout
from proplens.document import Annotation, Article
from proplens.io import ptc
from proplens.models import predict
from proplens.scoring import formatting, si, slc, tc


class Task(StrEnum):
    si = "si"
    tc = "tc"
    slc = "slc"


class PredictTask(StrEnum):
    si = "si"
    tc = "tc"


def _with_progress(
    articles: Sequence[Article], run: Callable[[Sequence[Article]], list[Annotation]]
) -> list[Annotation]:
    """Run `run` over chunks of articles with a progress bar on stderr (articles/s and time left)."""
    results: list[Annotation] = []
    with RateBar("predicting", len(articles)) as bar:
        for first in range(0, len(articles), 16):
            part = articles[first : first + 16]
            results.extend(run(part))
            bar.update(advance=len(part))
    return results


@app.command()
@clean_errors
def evaluate(
    task: Annotated[
        Task,
        typer.Option(
            help="si: span identification; tc: technique classification; "
            "slc: sentence-level (needs --articles).",
        ),
    ],
    gold: Annotated[Path, typer.Option(help="Gold label file or folder of per-article files.")],
    pred: Annotated[
        Path | None, typer.Option(help="Predicted label file, same layout as the gold (or use --model).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(help="Predict with this model instead of reading --pred: " + MODEL_HELP),
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(help="Article folder: checks offsets against the texts; required for slc."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    confusion: Annotated[bool, typer.Option(help="tc: also print the confusion matrix.")] = False,
) -> None:
    """Score predictions against gold with the official SemEval-2020 Task 11 definitions.

    Label files: si uses id, start, end lines (a technique column, if present, is
    ignored); tc and slc use id, technique, start, end lines.
    """
    if task == Task.slc and articles is None:
        raise typer.BadParameter("slc needs --articles (sentences come from the article texts)")
    if (pred is None) == (model is None):
        raise typer.BadParameter("give either --pred (a prediction file) or --model (predict now)")
    if model is not None and (articles is None or task == Task.slc):
        raise typer.BadParameter("--model needs --articles and --task si or tc")
    texts = {a.id: a for a in ptc.read_articles(articles)} if articles else None
    read = ptc.read_span_labels if task == Task.si else ptc.read_technique_labels
    references = read(gold, articles=texts)
    if pred is not None:
        predictions = read(pred, articles=texts)
    else:
        assert texts is not None and model is not None
        detector = load_model(model)
        chosen = list(texts.values())
        if task == Task.si:
            predictions = _with_progress(chosen, lambda part: predict.predict_si(detector, part))
        else:
            predictions = predict.predict_tc(detector, chosen, references)
    if task == Task.si:
        scores = si.compute(predictions=predictions, references=references)
    elif task == Task.tc:
        scores = tc.compute(predictions=predictions, references=references)
    else:
        assert texts is not None
        scores = slc.compute(predictions=predictions, references=references, articles=texts.values())
    if as_json:
        extra: dict[str, Any] = {"task": task.value, "gold": str(gold)}
        extra.update({"pred": str(pred)} if pred is not None else {"model": model})
        if task == Task.tc and confusion:
            extra["confusion"] = tc.confusion_matrix(predictions=predictions, references=references)
        sys.stdout.write(formatting.scores_json(scores, **extra) + "\n")
        return
    stdout.print(
        formatting.summary_table(f"{task.value.upper()} scores", scores, formatting.SUMMARY_KEYS[task.value])
    )
    if task == Task.tc:
        stdout.print(formatting.technique_table(scores))
        if confusion:
            matrix = tc.confusion_matrix(predictions=predictions, references=references)
            stdout.print(formatting.confusion_table(matrix))


@app.command("predict")
@clean_errors
def predict_command(
    task: Annotated[PredictTask, typer.Option(help="si: find spans; tc: label the spans of --template.")],
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    out: Annotated[Path, typer.Option(help="Where to write the predictions (official format).")],
    template: Annotated[
        Path | None, typer.Option(help="tc: the lines to label (id, anything, start, end).")
    ] = None,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
) -> None:
    """Write predictions in the SemEval-2020 Task 11 formats, for the official scorers.

    si writes id, start, end per detected span; tc writes the template's lines in order,
    with the predicted technique in the second column.
    """
    if task == PredictTask.tc and template is None:
        raise typer.BadParameter("tc needs --template (the spans to label)")
    texts = ptc.read_articles(articles)
    by_id = {a.id: a for a in texts}
    lines = ptc.read_tc_template(template, articles=by_id) if template is not None else []
    detector = load_model(model)
    if task == PredictTask.si:
        predictions = _with_progress(texts, lambda part: predict.predict_si(detector, part))
        ptc.write_span_labels(out, predictions)
    else:
        wanted = [by_id[i] for i in dict.fromkeys(line.article_id for line in lines)]
        predictions = predict.predict_tc(detector, wanted, lines)
        ptc.write_technique_labels(out, predictions)
    stderr.print(f"wrote {len(predictions)} lines to {escape(str(out))}")
