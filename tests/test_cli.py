"""The command line, end to end through Typer's runner: output, JSON, errors and exit codes."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proplens.cli import app
from tests.conftest import EXAMPLES, write

runner = CliRunner()


def evaluate(task: str, gold: str) -> tuple[str | Path, ...]:
    """The start of an `evaluate` call against a gold file of the bundled example."""
    return ("evaluate", "--task", task, "--gold", EXAMPLES / gold)


EVALUATE_TC = evaluate("tc", "demo-task-flc-tc.labels")


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_help_everywhere() -> None:
    for command in (
        [],
        ["evaluate"],
        ["dataset"],
        ["dataset", "stats"],
        ["db"],
        ["db", "upgrade"],
        ["ingest"],
        ["run"],
        ["report"],
        ["batch"],
        ["serve"],
        ["techniques"],
        ["predict"],
        ["train"],
        ["model"],
    ):
        code, out, _ = run(*command, "--help")
        assert code == 0, command
        assert "Usage" in out


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("proplens ")


def test_evaluate_si_table_and_json() -> None:
    args = (*evaluate("si", "demo-task-si.labels"), "--pred", EXAMPLES / "demo-pred-si.labels")
    code, out, _ = run(*args)
    assert code == 0
    assert "0.9333" in out and "0.8438" in out and "0.8863" in out
    code, out, _ = run(*args, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["task"] == "si"
    assert payload["scores"]["precision"] == pytest.approx(14 / 15)


def test_evaluate_si_accepts_technique_label_files() -> None:
    code, out, _ = run(
        "evaluate",
        "--task",
        "si",
        "--gold",
        EXAMPLES / "demo-task-si.labels",
        "--pred",
        EXAMPLES / "demo-task-flc-tc.labels",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["scores"]["f1"] == 1.0


def test_evaluate_tc_with_confusion_and_articles() -> None:
    code, out, _ = run(
        *EVALUATE_TC,
        "--pred",
        EXAMPLES / "demo-pred-tc.labels",
        "--articles",
        EXAMPLES / "demo-articles",
        "--confusion",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["scores"]["micro_f1"] == pytest.approx(0.8)
    assert payload["confusion"]["Repetition"] == {"Loaded_Language": 1}
    code, out, _ = run(
        *EVALUATE_TC,
        "--pred",
        EXAMPLES / "demo-pred-tc.labels",
        "--confusion",
    )
    assert code == 0
    assert "Per technique" in out and "Confusion" in out


def test_evaluate_slc_needs_articles() -> None:
    base = (*evaluate("slc", "demo-task-flc-tc.labels"), "--pred", EXAMPLES / "demo-pred-tc.labels")
    code, _, err = run(*base)
    assert code == 2
    assert "needs --articles" in err
    code, out, _ = run(*base, "--articles", EXAMPLES / "demo-articles", "--json")
    assert code == 0
    assert json.loads(out)["scores"]["sentences"] == 15


def test_bad_prediction_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "pred.labels", "1000001\tLoaded_Language\t39\n")
    code, out, err = run(
        "evaluate", "--task", "tc", "--gold", EXAMPLES / "demo-task-flc-tc.labels", "--pred", bad
    )
    assert code == 1
    assert out == ""
    assert "pred.labels:1: expected 4 tab-separated columns" in err
    assert "Traceback" not in err
    offsets = write(tmp_path / "far.labels", "1000001\tDoubt\t10\t99999\n")
    code, _, err = run(
        *EVALUATE_TC,
        "--pred",
        offsets,
        "--articles",
        EXAMPLES / "demo-articles",
    )
    assert code == 1
    assert "far.labels:1: span [10, 99999) ends past the end of article 1000001" in " ".join(err.split())


def test_missing_files_and_bad_task(tmp_path: Path) -> None:
    code, _, err = run("evaluate", "--task", "si", "--gold", tmp_path / "none", "--pred", tmp_path / "none")
    assert code == 1 and "no such file" in err
    code, _, _ = run("evaluate", "--task", "xx", "--gold", "a", "--pred", "b")
    assert code == 2


def test_dataset_stats_on_the_example() -> None:
    code, out, _ = run("dataset", "stats", EXAMPLES)
    assert code == 0
    assert "Dataset demo" in out and "Loaded_Language" in out
    code, out, _ = run("dataset", "stats", EXAMPLES, "--json")
    payload = json.loads(out)
    assert payload["demo"]["spans"] == 20
    assert payload["demo"]["duplicate_spans"] == 1


def test_dataset_stats_errors(tmp_path: Path) -> None:
    code, _, err = run("dataset", "stats", tmp_path / "missing")
    assert code == 1 and "no such directory" in err
    write(tmp_path / "c" / "article1.txt", "short")
    write(tmp_path / "bad.labels", "1\tDoubt\t0\t50\n")
    code, _, err = run("dataset", "stats", tmp_path / "c", "--labels", tmp_path / "bad.labels")
    assert code == 1 and "bad.labels:1" in err


def test_dataset_stats_on_the_real_corpus(ptc_dir: Path) -> None:
    code, out, _ = run("dataset", "stats", ptc_dir, "--json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"train", "dev"}
    assert payload["dev"]["spans"] == 1063
    assert payload["dev"]["articles_without_spans"] == 1


def test_techniques_listing() -> None:
    for taxonomy, expected in (
        ("ptc", "Flag-Waving"),
        ("semeval2023", "Conversation_Killer"),
        ("semeval2021", "Smears"),
    ):
        code, out, _ = run("techniques", "--taxonomy", taxonomy)
        assert code == 0 and expected in out


def test_the_old_names_of_an_unreleased_version_are_gone() -> None:
    import proplens.techniques

    assert run("corpus", "stats", EXAMPLES, "--json")[0] == 2
    assert run("techniques", "--scheme", "semeval2023")[0] == 2
    assert not hasattr(proplens.techniques, "Scheme")


def test_every_help_reads_at_80_columns() -> None:
    commands = [
        [],
        ["analyze"],
        ["serve"],
        ["ingest"],
        ["run"],
        ["report"],
        ["batch"],
        ["evaluate"],
        ["predict"],
        ["dataset", "stats"],
        ["db", "upgrade"],
        ["techniques"],
        ["model"],
        ["train"],
    ]
    for command in commands:
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
        assert result.exit_code == 0, command
        lines = result.stdout.splitlines()
        assert all(len(line) <= 80 for line in lines), (command, max(lines, key=len))
        assert "…" not in result.stdout, command  # nothing cut short
