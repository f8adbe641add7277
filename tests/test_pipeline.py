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
