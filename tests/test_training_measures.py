"""Dev figures beside the official scores."""

from __future__ import annotations

import pytest

from proplens.document import Article
from proplens.models.detector import Detector


def test_paragraph_agreement_is_one_for_a_model_blind_to_context(detector: Detector) -> None:
    from proplens.training.measures import paragraph_agreement, paragraphs

    text = "The corrupt mayor lied.\n\nRadical thugs destroy our nation.\nNothing here at all."
    assert paragraphs(text) == [(0, 23), (25, 58), (59, 79)]
    result = paragraph_agreement(detector, [Article("p", text)])
    assert result["spans_alone"] == result["spans_inside"] == 2
    assert result["paragraph_f1"] == pytest.approx(1.0)
