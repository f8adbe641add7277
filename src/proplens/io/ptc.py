"""The Propaganda Techniques Corpus (SemEval-2020 Task 11) file formats.

* article folders: ``article<ID>.txt``, UTF-8, title on the first line;
* technique label files: ``id<TAB>technique<TAB>start<TAB>end`` (combined, or one file per article named
  ``article<ID>.task-flc-tc.labels``);
* span label files: ``id<TAB>start<TAB>end`` (per article: ``article<ID>.task-si.labels``);
* technique-classification templates: ``id<TAB>?<TAB>start<TAB>end`` (the second column is ignored).

Every reader returns plain data (`Article`, `Annotation`) and raises `FormatError` naming file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from proplens import techniques
from proplens.document import Annotation, Article, Span
from proplens.errors import FormatError, SpanError
from proplens.io._files import iter_rows, parse_offset, read_text, write_text_atomic
from proplens.techniques import Taxonomy

__all__ = [
    "SI_LABELS_SUFFIX",
    "TC_LABELS_SUFFIX",
    "article_id_from_path",
    "read_article",
    "read_articles",
    "read_span_labels",
    "read_tc_template",
    "read_technique_labels",
    "span_lines",
    "technique_lines",
    "title_of",
    "write_articles",
    "write_labels_per_article",
    "write_span_labels",
    "write_tc_template",
    "write_technique_labels",
]

TC_LABELS_SUFFIX = ".task-flc-tc.labels"
SI_LABELS_SUFFIX = ".task-si.labels"
_ARTICLE_FILE = re.compile(r"^article(?P<id>[^.\s]+)\.txt$")


def title_of(text: str) -> str | None:
    """The PTC title: the first line of the text, if it is not blank."""
    first_line = text.split("\n", 1)[0].strip()
    return first_line or None


def article_id_from_path(path: str | Path) -> str:
    """The article id in a ``article<ID>.txt`` or ``article<ID>.<task>.labels`` file name."""
    name = Path(path).name
    match = re.match(r"^article([^.\s]+)\.", name)
    if not match:
        raise FormatError(path, "file name does not follow the PTC pattern article<ID>.txt")
    return match.group(1)


def read_article(path: str | Path) -> Article:
    """One ``article<ID>.txt`` file."""
    text = read_text(path)
    return Article(id=article_id_from_path(path), text=text, title=title_of(text))


def read_articles(directory: str | Path) -> list[Article]:
    """Every ``article<ID>.txt`` in `directory`, sorted by id (numerically when ids are numbers)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FormatError(directory, "no such directory of PTC articles")
    paths = [p for p in directory.iterdir() if _ARTICLE_FILE.match(p.name) and p.is_file()]
    if not paths:
        raise FormatError(directory, "contains no article<ID>.txt files")
    return sorted((read_article(p) for p in paths), key=lambda a: _id_sort_key(a.id))


def write_articles(directory: str | Path, articles: Iterable[Article]) -> None:
    """Write each article as ``article<ID>.txt`` (text exactly as held, so offsets stay valid)."""
    for article in articles:
        write_text_atomic(Path(directory) / f"article{article.id}.txt", article.text)


def read_technique_labels(
    path: str | Path,
    *,
    articles: Mapping[str, Article] | None = None,
    taxonomy: Taxonomy | str = Taxonomy.PTC,
) -> list[Annotation]:
    """A technique label file (or a folder of per-article ones): ``id, technique, start, end`` lines.

    With `articles`, each line is also checked against the article it names (known id, offsets inside
    the text). `taxonomy` sets the taxonomy the technique names must belong to.
    """
    return _read_labels(path, "technique", articles, Taxonomy(taxonomy))


def read_span_labels(path: str | Path, *, articles: Mapping[str, Article] | None = None) -> list[Annotation]:
    """A span label file (or a folder of per-article ones): ``id, start, end`` lines, no technique.

    Technique label lines (``id, technique, start, end``) are accepted too, technique dropped, so span
    identification can be scored straight from technique files.
    """
    return _read_labels(path, "span", articles, Taxonomy.PTC)


def read_tc_template(path: str | Path, *, articles: Mapping[str, Article] | None = None) -> list[Annotation]:
    """A technique-classification template: ``id, ?, start, end`` lines, in file order, no technique."""
    return _read_labels(path, "template", articles, Taxonomy.PTC)


