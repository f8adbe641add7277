"""The `pretty` output: an analysis as Rich renderables for the terminal.

Each fragment is highlighted in its technique's colour and followed by a small ``[n]`` marker; a fragment
inside another is also underlined, so nested spans stay readable. The numbered list under the text names
every span's technique, confidence and target, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from proplens.document import Analysis
from proplens.render.view import cue_parts, describe, lighten, segments, technique_rows
from proplens.targeting import GUESS

__all__ = ["render_analysis"]


def render_analysis(analysis: Analysis, *, origin: str | None = None) -> RenderableType:
    """Header with the score, the highlighted text, the fragment list, and the summary tables."""
    parts: list[RenderableType] = [_header(analysis, origin), _highlighted(analysis)]
    if analysis.spans:
        parts += [_fragments(analysis), _technique_table(analysis)]
        if analysis.targets:
            parts.append(_targets_table(analysis))
        if analysis.key_sentences:
            parts.append(_key_sentences(analysis))
    return Group(*parts)


def _header(analysis: Analysis, origin: str | None) -> Text:
    figures = analysis.figures
    title = analysis.article.title or analysis.article.id
    header = Text()
    header.append(title, style="bold")
    if origin and origin != title:
        header.append(f"  ({origin})", style="dim")
    header.append("\n")
    header.append("propaganda score ", style="dim")
    header.append(f"{figures.get('propaganda_score', 0.0):.0f}/100", style="bold magenta")
    header.append(
        f"   {len(analysis.spans)} technique spans"
        f" · {figures.get('spans_per_1000_words', 0.0):.1f} per 1,000 words"
        f" · {figures.get('coverage', 0.0):.1%} of the text",
        style="dim",
    )
    return header


def _highlighted(analysis: Analysis) -> Panel:
    text, spans = analysis.article.text, analysis.spans
    body = Text()
    for segment in segments(text, spans):
        piece = text[segment.start : segment.end]
        if not segment.spans:
            body.append(piece)
            continue
        inner = describe(spans[segment.spans[0]].technique, analysis.taxonomy)
        style = f"black on {lighten(inner.colour)}"
        if len(segment.spans) > 1:
            style += " underline"
        cues = sorted({cue for i in segment.spans for cue in spans[i].cues})
        for part, cue in cue_parts(text, segment.start, segment.end, cues):
            body.append(part, style=style + (" bold" if cue else ""))
        for index in segment.spans:
            if spans[index].end == segment.end:
                marker = describe(spans[index].technique, analysis.taxonomy)
                body.append(f"[{index + 1}]", style=f"bold {marker.colour}")
    return Panel(body, title="text", title_align="left", border_style="dim")


def _fragments(analysis: Analysis) -> Table:
    table = Table(
        title="Fragments",
        title_justify="left",
        show_edge=False,
        caption="target?: a guess (the nearest name)",
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("technique")
    table.add_column("score", justify="right")
    table.add_column("target")
    table.add_column("fragment", overflow="fold")
    table.add_column("why (the words it reacted to)", overflow="fold")
    text = analysis.article.text
    for number, (span, fragment) in enumerate(analysis.fragments(), start=1):
        technique = describe(span.technique, analysis.taxonomy)
        target = analysis.target_of(span)
        table.add_row(
            str(number),
            Text("■ ", style=technique.colour) + Text(technique.name),
            f"{span.score:.2f}" if span.score is not None else "",
            (target.name + ("?" if target.how_of(span) == GUESS else "")) if target else "",
            _shorten(" ".join(fragment.split()), 90),
            ", ".join(text[a:b] for a, b in span.cues),
        )
    return table


def _technique_table(analysis: Analysis) -> Table:
    table = Table(title="Techniques (legend)", title_justify="left", show_edge=False)
    table.add_column("technique")
    table.add_column("spans", justify="right")
    table.add_column("share", justify="right")
    table.add_column("mean score", justify="right")
    for row in technique_rows(analysis):
        table.add_row(
            Text("■ ", style=row.technique.colour) + Text(row.technique.name),
            str(row.count),
            f"{row.share:.0%}",
            f"{row.mean_score:.2f}",
        )
    return table


def _targets_table(analysis: Analysis) -> Table:
    table = Table(title="Who is targeted", title_justify="left", show_edge=False)
    table.add_column("target")
    table.add_column("kind", style="dim")
    table.add_column("techniques used on it")
    for target in analysis.targets:
        used = ", ".join(
            f"{describe(t, analysis.taxonomy).name} \u00d7{n}" for t, n in target.technique_counts().items()
        )
        table.add_row(target.name, target.kind, used)
    return table


def _key_sentences(analysis: Analysis) -> Table:
    table = Table(title="Sentences with the most techniques", title_justify="left", show_edge=False)
    table.add_column("techniques", justify="right")
    table.add_column("sentence", overflow="fold")
    text = analysis.article.text
    for sentence in analysis.key_sentences:
        table.add_row(str(len(set(sentence.techniques))), _shorten(text[sentence.start : sentence.end], 160))
    return table


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
