"""From per-token propaganda probabilities to well-formed character spans.

A run of consecutive tokens at or above the threshold becomes one span from the first token's start to the
last token's end; runs separated by at most `max_gap` characters of whitespace or punctuation are joined
(the SI score divides precision by the number of predicted spans, so fragments are costly); optionally a
run must reach a higher `peak` somewhere (hysteresis); spans are then snapped outwards to whole words, so a
span never starts or ends inside a word.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["decode_spans", "snap_to_words"]


def decode_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    *,
    threshold: float,
    max_gap: int = 0,
    peak: float | None = None,
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` spans, where score is the mean probability of the span's tokens.

    With `peak` (hysteresis), a run of tokens at or above `threshold` is kept only if at least one of its
    tokens reaches `peak`: a low threshold gives whole fragments, the peak keeps weak runs out.
    """
    if len(offsets) != len(probabilities):
        raise ValueError(f"{len(offsets)} token offsets but {len(probabilities)} probabilities")
    runs: list[list[int]] = []
    for index, probability in enumerate(probabilities):
        if probability < threshold:
            continue
        previous = runs[-1][-1] if runs else None
        if previous is not None and _joinable(
            text, offsets[previous][1], offsets[index][0], index == previous + 1, max_gap
        ):
            runs[-1].append(index)
        else:
            runs.append([index])
    if peak is not None:
        runs = [run for run in runs if max(probabilities[i] for i in run) >= peak]
    spans: list[tuple[int, int, float]] = []
    for run in runs:
        start, end = snap_to_words(text, offsets[run[0]][0], offsets[run[-1]][1])
        score = sum(probabilities[i] for i in run) / len(run)
        if spans and start < spans[-1][1]:  # snapping made two runs meet: keep one span
            before = spans.pop()
            start, end, score = before[0], max(end, before[1]), max(score, before[2])
        spans.append((start, end, float(score)))
    return spans


def _joinable(text: str, left_end: int, right_start: int, adjacent: bool, max_gap: int) -> bool:
    """Adjacent tokens always join; otherwise only across a short gap with no letters or digits."""
    if adjacent:
        return True
    gap = text[left_end:right_start]
    return len(gap) <= max_gap and not any(c.isalnum() for c in gap)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so it neither starts nor ends inside a word; trims surrounding whitespace."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
