"""The runtime install: analysis without torch, transformers, Ray, pyarrow or matplotlib (each command run
with those modules made unimportable), and a one-line hint naming the extra where a feature needs one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from proplens._extras import EXTRAS, installed, require
from proplens.errors import MissingExtra, ProplensError
from tests.conftest import EXAMPLES

OPTIONAL = ("torch", "transformers", "ray", "pyarrow", "matplotlib", "onnx")
WITHOUT_EXTRAS = (
    "import sys\n"
    f"for name in {OPTIONAL!r}: sys.modules[name] = None\n"
    "from proplens.cli import main\n"
    "sys.argv[0] = 'proplens'\n"
    "main()\n"
)
DEMO = EXAMPLES / "demo-articles"


def without_extras(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_require_names_the_extra_that_installs_a_missing_module() -> None:
    with pytest.raises(MissingExtra, match=r"pip install 'proplens\[parquet\]'") as caught:
        require("no_such_module_at_all", "parquet")
    assert isinstance(caught.value, ProplensError) and isinstance(caught.value, ImportError)
    assert require("json", "plots").dumps([]) == "[]"
    assert not installed("no_such_module_at_all") and installed("json")
    assert set(EXTRAS) == {"parquet", "plots", "train", "ray"}


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    import tomllib

    declared = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert set(EXTRAS) <= set(declared["project"]["optional-dependencies"])
    runtime = {re.match(r"[\w.-]+", line).group().lower() for line in declared["project"]["dependencies"]}
    assert runtime and not runtime & set(OPTIONAL)


def test_analyze_and_evaluate_need_none_of_the_extras(tmp_path: Path) -> None:
    result = without_extras("analyze", DEMO / "article1000001.txt", "-f", "json", "-o", tmp_path / "a.json")
    assert result.returncode == 0, result.stderr
    assert '"spans"' in (tmp_path / "a.json").read_text(encoding="utf-8")
    result = without_extras(
        "evaluate",
        "--task",
        "si",
        "--model",
        "default",
        "--articles",
        DEMO,
        "--gold",
        EXAMPLES / "demo-task-si.labels",
    )
    assert result.returncode == 0 and "SI scores" in result.stdout, result.stderr


def test_a_feature_whose_extra_is_missing_says_which_to_install(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text('{"id": "a", "text": "The corrupt mayor lied."}\n')
    for args, extra in (
        (["batch", tmp_path / "in", tmp_path / "out", "--no-entities"], "parquet"),
        (["batch", tmp_path / "in", tmp_path / "out2", "--engine", "ray"], "ray"),
        (["train", "--data", tmp_path, "--out", tmp_path / "run"], "train"),
    ):
        result = without_extras(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert f"pip install 'proplens[{extra}]'" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
