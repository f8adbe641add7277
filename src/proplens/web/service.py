"""Analyses run in worker processes, never in the process that answers HTTP.

Web requests put jobs on a bounded queue and await a future. One slot per worker process takes jobs off
the queue, sends each to its process over a pipe and resolves the future with the answer. The event loop
only waits on futures, so pages and ``/api/v1/health`` answer whatever an analysis does: a slow step
that holds its own process's GIL (a parser on pathological text) cannot hold the server's.

A request that gives up (a 504, a client gone) drops its job: skipped if it has not started; if it has,
the worker is asked to stop at its next encoder call and, if it has not answered within `GRACE` seconds,
it is killed and a fresh one started — so abandoned work never delays the next request. A worker that
dies (out of memory, killed) fails its job with a clear error and is replaced. `stop` ends every worker
at once, so the server stops in a second or two. A full queue answers 503 at once instead of piling up.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from proplens import errors
from proplens.document import Analysis, Article
from proplens.errors import Busy, Cancelled, ModelError, ProplensError
from proplens.models.catalog import local_models, model_directory, named_models
from proplens.models.detector import INFO_FILE, ModelInfo

__all__ = ["GRACE", "AnalysisOptions", "AnalysisService", "Submitted", "WorkerFailed"]

log = logging.getLogger("proplens.web")

GRACE = 1.0
"""Seconds a worker gets to stop a dropped analysis by itself before it is killed and replaced."""
BOOT_TIMEOUT = 120.0
"""Seconds a new worker may take to import proplens and load its model."""


class WorkerFailed(ProplensError):
    """A worker process ended in the middle of an analysis (killed, out of memory)."""


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
        """Stop the analysis: skipped if not started, stopped (or its worker killed) if running."""
        self.future.cancel()
        self.dropped.set()


# -- the worker process ---------------------------------------------------------------------------------


def _serve(connection: Any, stop: Any, model: str, threads: int) -> None:
    """The worker's main loop: load the server's model, then answer ``(article, options)`` messages with
    ``("ok", analysis)`` or ``("error", (kind, message))`` until it receives None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it ends the workers
    from proplens.api import analyze_many
    from proplens.models.detector import Detector, load_detector

    detectors: dict[str, Detector] = {}

    def detector(name: str) -> Detector:
        if name not in detectors:
            detectors[name] = load_detector(model_directory(name), threads=threads)
        return detectors[name]

    try:
        # a first analysis loads everything lazy (the sentencizer, the entity parser, onnxruntime's
        # buffers), so the first request a worker gets is as quick as any
        list(analyze_many(["Warm up: the mayor, Ann Lee, spoke in Paris."], model=detector(model)))
    except ProplensError as error:
        connection.send(("failed", str(error)))
        return
    connection.send(("ready", os.getpid()))
    while (message := connection.recv()) is not None:
        article, options = message
        try:
            (analysis,) = analyze_many(
                [article],
                min_score=options.min_score,
                taxonomy=options.taxonomy,
                entities=options.entities,
                model=detector(options.model or model),
                should_stop=stop.is_set,
            )
        except Cancelled as error:
            connection.send(("error", ("Cancelled", str(error))))
        except ProplensError as error:
            connection.send(("error", (type(error).__name__, str(error))))
        except Exception as error:  # reported to the server's log; the worker lives on
            connection.send(("error", ("internal", f"{type(error).__name__}: {error}")))
        else:
            connection.send(("ok", analysis))


def _rebuilt(kind: str, message: str) -> Exception:
    """The worker's error as an exception of the server process (ProplensError kinds keep their class)."""
    if kind == "internal":
        return RuntimeError(message)
    found = getattr(errors, kind, None)
    if isinstance(found, type) and issubclass(found, ProplensError):
        try:
            return found(message)
        except TypeError:  # an error class with other constructor arguments
            pass
    return ProplensError(message)


