"""`proplens analyze` end to end on the shipped model: every output format, many inputs, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from proplens.cli import app
from proplens.io import ptc
from proplens.io.jsonl import analysis_from_dict
from proplens.schemas import analysis_schema
from proplens.scoring import si, tc
from tests.conftest import EXAMPLES, SHARED, write

runner = CliRunner()
DEMO = EXAMPLES / "demo-articles" / "article1000001.txt"
EXAMPLE_ARTICLES = SHARED / "examples"


def run(*args: str | Path, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["analyze", *[str(a) for a in args]], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_json_output_validates_against_the_published_schema_and_reads_back() -> None:
    code, out, err = run(DEMO, "--format", "json", "--no-entities")
    assert code == 0, err
    document = json.loads(out)
    jsonschema.validate(document, analysis_schema())
    assert document["schema_version"] == "1.3" and document["article"]["id"] == "1000001"
    analysis = analysis_from_dict(document)
    assert len(analysis.spans) == len(document["spans"]) > 0
    assert sum(document["technique_counts"].values()) == len(document["spans"])


def test_jsonl_output_one_valid_line_per_article(tmp_path: Path) -> None:
    second = write(tmp_path / "second.txt", DEMO.read_text(encoding="utf-8").replace("Bramwell", "Corfe"))
    code, out, err = run(DEMO, second, "--format", "jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    for line in lines:
        jsonschema.validate(json.loads(line), analysis_schema())
    assert "analysed 2 articles" in err


def test_ptc_outputs_are_official_lines_the_scorers_read(tmp_path: Path) -> None:
    articles = {a.id: a for a in ptc.read_articles(DEMO.parent)}
    code, _, err = run(DEMO, "--format", "ptc", "--out", tmp_path / "pred.labels", "--no-entities")
    assert code == 0, err
    predictions = ptc.read_technique_labels(tmp_path / "pred.labels", articles=articles)
    gold_tc = ptc.read_technique_labels(EXAMPLES / "demo-task-flc-tc.labels", articles=articles)
    assert predictions and si.compute(predictions=predictions, references=gold_tc)["f1"] > 0.3
    code, _, err = run(DEMO, "--format", "ptc-si", "--out", tmp_path / "pred-si.labels", "--no-entities")
    assert code == 0, err
    spans = ptc.read_span_labels(tmp_path / "pred-si.labels", articles=articles)
    gold_si = ptc.read_span_labels(EXAMPLES / "demo-task-si.labels", articles=articles)
    assert si.compute(predictions=spans, references=gold_si)["f1"] > 0.3
    assert tc.compute(predictions=predictions, references=gold_tc)["micro_f1"] >= 0.0


def test_format_follows_the_out_suffix_and_html_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, stdout, err = run(DEMO, "--out", out)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Bramwell" in page and stdout == ""
    assert f"wrote {out}" in err


def test_pretty_output_shows_the_highlighted_article_and_tables() -> None:
    code, out, err = run(DEMO, "--format", "pretty")
    assert code == 0, err
    assert "propaganda score" in out and "Fragments" in out and "[1]" in out
    assert "Parking Scheme" in out


def test_stdin_and_semeval2023_taxonomy() -> None:
    code, out, err = run("-", "--format", "json", "--taxonomy", "semeval2023", stdin=DEMO.read_bytes())
    assert code == 0, err
    document = json.loads(out)
    assert document["taxonomy"] == "semeval2023"
    assert document["article"]["id"] == "stdin"
    assert "Name_Calling,Labeling" not in out


def test_one_bad_input_is_reported_the_others_are_written_and_exit_is_1(tmp_path: Path) -> None:
    binary = write(tmp_path / "in" / "photo.txt", b"\x00\x01\x02binary")
    write(tmp_path / "in" / "good.txt", DEMO.read_text(encoding="utf-8"))
    out = tmp_path / "out.jsonl"
    code, _, err = run(tmp_path / "in", tmp_path / "missing.txt", "--out", out, "--no-entities")
    assert code == 1
    assert f"skipped {binary}: looks like a binary file" in " ".join(err.split())
    assert "missing.txt: no such file" in err
    assert "analysed 1 article, 2 inputs failed" in " ".join(err.split())
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert "Traceback" not in err


def test_failed_run_leaves_no_half_written_output(tmp_path: Path) -> None:
    out = write(tmp_path / "keep.json", '{"old": true}\n')
    code, _, err = run(tmp_path / "nothing-here.txt", "--out", out)
    assert code == 1 and "no such file" in err
    assert out.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_gigantic_input_and_bad_options_give_one_line(tmp_path: Path) -> None:
    big = write(tmp_path / "big.txt", "The corrupt mayor lied. " * 100)
    code, _, err = run(big, "--max-chars", "500", "--format", "json")
    assert code == 1 and "more than the limit of 500" in err and "Traceback" not in err
    code, _, err = run(DEMO, "--min-score", "2")
    assert code == 1 and "min_score" in err
    code, _, err = run(DEMO, "--format", "yaml")
    assert code == 2


def test_url_input_against_a_local_server(web_server: str) -> None:
    code, out, err = run(f"{web_server}/news.html", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["article"]["url"] == f"{web_server}/news.html"
    assert document["article"]["text"].startswith("Council vote sparks row")
    for span in document["spans"]:
        assert document["article"]["text"][span["start"] : span["end"]] == span["text"]
    code, _, err = run(f"{web_server}/missing", "--format", "json")
    assert code == 1 and "HTTP 404" in err


@pytest.fixture
def examples() -> Path:
    if not (EXAMPLE_ARTICLES / "valera-maduro-opposition-pact.txt").is_file():
        pytest.skip("../shared/examples is not available")
    return EXAMPLE_ARTICLES


def test_real_articles_end_to_end(examples: Path) -> None:
    code, out, err = run(examples, "--format", "jsonl")
    assert code == 0, err
    documents = {d["article"]["id"]: d for d in map(json.loads, out.splitlines())}
    assert set(documents) == {"blinken-latin-america-tour", "valera-maduro-opposition-pact"}
    valera = documents["valera-maduro-opposition-pact"]
    targets = {t["name"] for t in valera["targets"]}
    assert any("Maduro" in name for name in targets), targets
    attacks = {"Name_Calling,Labeling", "Loaded_Language"}
    assert any(s["technique"] in attacks for s in valera["spans"])
    for document in documents.values():
        jsonschema.validate(document, analysis_schema())
        assert document["spans"], document["article"]["id"]


def test_no_fragment_in_the_real_articles_ends_on_a_function_word(examples: Path) -> None:
    """What a reader noticed in earlier models ("and fair", "a wipe-out of any", "...elite. Instead")."""
    code, out, err = run(examples, "--format", "jsonl", "--no-entities")
    assert code == 0, err
    for document in map(json.loads, out.splitlines()):
        text = document["article"]["text"]
        for span in document["spans"]:
            fragment = text[span["start"] : span["end"]]
            last = fragment.split()[-1].strip(",.;:").lower()
            assert last not in {"and", "any", "instead", "the", "of", "or", "a"}, fragment
            assert "\n" not in fragment, fragment
