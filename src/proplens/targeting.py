"""Who a fragment is aimed at, read off the sentence's dependency parse (spaCy ``en_core_web_sm``).

A fragment of a technique aimed at someone (name calling, loaded language, doubt, ...) is attached to a
named entity by the first rule that applies, each named in the result's `how`:

- ``inside``: the fragment names the entity ("the tyrant Anton Veld", "Velmar's puppet media");
- ``apposition``: the fragment renames an entity beside it ("Jane Ortiz, a shameless liar");
- ``predicate``: the fragment is said of a subject ("Tom Hale is a corrupt crook", also "X, whom Y calls
  a fanatic", "the real extremists are the Crimson Front");
- ``object``: the fragment is what someone is called ("called Adam Rusk a murderer");
- ``modifier``, ``possessive``, ``like``: it describes a name ("Corrupt Governor Mills"), belongs to one
  ("Velmar's rogue regime", "violators of Velmar's army"), or lists examples ("dictators like Viktor Lang");
- ``subject``: it says what someone did ("Tom Hale lied again");
- ``nearest``: none of the above — the nearest name in the sentence, a guess, shown as such.

Whoever says the fragment is never its target: the subject of a verb of saying that governs it ("Peter Ng
argues", "said Ivo Marsh", "wrote one columnist") and the one "in the words of" whom it is said are left
out of every rule, the guess included.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from proplens.document import Span
from proplens.nlp import Entity

__all__ = ["GUESS", "Attachment", "attach"]

GUESS = "nearest"
"""The `how` of an attachment that the sentence's structure does not support."""

_SUBJECTS = ("nsubj", "nsubjpass")
_SAYING_VERBS = [
    *("say", "tell", "claim", "insist", "argue", "add", "write", "declare", "warn", "allege", "assert"),
    *("state", "maintain", "suggest", "complain", "charge", "accuse", "call", "describe", "brand"),
    *("label", "dub", "tweet", "post"),
]
_IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"]}
_SAYING = frozenset(
    form
    for verb in _SAYING_VERBS
    for form in (
        verb,
        verb + ("es" if verb.endswith(("sh", "ss")) else "s"),
        verb + ("d" if verb.endswith("e") else "ed"),
        (verb[:-1] if verb.endswith("e") else verb) + "ing",
        *_IRREGULAR.get(verb, []),
    )
)
"""Forms of the verbs that introduce someone's words (the pipeline has no lemmatiser): their subject
speaks, and is not the target."""
_PREDICATES = ("attr", "acomp", "oprd", "xcomp")


@dataclass(frozen=True, slots=True)
class Attachment:
    entity: Entity
    how: str


def attach(span: Span, doc: Any, offset: int, entities: Sequence[Entity]) -> Attachment | None:
    """The entity `span` is aimed at in the parsed sentence `doc` (which starts at `offset`)."""
    inside = [e for e in entities if e.start < span.end and span.start < e.end]
    tokens = [t for t in doc if offset + t.idx < span.end and span.start < offset + t.idx + len(t)]
    if inside:
        heads = [e for e in inside if any(_entity_of(t, entities, offset) == e for t in _heads(tokens))]
        return Attachment((heads or inside)[0], "inside")
    if not tokens:
        return _nearest(span, entities)
    speakers = {e for t in _speakers(tokens) if (e := _entity_of(t, entities, offset)) is not None}
    for how, token in _candidates(tokens):
        entity = _entity_of(token, entities, offset)
        if entity is not None and entity not in speakers:
            return Attachment(entity, how)
    return _nearest(span, [e for e in entities if e not in speakers])


def _speakers(tokens: Sequence[Any]) -> list[Any]:
    """Who says the fragment: the subjects of the verbs of saying above it in the parse (not the ones it
    is part of), and X of "in the words of X" / "according to X" beside it."""
    inside = {t.i for t in tokens}
    found = []
    for head in _heads(tokens):
        for ancestor in [head, *head.ancestors]:
            # the verb above the fragment, or one set beside it ("X has become, Peter Ng argues, a liar")
            saying = [ancestor, *(c for c in ancestor.children if c.dep_ in ("parataxis", "advcl"))]
            for verb in saying:
                if verb.lower_ in _SAYING and verb.i not in inside:
                    found += [c for c in verb.children if c.dep_ in _SUBJECTS and c.i not in inside]
            for child in ancestor.children:  # "in the words of Ruth Kamara", "according to Ruth Kamara"
                if child.dep_ == "prep" and child.i not in inside:
                    found += [
                        w
                        for w in child.subtree
                        if w.dep_ == "pobj"
                        and w.head.dep_ == "prep"
                        and (w.head.head.lower_ in ("words", "view") or w.head.head.lower_ == "according")
                    ]
    return found


