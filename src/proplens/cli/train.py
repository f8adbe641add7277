"""`proplens train`, `soup`, `ensemble`, `export` and `model`: making a detector and looking at one."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from proplens.cli.app import app
from proplens.cli.common import MODEL_HELP, clean_errors, load_model, print_json, stderr, stdout, training
from proplens.scoring import formatting
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


@app.command("model")
@clean_errors
def model_command(
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print detector.json as JSON.")] = False,
) -> None:
    """Show the named models (default, accurate) side by side, then one model: operating point, dev
    scores of torch / ONNX fp32 / ONNX int8, per-technique F1."""
    info = load_model(model).info
    if as_json:
        print_json(dataclasses.asdict(info))
        return
    stdout.print(_models_table())
    for line in _model_lines(info):
        stdout.print(line)
    variants: dict[str, Any] = {
        v: info.dev_scores[v] for v in ("torch", "onnx_fp32", "onnx_int8") if v in info.dev_scores
    }
    if variants:
        keys = ("si_precision", "si_recall", "si_f1", "tc_micro_f1", "tc_macro_f1")
        stdout.print(formatting.comparison_table("Dev scores", variants, keys))
    shipped = info.dev_scores.get("onnx_int8")
    if shipped:
        per_technique = {k.removeprefix("tc_"): v for k, v in shipped.items() if k.startswith("tc_")}
        stdout.print(formatting.technique_table(per_technique))


def _models_table() -> Any:
    """One row per named model: installed or not, size, dev figures (from its detector.json)."""
    from rich.table import Table

    from proplens.models.catalog import named_models
    from proplens.models.detector import INFO_FILE, ModelInfo

    table = Table(title="Models (--model NAME)", title_justify="left")
    for column in ("name", "version", "base encoder", "MB", "dev SI F1", "TC micro-F1"):
        numeric = column in ("MB", "dev SI F1", "TC micro-F1")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for named, folder in named_models():
        if folder is None or not (folder / INFO_FILE).is_file():
            table.add_row(named.name, f"[dim]not installed: {named.install}[/dim]", "", "", "", "")
            continue
        info = ModelInfo.read(folder / INFO_FILE)
        scores = info.dev_scores.get("onnx_int8", {})
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 1e6
        table.add_row(
            named.name,
            info.version,
            info.base_encoder,
            f"{size:.0f}",
            f"{scores.get('si_f1', float('nan')):.3f}",
            f"{scores.get('tc_micro_f1', float('nan')):.3f}",
        )
    return table


def _model_lines(info: Any) -> list[str]:
    precision = "int8-stored weights, fp32 arithmetic" if info.quantized else "fp32"
    lines = [
        f"[bold]{info.name}[/bold] {info.version} · base encoder {info.base_encoder} · {precision} · "
        f"windows of {info.max_tokens} tokens (overlap {info.overlap})"
    ]
    decoder = info.span_decoder
    if info.min_score is not None:  # the candidates are decoded without a peak; the minimum filters them
        decoder = replace(decoder, peak=0.0)
    lines.append(f"decoding: {decoder.summary}")
    if info.candidate_bias is not None:
        lines.append(f"candidates: a second pass down to Viterbi bias {info.candidate_bias}")
    if info.min_score is not None:
        lines.append(f"default minimum score (tuned on dev): {info.min_score}")
    lines.append(f"repetition boost {info.repetition_boost}, second technique at p >= {info.secondary}")
    if info.token_features:
        lines.append(f"the span tagger also reads {len(info.token_features)} surface signals per token")
    calibration = info.dev_scores.get("calibration")
    if calibration:
        lines.append(
            f"calibration (5-fold over dev): span ECE {calibration['span_ece_cross_validated']:.3f}, "
            f"technique ECE {calibration['technique_ece_cross_validated']:.3f} "
            f"(temperature {info.temperature})"
        )
    validated = info.dev_scores.get("cross_validated")
    if validated:
        lines.append(
            f"SI F1 with the operating point tuned on other dev articles (5-fold): {validated['si_f1']:.3f}"
        )
    return lines
