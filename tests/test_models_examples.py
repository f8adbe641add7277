"""The shipped default model on the two real example articles in ../shared/examples, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from proplens import analyze
from tests.conftest import SHARED

BLINKEN = SHARED / "examples" / "blinken-latin-america-tour.txt"


@pytest.fixture(scope="module")
def blinken() -> str:
    if not BLINKEN.is_file():
        pytest.skip("../shared/examples is not available")
    return Path(BLINKEN).read_text(encoding="utf-8")


def test_a_lower_minimum_score_reveals_strictly_more_fragments(blinken: str) -> None:
    default = analyze(blinken, entities=False)
    counts = [len({(s.start, s.end) for s in default.spans})]
    for minimum in (0.25, 0.2, 0.1):  # the default minimum is the model's (0.34 for version 6)
        analysis = analyze(blinken, min_score=minimum, entities=False)
        assert all(s.score is not None and s.score >= minimum for s in analysis.spans)
        counts.append(len({(s.start, s.end) for s in analysis.spans}))
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
    assert len(set(counts)) == len(counts), f"each lower minimum should add fragments: {counts}"


def test_every_fragment_at_the_default_minimum_reaches_the_models_minimum(blinken: str) -> None:
    from proplens.api import load_model

    minimum = load_model().info.min_score
    assert minimum is not None
    analysis = analyze(blinken, entities=False)
    assert all(s.score is not None and s.score >= minimum for s in analysis.spans)
