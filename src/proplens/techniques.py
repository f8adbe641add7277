"""The technique taxonomy: the single source of truth for every technique id, name, definition and colour.

Three taxonomies are known:

* ``ptc`` — the 14 techniques of the Propaganda Techniques Corpus / SemEval-2020 Task 11, with ids spelled
  exactly as in the corpus label files (``Name_Calling,Labeling``). This is the taxonomy proplens detects.
* ``semeval2023`` — the 23 persuasion techniques of SemEval-2023 Task 3, grouped in 6 categories.
* ``semeval2021`` — the 20 technique names of SemEval-2021 Task 6 (persuasion in meme texts).

Crosswalks between taxonomies are explicit tables (see `translate`), because the taxonomies split and merge
techniques differently: PTC's ``Whataboutism,Straw_Men,Red_Herring`` is three techniques in 2023, and
2023's ``Appeal_to_Values`` has no PTC counterpart at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from proplens.errors import UnknownTechniqueError

__all__ = [
    "PTC_TECHNIQUE_IDS",
    "SEMEVAL2023_CATEGORIES",
    "TARGETED_TECHNIQUE_IDS",
    "Taxonomy",
    "Technique",
    "get",
    "is_known",
    "techniques",
    "translate",
]


class Taxonomy(StrEnum):
    """A technique taxonomy."""

    PTC = "ptc"
    SEMEVAL2023 = "semeval2023"
    SEMEVAL2021 = "semeval2021"

    @property
    def label(self) -> str:
        """How a form offers it: proplens detects the 14 PTC techniques and can name them in any taxonomy."""
        return {
            "ptc": "PTC (14 techniques)",
            "semeval2023": "SemEval-2023 names for the 14 PTC techniques",
            "semeval2021": "SemEval-2021 names for the 14 PTC techniques",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Technique:
    """One technique of one taxonomy: a stable id plus what a reader needs to understand it."""

    id: str
    taxonomy: Taxonomy
    name: str
    definition: str
    example: str = ""
    colour: str = "#999999"
    category: str | None = None
    abbreviation: str = ""


_PTC = Taxonomy.PTC
_S23 = Taxonomy.SEMEVAL2023
_S21 = Taxonomy.SEMEVAL2021

_PTC_TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "Appeal_to_Authority",
        _PTC,
        "Appeal to authority",
        "Presents a claim as true because an authority, expert or famous figure is said to back it, "
        "instead of giving the evidence itself. Quoting a real expert is not the technique; leaning on "
        "the authority in place of an argument is.",
        "Leading scientists agree that the new tax will ruin the country, so there is nothing to debate.",
        "#79706e",
        abbreviation="AUTH",
    ),
    Technique(
        "Appeal_to_fear-prejudice",
        _PTC,
        "Appeal to fear or prejudice",
        "Builds support for an idea by stirring up anxiety, panic or existing prejudice about what will "
        "happen if the audience does not accept it, rather than by weighing the actual risks.",
        "If this bill passes, criminals will be walking into your children's schools by Christmas.",
        "#9d755d",
        abbreviation="FEAR",
    ),
    Technique(
        "Bandwagon,Reductio_ad_hitlerum",
        _PTC,
        "Bandwagon or reductio ad Hitlerum",
        "Two related shortcuts merged in the corpus: urging the audience to join a view because "
        "'everyone' already holds it (bandwagon), or rejecting a view because a hated group or figure "
        "holds it (reductio ad Hitlerum).",
        "Millions of patriots have already signed up; the only people still opposed are the same ones "
        "who cheered for dictators.",
        "#d4a6c8",
        abbreviation="BAND",
    ),
    Technique(
        "Black-and-White_Fallacy",
        _PTC,
        "Black-and-white fallacy",
        "Presents two options as the only ones possible when more exist, or tells the audience exactly "
        "which of them to pick, leaving no room for a middle ground.",
        "Either we close every border tomorrow or we accept the end of our nation.",
        "#b6992d",
        abbreviation="B&W",
    ),
    Technique(
        "Causal_Oversimplification",
        _PTC,
        "Causal oversimplification",
        "Explains an outcome with a single cause when many factors played a part, often to pin the "
        "blame on one person or group.",
        "Prices went up for one reason only: the mayor's new bicycle lanes.",
        "#b279a2",
        abbreviation="CAUS",
    ),
    Technique(
        "Doubt",
        _PTC,
        "Doubt",
        "Questions the credibility, competence or honesty of someone or something without offering "
        "evidence, so that the audience stops trusting them.",
        "Can we really believe a minister who has never held a real job?",
        "#4c78a8",
        abbreviation="DOUBT",
    ),
    Technique(
        "Exaggeration,Minimisation",
        _PTC,
        "Exaggeration or minimisation",
        "Makes something look far bigger, better or worse than it is, or plays down something serious "
        "so that it looks trivial.",
        "The protest was the greatest uprising in human history; the injuries were just a few scratches.",
        "#eeca3b",
        abbreviation="EXAG",
    ),
    Technique(
        "Flag-Waving",
        _PTC,
        "Flag-waving",
        "Justifies an idea by appealing to patriotism or group identity (nation, party, religion, "
        "race), implying that a true member of the group must support it.",
        "Every real American knows this pipeline is our patriotic duty.",
        "#54a24b",
        abbreviation="FLAG",
    ),
    Technique(
        "Loaded_Language",
        _PTC,
        "Loaded language",
        "Uses words and phrases with strong emotional charge, positive or negative, to sway the "
        "audience instead of describing the facts neutrally. The most frequent technique in news.",
        "The council's outrageous, disastrous scheme will devastate our peaceful town.",
        "#e45756",
        abbreviation="LOAD",
    ),
    Technique(
        "Name_Calling,Labeling",
        _PTC,
        "Name calling or labelling",
        "Attaches a label the audience fears, hates or admires to a person or group, so that the label "
        "does the arguing.",
        "The so-called experts, a gang of globalist bureaucrats, want your savings.",
        "#f58518",
        abbreviation="NAME",
    ),
    Technique(
        "Repetition",
        _PTC,
        "Repetition",
        "Repeats the same message, phrase or word over and over so that the audience comes to accept "
        "it through familiarity rather than argument.",
        "They lied about the budget. They lied about the hospital. They lied to you.",
        "#72b7b2",
        abbreviation="REP",
    ),
    Technique(
        "Slogans",
        _PTC,
        "Slogans",
        "A brief, striking phrase, often a rallying cry, that stands in for an argument and is easy to "
        "repeat; it may include labels or stereotypes.",
        "Take back our streets!",
        "#ff9da6",
        abbreviation="SLOG",
    ),
    Technique(
        "Thought-terminating_Cliches",
        _PTC,
        "Thought-terminating cliché",
        "A short, generic phrase that discourages further thought or discussion by making a question "
        "seem settled or not worth asking.",
        "It is what it is. Rules are rules.",
        "#8cd17d",
        abbreviation="TTC",
    ),
    Technique(
        "Whataboutism,Straw_Men,Red_Herring",
        _PTC,
        "Whataboutism, straw man or red herring",
        "Three distraction techniques merged in the corpus: answering criticism by pointing at the "
        "critic's own faults (whataboutism), attacking a distorted version of an opponent's position "
        "(straw man), or steering attention to an irrelevant topic (red herring).",
        "The senator criticises our spending, but what about his own expensive holidays?",
        "#a0cbe8",
        abbreviation="WHAT",
    ),
)

#: The 6 SemEval-2023 Task 3 categories, in the task's order.
SEMEVAL2023_CATEGORIES: tuple[str, ...] = (
    "Attack on reputation",
    "Justification",
    "Simplification",
    "Distraction",
    "Call",
    "Manipulative wording",
)

_ATTACK, _JUSTIFY, _SIMPLIFY, _DISTRACT, _CALL, _WORDING = SEMEVAL2023_CATEGORIES


def _ptc(technique_id: str) -> Technique:
    return next(t for t in _PTC_TECHNIQUES if t.id == technique_id)


def _s23(
    technique_id: str,
    name: str,
    category: str,
    definition: str | None = None,
    *,
    like: str | None = None,
) -> Technique:
    """A SemEval-2023 technique; `like` borrows definition, example and colour from a PTC technique."""
    base = _ptc(like) if like else None
    return Technique(
        technique_id,
        _S23,
        name,
        definition if definition is not None else (base.definition if base else ""),
        base.example if base else "",
        base.colour if base else "#999999",
        category,
    )


_SEMEVAL2023_TECHNIQUES: tuple[Technique, ...] = (
    _s23("Name_Calling-Labeling", "Name calling or labelling", _ATTACK, like="Name_Calling,Labeling"),
    _s23(
        "Guilt_by_Association",
        "Guilt by association",
        _ATTACK,
        "Discredits a person or idea by linking it to a group, person or thing the audience already "
        "despises (reductio ad Hitlerum is a special case).",
        like="Bandwagon,Reductio_ad_hitlerum",
    ),
    _s23("Doubt", "Casting doubt", _ATTACK, like="Doubt"),
    _s23(
        "Appeal_to_Hypocrisy",
        "Appeal to hypocrisy",
        _ATTACK,
        "Attacks a target's reputation by charging them with hypocrisy or inconsistency instead of "
        "answering their point.",
        like="Whataboutism,Straw_Men,Red_Herring",
    ),
    _s23(
        "Questioning_the_Reputation",
        "Questioning the reputation",
        _ATTACK,
        "Attacks the character or moral standing of a target with negative claims, so that what they "
        "say is dismissed (called smears in SemEval-2021).",
    ),
    _s23("Flag_Waving", "Flag-waving", _JUSTIFY, like="Flag-Waving"),
    _s23("Appeal_to_Authority", "Appeal to authority", _JUSTIFY, like="Appeal_to_Authority"),
    _s23(
        "Appeal_to_Popularity",
        "Appeal to popularity",
        _JUSTIFY,
        "Claims that a view is right because most people, or 'everyone', already holds it (bandwagon).",
        like="Bandwagon,Reductio_ad_hitlerum",
    ),
    _s23(
        "Appeal_to_Values",
        "Appeal to values",
        _JUSTIFY,
        "Justifies an idea by tying it to values the audience holds dear (freedom, democracy, family, "
        "faith) without showing the link (glittering generalities in SemEval-2021).",
    ),
    _s23(
        "Appeal_to_Fear-Prejudice",
        "Appeal to fear or prejudice",
        _JUSTIFY,
        like="Appeal_to_fear-prejudice",
    ),
    _s23(
        "Causal_Oversimplification",
        "Causal oversimplification",
        _SIMPLIFY,
        like="Causal_Oversimplification",
    ),
    _s23(
        "False_Dilemma-No_Choice",
        "False dilemma or no choice",
        _SIMPLIFY,
        like="Black-and-White_Fallacy",
    ),
    _s23(
        "Consequential_Oversimplification",
        "Consequential oversimplification",
        _SIMPLIFY,
        "Claims that a first step will inevitably set off a chain of ever worse consequences "
        "(slippery slope), without showing why.",
    ),
    _s23(
        "Straw_Man",
        "Straw man",
        _DISTRACT,
        "Replaces an opponent's position with a distorted, weaker version and attacks that instead.",
        like="Whataboutism,Straw_Men,Red_Herring",
    ),
    _s23(
        "Red_Herring",
        "Red herring",
        _DISTRACT,
        "Pulls attention away from the issue under discussion toward an irrelevant topic.",
        like="Whataboutism,Straw_Men,Red_Herring",
    ),
    _s23(
        "Whataboutism",
        "Whataboutism",
        _DISTRACT,
        "Answers criticism by pointing at the critic's own real or alleged faults instead of the issue.",
        like="Whataboutism,Straw_Men,Red_Herring",
    ),
    _s23("Slogans", "Slogans", _CALL, like="Slogans"),
    _s23(
        "Conversation_Killer",
        "Conversation killer",
        _CALL,
        like="Thought-terminating_Cliches",
    ),
    _s23(
        "Appeal_to_Time",
        "Appeal to time",
        _CALL,
        "Pushes for immediate action by insisting that the time has come or that there is no time left "
        "to think.",
    ),
    _s23("Loaded_Language", "Loaded language", _WORDING, like="Loaded_Language"),
    _s23(
        "Obfuscation-Vagueness-Confusion",
        "Obfuscation, vagueness or confusion",
        _WORDING,
        "Uses deliberately unclear words so that the audience can read into them what it likes, or "
        "cannot pin the speaker down.",
    ),
    _s23(
        "Exaggeration-Minimisation",
        "Exaggeration or minimisation",
        _WORDING,
        like="Exaggeration,Minimisation",
    ),
    _s23("Repetition", "Repetition", _WORDING, like="Repetition"),
)


def _s21(technique_id: str) -> Technique:
    return Technique(technique_id, _S21, technique_id, "")


_SEMEVAL2021_TECHNIQUES: tuple[Technique, ...] = tuple(
    _s21(name)
    for name in (
        "Appeal to authority",
        "Appeal to fear/prejudice",
        "Black-and-white Fallacy/Dictatorship",
        "Causal Oversimplification",
        "Doubt",
        "Exaggeration/Minimisation",
        "Flag-waving",
        "Glittering generalities (Virtue)",
        "Loaded Language",
        "Misrepresentation of Someone's Position (Straw Man)",
        "Name calling/Labeling",
        "Obfuscation, Intentional vagueness, Confusion",
        "Presenting Irrelevant Data (Red Herring)",
        "Reductio ad hitlerum",
        "Repetition",
        "Slogans",
        "Smears",
        "Thought-terminating cliché",
        "Whataboutism",
        "Bandwagon",
    )
)

_BY_TAXONOMY: dict[Taxonomy, tuple[Technique, ...]] = {
    _PTC: _PTC_TECHNIQUES,
    _S23: _SEMEVAL2023_TECHNIQUES,
    _S21: _SEMEVAL2021_TECHNIQUES,
}
_INDEX: dict[tuple[Taxonomy, str], Technique] = {
    (t.taxonomy, t.id): t for taxonomy_techniques in _BY_TAXONOMY.values() for t in taxonomy_techniques
}

#: The 14 PTC technique ids in the corpus' own (alphabetical) order.
PTC_TECHNIQUE_IDS: tuple[str, ...] = tuple(t.id for t in _PTC_TECHNIQUES)

_WSR = "Whataboutism,Straw_Men,Red_Herring"
_BR = "Bandwagon,Reductio_ad_hitlerum"

# Crosswalk tables: source id -> target ids (empty = no counterpart). The first target is the primary one.
_PTC_TO_S23: dict[str, tuple[str, ...]] = {
    "Appeal_to_Authority": ("Appeal_to_Authority",),
    "Appeal_to_fear-prejudice": ("Appeal_to_Fear-Prejudice",),
    _BR: ("Appeal_to_Popularity", "Guilt_by_Association"),
    "Black-and-White_Fallacy": ("False_Dilemma-No_Choice",),
    "Causal_Oversimplification": ("Causal_Oversimplification",),
    "Doubt": ("Doubt",),
    "Exaggeration,Minimisation": ("Exaggeration-Minimisation",),
    "Flag-Waving": ("Flag_Waving",),
    "Loaded_Language": ("Loaded_Language",),
    "Name_Calling,Labeling": ("Name_Calling-Labeling",),
    "Repetition": ("Repetition",),
    "Slogans": ("Slogans",),
    "Thought-terminating_Cliches": ("Conversation_Killer",),
    _WSR: ("Whataboutism", "Straw_Man", "Red_Herring"),
}
_S23_TO_PTC: dict[str, tuple[str, ...]] = {
    "Name_Calling-Labeling": ("Name_Calling,Labeling",),
    "Guilt_by_Association": (_BR,),
    "Doubt": ("Doubt",),
    "Appeal_to_Hypocrisy": (_WSR,),
    "Questioning_the_Reputation": (),
    "Flag_Waving": ("Flag-Waving",),
    "Appeal_to_Authority": ("Appeal_to_Authority",),
    "Appeal_to_Popularity": (_BR,),
    "Appeal_to_Values": (),
    "Appeal_to_Fear-Prejudice": ("Appeal_to_fear-prejudice",),
    "Causal_Oversimplification": ("Causal_Oversimplification",),
    "False_Dilemma-No_Choice": ("Black-and-White_Fallacy",),
    "Consequential_Oversimplification": (),
    "Straw_Man": (_WSR,),
    "Red_Herring": (_WSR,),
    "Whataboutism": (_WSR,),
    "Slogans": ("Slogans",),
    "Conversation_Killer": ("Thought-terminating_Cliches",),
    "Appeal_to_Time": (),
    "Loaded_Language": ("Loaded_Language",),
    "Obfuscation-Vagueness-Confusion": (),
    "Exaggeration-Minimisation": ("Exaggeration,Minimisation",),
    "Repetition": ("Repetition",),
}
_S21_TO_PTC: dict[str, tuple[str, ...]] = {
    "Appeal to authority": ("Appeal_to_Authority",),
    "Appeal to fear/prejudice": ("Appeal_to_fear-prejudice",),
    "Black-and-white Fallacy/Dictatorship": ("Black-and-White_Fallacy",),
    "Causal Oversimplification": ("Causal_Oversimplification",),
    "Doubt": ("Doubt",),
    "Exaggeration/Minimisation": ("Exaggeration,Minimisation",),
    "Flag-waving": ("Flag-Waving",),
    "Glittering generalities (Virtue)": (),
    "Loaded Language": ("Loaded_Language",),
    "Misrepresentation of Someone's Position (Straw Man)": (_WSR,),
    "Name calling/Labeling": ("Name_Calling,Labeling",),
    "Obfuscation, Intentional vagueness, Confusion": (),
    "Presenting Irrelevant Data (Red Herring)": (_WSR,),
    "Reductio ad hitlerum": (_BR,),
    "Repetition": ("Repetition",),
    "Slogans": ("Slogans",),
    "Smears": (),
    "Thought-terminating cliché": ("Thought-terminating_Cliches",),
    "Whataboutism": (_WSR,),
    "Bandwagon": (_BR,),
}
_S21_TO_S23: dict[str, tuple[str, ...]] = {
    "Appeal to authority": ("Appeal_to_Authority",),
    "Appeal to fear/prejudice": ("Appeal_to_Fear-Prejudice",),
    "Black-and-white Fallacy/Dictatorship": ("False_Dilemma-No_Choice",),
    "Causal Oversimplification": ("Causal_Oversimplification",),
    "Doubt": ("Doubt",),
    "Exaggeration/Minimisation": ("Exaggeration-Minimisation",),
    "Flag-waving": ("Flag_Waving",),
    "Glittering generalities (Virtue)": ("Appeal_to_Values",),
    "Loaded Language": ("Loaded_Language",),
    "Misrepresentation of Someone's Position (Straw Man)": ("Straw_Man",),
    "Name calling/Labeling": ("Name_Calling-Labeling",),
    "Obfuscation, Intentional vagueness, Confusion": ("Obfuscation-Vagueness-Confusion",),
    "Presenting Irrelevant Data (Red Herring)": ("Red_Herring",),
    "Reductio ad hitlerum": ("Guilt_by_Association",),
    "Repetition": ("Repetition",),
    "Slogans": ("Slogans",),
    "Smears": ("Questioning_the_Reputation",),
    "Thought-terminating cliché": ("Conversation_Killer",),
    "Whataboutism": ("Whataboutism",),
    "Bandwagon": ("Appeal_to_Popularity",),
}


TARGETED_TECHNIQUE_IDS: frozenset[str] = frozenset(
    {
        "Name_Calling,Labeling",
        "Loaded_Language",
        "Doubt",
        "Bandwagon,Reductio_ad_hitlerum",
        "Exaggeration,Minimisation",
        "Whataboutism,Straw_Men,Red_Herring",
        "Appeal_to_fear-prejudice",
    }
)
"""PTC techniques that are usually aimed at someone (a person, party, country), so proplens looks for
the named entity each of their fragments targets."""


def _inverse(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    inverse: dict[str, list[str]] = {}
    for source, targets in table.items():
        for target in targets:
            inverse.setdefault(target, []).append(source)
    return {target: tuple(sources) for target, sources in inverse.items()}


_CROSSWALKS = MappingProxyType(
    {
        (_PTC, _S23): _PTC_TO_S23,
        (_S23, _PTC): _S23_TO_PTC,
        (_S21, _PTC): _S21_TO_PTC,
        (_S21, _S23): _S21_TO_S23,
        (_PTC, _S21): _inverse(_S21_TO_PTC),
        (_S23, _S21): _inverse(_S21_TO_S23),
    }
)


def techniques(taxonomy: Taxonomy | str = Taxonomy.PTC) -> tuple[Technique, ...]:
    """All techniques of `taxonomy`, in the taxonomy's canonical order."""
    return _BY_TAXONOMY[Taxonomy(taxonomy)]


