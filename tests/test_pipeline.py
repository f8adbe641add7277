"""analyze_sources keeps input order across batches and passes problems through."""

from __future__ import annotations

from proplens.document import Article
from proplens.pipeline import Result, analyze_sources
from proplens.sources import Loaded, Problem

TEXT = "Vote them out! The corrupt mayor lied again and again."


def test_order_is_kept_and_problems_pass_through_between_batches() -> None:
    items: list[Loaded | Problem] = [
        Loaded(Article("a", TEXT), "a.txt"),
        Problem("bad.txt", "binary"),
        Loaded(Article("b", TEXT), "b.txt", "not UTF-8"),
        Loaded(Article("c", TEXT), "c.txt"),
        Problem("gone.txt", "missing"),
    ]
    out = list(analyze_sources(items, batch_size=2, entities=False))
    assert [o.analysis.article.id if isinstance(o, Result) else o.origin for o in out] == [
        "a",
        "bad.txt",
        "b",
        "c",
        "gone.txt",
    ]
    assert isinstance(out[2], Result) and out[2].warning == "not UTF-8" and out[2].origin == "b.txt"


def test_only_problems_never_load_a_model() -> None:
    out = list(analyze_sources([Problem("x", "binary")], model="/no/such/model"))
    assert out == [Problem("x", "binary")]


def test_a_flood_of_problems_is_passed_along_in_order_with_bounded_memory(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One article, then 5,000 unreadable inputs: they come out in order, the article's analysis first, and
    the loop never holds more than PENDING_LIMIT inputs (it used to hold them all and re-count them at
    every step: quadratic)."""
    from proplens import pipeline
    from proplens.document import Analysis

    steps: list[int] = []

    def analyze_many(articles, **_):  # type: ignore[no-untyped-def]
        steps.append(len(articles))
        return [Analysis(a, ()) for a in articles]

    monkeypatch.setattr(pipeline, "analyze_many", analyze_many)
    problems = [Problem(f"bad{n}.txt", "binary") for n in range(5000)]
    items: list[Loaded | Problem] = [
        Loaded(Article("a", TEXT), "a.txt"),
        *problems,
        Loaded(Article("b", TEXT), "b"),
    ]
    out = list(analyze_sources(items, batch_size=16))
    assert [o.analysis.article.id if isinstance(o, Result) else o.origin for o in out] == [
        "a",
        *(p.origin for p in problems),
        "b",
    ]
    assert steps == [1, 1]  # the first step closed early, when PENDING_LIMIT inputs were waiting


# -- hostile text through every step: read, split, tokenise, detect, cue words, targets, render -----------

import time  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE_PIECES = [
    "!",
    "?!",
    "'",
    '"',
    "“",
    "(",
    "...",
    "—",
    "-",
    " ",
    "\n",
    "\n\n",
    "a",
    "Zz",
    "THEY ",
    "Ж",
    "😀",
    "1.",
    "$",
    "é",
    "\u200b",
    "the corrupt mayor ",
    "Maduro ",
    "<b>",
    "&amp;",
    "\t",
]
hostile_texts = st.lists(
    st.tuples(st.sampled_from(HOSTILE_PIECES), st.integers(1, 150)), min_size=3, max_size=8
).map(lambda parts: "Headline\n\n" + "".join(piece * count for piece, count in parts))


def _all_steps(text: str) -> float:
    """Seconds for the whole flow on `text` (entities on), checking what comes out on the way."""
    from rich.console import Console

    from proplens import analyze
    from proplens.render.html import render_html
    from proplens.render.terminal import render_analysis

    started = time.perf_counter()
    analysis = analyze(text)
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= len(analysis.article.text)
        assert span.score is not None and 0.0 <= span.score <= 1.0
    assert render_html([analysis]).startswith("<!DOCTYPE html>")
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(render_analysis(analysis))
    return time.perf_counter() - started


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_texts)
def test_hostile_text_goes_through_every_step_in_linear_time(text: str) -> None:
    """8 times the text may take about 8 times as long, never the square: quadratic steps (spaCy's
    tokenizer on a run of '!' took 42 s for 20,000 of them) are caught by the bound."""
    _all_steps("Warm up: the mayor spoke.")
    small = _all_steps(text)
    large = _all_steps("\n".join([text] * 8))
    assert large < 24 * small + 3.0, (small, large)
