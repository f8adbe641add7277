"""`proplens ingest`, `run` and `report` end to end on a SQLite file: counts, rejects, tables, files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, invoke, write
from tests.fixtures_web import RSS

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def _folder(root: Path) -> Path:
    folder = root / "in"
    write(folder / "a.txt", DEMO)
    write(folder / "b.txt", DEMO.lower())  # a duplicate up to case
    write(folder / "news.rss", RSS)
    write(
        folder / "rows.csv",
        'guid,body,outlet,date\nc1,"'
        + DEMO.replace("Bramwell", "Corfe").replace('"', "'")
        + '",Herald,2026-02-01\n',
    )
    write(folder / "broken.jsonl", '{"id": "j1", "text": "Vote them out!", "source": "Gazette"}\n{oops\n')
    return folder


def test_ingest_run_report_end_to_end(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    folder = _folder(tmp_path)
    code, out, err = invoke(
        "ingest",
        folder,
        "--db",
        db,
        "--column",
        "id=guid",
        "--column",
        "text=body",
        "--column",
        "source=outlet",
        "--column",
        "published=date",
    )
    assert code == 1  # something was rejected
    assert "new" in out and "duplicate (skipped)" in out
    assert "broken.jsonl:2" in err and "news.rss#2" in err
    assert err.count("rejected") >= 2
    code, out, err = invoke("run", "--db", db, "--no-entities")
    assert code == 0, err
    assert "analysed 4 articles" in out and "0 still to do" in out
    code, out, err = invoke("report", "--db", db, "--csv", tmp_path / "csv", "--plots", tmp_path / "plots")
    assert code == 0, err
    assert "Corpus: 4 articles" in out and "Per outlet" in out and "Herald" in out
    assert (tmp_path / "csv" / "technique_rates.csv").is_file()
    assert (tmp_path / "plots" / "technique_profile.svg").read_bytes().startswith(b"<?xml")
    code, _, err = invoke("report", "--db", db, "--model-id", "no-such-model")
    assert code == 1 and "none by model no-such-model" in err and "Traceback" not in err
    code, _, err = invoke("report", "--db", db, "--model", "x")
    assert code == 2 and "No such option" in err


def test_report_on_an_empty_database_says_what_to_do(tmp_path: Path) -> None:
    code, _, err = invoke("report", "--db", f"sqlite:///{tmp_path / 'e.db'}")
    assert code == 1 and "run `proplens ingest` and `proplens run`" in err


def test_ingest_of_nothing_readable_fails_with_reasons(tmp_path: Path) -> None:
    write(tmp_path / "x.jsonl", "{oops\n")
    code, _, err = invoke(
        "ingest", tmp_path / "x.jsonl", tmp_path / "missing", "--db", f"sqlite:///{tmp_path / 'c.db'}"
    )
    assert code == 1 and "x.jsonl:1" in err and "no such file" in err
    assert json.dumps("Traceback") not in err
