"""People correcting an analysis: the review actions, their checks, and what the corrections add up to.

A review never changes the model's analysis: it is a list of actions on it, applied in order, the latest
decision on a fragment winning — like Prodigy's ``ner.correct``, the model proposes and a person accepts,
rejects, relabels, resizes or adds. `review_state` folds the actions into what a reader sees ("reviewed
7 of 9") and `corrected_spans` into the annotation a reviewer signed off with ``done``: the fragments
they accepted, relabelled, resized or added, and those they left undecided (shown and not rejected).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from proplens import techniques
from proplens.document import Analysis, Span
from proplens.errors import ProplensError

__all__ = [
    "MAX_REVIEWER",
    "Action",
    "Review",
    "ReviewError",
    "ReviewState",
    "ReviewedSpan",
    "check",
    "corrected_spans",
    "review_state",
    "reviewers",
]

MAX_REVIEWER = 64
"""Longest reviewer name, in characters."""


class ReviewError(ProplensError, ValueError):
    """A review action that does not fit its analysis (a fragment or offsets it does not have, an unknown
    technique, a missing reviewer name)."""


class Action(StrEnum):
    ACCEPT = "accept"
    """The fragment is right."""
    REJECT = "reject"
    """The fragment is not propaganda (or, with `added`, an added fragment is withdrawn)."""
    RELABEL = "relabel"
    """The fragment is right, its technique is `technique`."""
    RESIZE = "resize"
    """The fragment is right, its boundaries are ``[start, end)``."""
    ADD = "add"
    """A fragment the model missed: ``[start, end)`` with `technique`."""
    DONE = "done"
    """The reviewer has looked at the whole article."""


_ON_A_FRAGMENT = (Action.ACCEPT, Action.REJECT, Action.RELABEL, Action.RESIZE)


@dataclass(frozen=True, slots=True)
class Review:
    """One action of one reviewer on an analysis. `span` is the index of the model's fragment in the
    analysis's spans; `added` the id of an earlier ``add`` (to withdraw or change an added fragment)."""

    action: Action
    reviewer: str
    span: int | None = None
    start: int | None = None
    end: int | None = None
    technique: str | None = None
    added: int | None = None
    id: int | None = None
    created_at: datetime | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The JSON of the REST API (``GET /api/v1/analyses/{id}/reviews``)."""
        return {
            "id": self.id,
            "action": str(self.action),
            "reviewer": self.reviewer,
            "span": self.span,
            "start": self.start,
            "end": self.end,
            "technique": self.technique,
            "added": self.added,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


def check(review: Review, analysis: Analysis, earlier: Sequence[Review] = ()) -> Review:
    """`review` if it fits `analysis` (and the `earlier` reviews it refers to), with its reviewer name
    trimmed; else `ReviewError` saying what is wrong in one sentence."""
    reviewer = " ".join(review.reviewer.split())
    if not reviewer:
        raise ReviewError("say who is reviewing: a non-empty reviewer name")
    if len(reviewer) > MAX_REVIEWER or any(unicodedata.category(c).startswith("C") for c in reviewer):
        raise ReviewError(f"a reviewer name is at most {MAX_REVIEWER} printable characters")
    action = review.action
    fragment = action in _ON_A_FRAGMENT and review.added is None
    if fragment and review.span is None:
        raise ReviewError(f"{action} needs the fragment: span (its index in the analysis's spans) or added")
    if review.span is not None:
        if not fragment:
            raise ReviewError(f"{action} takes no span")
        if not 0 <= review.span < len(analysis.spans):
            raise ReviewError(f"no fragment {review.span}: the analysis has {len(analysis.spans)}")
    if review.added is not None:
        if action not in _ON_A_FRAGMENT or review.span is not None:
            raise ReviewError(f"{action} cannot refer to an added fragment")
        adds = {r.id for r in earlier if r.action is Action.ADD}
        if review.added not in adds:
            raise ReviewError(f"no added fragment {review.added} on this analysis")
    needs_offsets = action in (Action.RESIZE, Action.ADD)
    if needs_offsets:
        if review.start is None or review.end is None:
            raise ReviewError(f"{action} needs start and end (character offsets in the article text)")
        size = len(analysis.article.text)
        if not 0 <= review.start < review.end <= size:
            raise ReviewError(
                f"offsets [{review.start}, {review.end}) are not a range inside the text (0 to {size})"
            )
        if not analysis.article.text[review.start : review.end].strip():
            raise ReviewError("the range holds only whitespace: select some words")
    elif review.start is not None or review.end is not None:
        raise ReviewError(f"{action} takes no start or end")
    if action in (Action.RELABEL, Action.ADD):
        if not review.technique:
            raise ReviewError(f"{action} needs a technique")
        if not techniques.is_known(review.technique, analysis.taxonomy):
            raise ReviewError(f"unknown {analysis.taxonomy} technique {review.technique!r}")
    elif review.technique is not None:
        raise ReviewError(f"{action} takes no technique")
    return Review(
        action,
        reviewer,
        review.span,
        review.start,
        review.end,
        review.technique,
        review.added,
        review.id,
        review.created_at,
    )


@dataclass(frozen=True, slots=True)
class ReviewedSpan:
    """A fragment as the reviews leave it. `status`: ``open`` (undecided), ``accepted`` (also after a
    relabel or resize), ``rejected`` or ``added``. `span` is the model's fragment index (None when added),
    `added` the id of the ``add`` that made it."""

    start: int
    end: int
    technique: str
    status: str
    span: int | None = None
    added: int | None = None
    changed: bool = False
    """Relabelled or resized: not what the model said."""


@dataclass(frozen=True, slots=True)
class ReviewState:
    """What the reviews add up to: every fragment (the model's, in order, then the added ones), how many of
    the model's fragments have a decision, and who said ``done``."""

    spans: tuple[ReviewedSpan, ...]
    decided: int
    total: int
    done_by: tuple[str, ...]

    @property
    def done(self) -> bool:
        return bool(self.done_by)

    @property
    def summary(self) -> str:
        """ "reviewed 7 of 9" (and "· done" when someone marked the article reviewed)."""
        return f"reviewed {self.decided} of {self.total}" + (" · done" if self.done else "")


def reviewers(reviews: Iterable[Review]) -> list[str]:
    """The reviewers' names, in the order they first acted."""
    return list(dict.fromkeys(r.reviewer for r in reviews))


def review_state(
    analysis: Analysis, reviews: Iterable[Review], *, reviewer: str | None = None
) -> ReviewState:
    """The reviews (of `reviewer` alone, or everyone's) applied in order over the analysis's fragments."""
    model: list[ReviewedSpan] = [
        ReviewedSpan(s.start, s.end, s.technique or "", "open", span=i) for i, s in enumerate(analysis.spans)
    ]
    added: dict[int, ReviewedSpan] = {}
    done_by: list[str] = []
    for review in reviews:
        if reviewer is not None and review.reviewer != reviewer:
            continue
        if review.action is Action.DONE:
            done_by.append(review.reviewer)
            continue
        if review.action is Action.ADD and review.id is not None:
            assert review.start is not None and review.end is not None and review.technique
            added[review.id] = ReviewedSpan(
                review.start, review.end, review.technique, "added", added=review.id
            )
            continue
        if review.added is not None:
            before = added.get(review.added)
            if before is not None:
                after = _applied(before, review)
                added[review.added] = after if after.status != "accepted" else replace(after, status="added")
            continue
        if review.span is not None and 0 <= review.span < len(model):
            model[review.span] = _applied(model[review.span], review)
    decided = sum(s.status != "open" for s in model)
    return ReviewState(
        tuple(model) + tuple(added.values()), decided, len(model), tuple(dict.fromkeys(done_by))
    )


def _applied(span: ReviewedSpan, review: Review) -> ReviewedSpan:
    if review.action is Action.REJECT:
        return replace(span, status="rejected")
    if review.action is Action.RELABEL and review.technique:
        return replace(span, status="accepted", technique=review.technique, changed=True)
    if review.action is Action.RESIZE and review.start is not None and review.end is not None:
        return replace(span, status="accepted", start=review.start, end=review.end, changed=True)
    return replace(span, status="accepted")


def corrected_spans(state: ReviewState) -> list[Span]:
    """The annotation the reviews make: every fragment not rejected (accepted, changed, added, or left
    undecided — shown to the reviewer and not rejected), as spans with no score, in text order."""
    kept = {(s.start, s.end, s.technique) for s in state.spans if s.status != "rejected"}
    return [Span(start, end, technique) for start, end, technique in sorted(kept)]
