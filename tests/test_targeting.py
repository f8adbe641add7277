"""Who a fragment is aimed at, from the sentence's structure — measured on sentences written for proplens.

Every sentence below is invented for this test (no article text): the fragment a detector would flag, its
technique, and the entity it is aimed at (None: nobody named). `test_target_accuracy` requires 85% right.
"""

from __future__ import annotations

import pytest

from proplens.analysis import targets
from proplens.document import Span
from proplens.nlp import sentences

N, L, D, F = "Name_Calling,Labeling", "Loaded_Language", "Doubt", "Appeal_to_fear-prejudice"

CASES: list[tuple[str, str, str, str | None]] = [
    # apposition: the fragment renames the entity
    ("Senator Jane Ortiz, a shameless liar, promised lower taxes.", "a shameless liar", N, "Jane Ortiz"),
    (
        "The bill was written by Paul Brenner, a spineless puppet of the banks.",
        "a spineless puppet",
        N,
        "Paul Brenner",
    ),
    ("Our neighbour Kessland, a rogue state, tested another missile.", "a rogue state", N, "Kessland"),
    (
        "Ruth Kamara met the socialist dictator Anton Veld on Friday.",
        "the socialist dictator",
        N,
        "Anton Veld",
    ),
    (
        "Opposition leader Ivo Marsh called the regime propagandist Lena Dorr a fraud.",
        "the regime propagandist",
        N,
        "Lena Dorr",
    ),
    (
        "Deputy Carl Ostrow, the minister's loyal henchman, refused to answer.",
        "the minister's loyal henchman",
        N,
        "Carl Ostrow",
    ),
    # predicate: "X is/was/remains a ..."
    ("Critics say Mayor Tom Hale is a corrupt crook.", "a corrupt crook", N, "Tom Hale"),
    ("Everyone knows Brightwater Bank is a den of thieves.", "a den of thieves", N, "Brightwater Bank"),
    ("For years the Velmar government has been a rogue regime.", "a rogue regime", N, "Velmar"),
    ("Frank Adler remains an incompetent clown, his rivals said.", "an incompetent clown", N, "Frank Adler"),
    (
        "To his supporters Omar Reyes was a hero; to the courts he was a criminal.",
        "a criminal",
        N,
        "Omar Reyes",
    ),
    ("Sources claim that Dana Whitfield is utterly dishonest.", "utterly dishonest", L, "Dana Whitfield"),
    # modifier and possessive
    ("Corrupt Governor Mills signed the order at midnight.", "Corrupt", L, "Mills"),
    ("Velmar's rogue regime jailed three reporters last week.", "rogue regime", N, "Velmar"),
    ("The scandal exposed Harlan Oil's greedy executives once again.", "greedy executives", N, "Harlan Oil"),
    ("Nobody trusts Hector Vane's shameful cronies any more.", "shameful cronies", N, "Hector Vane"),
    (
        "Brenner's disastrous plan will bankrupt every family in town.",
        "disastrous plan will bankrupt every family",
        F,
        "Brenner",
    ),
    (
        "The so-called experts at the Halden Institute got it wrong again.",
        "so-called experts",
        N,
        "the Halden Institute",
    ),
    # "like X", "such as X"
    ("Dictators like Viktor Lang never leave power willingly.", "Dictators", N, "Viktor Lang"),
    ("Traitors such as Mira Kell should be ashamed.", "Traitors", N, "Mira Kell"),
    ("Extremists like the Crimson Front want chaos in our streets.", "Extremists", N, "the Crimson Front"),
    # the subject of what the fragment says it did
    ("Mayor Tom Hale lied again about the budget.", "lied again", L, "Tom Hale"),
    ("Stella Grant shamelessly betrayed the voters of Ashford.", "shamelessly betrayed", L, "Stella Grant"),
    (
        "The Northfield council wasted millions on vanity projects.",
        "wasted millions on vanity projects",
        L,
        "Northfield",
    ),
    (
        "Can anyone still believe a word Gerald Moss says?",
        "Can anyone still believe a word",
        D,
        "Gerald Moss",
    ),
    (
        "Ivo Marsh, who has never told the truth in his life, now wants our votes.",
        "has never told the truth in his life",
        D,
        "Ivo Marsh",
    ),
    (
        "Kessland's generals are plotting to invade us, experts warned.",
        "plotting to invade us",
        F,
        "Kessland",
    ),
    # object of "call", "brand", "label"
    ("Protesters called Premier Adam Rusk a murderer.", "a murderer", N, "Adam Rusk"),
    ("The paper branded Lisa Crane a traitor to her country.", "a traitor to her country", N, "Lisa Crane"),
    ("Many now label the Orvell Party a cult.", "a cult", N, "the Orvell Party"),
    # the entity inside the fragment
    ("We will never surrender to the tyrant Anton Veld.", "the tyrant Anton Veld", N, "Anton Veld"),
    ("Velmar's puppet media spread lies every day.", "Velmar's puppet media", N, "Velmar"),
    ("The traitor Ostrow sold us out.", "The traitor Ostrow", N, "Ostrow"),
    ("Marsh the Liar strikes again, wrote one columnist.", "Marsh the Liar", N, "Marsh"),
    # a distracting nearer name: the structure decides
    ("Analyst Peter Ng said Governor Mills is a pathological liar.", "a pathological liar", N, "Mills"),
    ("Lena Dorr, according to Ivo Marsh, is a dangerous fanatic.", "a dangerous fanatic", N, "Lena Dorr"),
    ("Speaking in Ashford, Frank Adler called Omar Reyes a coward.", "a coward", N, "Omar Reyes"),
    (
        "Unlike Ruth Kamara, Stella Grant is a shameless opportunist.",
        "a shameless opportunist",
        N,
        "Stella Grant",
    ),
    ("In a letter to Dana Whitfield, Carl Ostrow described Tom Hale as a fraud.", "a fraud", N, "Tom Hale"),
    # the nearest name is the wrong one
    ("Tom Hale is, in the words of Ruth Kamara, a corrupt crook.", "a corrupt crook", N, "Tom Hale"),
    ("Governor Mills has become, Peter Ng argues, a pathological liar.", "a pathological liar", N, "Mills"),
    ("Ruth Kamara, Ivo Marsh said, is nothing but a puppet.", "nothing but a puppet", N, "Ruth Kamara"),
    (
        "According to Peter Ng, the real extremists are the Crimson Front.",
        "the real extremists",
        N,
        "the Crimson Front",
    ),
    ("Ivo Marsh, whom Lena Dorr calls a fanatic, denied everything.", "a fanatic", N, "Ivo Marsh"),
    (
        "The Halden Institute, which Peter Ng dismissed as a propaganda mill, published the study.",
        "a propaganda mill",
        N,
        "the Halden Institute",
    ),
    (
        "Senator Ortiz praised the chronic human rights violators of Velmar's army.",
        "chronic human rights violators",
        N,
        "Velmar",
    ),
    (
        "Stella Grant, a known drug lord according to Inspector Sam Pike, fled the country.",
        "a known drug lord",
        N,
        "Stella Grant",
    ),
    # whoever says it is not its target
    ("“They are traitors,” said Ivo Marsh.", "traitors", N, None),
    ("Professor Alan Hartley, a respected economist, says the plan is madness.", "madness", L, None),
    ("Ruth Kamara said that Tom Hale is a corrupt crook.", "a corrupt crook", N, "Tom Hale"),
    ("According to Ruth Kamara, the scheme is a disgrace.", "a disgrace", L, None),
    # streets and places are not people
    (
        "Can we trust a council that cannot even fix the potholes on Mill Lane?",
        "Can we trust a council",
        D,
        None,
    ),
    # nobody named
    ("These greedy bureaucrats will ruin everything.", "greedy bureaucrats", N, None),
    ("What a disgrace this whole affair is.", "What a disgrace", L, None),
    ("Only fools would believe such nonsense.", "Only fools", N, None),
]


