"""Article-level figures of an analysis: counts, coverage, density, a 0-100 score, key sentences, targets.

The propaganda score condenses the detected spans into one number a reader can compare between articles::

    weighted density = (sum of span scores) / max(words, SCORE_MIN_WORDS) * 1000
    propaganda score = 100 * (1 - exp(-weighted density / SCORE_SCALE))

Each detected technique use adds its confidence (a span score in [0, 1]), so ten weak guesses count like a
few sure ones; dividing by the word count makes long and short articles comparable; the exponential keeps
the score between 0 and 100 and makes it saturate: an article that is mostly propaganda cannot go past 100.
With SCORE_SCALE = 5, one sure technique use per 1,000 words gives 18, five give 63, fifteen give 95.
A text shorter than SCORE_MIN_WORDS (250, a short news item) is scored as if it were that long with no
further techniques: a sentence or two is too little evidence to rank with a dense article, so one weak
span in a headline-length text cannot push it to the top.
The score describes what the detector found, not the article's truth or its author's intent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from proplens import nlp
from proplens.document import Analysis, Sentence, Span, Target, covered_characters
from proplens.targeting import attach
from proplens.techniques import TARGETED_TECHNIQUE_IDS, Taxonomy, translate

__all__ = [
    "KEY_SENTENCES",
    "SCORE_MIN_WORDS",
    "SCORE_SCALE",
    "figures",
    "in_taxonomy",
    "key_sentences",
    "propaganda_score",
    "summarise",
    "targets",
]

SCORE_SCALE = 5.0
"""Weighted technique uses per 1,000 words at which the score reaches 63 (= 100 * (1 - 1/e))."""

SCORE_MIN_WORDS = 250
"""Shorter texts are scored as if they had this many words (the rest without techniques)."""

KEY_SENTENCES = 3
"""How many of the sentences that carry the most techniques an analysis lists."""

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile("['\u2019]s$")


def propaganda_score(spans: Sequence[Span], words: int) -> float:
    """The 0-100 score of the module docstring, rounded to one decimal."""
    if words == 0:
        return 0.0
    weighted = sum(_weight(s) for s in spans) / max(words, SCORE_MIN_WORDS) * 1000
    return round(100 * (1 - math.exp(-weighted / SCORE_SCALE)), 1)


def _weight(span: Span) -> float:
    """How much one technique use counts: the fragment's score times the technique's (1 where unknown)."""
    score = 1.0 if span.score is None else span.score
    return score * (1.0 if span.technique_score is None else span.technique_score)


def figures(analysis: Analysis) -> dict[str, float]:
    """Words, spans, covered characters and their share, spans per 1,000 words and the score."""
    text, spans = analysis.article.text, analysis.spans
    words = len(_WORD.findall(text))
    covered = covered_characters([(s.start, s.end) for s in spans])
    return {
        "words": float(words),
        "spans": float(len(spans)),
        "characters_covered": float(covered),
        "coverage": round(covered / len(text), 4) if text else 0.0,
        "spans_per_1000_words": round(len(spans) / words * 1000, 2) if words else 0.0,
        "propaganda_score": propaganda_score(spans, words),
    }


def key_sentences(
    spans: Sequence[Span], sentences: Sequence[tuple[int, int]], *, limit: int = KEY_SENTENCES
) -> tuple[Sentence, ...]:
    """The sentences with the most distinct techniques (then most spans), in text order."""
    scored = []
    for start, end in sentences:
        inside = [s.technique or "" for s in spans if s.start < end and start < s.end]
        if inside:
            scored.append((len(set(inside)), len(inside), -start, Sentence(start, end, tuple(inside))))
    best = sorted(scored, key=lambda item: item[:3], reverse=True)[:limit]
    return tuple(sorted((item[3] for item in best), key=lambda s: s.start))


def targets(text: str, spans: Sequence[Span], sentences: Sequence[tuple[int, int]]) -> tuple[Target, ...]:
    """Attach each span of a technique aimed at someone to a named entity, grouped by entity.

    The sentence holding the span is parsed and `proplens.targeting.attach` reads the target off its
    structure (apposition, predicate, modifier, possessive, "like X", subject), falling back to the nearest
    name as a marked guess. Short mentions are resolved to the full name used elsewhere in the article
    ("Maduro" -> "Nicolás Maduro"), possessives dropped, so one person is one target with one type.
    """
    aimed = [s for s in spans if s.technique in TARGETED_TECHNIQUE_IDS]
    if not aimed:
        return ()
    sentence_of = {s: _containing(sentences, s) or (s.start, s.end) for s in aimed}
    ranges = _merge(sorted(set(sentence_of.values())))
    parsed = nlp.parse(text, ranges)
    found = [e for _, _, entities in parsed for e in entities]
    canonical = _canonical_names(
        found + nlp.entities(text, _naming_sentences(text, sentences, ranges, found))
    )
    grouped: dict[str, list[tuple[Span, str]]] = {}
    for span in aimed:
        sentence = sentence_of[span]
        holder = next(
            (p for p in parsed if p[0] <= sentence[0] and sentence[1] <= p[0] + len(p[1].text)), None
        )
        if holder is None:  # a "sentence" over nlp.PARSE_LIMIT characters is not prose: no target
            continue
        offset, doc, entities = holder
        attachment = attach(span, doc, offset, entities)
        if attachment is not None:
            entity = attachment.entity
            name, kind = canonical.get(_clean(entity.text), (_clean(entity.text), entity.kind))
            canonical.setdefault(name, (name, kind))  # a name only the parse found (a titled person)
            grouped.setdefault(name, []).append((span, attachment.how))
    ordered = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(
        Target(name, canonical_kind(name, canonical), tuple(s for s, _ in pairs), tuple(h for _, h in pairs))
        for name, pairs in ordered
    )


def summarise(analysis: Analysis, *, entities: bool = True) -> Analysis:
    """The analysis with its figures, key sentences and (unless ``entities=False``) targets filled in."""
    text = analysis.article.text
    sentences = nlp.sentences(text)
    return replace(
        analysis,
        figures={**analysis.figures, **figures(analysis)},
        key_sentences=key_sentences(analysis.spans, sentences),
        targets=targets(text, analysis.spans, sentences) if entities else (),
    )


def in_taxonomy(analysis: Analysis, taxonomy: Taxonomy | str) -> Analysis:
    """The analysis with every technique id translated to `taxonomy` (the primary counterpart).

    PTC techniques without a counterpart in `taxonomy` keep their PTC id, so no detected span disappears.
    """
    taxonomy = Taxonomy(taxonomy)
    if taxonomy == Taxonomy(analysis.taxonomy):
        return analysis

    def move(span: Span) -> Span:
        if span.technique is None:
            return span
        found = translate(span.technique, source=analysis.taxonomy, target=taxonomy)
        return replace(span, technique=found[0]) if found else span

    def move_all(spans: Sequence[Span]) -> tuple[Span, ...]:
        return tuple(move(s) for s in spans)

    return replace(
        analysis,
        spans=move_all(analysis.spans),
        key_sentences=tuple(
            replace(s, techniques=tuple(move(Span(s.start, s.end, t)).technique or t for t in s.techniques))
            for s in analysis.key_sentences
        ),
        targets=tuple(replace(t, spans=move_all(t.spans)) for t in analysis.targets),
        taxonomy=str(taxonomy),
    )


def _containing(ranges: Sequence[tuple[int, int]], span: Span) -> tuple[int, int] | None:
    """The sentence the span starts in."""
    return next((r for r in ranges if r[0] <= span.start < r[1]), None)


def _merge(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clean(name: str) -> str:
    name = " ".join(name.split())
    name = _POSSESSIVE.sub("", name)
    return name[4:] if name.lower().startswith("the ") else name


_KIND_ORDER = ("PERSON", "ORG", "GPE", "NORP")

NAMING_SENTENCES = 16
"""At most this many further sentences are parsed to learn a short name's full form and kind."""
_NAMING_WORDS = 32
_CAPITALISED = r"\b[A-Z\u00c0-\u00de][\w'\u2019.-]{0,40}"
"""A capitalised word (bounded, so that each attempt to match stops early: the search stays linear)."""


