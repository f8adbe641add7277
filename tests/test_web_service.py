"""The analysis queue: one job at a time; a job whose caller gave up is skipped or stopped mid-way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from proplens.document import Article
from proplens.errors import Cancelled
from proplens.web.service import AnalysisOptions, AnalysisService
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
LONG = Article("long", "\n\n".join([DEMO] * 60))  # about 100 encoder windows


@pytest.fixture(scope="module")
def service():  # type: ignore[no-untyped-def]
    running = AnalysisService(queue_size=4)
    running.start()
    yield running
    running.stop()


def test_a_running_analysis_stops_soon_after_it_is_dropped(service) -> None:  # type: ignore[no-untyped-def]
    submitted = service.submit(LONG, AnalysisOptions(entities=False))
    deadline = time.monotonic() + 30
    while not submitted.future.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # well inside the encoder loop
    dropped_at = time.monotonic()
    submitted.drop()
    with pytest.raises(Cancelled):
        submitted.future.result(timeout=30)
    assert time.monotonic() - dropped_at < 1.0


def test_a_dropped_job_that_has_not_started_is_skipped(service) -> None:  # type: ignore[no-untyped-def]
    first = service.submit(LONG, AnalysisOptions(entities=False))
    second = service.submit(Article("short", DEMO), AnalysisOptions(entities=False))
    skipped_before = service.cancelled
    second.drop()
    first.drop()
    assert second.future.cancelled() or isinstance(second.future.exception(timeout=30), Cancelled)
    third = service.submit(Article("next", DEMO), AnalysisOptions(entities=False))
    assert third.future.result(timeout=30).spans
    assert service.cancelled >= skipped_before + 2


def test_a_504_drops_the_work_so_the_next_request_is_not_kept_waiting(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from proplens.web import Settings, create_app

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'w.db'}",
        analysis_timeout=1.0,
        max_chars=500_000,
        allowed_hosts=("testserver",),
    )
    longer = "\n\n".join([DEMO] * 150)  # many seconds of work
    with TestClient(create_app(settings)) as client:
        slow = client.post("/api/v1/analyze", json={"text": longer, "entities": False, "store": False})
        assert slow.status_code == 504
        quick = client.post("/api/v1/analyze", json={"text": DEMO, "entities": False, "store": False})
        assert quick.status_code == 200  # within its own 1 s: not queued behind the abandoned analysis
        assert client.app.state.service.cancelled == 1  # type: ignore[attr-defined]
