"""What reviewers signed off, as data: the corrected annotation of each reviewed article, a dataset in the
formats people already use (the PTC layout the official scorers and `proplens train --extra` read, and
analyses JSONL), and how far two reviewers of the same article agree.

An article counts as reviewed by a reviewer once they said ``done`` on it; its annotation is then
`proplens.review.corrected_spans` of their reviews (everything they did not reject). The same text reviewed
through several analyses, or by one reviewer twice, counts once per reviewer: the latest ``done``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from proplens.document import Analysis, Annotation, Article, Span
from proplens.io.jsonl import write_analyses_jsonl
from proplens.io.ptc import write_articles, write_span_labels, write_technique_labels
from proplens.review import Action, corrected_spans, review_state
from proplens.scoring import si
from proplens.store import ReviewedAnalysis

__all__ = ["SPLIT", "Correction", "agreement", "corrections", "latest_per_article", "write_dataset"]

SPLIT = "reviewed"
"""The split name of an exported dataset: ``reviewed-articles/``, ``reviewed-task-flc-tc.labels``, ..."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One article as one reviewer left it when they said ``done``. `article.id` is the store's key of the
    article (a number, as the PTC layout wants); `spans` carry no scores."""

    article: Article
    spans: tuple[Span, ...]
    reviewer: str
    analysis_id: str
    model: str | None
    taxonomy: str
    reviewed_at: datetime


def corrections(reviewed: Iterable[ReviewedAnalysis], *, reviewer: str | None = None) -> list[Correction]:
    """Every (article text, reviewer) that has a ``done``, from the latest such review; of `reviewer`
    alone when given. In the order the articles were first stored."""
    found: dict[tuple[str, str], Correction] = {}
    keys: dict[str, int] = {}  # one export id per text: the first article key it was stored under
    for item in reviewed:
        analysis = item.stored.analysis
        key = keys.setdefault(analysis.article.text, item.article_key)
        done = {r.reviewer: r.created_at for r in item.reviews if r.action is Action.DONE}
        for name, when in done.items():
            if reviewer is not None and name != reviewer:
                continue
            state = review_state(analysis, item.reviews, reviewer=name)
            correction = Correction(
                replace(analysis.article, id=str(key)),
                tuple(corrected_spans(state)),
                name,
                item.stored.id,
                analysis.model,
                analysis.taxonomy,
                when or item.stored.created_at,
            )
            earlier = found.get((analysis.article.text, name))
            if earlier is None or earlier.reviewed_at <= correction.reviewed_at:
                found[(analysis.article.text, name)] = correction
    return sorted(found.values(), key=lambda c: (int(c.article.id), c.reviewer))


def latest_per_article(found: Sequence[Correction]) -> list[Correction]:
    """One correction per article: the latest ``done`` of any reviewer (what a dataset keeps)."""
    latest: dict[str, Correction] = {}
    for correction in found:
        kept = latest.get(correction.article.id)
        if kept is None or kept.reviewed_at <= correction.reviewed_at:
            latest[correction.article.id] = correction
    return [latest[k] for k in sorted(latest, key=int)]


def write_dataset(found: Sequence[Correction], out: str | Path) -> list[Path]:
    """Write the corrections into `out` in the PTC layout (``reviewed-articles/article<ID>.txt``,
    ``reviewed-task-flc-tc.labels``, ``reviewed-task-si.labels``) and as ``reviewed.jsonl`` (analyses JSONL:
    one line per article, its spans the corrected ones, `model` naming the reviewer). One article per id:
    pass `latest_per_article` of several reviewers. Returns the files written."""
    out = Path(out)
    folder = out / f"{SPLIT}-articles"
    folder.mkdir(parents=True, exist_ok=True)
    articles = [c.article for c in found]
    annotations = [Annotation(c.article.id, s) for c in found for s in c.spans]
    write_articles(folder, articles)
    techniques, spans, lines = (
        out / f"{SPLIT}-task-flc-tc.labels",
        out / f"{SPLIT}-task-si.labels",
        out / f"{SPLIT}.jsonl",
    )
    write_technique_labels(techniques, annotations)
    write_span_labels(spans, annotations)
    write_analyses_jsonl(
        lines,
        (Analysis(c.article, c.spans, model=f"reviewed by {c.reviewer}", taxonomy=c.taxonomy) for c in found),
    )
    return [folder, techniques, spans, lines]


def agreement(found: Sequence[Correction]) -> dict[str, float]:
    """How far reviewers agree where two (or more) reviewed the same article: SI span F1 between each pair
    (symmetric), overall and per technique (the spans of that technique only), over every such pair.
    ``articles`` and ``pairs`` say how much it rests on; with no shared article both are 0 and no F1."""
    by_article: dict[str, list[Correction]] = {}
    for correction in found:
        by_article.setdefault(correction.article.id, []).append(correction)
    left: list[Annotation] = []
    right: list[Annotation] = []
    pairs = articles = 0
    for article_id, reviewed in by_article.items():
        if len(reviewed) < 2:
            continue
        articles += 1
        for a, b in itertools.combinations(sorted(reviewed, key=lambda c: c.reviewer), 2):
            pair = f"{article_id}/{pairs}"  # each pair its own "article", so pairs never mix
            pairs += 1
            left.extend(Annotation(pair, s) for s in a.spans)
            right.extend(Annotation(pair, s) for s in b.spans)
    scores: dict[str, float] = {"articles": float(articles), "pairs": float(pairs)}
    if not pairs:
        return scores
    scores["span_f1"] = si.compute(predictions=left, references=right)["f1"]
    for technique in sorted({a.span.technique for a in left + right if a.span.technique}):
        mine = [a for a in left if a.span.technique == technique]
        theirs = [a for a in right if a.span.technique == technique]
        scores[f"f1/{technique}"] = si.compute(predictions=mine, references=theirs)["f1"]
    return scores