def _naming_sentences(
    text: str,
    sentences: Sequence[tuple[int, int]],
    parsed: Sequence[tuple[int, int]],
    found: Sequence[nlp.Entity],
) -> list[tuple[int, int]]:
    """Sentences outside `parsed` where a one-word name of `found` stands next to another capitalised word
    ("Nicolás Maduro", "Bramwell Council"): what the article calls that name in full, and so its kind,
    whichever sentences happen to hold the fragments (the whole article decides, not the parsed part)."""
    words = sorted({w for e in found if " " not in (w := _clean(e.text)) and w[:1].isupper()})[:_NAMING_WORDS]
    if not words:
        return []
    names = "|".join(re.escape(w) for w in words)
    beside = re.compile(rf"{_CAPITALISED}\s(?:{names})\b|\b(?:{names})\s{_CAPITALISED}")
    chosen = []
    inside = 0  # `parsed` and `sentences` are both in text order: one pass over each
    for start, end in sentences:
        while inside < len(parsed) and parsed[inside][1] <= start:
            inside += 1
        if (inside < len(parsed) and parsed[inside][0] <= start) or end - start > nlp.PARSE_LIMIT:
            continue
        if beside.search(text, start, end):
            chosen.append((start, end))
            if len(chosen) == NAMING_SENTENCES:
                break
    return chosen


