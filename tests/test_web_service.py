"""The analysis service: jobs run in worker processes; a job whose caller gave up is skipped, stopped
mid-way or its worker killed; a dead worker is replaced; stopping is quick whatever the workers do."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from proplens.document import Article
from proplens.errors import Cancelled
from proplens.web.service import GRACE, AnalysisOptions, AnalysisService, WorkerFailed
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
LONG = Article("long", "\n\n".join([DEMO] * 60))  # about 100 encoder windows


@pytest.fixture(scope="module")
def service():  # type: ignore[no-untyped-def]
    running = AnalysisService(queue_size=4, workers=1)
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
    assert time.monotonic() - dropped_at < GRACE + 1.0  # stopped by itself, or its worker killed


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
        service = client.app.state.service  # type: ignore[attr-defined]
        deadline = time.monotonic() + GRACE + 5
        while service.cancelled < 1 and time.monotonic() < deadline:
            time.sleep(0.05)  # the other worker answered the quick request; this one is still stopping
        assert service.cancelled == 1


def _wait_running(submitted) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    while not submitted.future.running() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_analyses_run_in_other_processes_and_a_killed_worker_is_replaced(service) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal

    (pid,) = service.worker_pids
    assert pid != os.getpid()
    submitted = service.submit(LONG, AnalysisOptions(entities=False))
    _wait_running(submitted)
    time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)  # the kernel's OOM killer, an operator's kill -9
    with pytest.raises(WorkerFailed, match="stopped unexpectedly"):
        submitted.future.result(timeout=30)
    after = service.submit(Article("after", DEMO), AnalysisOptions(entities=False))
    assert after.future.result(timeout=120).spans  # a fresh worker took over
    assert service.worker_pids and service.worker_pids[0] != pid and service.restarted >= 1


def test_stop_ends_busy_workers_at_once_and_fails_what_waits() -> None:
    from proplens.errors import Busy

    running = AnalysisService(queue_size=4, workers=1)
    running.start()
    pids = running.worker_pids
    busy = running.submit(LONG, AnalysisOptions(entities=False))
    waiting = running.submit(LONG, AnalysisOptions(entities=False))
    _wait_running(busy)
    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 3.0
    for submitted in (busy, waiting):
        assert isinstance(submitted.future.exception(timeout=5), Busy)
    import os

    for pid in pids:  # the worker is gone, not orphaned
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(Busy, match="stopping"):
        running.submit(LONG, AnalysisOptions())


def test_a_model_that_cannot_load_is_one_clear_error(tmp_path: Path) -> None:
    from proplens.errors import ModelError

    with pytest.raises(ModelError):
        AnalysisService(str(tmp_path / "no-model"))
