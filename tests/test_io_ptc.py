from pathlib import Path

import pytest

from proplens import Annotation, Article, FormatError, Span
from proplens.io import ptc
from tests.conftest import write

ARTICLE_TEXT = "Title here\n\nA shameful, cowardly act.\nThey lied. They lied.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write(tmp_path / "articles" / "article7.txt", ARTICLE_TEXT)
    write(tmp_path / "articles" / "article12.txt", "Other\n\nNothing here.\n")
    write(tmp_path / "articles" / "notes.md", "ignored")
    return tmp_path


def test_read_articles_takes_ids_from_names_and_titles_from_the_first_line(corpus: Path) -> None:
    articles = ptc.read_articles(corpus / "articles")
    assert [a.id for a in articles] == ["7", "12"]  # numeric order, not string order
    assert articles[0].title == "Title here"
    assert articles[0].text == ARTICLE_TEXT


def test_articles_round_trip_byte_for_byte(corpus: Path, tmp_path: Path) -> None:
    articles = ptc.read_articles(corpus / "articles")
    ptc.write_articles(tmp_path / "out", articles)
    for article in articles:
        original = (corpus / "articles" / f"article{article.id}.txt").read_bytes()
        assert (tmp_path / "out" / f"article{article.id}.txt").read_bytes() == original


def test_technique_labels_round_trip_combined_and_per_article(tmp_path: Path) -> None:
    annotations = [
        Annotation("7", Span(12, 20, "Loaded_Language")),
        Annotation("7", Span(12, 20, "Name_Calling,Labeling")),
        Annotation("12", Span(0, 5, "Doubt")),
    ]
    ptc.write_technique_labels(tmp_path / "all.labels", annotations)
    assert (tmp_path / "all.labels").read_text() == (
        "7\tLoaded_Language\t12\t20\n7\tName_Calling,Labeling\t12\t20\n12\tDoubt\t0\t5\n"
    )
    assert ptc.read_technique_labels(tmp_path / "all.labels") == annotations
    ptc.write_labels_per_article(tmp_path / "per", annotations, article_ids=["99"])
    assert (tmp_path / "per" / "article99.task-flc-tc.labels").read_text() == ""
    assert sorted(
        ptc.read_technique_labels(tmp_path / "per"), key=lambda a: (a.article_id, a.span.start)
    ) == sorted(annotations, key=lambda a: (a.article_id, a.span.start))


def test_span_labels_and_templates_round_trip(tmp_path: Path) -> None:
    annotations = [Annotation("7", Span(12, 20)), Annotation("7", Span(30, 35))]
    ptc.write_span_labels(tmp_path / "si.labels", annotations)
    assert ptc.read_span_labels(tmp_path / "si.labels") == annotations
    ptc.write_tc_template(tmp_path / "template.out", annotations)
    assert (tmp_path / "template.out").read_text().splitlines()[0] == "7\t?\t12\t20"
    assert ptc.read_tc_template(tmp_path / "template.out") == annotations
    ptc.write_labels_per_article(tmp_path / "si", annotations, task="span")
    assert ptc.read_span_labels(tmp_path / "si") == annotations


def test_template_ignores_the_second_column(tmp_path: Path) -> None:
    path = write(tmp_path / "t.out", "7\tLoaded_Language\t1\t4\n7\t?\t5\t9\n")
    assert [a.span for a in ptc.read_tc_template(path)] == [Span(1, 4), Span(5, 9)]


def test_writing_a_span_without_technique_as_technique_labels_fails(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="has no technique"):
        ptc.write_technique_labels(tmp_path / "x.labels", [Annotation("7", Span(0, 1))])
    assert not (tmp_path / "x.labels").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "7\tDoubt\t1\n",
            r"x.labels:1: expected 4 tab-separated columns \(id, technique, start, end\)",
        ),
        ("7\tDoubt\t1\t5\n7\tDoubt\tone\t5\n", r"x.labels:2: start offset 'one' is not an integer"),
        ("7\tLoaded language\t1\t5\n", r"x.labels:1: unknown ptc technique 'Loaded language'"),
        ("7\tDoubt\t5\t5\n", r"x.labels:1: end offset 5 is not after start offset 5"),
        ("7\tDoubt\t-1\t5\n", r"x.labels:1: start offset -1 is negative"),
        ("\n\n8\tDoubt\t1\t5\n", r"x.labels:3: unknown article id '8'"),
        ("7\tDoubt\t1\t500\n", r"x.labels:1: span \[1, 500\) ends past the end of article 7"),
        (
            b"7\tDoubt\t1\t5\n7\tDoubt\xff\t1\t5\n",
            r"x.labels:2: not valid UTF-8 \(byte 0xff at column 8\)",
        ),
    ],
)
def test_bad_label_files_name_file_and_line(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = write(tmp_path / "x.labels", content)
    articles = {"7": Article("7", ARTICLE_TEXT)}
    with pytest.raises(FormatError, match=message):
        ptc.read_technique_labels(path, articles=articles)


def test_bad_article_files(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such directory"):
        ptc.read_articles(tmp_path / "missing")
    with pytest.raises(FormatError, match=r"contains no article<ID>\.txt files"):
        ptc.read_articles(write(tmp_path / "empty" / "readme.txt", "x").parent)
    write(tmp_path / "bin" / "article1.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(FormatError, match=r"article1.txt:1: not valid UTF-8"):
        ptc.read_articles(tmp_path / "bin")


def test_missing_label_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        ptc.read_span_labels(tmp_path / "nope.labels")


def test_real_dev_split_reads_with_validation(ptc_dir: Path) -> None:
    articles = {a.id: a for a in ptc.read_articles(ptc_dir / "dev-articles")}
    assert len(articles) == 75
    combined = ptc.read_technique_labels(ptc_dir / "dev-task-flc-tc.labels", articles=articles)
    per_article = ptc.read_technique_labels(ptc_dir / "dev-labels-task-flc-tc", articles=articles)
    assert len(combined) == 1063
    assert sorted(combined, key=repr) == sorted(per_article, key=repr)
    spans = ptc.read_span_labels(ptc_dir / "dev-task-si.labels", articles=articles)
    assert len(spans) == 940


def test_real_dev_labels_round_trip(ptc_dir: Path, tmp_path: Path) -> None:
    source = ptc_dir / "dev-task-flc-tc.labels"
    ptc.write_technique_labels(tmp_path / "copy.labels", ptc.read_technique_labels(source))
    assert (tmp_path / "copy.labels").read_text() == source.read_text()


def test_span_reader_accepts_technique_lines_and_drops_the_technique(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.labels", "7\t1\t4\n7\tDoubt\t5\t9\n")
    assert [a.span for a in ptc.read_span_labels(path)] == [Span(1, 4), Span(5, 9)]
    bad = write(tmp_path / "bad.labels", "7\tDoubtful\t5\t9\n")
    with pytest.raises(FormatError, match="unknown ptc technique 'Doubtful'"):
        ptc.read_span_labels(bad)
