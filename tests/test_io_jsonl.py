import json
from datetime import date
from pathlib import Path

import pytest

from proplens import SCHEMA_VERSION, Analysis, Article, FormatError, Span
from proplens.io import read_analyses_jsonl, write_analyses_jsonl, write_articles_jsonl
from proplens.io.jsonl import analysis_to_dict
from proplens.sources import Loaded, Problem, read_sources
from tests.conftest import write


def test_articles_round_trip_with_metadata(tmp_path: Path) -> None:
    articles = [
        Article(
            "a1",
            "Text “with” curly quotes and emoji 🙂\r\nline two",
            title="T",
            source="Outlet",
            url="https://example.org/a1",
            published=date(2019, 5, 1),
        ),
        Article("a2", "Bare."),
    ]
    assert write_articles_jsonl(tmp_path / "a.jsonl", articles) == 2
    assert _articles(tmp_path / "a.jsonl") == articles  # read back by the one reader, proplens.sources


def _articles(path: Path) -> list[Article | str]:
    return [i.article if isinstance(i, Loaded) else i.message for i in read_sources([str(path)])]


def test_article_lines_accept_timestamps_and_integer_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"id": 7, "text": "x", "published": "2020-01-02T10:00:00Z"}\n')
    (article,) = _articles(path)
    assert isinstance(article, Article) and article.id == "7"
    assert article.published == date(2020, 1, 2)


def test_analyses_round_trip_and_carry_the_schema_version(tmp_path: Path, article: Article) -> None:
    start = article.text.index("corrupt")
    analysis = Analysis(
        article,
        (
            Span(start, start + 7, "Loaded_Language", 0.9),
            Span(start, start + 13, "Name_Calling,Labeling", 0.4),
        ),
        model="proplens-test",
        figures={"spans": 2.0},
    )
    write_analyses_jsonl(tmp_path / "out.jsonl", [analysis])
    line = json.loads((tmp_path / "out.jsonl").read_text())
    assert line["schema_version"] == SCHEMA_VERSION
    assert line["spans"][0]["text"] == "corrupt"
    assert list(read_analyses_jsonl(tmp_path / "out.jsonl")) == [analysis]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"x.jsonl:2: invalid JSON"),
        ('{"id": "1"}', r"x.jsonl:2: 'text' must be a string"),
        ('{"id": "1", "text": "x", "publisher": "y"}', r"unknown article field\(s\): publisher"),
        ('{"id": "1", "text": "x", "published": "May 2019"}', r"not an ISO date"),
    ],
)
def test_bad_article_lines_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    import re

    path = write(tmp_path / "x.jsonl", '{"id": "0", "text": "fine"}\n' + line + "\n")
    items = list(read_sources([str(path)]))
    assert isinstance(items[0], Loaded) and isinstance(items[1], Problem)
    assert re.search(message, str(items[1])), items[1]


def test_bad_analysis_lines(tmp_path: Path, article: Article) -> None:
    good = analysis_to_dict(Analysis(article, (Span(0, 6, "Loaded_Language"),)))
    future = {**good, "schema_version": "2.0"}
    wrong_text = {**good, "spans": [{**good["spans"][0], "text": "Cheats"}]}
    too_long = {**good, "spans": [{"start": 0, "end": 999, "technique": "Doubt"}]}
    for data, message in (
        (future, "schema_version '2.0' is not supported"),
        (wrong_text, "'text' does not match"),
        (too_long, "past the end of article 42"),
    ):
        path = write(tmp_path / "bad.jsonl", json.dumps(data) + "\n")
        with pytest.raises(FormatError, match=message):
            list(read_analyses_jsonl(path))


def test_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    def articles():  # type: ignore[no-untyped-def]
        yield Article("1", "ok")
        raise RuntimeError("source broke")

    target = write(tmp_path / "keep.jsonl", "old content\n")
    with pytest.raises(RuntimeError):
        write_articles_jsonl(target, articles())
    assert target.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]
