"""`proplens predict`, `evaluate --model` and `train` through Typer's runner, on the tiny trained model."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from proplens.cli import app
from proplens.io import ptc
from tests.conftest import write

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def model(tiny_run: tuple[Path, dict, list[str]]) -> Path:
    return tiny_run[0] / "model"


@pytest.fixture
def corpus(tiny_run: tuple[Path, dict, list[str]]) -> Path:
    return tiny_run[0].parent / "corpus"


def test_predict_si_writes_official_lines(model: Path, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "si.txt"
    code, _, err = run(
        "predict", "--task", "si", "--articles", corpus / "dev-articles", "--out", out, "--model", model
    )
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert f"wrote {len(lines)} lines" in err
    assert all(len(line.split("\t")) == 3 for line in lines)
    ptc.read_span_labels(out, articles={a.id: a for a in ptc.read_articles(corpus / "dev-articles")})


def test_predict_tc_keeps_template_order(model: Path, corpus: Path, tmp_path: Path) -> None:
    template = write(tmp_path / "template.txt", "2\t?\t0\t12\n1\tanything\t0\t6\n2\t?\t0\t12\n")
    out = tmp_path / "tc.txt"
    articles = corpus / "dev-articles"
    code, _, err = run(
        "predict", "--task", "tc", "--articles", articles, "--template", template, "--out", out,
        "--model", model,
    )  # fmt: skip
    assert code == 0, err
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r[0], r[2], r[3]) for r in rows] == [("2", "0", "12"), ("1", "0", "6"), ("2", "0", "12")]
    assert rows[0][1] != rows[2][1]  # a fragment listed twice gets two different techniques


def test_evaluate_with_a_model_predicts_then_scores(model: Path, corpus: Path) -> None:
    for task in ("si", "tc"):
        code, out, err = run(
            "evaluate", "--task", task, "--gold", corpus / "dev-task-flc-tc.labels",
            "--articles", corpus / "dev-articles", "--model", model, "--json",
        )  # fmt: skip
        assert code == 0, err
        assert '"f1"' in out or '"micro_f1"' in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pred", "x.labels", "--model", "default"), "either --pred"),
        (("--model", "default"), "--model needs --articles"),
        ((), "either --pred"),
    ],
)
def test_evaluate_usage_errors(corpus: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("evaluate", "--task", "si", "--gold", corpus / "dev-task-flc-tc.labels", *args)
    assert code == 2 and message in err


def test_predict_errors_are_one_line(corpus: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "predict", "--task", "tc", "--articles", corpus / "dev-articles", "--out", tmp_path / "x"
    )
    assert code == 2 and "tc needs --template" in err
    code, _, err = run(
        "predict",
        "--task",
        "si",
        "--articles",
        corpus / "dev-articles",
        "--out",
        tmp_path / "x",
        "--model",
        tmp_path,
    )
    assert code == 1 and "is not a proplens model directory" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()
    bad = write(tmp_path / "t.txt", "1\t?\t5\n")
    code, _, err = run(
        "predict",
        "--task",
        "tc",
        "--articles",
        corpus / "dev-articles",
        "--template",
        bad,
        "--out",
        tmp_path / "x",
    )
    assert code == 1 and "t.txt:1" in err


def test_train_reports_bad_config(tmp_path: Path, corpus: Path) -> None:
    config = write(tmp_path / "c.toml", "epochs = 0\n")
    code, _, err = run("train", "--data", corpus, "--out", tmp_path / "run", "--config", config)
    assert code == 1 and "epochs and batch_size must be at least 1" in err


def test_model_says_when_the_tagger_reads_surface_signals_and_refuses_foreign_ones(
    model: Path, corpus: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    from proplens.models.token_features import TOKEN_FEATURE_NAMES

    copy = Path(shutil.copytree(model, tmp_path / "model"))
    info = json.loads((copy / "detector.json").read_text())
    info |= {"token_features": list(TOKEN_FEATURE_NAMES), "token_feature_weights": [0.0] * 30}
    (copy / "detector.json").write_text(json.dumps(info))
    code, out, _ = run("model", "--model", copy)
    assert code == 0 and "also reads 10 surface signals per token" in " ".join(out.split())
    code, out, _ = run("model", "--model", model)
    assert code == 0 and "surface signals" not in out
    foreign = Path(shutil.copytree(model, tmp_path / "foreign"))  # another path: models are cached by path
    (foreign / "detector.json").write_text(json.dumps(info | {"token_features": ["sarcasm"]}))
    articles = corpus / "dev-articles"
    code, _, err = run(
        "predict", "--task", "si", "--articles", articles, "--out", tmp_path / "si.txt", "--model", foreign
    )
    assert code != 0 and "token features differ from this proplens's: sarcasm" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
