"""What every command shares: consoles, one-line errors, the progress bar, the model loader, help texts."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from proplens._extras import require
from proplens.errors import ProplensError

__all__ = [
    "DB_HELP",
    "MODEL_HELP",
    "ColumnOption",
    "RateBar",
    "clean_errors",
    "load_model",
    "print_json",
    "stderr",
    "stdout",
    "training",
]

stdout = Console()
stderr = Console(stderr=True)

DB_HELP = (
    "Database URL (sqlite:///file.db, postgresql://user:pass@host/db). "
    "Default: SQLite in $PROPLENS_HOME (~/.local/share/proplens)."
)
MODEL_HELP = (
    "'default' (the fast shipped model), 'accurate' (larger and slower; installed with "
    "pip install ./packages/proplens-accurate), a local model (proplens model list) or a model folder. "
    "Default: the model in use (proplens model use)."
)
ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="FIELD=COLUMN", help="CSV column for an article field (e.g. text=body); repeatable."
    ),
]
"""``--column``: how CSV inputs name the article fields (`proplens.sources.parse_columns`)."""

P = ParamSpec("P")
R = TypeVar("R")


def clean_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn every error into one red line on stderr and exit code 1, never a traceback: proplens' own
    errors (a failing database among them: `proplens.store.translated`), files that cannot be read or
    written, and — as "internal error" — anything else (``PROPLENS_DEBUG=1`` shows its traceback)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise  # usage errors (exit 2), exits and Ctrl-C are Typer's to report
        except ProplensError as error:
            message = str(error)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            message = f"{where}{error.strerror or error}"
            _quiet_stdout()
        except Exception as error:
            if os.environ.get("PROPLENS_DEBUG"):
                raise
            message = f"internal error: {error.__class__.__name__}: {error}"
        stderr.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None

    return wrapper


def _quiet_stdout() -> None:
    """After stdout failed (a full disk, /dev/full), point it at /dev/null so the exit flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def load_model(model: str | None) -> Any:
    """The detector at `model` ('default' or a folder), cached per process, with a status line."""
    from proplens.api import load_model as load

    with stderr.status(f"loading model {model}"):
        return load(model)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=float) + "\n")


def training(name: str) -> Any:
    """A training entry point (`proplens.training`: train, soup, ensemble, export_run), or `MissingExtra`
    naming the train extra."""
    for package in ("torch", "transformers", "onnx"):
        require(package, "train")
    from proplens.training import loop, runs

    return getattr(loop if name == "train" else runs, name)


class RateBar:
    """A Rich progress bar on stderr: count, articles/s, elapsed and remaining time; hidden when stderr is
    not a terminal or when `enabled` is false."""

    def __init__(self, description: str, total: int | None = None, *, enabled: bool = True) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        shown = enabled and stderr.is_terminal
        self.progress = Progress(*columns, console=stderr, transient=True, disable=not shown)
        self.task = self.progress.add_task(description, total=total, rate="-")

    def update(self, *, advance: int = 0, done: int | None = None, total: int | None = None) -> None:
        self.progress.update(self.task, advance=advance, completed=done, total=total)
        state = self.progress.tasks[0]
        rate = state.completed / state.elapsed if state.elapsed else 0.0
        self.progress.update(self.task, rate=f"{rate:.1f}")

    def __enter__(self) -> RateBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)
