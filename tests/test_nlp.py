"""spaCy wrappers: sentences never cross a line break; entities come with article offsets."""

from __future__ import annotations

from proplens import nlp

TEXT = "Headline without a stop\nDr. Ann Lee spoke in Paris. She left.\n\n  Then Acme Corp. replied!"


def test_sentences_split_lines_and_punctuation_and_trim_spaces() -> None:
    found = [TEXT[s:e] for s, e in nlp.sentences(TEXT)]
    assert found == [
        "Headline without a stop",
        "Dr. Ann Lee spoke in Paris.",
        "She left.",
        "Then Acme Corp. replied!",
    ]
    assert nlp.sentences("") == [] and nlp.sentences("\n\n") == []


def test_entities_only_inside_the_ranges_asked_for_with_article_offsets() -> None:
    line = TEXT.index("Dr.")
    found = nlp.entities(TEXT, [(line, line + len("Dr. Ann Lee spoke in Paris."))])
    assert {(TEXT[e.start : e.end], e.kind) for e in found} >= {("Ann Lee", "PERSON"), ("Paris", "GPE")}
    assert all(e.text == TEXT[e.start : e.end] for e in found)
    assert not any("Acme" in e.text for e in found)
    assert nlp.entities(TEXT, []) == []