class _Worker:
    """One worker process, the pipe to it and its stop flag."""

    def __init__(self, context: Any, model: str, threads: int) -> None:
        self.stop = context.Event()
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, self.stop, model, threads), name="proplens-worker", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float, dropped: threading.Event | None = None) -> None:
        """Wait for the worker's model to load; ModelError if it cannot, WorkerFailed if it dies."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            if dropped is not None and dropped.is_set():
                raise Cancelled("the analysis was cancelled")
            if self.connection.poll(0.05):
                try:
                    kind, value = self.connection.recv()
                except (EOFError, OSError):
                    raise WorkerFailed("the analysis worker could not start") from None
                if kind == "failed":
                    raise ModelError(value)
                self.ready = True
            elif not self.process.is_alive():
                raise WorkerFailed("the analysis worker could not start")
            elif time.monotonic() > deadline:
                raise WorkerFailed(f"the analysis worker did not start within {timeout:.0f} s")

    def run(self, job: _Job) -> Analysis:
        """Send `job`, wait for its answer; a drop asks the worker to stop, then kills it after `GRACE`."""
        self.stop.clear()
        try:
            self.connection.send((job.article, job.options))
        except OSError:  # it died between two jobs (its pipe is closed): the slot starts another
            self.kill()
            raise WorkerFailed("the analysis worker stopped unexpectedly") from None
        stop_asked: float | None = None
        while True:
            if self.connection.poll(0.02):
                try:
                    kind, value = self.connection.recv()
                except (EOFError, OSError):
                    raise WorkerFailed("the analysis worker stopped unexpectedly") from None
                if kind == "ok":
                    return value  # type: ignore[no-any-return]
                raise _rebuilt(*value)
            if not self.process.is_alive():
                raise WorkerFailed("the analysis worker stopped unexpectedly (out of memory?)")
            if job.dropped.is_set():
                if stop_asked is None:
                    stop_asked = time.monotonic()
                    self.stop.set()
                elif time.monotonic() - stop_asked > GRACE:
                    self.kill()
                    raise Cancelled("the analysis was cancelled (its worker was stopped)")

    @property
    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def close(self) -> None:
        """Ask the worker to end; kill it if it does not within a second."""
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(timeout=1)
        self.kill()


# -- the service the web app talks to -------------------------------------------------------------------


class AnalysisService:
    """Owns the worker processes; `submit` queues an analysis and returns its handle."""

    def __init__(self, model: str = "default", *, queue_size: int = 64, workers: int = 0) -> None:
        self.model_name = model
        self.info = ModelInfo.read(model_directory(model) / INFO_FILE)
        """The server's model (its id for the health check and pages); the workers load it."""
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)
        self._jobs: queue.Queue[_Job] = queue.Queue(maxsize=queue_size)
        self._closing = threading.Event()
        self._slots: list[threading.Thread] = []
        self._running: list[_Worker | None] = []
        self._context = multiprocessing.get_context("spawn")
        installed = [named.name for named, folder in named_models() if folder is not None]
        installed += [name for name, _ in local_models()]
        self.models = [model] + [name for name in installed if name != model]
        """The models a request may choose (the server's first); others load on first use."""
        self.cancelled = 0
        """Analyses stopped because their caller stopped waiting (for tests and the health page)."""
        self.restarted = 0
        """Workers killed and replaced (a dropped analysis that did not stop in time, a crash)."""

    def start(self, *, wait: bool = True) -> None:
        """Start the workers (and, with `wait`, return once their model is loaded: ModelError if not)."""
        if self._slots:
            return
        self._closing.clear()
        self._running = [self._spawn() for _ in range(self.workers)]
        if wait:
            try:
                for worker in self._running:
                    if worker is not None:
                        worker.wait_ready(BOOT_TIMEOUT)
            except ProplensError:
                self.stop()
                raise
        for index in range(self.workers):
            slot = threading.Thread(
                target=self._slot, args=(index,), name=f"proplens-slot-{index}", daemon=True
            )
            slot.start()
            self._slots.append(slot)

    def stop(self) -> None:
        """End every worker now (running analyses fail with Busy) and the slots after them."""
        self._closing.set()
        for worker in self._running:
            if worker is not None:
                worker.kill()
        for slot in self._slots:
            slot.join(timeout=2)
        self._slots, self._running = [], []
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(Busy("the server is stopping"))

    def submit(self, article: Article, options: AnalysisOptions) -> Submitted:
        if options.model is not None and options.model not in self.models:
            raise ProplensError(f"unknown model {options.model!r}: choose one of {', '.join(self.models)}")
        if self._closing.is_set():
            raise Busy("the server is stopping")
        job = _Job(article, options, Future(), threading.Event())
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            raise Busy("too many analyses are waiting; try again in a few seconds") from None
        return Submitted(job.future, job.dropped)

    def model_for(self, model_id: str | None) -> str | None:
        """The model of `models` whose id (``proplens-detector-5.1``) is `model_id`; None (the server's
        model) when none is: an analysis made by a model no longer here is analysed again by today's."""
        for name in self.models:
            try:
                if ModelInfo.read(model_directory(name) / INFO_FILE).model_id == model_id:
                    return name
            except ProplensError:
                continue
        return None

    @property
    def waiting(self) -> int:
        return self._jobs.qsize()

    @property
    def worker_pids(self) -> list[int]:
        """The live workers' process ids (for tests and operators)."""
        return [w.process.pid for w in self._running if w is not None and w.alive and w.process.pid]

    def _spawn(self) -> _Worker:
        return _Worker(self._context, self.model_name, self.threads)

    def _slot(self, index: int) -> None:
        while not self._closing.is_set():
            try:
                job = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            if job.dropped.is_set() or not job.future.set_running_or_notify_cancel():
                self.cancelled += 1
                continue
            try:
                job.future.set_result(self._run(index, job))
            except Cancelled as error:
                self.cancelled += 1
                job.future.set_exception(error)
            except Exception as error:  # a failed analysis must not end the slot
                failure: Exception = error
                if self._closing.is_set():
                    failure = Busy("the server is stopping")
                elif not isinstance(error, ProplensError):
                    log.error("analysis failed: %s", error)
                job.future.set_exception(failure)

    def _run(self, index: int, job: _Job) -> Analysis:
        worker = self._running[index]
        if worker is None or not worker.alive:  # it died while idle
            if worker is not None:
                worker.kill()
                self.restarted += 1
            worker = self._running[index] = self._spawn()
        worker.wait_ready(BOOT_TIMEOUT, job.dropped)
        failed = False
        try:
            return worker.run(job)
        except WorkerFailed:
            failed = True  # dead, whatever its process says this instant
            raise
        finally:
            if (failed or not worker.alive) and not self._closing.is_set():
                worker.kill()
                self.restarted += 1
                self._running[index] = self._spawn()  # loads its model while the slot waits for work
