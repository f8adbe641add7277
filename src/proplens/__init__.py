"""proplens: find propaganda and persuasion techniques in news articles.

The public API is what this module exports; everything else is private and may change.
"""

from proplens.document import (
    SCHEMA_VERSION,
    Analysis,
    Annotation,
    Article,
    Span,
    group_by_article,
    merge_ranges,
)
from proplens.errors import (
    FormatError,
    ProplensError,
    ScoringError,
    SpanError,
    UnknownTechniqueError,
)
from proplens.techniques import PTC_TECHNIQUE_IDS, Scheme, Technique

__version__ = "0.1.0"

__all__ = [
    "PTC_TECHNIQUE_IDS",
    "SCHEMA_VERSION",
    "Analysis",
    "Annotation",
    "Article",
    "FormatError",
    "ProplensError",
    "Scheme",
    "ScoringError",
    "Span",
    "SpanError",
    "Technique",
    "UnknownTechniqueError",
    "__version__",
    "group_by_article",
    "merge_ranges",
]
