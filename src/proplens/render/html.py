"""The `html` output: one self-contained page (inline CSS and JS, no network) for one or more analyses.

`report_context` computes everything the page shows as plain data (the web app reuses it); the Jinja2
template only lays it out. The page's script re-filters fragments by technique and confidence in the
browser, so the file stays useful when mailed around or opened offline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import Any

import jinja2

from proplens.document import Analysis
from proplens.render.view import css_class, cue_parts, describe, segments, technique_css, technique_rows
from proplens.targeting import GUESS
from proplens.techniques import Taxonomy, techniques

__all__ = ["LIMITS_NOTE", "analysis_context", "render_html", "report_context"]

LIMITS_NOTE = (
    "Automatic detection: every highlight is a model's guess, with the confidence shown. The model was "
    "trained on English news from the Propaganda Techniques Corpus and misses many techniques while "
    "flagging some innocent phrases; a highlight says a phrase resembles a persuasion technique, not that "
    "the article is false or that its author means to deceive. Read the fragment in context."
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("proplens.render", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _static(name: str) -> str:
    return resources.files("proplens.render").joinpath("static", name).read_text(encoding="utf-8")


def _confidence(score: Any, technique_score: Any) -> str:
    """The tooltip's confidence: the fragment's score, and the technique's where there is one."""
    if technique_score is None:
        return f"{score:.0%}"
    return f"{score:.0%} · technique {technique_score:.0%}"


def shown_origin(origin: str | None) -> str | None:
    """Where an article came from, as a shared report may show it: a URL whole, a local file by its name
    only (a report sent to others must not reveal the folders of the machine that made it)."""
    if not origin or origin.startswith(("http://", "https://")):
        return origin
    return PurePath(origin).name or origin


def analysis_context(analysis: Analysis, *, origin: str | None = None, anchor: str = "a1") -> dict[str, Any]:
    """What the page shows of one analysis, as strings and numbers ready to print."""
    text, spans, taxonomy = analysis.article.text, analysis.spans, analysis.taxonomy
    span_data = []
    for span in spans:
        technique = describe(span.technique, taxonomy)
        target = analysis.target_of(span)
        span_data.append(
            {
                "start": span.start,
                "end": span.end,
                "technique": technique.id,
                "name": technique.name,
                "score": span.score if span.score is not None else 1.0,
                "technique_score": span.technique_score,
                "css": css_class(technique.id),
                "target": (
                    f"{target.name} (a guess: the nearest name)"
                    if target and target.how_of(span) == GUESS
                    else target.name
                    if target
                    else None
                ),
                "why": ", ".join(f"“{text[a:b]}”" for a, b in span.cues),
                "definition": technique.definition,
                "example": technique.example,
            }
        )
    # the text usually starts with the headline: show it there, as the headline, not twice
    title = analysis.article.title or ""
    headline_end = len(title) if title and text.startswith(title) else 0
    pieces = []
    for segment in segments(text, spans, cuts=(headline_end,)):
        piece: dict[str, Any] = {
            "text": text[segment.start : segment.end],
            "spans": segment.spans,
            "headline": segment.end <= headline_end,
        }
        if segment.spans:
            inner = span_data[segment.spans[0]]
            cues = sorted({cue for i in segment.spans for cue in spans[i].cues})
            piece |= {
                "parts": cue_parts(text, segment.start, segment.end, cues),
                "nested": len(segment.spans) > 1,
                "css": inner["css"],
                "tips": [
                    {
                        "index": i,
                        "name": span_data[i]["name"],
                        "css": span_data[i]["css"],
                        "score": _confidence(span_data[i]["score"], span_data[i]["technique_score"]),
                        "target": span_data[i]["target"],
                        "why": span_data[i]["why"],
                        "definition": span_data[i]["definition"],
                        "example": span_data[i]["example"],
                    }
                    for i in segment.spans
                ],
            }
        pieces.append(piece)
    rows = technique_rows(analysis)
    most = max((r.count for r in rows), default=1)
    figures = analysis.figures
    return {
        "anchor": anchor,
        "title": analysis.article.title or analysis.article.id,
        "title_in_text": headline_end > 0,
        "origin": shown_origin(origin or analysis.article.url),
        "score": f"{figures.get('propaganda_score', 0.0):.0f}",
        "span_count": len(spans),
        "density": f"{figures.get('spans_per_1000_words', 0.0):.1f}",
        "coverage": f"{figures.get('coverage', 0.0):.1%}",
        "words": f"{figures.get('words', 0.0):,.0f}",
        "segments": pieces,
        "rows": [
            {
                "id": r.technique.id,
                "name": r.technique.name,
                "css": css_class(r.technique.id),
                "count": r.count,
                "width": round(100 * r.count / most),
            }
            for r in rows
        ],
        "targets": [
            {
                "name": t.name,
                "kind": t.kind,
                "used": ", ".join(
                    f"{describe(k, taxonomy).name} \u00d7{n}" for k, n in t.technique_counts().items()
                ),
            }
            for t in analysis.targets
        ],
        "sentences": [" ".join(text[s.start : s.end].split()) for s in analysis.key_sentences],
        "span_json": json.dumps(span_data, ensure_ascii=False).replace("</", "<\\/"),
    }


def report_context(
    analyses: Sequence[Analysis], *, origins: Sequence[str | None] | None = None
) -> dict[str, Any]:
    """The whole page: every analysis plus the legend of the taxonomy's techniques."""
    from proplens import __version__

    taxonomy = Taxonomy(analyses[0].taxonomy) if analyses else Taxonomy.PTC
    origins = origins or [None] * len(analyses)
    contexts = [
        analysis_context(a, origin=o, anchor=f"a{i}")
        for i, (a, o) in enumerate(zip(analyses, origins, strict=True), start=1)
    ]
    used = {s.technique for a in analyses for s in a.spans}
    legend_ids = [t.id for t in techniques(taxonomy)] + sorted(
        u for u in used if u and u not in {t.id for t in techniques(taxonomy)}
    )
    legend = [
        {"id": t.id, "name": t.name, "definition": t.definition, "css": css_class(t.id)}
        for t in (describe(i, taxonomy) for i in legend_ids)
    ]
    return {
        "version": __version__,
        "page_title": contexts[0]["title"] if len(contexts) == 1 else f"{len(contexts)} articles",
        "article_count": "1 article" if len(contexts) == 1 else f"{len(contexts)} articles",
        "model": next((a.model for a in analyses if a.model), "unknown"),
        "taxonomy": str(taxonomy),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "analyses": contexts,
        "legend": legend,
        "filters": [t for t in legend if t["id"] in used],
        "minimum": min((a.figures.get("min_score", 0.0) for a in analyses), default=0.0),
        "limits": LIMITS_NOTE,
        "css": _static("report.css"),
        "technique_css": technique_css(),
        "js": _static("report.js"),
    }


def render_html(analyses: Sequence[Analysis], *, origins: Sequence[str | None] | None = None) -> str:
    """The self-contained HTML report."""
    return _environment().get_template("report.html.j2").render(report_context(analyses, origins=origins))
