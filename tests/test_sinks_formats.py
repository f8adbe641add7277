import json
from pathlib import Path

from proplens.document import Analysis, Article, Span
from proplens.sinks.formats import FORMATS, OutputFormat, document, serialise

TEXT = "The corrupt mayor lied again."
ANALYSIS = Analysis(Article("a1", TEXT), (Span(4, 11, "Loaded_Language", 0.8),), model="m")


def test_every_file_format_has_a_media_type_and_a_suffix_and_pretty_is_not_one() -> None:
    assert set(FORMATS) == set(OutputFormat) - {OutputFormat.pretty}
    assert {f.suffix for f in FORMATS.values()} == {".json", ".jsonl", ".labels", ".html"}
    assert all(f.media_type for f in FORMATS.values())


def test_a_file_name_picks_its_format_and_labels_mean_technique_lines() -> None:
    picked = {name: OutputFormat.for_path(Path(name)) for name in ("a.json", "a.JSONL", "a.labels", "a.htm")}
    assert picked == {
        "a.json": OutputFormat.json,
        "a.JSONL": OutputFormat.jsonl,
        "a.labels": OutputFormat.ptc,
        "a.htm": OutputFormat.html,
    }
    assert OutputFormat.for_path(Path("a.txt")) == OutputFormat.pretty
    assert OutputFormat.for_path(Path("a.csv")) is None


def test_the_formats_write_what_they_promise() -> None:
    one = json.loads(serialise(OutputFormat.json, [ANALYSIS], ids=["abc"]))
    assert one == {**document(ANALYSIS), "id": "abc"}  # one analysis: an object, not a list
    assert len(json.loads(serialise(OutputFormat.json, [ANALYSIS, ANALYSIS]))) == 2
    assert serialise(OutputFormat.jsonl, [ANALYSIS, ANALYSIS]).count("\n") == 2
    assert serialise(OutputFormat.ptc, [ANALYSIS]) == "a1\tLoaded_Language\t4\t11\n"
    assert serialise(OutputFormat.ptc_si, [ANALYSIS]) == "a1\t4\t11\n"
    assert "corrupt" in serialise(OutputFormat.html, [ANALYSIS], origins=["/home/x/a1.txt"])
