"""Published JSON Schemas of proplens' outputs (the analysis JSON of the CLI and the web API)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["analysis_schema"]


def analysis_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one analysis, as written by ``--format json``/``jsonl``."""
    text = resources.files(__package__).joinpath("analysis.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
