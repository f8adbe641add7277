"""Fixtures every area shares: paths to the real corpus (tests skip when ../shared is absent), a tiny
article, `write` and `invoke`. Each area's own fixtures live beside it: `tests/fixtures_models.py` (a tiny
tokenizer, corpus, encoder and training run) and `tests/fixtures_web.py` (local servers, the web app,
Chromium, the test databases, feeds)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# the tests never read or write the user's own proplens files (database, local models, model in use)
os.environ["PROPLENS_HOME"] = tempfile.mkdtemp(prefix="proplens-test-home-")

from proplens import Article

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PTC = SHARED / "data" / "ptc"
SEMEVAL2021 = SHARED / "data" / "semeval2021-task6"
EXAMPLES = REPO / "examples"


@pytest.fixture
def ptc_dir() -> Path:
    """The real PTC corpus folder; skips the test when it is not beside the repo."""
    if not (PTC / "dev-articles").is_dir():
        pytest.skip("../shared/data/ptc is not available")
    return PTC


@pytest.fixture
def semeval2021_dir() -> Path:
    if not (SEMEVAL2021 / "training_set_task2.txt").is_file():
        pytest.skip("../shared/data/semeval2021-task6 is not available")
    return SEMEVAL2021


@pytest.fixture
def article() -> Article:
    """A tiny article: title line, blank line, two body lines."""
    text = "Crooks in charge\n\nThe corrupt mayor lied again.\nVote them out!\n"
    return Article(id="42", text=text, title="Crooks in charge")


def write(path: Path, content: str | bytes) -> Path:
    """Write a fixture file (bytes verbatim, str as UTF-8 with no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# -- command line -------------------------------------------------------------------------------------------


def invoke(*args: object, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run ``proplens ARGS`` in-process: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from proplens.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


pytest_plugins = ["tests.fixtures_models", "tests.fixtures_web"]
