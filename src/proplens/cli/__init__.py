"""The ``proplens`` command line: one small module per command group, each command a few lines over the
library functions (results to stdout, errors to stderr as one line; exit code 0 on success, 1 on bad
input, 2 on bad usage)."""

from proplens.cli import (  # noqa: F401
    analyze,
    batch,
    corpus,
    dataset,
    db,
    evaluate,
    model,
    reviews,
    serve,
    techniques,
    train,
)
from proplens.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
