import proplens


def test_public_api_is_curated_and_importable() -> None:
    assert sorted(proplens.__all__) == sorted(set(proplens.__all__))
    for name in proplens.__all__:
        assert hasattr(proplens, name), name
    assert {"Article", "Span", "Analysis", "Annotation", "ProplensError"} <= set(proplens.__all__)


def test_every_error_is_a_proplens_error() -> None:
    for name in ("FormatError", "SpanError", "ScoringError", "UnknownTechniqueError"):
        assert issubclass(getattr(proplens, name), proplens.ProplensError)