def _target(sentence: str, fragment: str, technique: str) -> str | None:
    start = sentence.index(fragment)
    span = Span(start, start + len(fragment), technique, 0.5)
    found = targets(sentence, [span], sentences(sentence))
    return found[0].name if found else None


def _normal(name: str | None) -> str | None:
    return name.removeprefix("the ") if name else None


def test_target_accuracy() -> None:
    wrong = []
    for sentence, fragment, technique, expected in CASES:
        got = _target(sentence, fragment, technique)
        if _normal(got) != _normal(expected):
            wrong.append(f"{sentence!r} [{fragment}] -> {got!r}, expected {expected!r}")
    accuracy = 1 - len(wrong) / len(CASES)
    assert len(CASES) >= 40
    assert accuracy >= 0.85, f"accuracy {accuracy:.0%}:\n" + "\n".join(wrong)


KNOWN_MISSES = {
    "Corrupt Governor Mills signed the order at midnight.",  # a titled name the recogniser misses
    "Marsh the Liar strikes again, wrote one columnist.",  # the nickname is taken as the name
    "Governor Mills has become, Peter Ng argues, a pathological liar.",  # no target (not the speaker)
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(strict=True)) if case[0] in KNOWN_MISSES else case
        for case in CASES
    ],
    ids=[case[0][:40] for case in CASES],
)
def test_each_case(case: tuple[str, str, str, str | None]) -> None:
    """One line per case, so a regression names its sentence; a known miss that starts to pass fails too
    (strict), so the list above stays true."""
    sentence, fragment, technique, expected = case
    assert _normal(_target(sentence, fragment, technique)) == _normal(expected)


def test_a_place_the_small_model_calls_a_person_is_a_place() -> None:
    from proplens.nlp import parse

    text = "The corrupt councillors in Bramwell ignore the potholes on Mill Lane and Hale Road."
    _, _, entities = parse(text, sentences(text))[0]
    kinds = {e.text: e.kind for e in entities}
    assert kinds.get("Bramwell") == "GPE"
    assert "Mill Lane" not in kinds and "Hale Road" not in kinds  # streets: facilities, never targets
