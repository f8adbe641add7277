"""`proplens model list | install | use`: local models in $PROPLENS_HOME, the model in use, and broken or
foreign model folders refused in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import invoke


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROPLENS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def trained(tiny_run) -> Path:  # type: ignore[no-untyped-def]
    return tiny_run[0] / "model"  # type: ignore[no-any-return]


def test_install_use_and_list_a_local_model(home: Path, trained: Path, tmp_path: Path) -> None:
    code, out, err = invoke("model", "install", trained, "--name", "newsroom-1")
    assert code == 0, err
    assert (home / "models" / "newsroom-1" / "encoder.onnx").is_file()
    code, out, _ = invoke("model", "list")
    assert code == 0 and "newsroom-1" in out and "default *" in out
    code, out, err = invoke("model", "use", "newsroom-1")
    assert code == 0 and "newsroom-1" in out
    code, out, _ = invoke("model", "list")
    assert "newsroom-1 *" in out
    text = tmp_path / "a.txt"
    text.write_text("The corrupt mayor lied again.\n", encoding="utf-8")
    code, out, err = invoke("analyze", text, "--format", "json")  # no --model: the model in use
    assert code == 0 and '"model": "proplens-detector-0"' in out, err
    code, out, _ = invoke("analyze", text, "--format", "json", "--model", "default")
    assert '"model": "proplens-detector-6"' in out
    code, out, _ = invoke("model", "use", "default")
    assert code == 0 and not (home / "model-in-use").exists()
    code, _, err = invoke("model", "install", trained, "--name", "newsroom-1")
    assert code == 1 and "exists" in err and "--replace" in err
    assert invoke("model", "install", trained, "--name", "newsroom-1", "--replace")[0] == 0


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing head", "missing technique_head.npz"),
        ("garbage graph", "is not a working proplens model"),
        ("foreign json", "is not a working proplens model"),
        ("not a folder", "no such model folder"),
    ],
)
def test_broken_or_foreign_model_folders_are_refused_in_one_line(
    home: Path, trained: Path, tmp_path: Path, damage: str, message: str
) -> None:
    folder = Path(shutil.copytree(trained, tmp_path / "copy"))
    if damage == "missing head":
        (folder / "technique_head.npz").unlink()
    elif damage == "garbage graph":
        (folder / "encoder.onnx").write_bytes(b"\x00not onnx" * 100)
    elif damage == "foreign json":
        (folder / "detector.json").write_text('{"max_tokens": "many", "techniques": 7}')
    else:
        folder = tmp_path / "nothing-here"
    code, _, err = invoke("model", "install", folder, "--name", "broken")
    assert code == 1 and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (home / "models" / "broken").exists()


def test_bad_names_and_unknown_models(home: Path, trained: Path) -> None:
    for name in ("default", "accurate", "Big Model", "../escape", "x" * 41, ""):
        code, _, err = invoke("model", "install", trained, "--name", name)
        assert code == 1 and "cannot name a local model" in err, (name, err)
    code, _, err = invoke("model", "use", "nobody")
    assert code == 1 and "no installed model named 'nobody'" in err
    assert not (home / "models").exists() or not any((home / "models").iterdir())
