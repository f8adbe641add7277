from proplens.models.features import FEATURE_NAMES, span_features


def feature(text: str, fragment: str, name: str, occurrence: int = 0) -> float:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    values = span_features(text, start, start + len(fragment))
    assert len(values) == len(FEATURE_NAMES)
    return values[FEATURE_NAMES.index(name)]


TEXT = 'Title here\nThey said "never again". NEVER AGAIN! Never again, we say. Is it true?'


def test_repetition_is_counted_case_insensitively() -> None:
    assert feature(TEXT, "never again", "repeated") == 1.0
    assert feature(TEXT, "never again", "log_repeats") > feature(TEXT, "we say", "log_repeats") == 0.0


def test_shouting_quotes_and_exclamations() -> None:
    assert feature(TEXT, "NEVER AGAIN", "upper_ratio") == 1.0
    assert feature(TEXT, "NEVER AGAIN", "has_all_caps_word") == 1.0
    assert feature(TEXT, "NEVER AGAIN", "followed_by_exclamation") == 1.0
    assert feature(TEXT, "never again", "inside_quotes") == 1.0
    assert feature(TEXT, "we say", "inside_quotes") == 0.0
    assert feature(TEXT, "Is it true", "has_question") == 1.0


def test_position_title_and_sentence_edges() -> None:
    assert feature(TEXT, "Title here", "in_title") == 1.0
    assert feature(TEXT, "They said", "in_title") == 0.0
    assert feature(TEXT, "They said", "starts_sentence") == 1.0
    assert feature(TEXT, "we say", "ends_sentence") == 1.0
    assert 0.5 < feature(TEXT, "Is it true", "relative_position") < 1.0
