"""One detector per process, fed by a queue: one analysis at a time off the event loop, which stays free.

Web requests put jobs on a bounded queue and await a future; one worker thread takes them one at a time,
runs each through `analyze_many` and resolves its future. A request that gives up (a 504, a client gone)
drops its job: skipped if it has not started, stopped at the next encoder call if it has — so abandoned
work never delays the next request. Pages and health checks
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
from proplens.errors import Busy, Cancelled, ProplensError
from proplens.models.catalog import named_models
from proplens.models.detector import Detector

__all__ = ["AnalysisOptions", "AnalysisService", "Submitted"]

log = logging.getLogger("proplens.web")


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    min_score: float | None = None
    taxonomy: str = "ptc"
    entities: bool = True
    model: str | None = None
    """A named model (`catalog.MODEL_NAMES`) installed here; None: the server's model. Never a path."""


@dataclass(frozen=True, slots=True)
class _Job:
    article: Article
    options: AnalysisOptions
    future: Future[Analysis]
    dropped: threading.Event


@dataclass(frozen=True, slots=True)
class Submitted:
    """A queued analysis: its `future`, and `drop()` for a caller that no longer waits for it."""

    future: Future[Analysis]
    dropped: threading.Event

    def drop(self) -> None:
        """Stop the analysis: skipped if not started, stopped at the next encoder call if running."""
        self.future.cancel()
        self.dropped.set()


class AnalysisService:
    """Owns the model and the worker thread; `submit` queues an analysis and returns its handle."""

    def __init__(self, model: str = "default", *, queue_size: int = 64) -> None:
        self.model_name = model
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self.detector = load_model(model)
        self._detectors = {model: self.detector}
        self.models = [model] + [
            named.name for named, folder in named_models() if folder is not None and named.name != model
        ]
        """The models a request may choose (the server's first); others load on first use."""
        self.cancelled = 0
        """Analyses stopped because their caller stopped waiting (for tests and the health page)."""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="proplens-analyses", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, article: Article, options: AnalysisOptions) -> Submitted:
        if options.model is not None and options.model not in self.models:
            raise ProplensError(f"unknown model {options.model!r}: choose one of {', '.join(self.models)}")
        job = _Job(article, options, Future(), threading.Event())
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            raise Busy("too many analyses are waiting; try again in a few seconds") from None
        return Submitted(job.future, job.dropped)

    @property
    def waiting(self) -> int:
        return self._jobs.qsize()

    def _detector(self, model: str | None) -> Detector:
        """The detector of a model of `models`, loaded on its first request (in the worker thread)."""
        name = model or self.model_name
        if name not in self._detectors:
            self._detectors[name] = load_model(name)
        return self._detectors[name]

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._run(job)

    def _run(self, job: _Job) -> None:
        if job.dropped.is_set() or not job.future.set_running_or_notify_cancel():
            self.cancelled += 1
            return
        options = job.options
        try:
            (analysis,) = analyze_many(
                [job.article],
                min_score=options.min_score,
                taxonomy=options.taxonomy,
                entities=options.entities,
                model=self._detector(options.model),
                should_stop=job.dropped.is_set,
            )
        except Cancelled as error:
            self.cancelled += 1
            job.future.set_exception(error)
        except Exception as error:  # a failed analysis must not kill the worker
            log.exception("analysis failed")
            job.future.set_exception(error)
        else:
            job.future.set_result(analysis)
