"""SemEval-2023 Task 3 (subtask 3) span files: ``id<TAB>technique<TAB>start<TAB>end`` with 2023 names.

The layout is the PTC technique-label layout; only the taxonomy differs, so these are thin wrappers that
pin the taxonomy and, on request, translate spans between the two taxonomies through the crosswalk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from proplens import techniques
from proplens.document import Annotation, Article, Span
from proplens.io import ptc
from proplens.techniques import Taxonomy

__all__ = ["from_ptc", "read_semeval2023_spans", "to_ptc", "write_semeval2023_spans"]


def read_semeval2023_spans(
    path: str | Path, *, articles: Mapping[str, Article] | None = None
) -> list[Annotation]:
    """A SemEval-2023 span file (or folder of per-article files); names must be 2023 technique ids."""
    return ptc.read_technique_labels(path, articles=articles, taxonomy=Taxonomy.SEMEVAL2023)


def write_semeval2023_spans(path: str | Path, annotations: Iterable[Annotation]) -> None:
    """Write SemEval-2023 span lines; techniques must be 2023 ids (use `from_ptc` to convert)."""
    annotations = list(annotations)
    for annotation in annotations:
        techniques.get(annotation.span.technique or "", Taxonomy.SEMEVAL2023)
    ptc.write_technique_labels(path, annotations)


def from_ptc(annotations: Iterable[Annotation]) -> list[Annotation]:
    """PTC annotations renamed to their primary SemEval-2023 technique (every PTC technique has one)."""
    return [_renamed(a, Taxonomy.PTC, Taxonomy.SEMEVAL2023) for a in annotations]


def to_ptc(annotations: Iterable[Annotation]) -> list[Annotation]:
    """SemEval-2023 annotations renamed to PTC; techniques with no PTC counterpart are dropped."""
    renamed = (_renamed(a, Taxonomy.SEMEVAL2023, Taxonomy.PTC) for a in annotations)
    return [a for a in renamed if a.span.technique is not None]


def _renamed(annotation: Annotation, source: Taxonomy, target: Taxonomy) -> Annotation:
    span = annotation.span
    targets = techniques.translate(span.technique or "", source=source, target=target)
    technique = targets[0] if targets else None
    return Annotation(annotation.article_id, Span(span.start, span.end, technique, span.score))