def _heads(tokens: Sequence[Any]) -> list[Any]:
    """The fragment's tokens whose head lies outside it (or that are the root): its syntactic heads."""
    inside = {t.i for t in tokens}
    return [t for t in tokens if t.head.i not in inside or t.head.i == t.i]


def _candidates(tokens: Sequence[Any]) -> Iterator[tuple[str, Any]]:
    """Tokens outside the fragment that may name its target, with the rule that proposes them."""
    inside = {t.i for t in tokens}
    for head in _heads(tokens):
        for child in head.children:  # "Jane Ortiz, a liar" parsed with the name as the apposition
            if child.dep_ == "appos" and child.i not in inside:
                yield "apposition", child
        if head.dep_ == "appos":
            yield "apposition", head.head
        if head.dep_ in _PREDICATES or (head.dep_ == "pobj" and head.head.dep_ == "prep"):
            verb = head.head if head.dep_ in _PREDICATES else head.head.head
            for child in verb.children:
                if child.dep_ == "dobj":
                    yield "object", _resolve(child)
            for child in verb.children:
                if child.dep_ in _SUBJECTS:
                    yield "predicate", _resolve(child)
            yield "predicate", _resolve(verb) if verb.dep_ == "relcl" else verb
        if head.dep_ in _SUBJECTS:  # "the real extremists are the Crimson Front"
            for child in head.head.children:
                if child.dep_ in ("attr", "acomp"):
                    yield "predicate", child
        if head.dep_ in ("amod", "compound", "nmod"):
            yield "modifier", head.head
        if head.dep_ == "relcl":
            yield "subject", head.head
        for token in tokens:
            for child in token.children:
                if child.dep_ == "poss":
                    yield "possessive", child
                if child.dep_ == "prep" and child.i not in inside:
                    for grandchild in child.children:
                        if grandchild.dep_ == "pobj":
                            how = "like" if child.lower_ in ("like", "as") else "possessive"
                            yield how, grandchild
                            for owner in grandchild.children:
                                if owner.dep_ == "poss":
                                    yield how, owner
        if head.pos_ in ("VERB", "AUX") or head.dep_ in ("ROOT", "ccomp", "advcl"):
            verb = head if head.pos_ in ("VERB", "AUX") else head.head
            for child in verb.children:
                if child.dep_ in _SUBJECTS and child.i not in inside:
                    yield "subject", child
        if head.dep_ in ("advmod", "neg", "aux") and head.head.i not in inside:
            for child in head.head.children:
                if child.dep_ in _SUBJECTS:
                    yield "subject", child
        if head.dep_ in ("dobj", "npadvmod") and head.head.pos_ in ("VERB", "AUX"):
            for child in head.head.children:
                if child.dep_ in _SUBJECTS and child.i not in inside:
                    yield "subject", child


def _resolve(token: Any) -> Any:
    """A relative pronoun ("whom", "which", "who") stands for the noun its clause describes."""
    if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        return token.head.head
    return token


_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "governor",
        "mayor",
        "senator",
        "president",
        "minister",
        "premier",
        "deputy",
        "inspector",
        "judge",
        "general",
        "colonel",
        "professor",
        "chancellor",
        "secretary",
        "councillor",
        "commissioner",
        "chief",
    ]
)


def _entity_of(token: Any, entities: Sequence[Entity], offset: int) -> Entity | None:
    """The entity mention that `token` (or, for a title like "Governor", the name it heads) is part of;
    a titled proper name the entity recogniser missed ("Governor Mills") counts as a person."""
    for candidate in (token, *[c for c in token.children if c.dep_ in ("compound", "appos")]):
        start = offset + candidate.idx
        for entity in entities:
            if entity.start <= start < entity.end:
                return entity
    if token.pos_ == "PROPN":
        words = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [token]
        titled = [i for i, w in enumerate(words) if w.lower_ in _TITLES]
        name = words[titled[-1] + 1 :] if titled else []
        if name:
            start, end = offset + name[0].idx, offset + name[-1].idx + len(name[-1])
            return Entity(start, end, "PERSON", " ".join(w.text for w in name))
    return None


def _nearest(span: Span, entities: Sequence[Entity]) -> Attachment | None:
    if not entities:
        return None
    entity = min(entities, key=lambda e: (max(e.start - span.end, span.start - e.end), -e.start))
    return Attachment(entity, GUESS)