_PLACE_INSTITUTIONS = frozenset(
    [
        "council",
        "county",
        "city",
        "borough",
        "town",
        "district",
        "parish",
        "province",
        "police",
        "municipality",
    ]
)
_DEMONYM = re.compile(r"(?:ian|ite|er|ese|an)$")


def _is_place(name: str, names: dict[str, str]) -> bool:
    """A one-word name the article also uses for a local institution ("Bramwell Council") or its people
    ("Bramwellian") is a place, whatever the entity recogniser called a lone mention of it."""
    for other, kind in names.items():
        first, _, rest = other.partition(" ")
        if first == name and rest.lower() in _PLACE_INSTITUTIONS and kind in ("ORG", "GPE"):
            return True
        if kind == "NORP" and other.startswith(name) and _DEMONYM.fullmatch(other[len(name) :] or "-"):
            return True
    return False


def _canonical_names(found: Sequence[nlp.Entity]) -> dict[str, tuple[str, str]]:
    """Each cleaned mention -> (full name, kind); a one-word mention that ends a longer person's name
    is that person; one that names a local institution or people is a place (`_is_place`); otherwise a
    name has one kind in an article: the one most of its mentions have (ties: person, organisation, place,
    group)."""
    votes: dict[str, Counter[str]] = {}
    for entity in found:
        votes.setdefault(_clean(entity.text), Counter())[entity.kind] += 1
    names = {
        name: max(kinds, key=lambda k: (kinds[k], -_KIND_ORDER.index(k))) for name, kinds in votes.items()
    }
    people = [n for n, kind in names.items() if kind == "PERSON" and " " in n]
    canonical = {}
    for name, kind in names.items():
        longer = [p for p in people if " " not in name and p.split()[-1] == name]
        if len(longer) == 1:
            canonical[name] = (longer[0], "PERSON")
        elif " " not in name and kind == "PERSON" and _is_place(name, names):
            canonical[name] = (name, "GPE")
        else:
            canonical[name] = (name, kind)
    return canonical


def canonical_kind(name: str, canonical: dict[str, tuple[str, str]]) -> str:
    """The one kind of a canonical name."""
    return next(kind for full, kind in canonical.values() if full == name)
