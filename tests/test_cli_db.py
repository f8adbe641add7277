"""`proplens db status` and `proplens db upgrade`; commands opening an old database say what to do."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from proplens.store.migrate import HEAD, upgrade
from tests.conftest import invoke


def test_status_and_upgrade_of_an_old_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0001")
    engine.dispose()
    code, out, _ = invoke("db", "status", "--db", url)
    assert code == 0 and "revision 0001" in out and "proplens db upgrade" in out
    code, _, err = invoke("run", "--db", url)
    assert code == 1 and "run `proplens db upgrade" in err and "Traceback" not in err
    code, out, _ = invoke("db", "upgrade", "--db", url)
    assert code == 0 and f"upgraded from revision 0001 to {HEAD}" in out
    code, out, _ = invoke("db", "upgrade", "--db", url)
    assert code == 0 and f"already at revision {HEAD}" in out
    code, out, _ = invoke("db", "status", "--db", url)
    assert "up to date" in out


def test_status_of_a_new_database_and_a_bad_url(tmp_path: Path) -> None:
    code, out, _ = invoke("db", "status", "--db", f"sqlite:///{tmp_path / 'new.db'}")
    assert code == 0 and "empty" in out
    code, _, err = invoke("db", "status", "--db", "nonsense")
    assert code == 1 and "not a database URL" in err
