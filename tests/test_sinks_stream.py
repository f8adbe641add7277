"""Sinks: each format's shape, and atomic files that an interrupted run never half-writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proplens.document import Analysis, Article, Span
from proplens.pipeline import Result
from proplens.sinks import OutputFormat, Sink

TEXT = "The corrupt mayor lied again."
RESULT = Result(
    Analysis(
        Article("5", TEXT), (Span(4, 11, "Name_Calling,Labeling", 0.3), Span(4, 17, "Loaded_Language", 0.5))
    ),
    "five.txt",
)


def _write(format: OutputFormat, out: Path, results: list[Result]) -> str:
    with Sink(format, out) as sink:
        for result in results:
            sink.add(result)
    return out.read_text(encoding="utf-8")


def test_ptc_lines_and_ptc_si_lines(tmp_path: Path) -> None:
    assert _write(OutputFormat.ptc, tmp_path / "a", [RESULT]).splitlines() == [
        "5\tName_Calling,Labeling\t4\t11",
        "5\tLoaded_Language\t4\t17",
    ]
    assert _write(OutputFormat.ptc_si, tmp_path / "b", [RESULT]).splitlines() == ["5\t4\t11", "5\t4\t17"]


def test_json_is_an_object_for_one_article_and_a_list_for_several(tmp_path: Path) -> None:
    assert json.loads(_write(OutputFormat.json, tmp_path / "one.json", [RESULT]))["article"]["id"] == "5"
    assert len(json.loads(_write(OutputFormat.json, tmp_path / "two.json", [RESULT, RESULT]))) == 2


def test_pretty_to_a_file_is_plain_text(tmp_path: Path) -> None:
    text = _write(OutputFormat.pretty, tmp_path / "out.txt", [RESULT])
    assert "corrupt[1] mayor[2] lied" in text and "\x1b[" not in text


def test_an_interrupted_run_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), Sink(OutputFormat.jsonl, out) as sink:
        sink.add(RESULT)
        raise KeyboardInterrupt
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_no_results_write_nothing(tmp_path: Path) -> None:
    with Sink(OutputFormat.html, tmp_path / "r.html"):
        pass
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("format", [OutputFormat.json, OutputFormat.html])
def test_a_write_that_fails_at_the_end_keeps_the_old_file(
    format: OutputFormat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up while the whole-run formats are written at the end (issue: a truncated JSON
    replaced the file it was to replace): the old file stays, no partial or temporary file is left."""
    out = tmp_path / f"existing.{format.value}"
    out.write_text("old\n", encoding="utf-8")
    real_write = Sink._write

    def write_then_fill_the_disk(self: Sink, text: str) -> None:
        real_write(self, text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Sink, "_write", write_then_fill_the_disk)
    with pytest.raises(OSError, match="No space left"), Sink(format, out) as sink:
        sink.add(RESULT)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    new = tmp_path / f"new.{format.value}"
    with pytest.raises(OSError, match="No space left"), Sink(format, new) as sink:
        sink.add(RESULT)
    assert not new.exists() and [p.name for p in tmp_path.iterdir()] == [out.name]
