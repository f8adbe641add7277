import json
from pathlib import Path

import pytest

from proplens import Annotation, Article, FormatError, Span
from proplens.io import read_semeval2021, read_semeval2023_spans, write_semeval2021
from proplens.io.semeval2023 import from_ptc, to_ptc, write_semeval2023_spans
from tests.conftest import write

MEMES = [
    {
        "id": "1",
        "text": "I HATE THEM\n\nTRAITORS ALL",
        "labels": [
            {"start": 2, "end": 6, "technique": "Loaded Language", "text_fragment": "HATE"},
            {
                "start": 13,
                "end": 21,
                "technique": "Name calling/Labeling",
                "text_fragment": "TRAITORS",
            },
        ],
    },
    {"id": "2", "text": "Nothing to see.", "labels": []},
]


def test_semeval2021_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path / "memes.txt", json.dumps(MEMES))
    articles, annotations = read_semeval2021(path)
    assert [a.id for a in articles] == ["1", "2"]
    assert annotations[1] == Annotation("1", Span(13, 21, "Name calling/Labeling"))
    write_semeval2021(tmp_path / "out.txt", articles, annotations)
    assert json.loads((tmp_path / "out.txt").read_text()) == MEMES


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"id": "1"}, "expected a JSON list"),
        (
            [{"id": "1", "text": "abc", "labels": [{"start": 0, "end": 2, "technique": "Smear"}]}],
            "unknown semeval2021 technique 'Smear'",
        ),
        (
            [{"id": "1", "text": "abc", "labels": [{"start": 0, "end": 9, "technique": "Smears"}]}],
            r"ends past the text",
        ),
        ([{"id": "1", "text": "a"}, {"id": "1", "text": "b"}], "duplicate id '1'"),
        ([{"id": "1"}], "missing 'text'"),
    ],
)
def test_semeval2021_bad_files(tmp_path: Path, entries: object, message: str) -> None:
    path = write(tmp_path / "bad.txt", json.dumps(entries))
    with pytest.raises(FormatError, match=message):
        read_semeval2021(path)


def test_semeval2021_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.txt", '[\n{"id": 1,\n')
    with pytest.raises(FormatError, match=r"bad.txt:3: invalid JSON"):
        read_semeval2021(path)


def test_real_semeval2021_files_read(semeval2021_dir: Path) -> None:
    articles, annotations = read_semeval2021(semeval2021_dir / "training_set_task2.txt")
    assert len(articles) == 688
    assert len(annotations) == 1498
    # the test set has text_fragment typos; offsets are authoritative, so it still reads
    _, test_annotations = read_semeval2021(semeval2021_dir / "test_set_task2.txt")
    assert len(test_annotations) == 403


def test_semeval2023_spans_use_2023_names_and_translate(tmp_path: Path) -> None:
    ptc_annotations = [
        Annotation("5", Span(0, 4, "Black-and-White_Fallacy")),
        Annotation("5", Span(6, 9, "Whataboutism,Straw_Men,Red_Herring")),
    ]
    s23 = from_ptc(ptc_annotations)
    assert [a.span.technique for a in s23] == ["False_Dilemma-No_Choice", "Whataboutism"]
    write_semeval2023_spans(tmp_path / "s23.labels", s23)
    assert read_semeval2023_spans(tmp_path / "s23.labels") == s23
    assert to_ptc(s23) == ptc_annotations
    dropped = to_ptc([Annotation("5", Span(0, 4, "Appeal_to_Values"))])
    assert dropped == []


def test_semeval2023_reader_rejects_ptc_spellings(tmp_path: Path) -> None:
    path = write(tmp_path / "s23.labels", "5\tName_Calling,Labeling\t0\t4\n")
    with pytest.raises(FormatError, match="unknown semeval2023 technique"):
        read_semeval2023_spans(path, articles={"5": Article("5", "abcdefgh")})
