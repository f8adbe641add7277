"""proplens: find propaganda and persuasion techniques in news articles.

The public API is what this module exports; everything else is private and may change.
"""

from typing import TYPE_CHECKING, Any

from proplens.document import (
    SCHEMA_VERSION,
    Analysis,
    Annotation,
    Article,
    Sentence,
    Span,
    Target,
    group_by_article,
    merge_ranges,
)
from proplens.errors import (
    Busy,
    FormatError,
    MissingExtra,
    ModelError,
    ProplensError,
    ScoringError,
    SpanError,
    StoreError,
    UnknownTechniqueError,
)
from proplens.techniques import PTC_TECHNIQUE_IDS, Taxonomy, Technique

if TYPE_CHECKING:
    from proplens.api import analyze, analyze_many, load_model

__version__ = "0.1.0"

__all__ = [
    "PTC_TECHNIQUE_IDS",
    "SCHEMA_VERSION",
    "Analysis",
    "Annotation",
    "Article",
    "Busy",
    "FormatError",
    "MissingExtra",
    "ModelError",
    "ProplensError",
    "ScoringError",
    "Sentence",
    "Span",
    "SpanError",
    "StoreError",
    "Target",
    "Taxonomy",
    "Technique",
    "UnknownTechniqueError",
    "__version__",
    "analyze",
    "analyze_many",
    "group_by_article",
    "load_model",
    "merge_ranges",
]


def __getattr__(name: str) -> Any:
    """`analyze`, `analyze_many` and `load_model` load the model stack (onnxruntime, tokenizers, spaCy):
    they are imported on first use, so ``import proplens.techniques`` or ``proplens.document`` stays light."""
    if name in ("analyze", "analyze_many", "load_model"):
        from proplens import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'proplens' has no attribute {name!r}")
