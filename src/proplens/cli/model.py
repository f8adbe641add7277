"""`proplens model`: the models there are (named and local), one model in detail, installing a trained
model as a local one and choosing the model used when none is named."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from proplens.cli.app import model_app
from proplens.cli.common import MODEL_HELP, clean_errors, load_model, print_json, stdout
from proplens.models.catalog import model_in_use, use_model
from proplens.models.install import install_model
from proplens.scoring import formatting


@model_app.command("list")
@clean_errors
def list_command() -> None:
    """The named and local models, their sizes and dev figures; the one in use is marked."""
    stdout.print(_models_table())


@model_app.command("install")
@clean_errors
def install_command(
    path: Annotated[Path, typer.Argument(help="An exported model folder (RUN/model of proplens train).")],
    name: Annotated[str, typer.Option(help="Its name for --model (lower-case letters, digits, - and _).")],
    replace_existing: Annotated[
        bool, typer.Option("--replace", help="Replace a local model of that name.")
    ] = False,
) -> None:
    """Check a trained model (whole, loads, analyses a sentence) and keep it as a local model."""
    folder = install_model(path, name, replace=replace_existing)
    stdout.print(
        f"installed {name} in {folder}; use it with --model {name} or proplens model use {name}", markup=False
    )


@model_app.command("use")
@clean_errors
def use_command(
    name: Annotated[str, typer.Argument(help="A named or local model ('default': the shipped one).")],
) -> None:
    """Choose the model used when a command names none (analyze, batch, run, serve, ...)."""
    use_model(name)
    stdout.print(f"the model in use is now {name}", markup=False)


@model_app.callback(invoke_without_command=True)
@clean_errors
def model_command(
    context: typer.Context,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print detector.json as JSON.")] = False,
) -> None:
    """The models side by side, then one model (the one in use, or --model): operating point, dev scores
    of torch / ONNX fp32 / ONNX int8, per-technique F1. Subcommands list, install and use manage local
    models (in $PROPLENS_HOME/models)."""
    if context.invoked_subcommand is not None:
        return
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
    from rich.markup import escape
    from rich.table import Table

    from proplens.models.catalog import local_models, named_models
    from proplens.models.detector import INFO_FILE, ModelInfo

    in_use = model_in_use()
    table = Table(title="Models (--model NAME; * in use)", title_justify="left")
    for column in ("name", "version", "base encoder", "MB", "dev SI F1", "TC micro-F1"):
        numeric = column in ("MB", "dev SI F1", "TC micro-F1")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    rows: list[tuple[str, Path | None, str]] = [(n.name, f, n.install) for n, f in named_models()]
    rows += [(name, folder, "") for name, folder in local_models()]
    for name, folder, install in rows:
        shown = escape(name) + (" *" if name == in_use else "")
        if folder is None or not (folder / INFO_FILE).is_file():
            table.add_row(shown, f"[dim]not installed: {escape(install)}[/dim]", "", "", "", "")
            continue
        info = ModelInfo.read(folder / INFO_FILE)
        scores = info.dev_scores.get("onnx_int8", {})
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 1e6
        table.add_row(
            shown,
            escape(info.version),
            escape(info.base_encoder.rsplit("/", 1)[-1]),
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
    provenance = info.provenance
    if provenance.get("trained_from"):
        lines.append(
            f"taught from {provenance['trained_from']} with {provenance.get('reviewed_articles', 0)} "
            f"reviewed articles on {provenance.get('date', '?')}"
        )
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
