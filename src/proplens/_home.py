"""Where proplens keeps its own files: ``$PROPLENS_HOME`` (default ``~/.local/share/proplens``) — the
database, the extension token, local models and the name of the model in use."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["proplens_home"]


def proplens_home() -> Path:
    """``$PROPLENS_HOME``, or ``~/.local/share/proplens``; read on each call (tests change it)."""
    return Path(os.environ.get("PROPLENS_HOME") or Path.home() / ".local" / "share" / "proplens")
