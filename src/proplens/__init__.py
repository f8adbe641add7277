"""proplens: find propaganda and persuasion techniques in news articles.

The public API is what this module exports; everything else is private and may change.
"""

from proplens.api import analyze, analyze_many, load_model
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
    ModelError,
    ProplensError,
    ScoringError,
    SpanError,
    StoreError,
    UnknownTechniqueError,
)
from proplens.techniques import PTC_TECHNIQUE_IDS, Taxonomy, Technique
from proplens.techniques import Scheme as Scheme  # deprecated alias of Taxonomy, not in __all__

__version__ = "0.1.0"

__all__ = [
    "PTC_TECHNIQUE_IDS",
    "SCHEMA_VERSION",
    "Analysis",
    "Annotation",
    "Article",
    "Busy",
    "FormatError",
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