def is_known(technique_id: str, taxonomy: Taxonomy | str = Taxonomy.PTC) -> bool:
    """Whether `technique_id` is spelled exactly as `taxonomy` spells one of its techniques."""
    return (Taxonomy(taxonomy), technique_id) in _INDEX


def get(technique_id: str, taxonomy: Taxonomy | str = Taxonomy.PTC) -> Technique:
    """The technique `technique_id` of `taxonomy`; raises `UnknownTechniqueError` for any other spelling."""
    try:
        return _INDEX[(Taxonomy(taxonomy), technique_id)]
    except KeyError:
        raise UnknownTechniqueError(technique_id, str(Taxonomy(taxonomy))) from None


def translate(
    technique_id: str,
    *,
    source: Taxonomy | str,
    target: Taxonomy | str,
) -> tuple[str, ...]:
    """The ids in `target` that correspond to `technique_id` of `source`, primary first.

    An empty tuple means the target taxonomy has no counterpart (e.g. SemEval-2023 ``Appeal_to_Values``
    has none in PTC). Raises `UnknownTechniqueError` when `technique_id` is not a `source` technique.
    """
    source, target = Taxonomy(source), Taxonomy(target)
    get(technique_id, source)
    if source == target:
        return (technique_id,)
    return _CROSSWALKS[(source, target)].get(technique_id, ())
