"""Official SemEval-2020 Task 11 scorers: ``compute(*, predictions, references) -> dict[str, float]``.

Computing is kept apart from formatting (`proplens.scoring.formatting`). Predictions and references are
iterables of `Annotation` (article id + span), i.e. the lines of the corpus label files.
"""

from proplens.scoring import si, slc, tc

__all__ = ["si", "slc", "tc"]
