"""Plain data for showing an analysis, shared by the terminal, the HTML report and the web app.

Overlapping spans are the hard part of highlighting. The text is cut at every span boundary into segments;
each segment knows every span covering it, and shows the innermost (shortest) one's colour, so a short
name-calling inside a long loaded sentence stays visible. Renderers only format what is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from proplens import techniques
from proplens.document import Analysis, Span
from proplens.errors import UnknownTechniqueError
from proplens.techniques import Taxonomy, Technique

__all__ = [
    "Segment",
    "TechniqueRow",
    "css_class",
    "cue_parts",
    "describe",
    "lighten",
    "segments",
    "technique_css",
    "technique_rows",
]


@dataclass(frozen=True, slots=True)
class Segment:
    """The text ``[start, end)`` and the indices (into ``analysis.spans``) of the spans covering it."""

    start: int
    end: int
    spans: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TechniqueRow:
    """One line of the per-technique table."""

    technique: Technique
    count: int
    share: float
    """This technique's share of all spans."""
    mean_score: float


def describe(technique_id: str | None, taxonomy: Taxonomy | str = Taxonomy.PTC) -> Technique:
    """The taxonomy entry of a span's technique (PTC when `taxonomy` lacks it; a placeholder for none)."""
    if technique_id is None:
        return Technique("propaganda", Taxonomy.PTC, "Propaganda (no technique)", "A detected fragment.")
    for candidate in (Taxonomy(taxonomy), Taxonomy.PTC):
        try:
            return techniques.get(technique_id, candidate)
        except UnknownTechniqueError:
            continue
    return Technique(technique_id, Taxonomy(taxonomy), technique_id.replace("_", " "), "")


def segments(text: str, spans: Sequence[Span], *, cuts: Sequence[int] = ()) -> list[Segment]:
    """The text cut at every span boundary (and at `cuts`); consecutive pieces with no span are one
    segment unless a cut separates them."""
    extra = {c for c in cuts if 0 < c < len(text)}
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans), *extra})
    pieces: list[Segment] = []
    for start, end in pairwise(cuts):
        covering = tuple(
            sorted(
                (i for i, s in enumerate(spans) if s.start <= start and end <= s.end),
                key=lambda i: (len(spans[i]), i),
            )
        )
        if pieces and not covering and not pieces[-1].spans and start not in extra:
            pieces[-1] = Segment(pieces[-1].start, end, ())
        else:
            pieces.append(Segment(start, end, covering))
    return pieces


def cue_parts(text: str, start: int, end: int, cues: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text[start:end]`` as (piece, is a cue word) pairs, so cue words can be emphasised."""
    parts: list[tuple[str, bool]] = []
    at = start
    for a, b in cues:
        a, b = max(a, start), min(b, end)
        if a >= b or a < at:
            continue
        if a > at:
            parts.append((text[at:a], False))
        parts.append((text[a:b], True))
        at = b
    if at < end:
        parts.append((text[at:end], False))
    return parts


def technique_rows(analysis: Analysis) -> list[TechniqueRow]:
    """Per technique used: count, share of spans and mean confidence; most frequent first."""
    total = len(analysis.spans)
    rows = []
    for technique_id, count in analysis.technique_counts().items():
        scores = [s.score for s in analysis.spans if s.technique == technique_id and s.score is not None]
        rows.append(
            TechniqueRow(
                describe(technique_id, analysis.taxonomy),
                count,
                count / total if total else 0.0,
                sum(scores) / len(scores) if scores else 0.0,
            )
        )
    return rows


def css_class(technique_id: str | None) -> str:
    """The CSS class that carries a technique's colours (``t-loaded-language``)."""
    return "t-" + (re.sub(r"[^a-z0-9]+", "-", technique_id.lower()).strip("-") if technique_id else "none")


def technique_css() -> str:
    """CSS rules giving every technique of every taxonomy its colour (``--c``) and highlight (``--bg``).

    Colours live in classes rather than ``style`` attributes so pages work under a strict
    Content-Security-Policy (no inline styles)."""
    rules = {css_class(None): "#999999"}
    for taxonomy in Taxonomy:
        for technique in techniques.techniques(taxonomy):
            rules.setdefault(css_class(technique.id), technique.colour)
    return "\n".join(
        f".{name} {{ --c: {colour}; --bg: {lighten(colour)}; }}" for name, colour in rules.items()
    )


def lighten(colour: str, amount: float = 0.55) -> str:
    """A ``#rrggbb`` colour mixed with white, so black text stays readable on it."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)
