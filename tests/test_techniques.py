import re

import pytest

from proplens import techniques
from proplens.errors import UnknownTechniqueError
from proplens.techniques import PTC_TECHNIQUE_IDS, SEMEVAL2023_CATEGORIES, Taxonomy


def test_ptc_has_the_14_corpus_techniques_spelled_as_in_the_corpus() -> None:
    assert len(PTC_TECHNIQUE_IDS) == 14
    assert "Name_Calling,Labeling" in PTC_TECHNIQUE_IDS
    assert "Whataboutism,Straw_Men,Red_Herring" in PTC_TECHNIQUE_IDS


def test_ptc_ids_match_the_corpus_techniques_file(ptc_dir) -> None:  # type: ignore[no-untyped-def]
    listed = (ptc_dir / "techniques.txt").read_text(encoding="utf-8").split()
    assert sorted(listed) == sorted(PTC_TECHNIQUE_IDS)


def test_every_ptc_technique_is_documented_with_a_distinct_colour() -> None:
    ptc = techniques.techniques(Taxonomy.PTC)
    for technique in ptc:
        assert len(technique.definition) > 80, technique.id
        assert technique.example, technique.id
        assert re.fullmatch(r"#[0-9a-f]{6}", technique.colour), technique.id
        assert technique.abbreviation, technique.id
    assert len({t.colour for t in ptc}) == 14
    assert len({t.abbreviation for t in ptc}) == 14


def test_semeval2023_has_23_techniques_in_6_categories() -> None:
    s23 = techniques.techniques(Taxonomy.SEMEVAL2023)
    assert len(s23) == 23
    assert {t.category for t in s23} == set(SEMEVAL2023_CATEGORIES)
    assert len(SEMEVAL2023_CATEGORIES) == 6
    counts = {c: sum(t.category == c for t in s23) for c in SEMEVAL2023_CATEGORIES}
    assert counts == {
        "Attack on reputation": 5,
        "Justification": 5,
        "Simplification": 3,
        "Distraction": 3,
        "Call": 3,
        "Manipulative wording": 4,
    }
    assert all(t.definition for t in s23)


def test_semeval2021_names_match_the_task_file(semeval2021_dir) -> None:  # type: ignore[no-untyped-def]
    listed = (semeval2021_dir / "techniques_list_task1-2.txt").read_text(encoding="utf-8")
    names = [line.strip() for line in listed.splitlines() if line.strip()]
    assert sorted(names) == sorted(t.id for t in techniques.techniques(Taxonomy.SEMEVAL2021))


@pytest.mark.parametrize(
    ("ptc_id", "s23_ids"),
    [
        ("Black-and-White_Fallacy", ("False_Dilemma-No_Choice",)),
        ("Thought-terminating_Cliches", ("Conversation_Killer",)),
        ("Whataboutism,Straw_Men,Red_Herring", ("Whataboutism", "Straw_Man", "Red_Herring")),
        ("Name_Calling,Labeling", ("Name_Calling-Labeling",)),
    ],
)
def test_crosswalk_ptc_to_semeval2023(ptc_id: str, s23_ids: tuple[str, ...]) -> None:
    assert techniques.translate(ptc_id, source="ptc", target="semeval2023") == s23_ids


@pytest.mark.parametrize("s23_id", ["Straw_Man", "Red_Herring", "Whataboutism", "Appeal_to_Hypocrisy"])
def test_distraction_techniques_map_back_to_the_merged_ptc_class(s23_id: str) -> None:
    assert techniques.translate(s23_id, source="semeval2023", target="ptc") == (
        "Whataboutism,Straw_Men,Red_Herring",
    )


def test_crosswalk_is_total_and_consistent_both_ways() -> None:
    for ptc_id in PTC_TECHNIQUE_IDS:
        targets = techniques.translate(ptc_id, source=Taxonomy.PTC, target=Taxonomy.SEMEVAL2023)
        assert targets, f"{ptc_id} has no SemEval-2023 counterpart"
        for target in targets:
            techniques.get(target, Taxonomy.SEMEVAL2023)
            assert ptc_id in techniques.translate(target, source="semeval2023", target="ptc")
    for technique in techniques.techniques(Taxonomy.SEMEVAL2023):
        for ptc_id in techniques.translate(technique.id, source="semeval2023", target="ptc"):
            assert techniques.is_known(ptc_id)
    assert techniques.translate("Appeal_to_Values", source="semeval2023", target="ptc") == ()


def test_semeval2021_names_map_onto_ptc_and_semeval2023() -> None:
    assert techniques.translate(
        "Black-and-white Fallacy/Dictatorship", source="semeval2021", target="ptc"
    ) == ("Black-and-White_Fallacy",)
    assert techniques.translate("Smears", source="semeval2021", target="ptc") == ()
    assert techniques.translate("Smears", source="semeval2021", target="semeval2023") == (
        "Questioning_the_Reputation",
    )
    for technique in techniques.techniques(Taxonomy.SEMEVAL2021):
        assert techniques.translate(technique.id, source="semeval2021", target="semeval2023")
    assert "Bandwagon" in techniques.translate(
        "Bandwagon,Reductio_ad_hitlerum", source="ptc", target="semeval2021"
    )


def test_unknown_techniques_raise_a_named_error() -> None:
    with pytest.raises(UnknownTechniqueError, match="unknown ptc technique 'Loaded language'"):
        techniques.get("Loaded language")
    with pytest.raises(UnknownTechniqueError):
        techniques.translate("Nonsense", source="ptc", target="semeval2023")
    assert techniques.translate("Doubt", source="ptc", target="ptc") == ("Doubt",)
