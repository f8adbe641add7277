"""One detector per process, fed by a queue: one analysis at a time off the event loop, which stays free.

Web requests put jobs on a bounded queue and await a future; one worker thread takes whatever is waiting
(up to `batch_size` jobs), runs them through `analyze_many` (the encoder still takes one window per call,
so an article's result never depends on the others), and resolves the futures. Pages and health checks
are served by the event loop meanwhile, so the app stays responsive under load; a full queue answers 503
at once instead of piling up.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from proplens.api import analyze_many, load_model
from proplens.document import Analysis, Article
from proplens.errors import Busy

__all__ = ["AnalysisOptions", "AnalysisService"]

log = logging.getLogger("proplens.web")


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    min_score: float | None = None
    taxonomy: str = "ptc"
    entities: bool = True


@dataclass(frozen=True, slots=True)
class _Job:
    article: Article
    options: AnalysisOptions
    future: Future[Analysis]


class AnalysisService:
    """Owns the model and the worker thread; `submit` returns a future of the analysis."""

    def __init__(self, model: str = "default", *, batch_size: int = 8, queue_size: int = 64) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self.detector = load_model(model)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="proplens-analyses", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, article: Article, options: AnalysisOptions) -> Future[Analysis]:
        future: Future[Analysis] = Future()
        try:
            self._jobs.put_nowait(_Job(article, options, future))
        except queue.Full:
            raise Busy("too many analyses are waiting; try again in a few seconds") from None
        return future

    @property
    def waiting(self) -> int:
        return self._jobs.qsize()

    def _work(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.batch_size:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)
                    break
                batch.append(job)
            self._run(batch)

    def _run(self, batch: list[_Job]) -> None:
        groups: dict[AnalysisOptions, list[_Job]] = {}
        for job in batch:
            groups.setdefault(job.options, []).append(job)
        for options, jobs in groups.items():
            live = [j for j in jobs if j.future.set_running_or_notify_cancel()]
            if not live:
                continue
            try:
                results = list(
                    analyze_many(
                        [j.article for j in live],
                        batch_size=len(live),
                        min_score=options.min_score,
                        taxonomy=options.taxonomy,
                        entities=options.entities,
                        model=self.detector,
                    )
                )
            except Exception as error:  # a failed batch must not kill the worker
                log.exception("analysis batch failed")
                for job in live:
                    job.future.set_exception(error)
                continue
            for job, analysis in zip(live, results, strict=True):
                job.future.set_result(analysis)
