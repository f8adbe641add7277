"""`proplens reviews`: the corrections people made on the result pages and in the extension, as a dataset
(`export`) and as agreement between reviewers (`agreement`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from proplens.cli.app import reviews_app
from proplens.cli.common import DB_HELP, clean_errors, print_json, stdout
from proplens.corrections import agreement, corrections, latest_per_article, write_dataset
from proplens.errors import ProplensError
from proplens.store import Store


@reviews_app.command("export")
@clean_errors
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into (created).")],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    reviewer: Annotated[str | None, typer.Option(help="Only this reviewer's articles.")] = None,
) -> None:
    """Write the reviewed articles (marked done) in the PTC layout and as JSONL.

    OUT/reviewed-articles/article<ID>.txt, OUT/reviewed-task-flc-tc.labels and OUT/reviewed-task-si.labels
    (read by proplens evaluate, the official scorers and proplens train --extra OUT), and
    OUT/reviewed.jsonl. An article reviewed by several people is written once, as its latest reviewer
    left it."""
    found = latest_per_article(corrections(Store(db).reviewed(), reviewer=reviewer))
    if not found:
        who = f" by {reviewer}" if reviewer else ""
        raise ProplensError(f"no article has been marked reviewed (done){who} in this database")
    write_dataset(found, out)
    spans = sum(len(c.spans) for c in found)
    stdout.print(f"wrote {len(found)} reviewed articles ({spans} fragments) to {out}", markup=False)


@reviews_app.command("agreement")
@clean_errors
def agreement_command(
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """How far reviewers agree on the articles two or more of them marked reviewed: span F1 (SemEval SI
    definition, symmetric) overall and per technique."""
    scores = agreement(corrections(Store(db).reviewed()))
    if as_json:
        print_json(scores)
        return
    if not scores["pairs"]:
        stdout.print("no article has been reviewed (done) by two reviewers yet", markup=False)
        return
    stdout.print(
        f"{scores['articles']:.0f} articles, {scores['pairs']:.0f} pairs of reviewers: "
        f"span F1 {scores['span_f1']:.3f}",
        markup=False,
    )
    for key, value in scores.items():
        if key.startswith("f1/"):
            stdout.print(f"  {key[3:]:<36} {value:.3f}", markup=False)
