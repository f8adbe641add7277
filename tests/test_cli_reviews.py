"""`proplens reviews export` and `proplens reviews agreement` on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

from proplens.document import Analysis, Article, Span
from proplens.review import Action, Review
from proplens.store import Store
from tests.conftest import invoke

TEXT = "The corrupt mayor lied again. Only traitors vote no."


def _reviewed_store(path: Path) -> str:
    url = f"sqlite:///{path}"
    store = Store(url)
    analysis_id = store.save(Analysis(Article("a", TEXT), (Span(4, 11, "Loaded_Language", 0.8),)))
    for name in ("ana", "bo"):
        store.add_review(
            analysis_id, Review(Action.ADD, name, start=35, end=43, technique="Name_Calling,Labeling")
        )
        store.add_review(analysis_id, Review(Action.DONE, name))
    store.engine.dispose()
    return url


def test_export_writes_a_dataset_that_evaluate_reads(tmp_path: Path) -> None:
    url = _reviewed_store(tmp_path / "r.db")
    code, out, err = invoke("reviews", "export", "--db", url, "--out", tmp_path / "set")
    assert code == 0, err
    assert "wrote 1 reviewed articles (2 fragments)" in out
    code, out, err = invoke(
        "evaluate",
        "--task",
        "si",
        "--model",
        "default",
        "--articles",
        tmp_path / "set" / "reviewed-articles",
        "--gold",
        tmp_path / "set" / "reviewed-task-si.labels",
    )
    assert code == 0, err
    assert "f1" in out.lower()


def test_agreement_and_empty_databases(tmp_path: Path) -> None:
    url = _reviewed_store(tmp_path / "r.db")
    code, out, _ = invoke("reviews", "agreement", "--db", url)
    assert code == 0 and "1 articles, 1 pairs of reviewers: span F1 1.000" in out
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    code, _, err = invoke("reviews", "export", "--db", empty, "--out", tmp_path / "none")
    assert code == 1 and "no article has been marked reviewed" in err and "Traceback" not in err
    code, out, _ = invoke("reviews", "agreement", "--db", empty)
    assert code == 0 and "no article has been reviewed (done) by two reviewers" in out
    code, _, err = invoke("reviews", "export", "--db", "nonsense://", "--out", tmp_path / "x")
    assert code == 1 and "Traceback" not in err
