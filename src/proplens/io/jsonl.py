"""JSON Lines of articles and of analyses: one JSON object per line, UTF-8.

Article lines: ``{"id", "text", "title", "source", "url", "published"}`` — only ``id`` and ``text`` are
required; ``published`` is an ISO date (``2019-05-01``; a full timestamp is cut to its date).

Analysis lines carry ``schema_version`` (currently ``"1.3"``; readers accept any ``1.x``)::

    {"schema_version": "1.3", "model": "...", "taxonomy": "ptc", "article": {<article fields>},
     "spans": [{"start", "end", "technique", "score", "technique_score", "text", "target",
                "cues": [{"start", "end", "text"}]}],
     "figures": {"name": number}, "technique_counts": {"technique": count},
     "key_sentences": [{"start", "end", "text", "techniques"}],
     "targets": [{"name", "kind", "techniques": {"technique": count}, "spans": [index, ...],
                  "how": ["apposition" | "predicate" | ... | "nearest", ...]}]}

``text``, ``target`` and ``technique_counts`` are derived; readers check ``text`` matches the article.
A target's ``spans`` are indices into ``spans``. The full schema is documented in docs/formats.md and
published as JSON Schema in ``proplens/schemas/analysis.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from proplens.document import ARTICLE_FIELDS, SCHEMA_VERSION, Analysis, Article, Sentence, Span, Target
from proplens.errors import FormatError, ProplensError
from proplens.io._files import open_atomic, read_text

__all__ = [
    "analysis_from_dict",
    "analysis_to_dict",
    "article_from_dict",
    "article_to_dict",
    "read_analyses_jsonl",
    "write_analyses_jsonl",
    "write_articles_jsonl",
]


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article as a JSON-ready dict with every field present (missing ones are null)."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "text": article.text,
    }


def article_from_dict(data: Any) -> Article:
    """An article from a dict with at least ``id`` and ``text``; raises `ValueError` on bad fields."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    unknown = set(data) - set(ARTICLE_FIELDS) - {"schema_version"}
    if unknown:
        raise ValueError(f"unknown article field(s): {', '.join(sorted(unknown))}")
    article_id, text = data.get("id"), data.get("text")
    if isinstance(article_id, int) and not isinstance(article_id, bool):
        article_id = str(article_id)
    if not isinstance(article_id, str) or not article_id:
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    for name in ("title", "source", "url"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"'{name}' must be a string or null")
    return Article(
        id=article_id,
        text=text,
        title=data.get("title"),
        source=data.get("source"),
        url=data.get("url"),
        published=_parse_date(data.get("published")),
    )


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """An analysis in the versioned JSON schema."""
    text = analysis.article.text
    index = {span: position for position, span in enumerate(analysis.spans)}
    return {
        "schema_version": SCHEMA_VERSION,
        "model": analysis.model,
        "taxonomy": analysis.taxonomy,
        "article": article_to_dict(analysis.article),
        "spans": [
            {
                "start": span.start,
                "end": span.end,
                "technique": span.technique,
                "score": span.score,
                "technique_score": span.technique_score,
                "text": fragment,
                "target": target.name if (target := analysis.target_of(span)) else None,
                "cues": [{"start": a, "end": b, "text": text[a:b]} for a, b in span.cues],
            }
            for span, fragment in analysis.fragments()
        ],
        "figures": dict(analysis.figures),
        "technique_counts": analysis.technique_counts(),
        "key_sentences": [
            {"start": s.start, "end": s.end, "text": text[s.start : s.end], "techniques": list(s.techniques)}
            for s in analysis.key_sentences
        ],
        "targets": [
            {
                "name": t.name,
                "kind": t.kind,
                "techniques": t.technique_counts(),
                "spans": [index[span] for span in t.spans],
                "how": list(t.how),
            }
            for t in analysis.targets
        ],
    }


def analysis_from_dict(data: Any) -> Analysis:
    """An analysis from its JSON form; raises `ValueError` on a bad or incompatible document."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    version = data.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ValueError(
            f"schema_version {version!r} is not supported (this proplens reads {SCHEMA_VERSION})"
        )
    article = article_from_dict(data.get("article"))
    spans = []
    for position, item in enumerate(data.get("spans", []), start=1):
        if not isinstance(item, dict):
            raise ValueError(f"span {position}: expected an object")
        try:
            cues = tuple((cue["start"], cue["end"]) for cue in item.get("cues", []))
            span = Span(
                item["start"],
                item["end"],
                item.get("technique"),
                item.get("score"),
                cues=cues,
                technique_score=item.get("technique_score"),
            )
        except KeyError as missing:
            raise ValueError(f"span {position}: missing {missing}") from None
        except (TypeError, ProplensError) as error:
            raise ValueError(f"span {position}: {error}") from None
        fragment = article.fragment(span)
        if "text" in item and item["text"] != fragment:
            raise ValueError(f"span {position}: 'text' does not match the article at its offsets")
        spans.append(span)
    figures = data.get("figures", {})
    if not isinstance(figures, dict):
        raise ValueError("'figures' must be an object")
    sentences = []
    for position, item in enumerate(data.get("key_sentences", []), start=1):
        try:
            sentences.append(Sentence(item["start"], item["end"], tuple(item.get("techniques", ()))))
        except (KeyError, TypeError):
            raise ValueError(f"key sentence {position}: expected an object with start and end") from None
    targets = []
    for position, item in enumerate(data.get("targets", []), start=1):
        try:
            chosen = tuple(spans[i] for i in item["spans"])
            how = tuple(str(h) for h in item.get("how", ()))
            targets.append(Target(item["name"], item["kind"], chosen, how))
        except (KeyError, TypeError, IndexError):
            raise ValueError(f"target {position}: expected name, kind and valid span indices") from None
    return Analysis(
        article,
        tuple(spans),
        model=data.get("model"),
        figures=figures,
        key_sentences=tuple(sentences),
        targets=tuple(targets),
        taxonomy=data.get("taxonomy", "ptc"),
    )


def read_analyses_jsonl(path: str | Path) -> Iterator[Analysis]:
    """Analyses from a JSONL file written by `write_analyses_jsonl` (any 1.x schema)."""
    for line, data in _iter_json_lines(path):
        yield _at_line(path, line, analysis_from_dict, data)


def write_articles_jsonl(path: str | Path, articles: Iterable[Article]) -> int:
    """Write articles as JSONL atomically; returns how many were written."""
    return _write_lines(path, (article_to_dict(a) for a in articles))


def write_analyses_jsonl(path: str | Path, analyses: Iterable[Analysis]) -> int:
    """Write analyses as JSONL atomically; returns how many were written."""
    return _write_lines(path, (analysis_to_dict(a) for a in analyses))


def _write_lines(path: str | Path, items: Iterable[dict[str, Any]]) -> int:
    count = 0
    with open_atomic(path) as file:
        for item in items:
            file.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
    return count


def _iter_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(path, f"invalid JSON: {error.msg}", line=number) from None


def _at_line(path: str | Path, line: int, parse: Any, data: Any) -> Any:
    try:
        return parse(data)
    except (ValueError, ProplensError) as error:
        raise FormatError(path, str(error), line=line) from None


def _parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("'published' must be an ISO date string or null")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"'published' {value!r} is not an ISO date (YYYY-MM-DD)") from None
