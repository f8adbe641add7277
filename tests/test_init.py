import proplens


def test_public_api_is_curated_and_importable() -> None:
    assert sorted(proplens.__all__) == sorted(set(proplens.__all__))
    for name in proplens.__all__:
        assert hasattr(proplens, name), name
    assert {"Article", "Span", "Analysis", "Annotation", "ProplensError"} <= set(proplens.__all__)
    assert {"analyze", "analyze_many", "load_model", "Target", "Sentence"} <= set(proplens.__all__)
    assert not {"api", "runner", "sources", "nlp"} & set(proplens.__all__)  # modules stay private


def test_every_error_is_a_proplens_error() -> None:
    for name in ("FormatError", "ModelError", "SpanError", "ScoringError", "UnknownTechniqueError"):
        assert issubclass(getattr(proplens, name), proplens.ProplensError)