def technique_lines(annotations: Iterable[Annotation]) -> str:
    """``id<TAB>technique<TAB>start<TAB>end`` lines (the TC format); every span must carry a technique."""
    lines = []
    for annotation in annotations:
        span = annotation.span
        if span.technique is None:
            raise SpanError(f"span [{span.start}, {span.end}) of {annotation.article_id} has no technique")
        lines.append(f"{annotation.article_id}\t{span.technique}\t{span.start}\t{span.end}\n")
    return "".join(lines)


def span_lines(annotations: Iterable[Annotation]) -> str:
    """``id<TAB>start<TAB>end`` lines (the SI format; techniques, if any, are dropped)."""
    return "".join(f"{a.article_id}\t{a.span.start}\t{a.span.end}\n" for a in annotations)


def write_technique_labels(path: str | Path, annotations: Iterable[Annotation]) -> None:
    """Write ``id<TAB>technique<TAB>start<TAB>end`` lines; every span must carry a technique."""
    write_text_atomic(path, technique_lines(annotations))


def write_span_labels(path: str | Path, annotations: Iterable[Annotation]) -> None:
    """Write ``id<TAB>start<TAB>end`` lines (techniques, if any, are dropped)."""
    write_text_atomic(path, span_lines(annotations))


def write_tc_template(path: str | Path, annotations: Iterable[Annotation]) -> None:
    """Write a technique-classification template: ``id<TAB>?<TAB>start<TAB>end`` lines."""
    write_text_atomic(
        path, "".join(f"{a.article_id}\t?\t{a.span.start}\t{a.span.end}\n" for a in annotations)
    )


def write_labels_per_article(
    directory: str | Path,
    annotations: Iterable[Annotation],
    *,
    article_ids: Iterable[str] = (),
    task: str = "technique",
) -> None:
    """Write one label file per article, the corpus' own layout; `article_ids` get a file even if empty."""
    grouped: dict[str, list[Annotation]] = {article_id: [] for article_id in article_ids}
    for annotation in annotations:
        grouped.setdefault(annotation.article_id, []).append(annotation)
    suffix = TC_LABELS_SUFFIX if task == "technique" else SI_LABELS_SUFFIX
    writer = write_technique_labels if task == "technique" else write_span_labels
    for article_id, article_annotations in grouped.items():
        writer(Path(directory) / f"article{article_id}{suffix}", article_annotations)


_LAYOUTS: dict[str, tuple[int | tuple[int, ...], str]] = {
    "technique": (4, "id, technique, start, end"),
    "span": ((3, 4), "id, start, end"),
    "template": (4, "id, ?, start, end"),
}


def _read_labels(
    path: str | Path,
    kind: str,
    articles: Mapping[str, Article] | None,
    taxonomy: Taxonomy,
) -> list[Annotation]:
    path = Path(path)
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.is_file() and p.name.endswith(".labels")),
            key=lambda p: _id_sort_key(p.name),
        )
        if not files:
            raise FormatError(path, "contains no .labels files")
        return [a for file in files for a in _read_label_file(file, kind, articles, taxonomy)]
    return _read_label_file(path, kind, articles, taxonomy)


def _read_label_file(
    path: Path,
    kind: str,
    articles: Mapping[str, Article] | None,
    taxonomy: Taxonomy,
) -> list[Annotation]:
    columns, layout = _LAYOUTS[kind]
    annotations = []
    for line, fields in iter_rows(path, columns, layout):
        article_id = fields[0]
        named = fields[1] if len(fields) == 4 and kind != "template" else None
        technique = named if kind == "technique" else None
        start_field, end_field = fields[-2], fields[-1]
        if not article_id:
            raise FormatError(path, "empty article id", line=line)
        if named is not None and not techniques.is_known(named, taxonomy):
            raise FormatError(
                path,
                f"unknown {taxonomy} technique {named!r} (see `proplens techniques`)",
                line=line,
            )
        start = parse_offset(start_field, path, line, "start")
        end = parse_offset(end_field, path, line, "end")
        if end <= start:
            raise FormatError(path, f"end offset {end} is not after start offset {start}", line=line)
        span = Span(start, end, technique)
        if articles is not None:
            article = articles.get(article_id)
            if article is None:
                raise FormatError(path, f"unknown article id {article_id!r}", line=line)
            if end > len(article.text):
                raise FormatError(
                    path,
                    f"span [{start}, {end}) ends past the end of article {article_id} "
                    f"({len(article.text)} characters)",
                    line=line,
                )
        annotations.append(Annotation(article_id, span))
    return annotations


def _id_sort_key(value: str) -> tuple[int, int | str]:
    digits = re.search(r"\d+", value)
    return (0, int(digits.group())) if digits else (1, value)
