"""`proplens train`, `soup`, `ensemble` and `export`: making a detector."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from proplens.cli.app import app
from proplens.cli.common import clean_errors, print_json, stderr, training
from proplens.training.config import TEACHING, load_config

TrainingData = Annotated[
    Path, typer.Option("--data", help="PTC-layout folder with train-articles/ and dev-articles/.")
]
"""The --data option of every command that tunes or scores a model on the PTC splits."""


def _log(message: str) -> None:
    stderr.print(message, highlight=False, soft_wrap=True)


@app.command("train")
@clean_errors
def train_command(
    data: TrainingData,
    out: Annotated[Path, typer.Option(help="Run folder: checkpoints, logs and the exported model/.")],
    config: Annotated[
        Path | None, typer.Option(help="TOML training config (see configs/default.toml).")
    ] = None,
    resume: Annotated[bool, typer.Option(help="Continue from the run folder's last checkpoint.")] = False,
    start_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Continue from this model's weights (default, accurate, a local model or a model folder); "
            "without --config, the short teaching recipe (configs/teach.toml).",
        ),
    ] = None,
    extra: Annotated[
        Path | None,
        typer.Option(help="Reviewed articles to learn from (PTC layout: proplens reviews export --out DIR)."),
    ] = None,
) -> None:
    """Train a detector (needs the train extra), tune it on dev and export it to ONNX.

    The model ends up in OUT/model/: ship it (make ship), or keep it as a local model with
    proplens model install OUT/model --name NAME.
    """
    settings = load_config(config) if config or not start_from else TEACHING
    if start_from:
        settings = replace(settings, start_from=start_from)
    if extra:
        settings = replace(settings, extra_data=str(extra))
    print_json(training("train")(settings, data, out, resume=resume, log=_log))


@app.command("soup")
@clean_errors
def soup_command(
    runs: Annotated[list[Path], typer.Argument(help="Finished run folders (with best.pt and train.toml).")],
    data: TrainingData,
    out: Annotated[Path, typer.Option(help="Run folder for the averaged model (exported to OUT/model/).")],
) -> None:
    """Average the weights of several runs into one model (a model soup), tune it on dev and export it."""
    print_json(training("soup")(runs, data, out, log=_log))


@app.command("ensemble")
@clean_errors
def ensemble_command(
    runs: Annotated[list[Path], typer.Argument(help="Exported run folders (encoder-fp32.onnx, model/).")],
    data: TrainingData,
    out: Annotated[Path, typer.Option(help="Run folder for the ensemble (exported to OUT/model/).")],
) -> None:
    """Run several models' encoders side by side as one model (an output ensemble), tune it on dev and
    export it."""
    print_json(training("ensemble")(runs, data, out, log=_log))


@app.command("export")
@clean_errors
def export_command(
    run: Annotated[Path, typer.Argument(help="A finished run folder (with best.pt and train.toml).")],
    data: TrainingData,
    compare: Annotated[
        bool,
        typer.Option(
            help="Also score the torch and ONNX fp32 models on dev (--no-compare: only the shipped int8 "
            "graph; each dev pass of a large encoder costs minutes)."
        ),
    ] = True,
) -> None:
    """Export a finished run again to RUN/model/ (fused ONNX, int8-stored weights), tuned on dev."""
    print_json(training("export_run")(run, data, log=_log, compare_variants=compare))
