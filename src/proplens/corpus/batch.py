"""`proplens batch`: JSONL/Parquet shards in, Parquet out (one row per article, one per span), at scale.

Two engines run the same per-chunk function (`analyse_chunk`) and write through the same sink, so their
outputs are identical row for row:

- ``local``: a process pool sized to the cores; each worker loads the model once (its ONNX session gets
  cores / workers threads, so workers do not fight over cores); chunks stream in and out in order, with a
  bounded number in flight, so memory stays flat however large the input is.
- ``ray``: Ray Data reads the shards, ``map_batches`` runs an actor pool (one model per actor) and the
  driver streams the results into the same Parquet files. ``--address`` points it at a Ray cluster;
  without one, Ray starts locally.

Output: ``OUTPUT/articles.parquet`` and ``OUTPUT/spans.parquet``, written to temporary files and moved into
place when the run completes.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proplens.document import Analysis, Article
from proplens.errors import FormatError
from proplens.io.jsonl import article_from_dict

__all__ = [
    "ARTICLE_COLUMNS",
    "SPAN_COLUMNS",
    "BatchReport",
    "analyse_chunk",
    "iter_input_articles",
    "run_local",
    "run_ray",
]

ARTICLE_COLUMNS = (
    ("article_id", "string"),
    ("title", "string"),
    ("source", "string"),
    ("url", "string"),
    ("published", "string"),
    ("model", "string"),
    ("words", "int64"),
    ("spans", "int64"),
    ("characters_covered", "int64"),
    ("coverage", "float64"),
    ("spans_per_1000_words", "float64"),
    ("propaganda_score", "float64"),
    ("technique_counts", "string"),
)
SPAN_COLUMNS = (
    ("article_id", "string"),
    ("start", "int64"),
    ("end", "int64"),
    ("technique", "string"),
    ("score", "float64"),
    ("text", "string"),
    ("target", "string"),
)
_FIELDS = ("id", "text", "title", "source", "url", "published")


@dataclass
class BatchReport:
    articles: int = 0
    spans: int = 0
    seconds: float = 0.0


# -- input ----------------------------------------------------------------------------------------------


def input_files(path: Path) -> list[Path]:
    """The shards: `path` itself, or every ``*.jsonl``/``*.parquet`` below it, sorted."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet") and p.is_file())
    else:
        raise FormatError(path, "no such file or directory")
    if not files or any(f.suffix not in (".jsonl", ".parquet") for f in files):
        raise FormatError(path, "expected .jsonl or .parquet shards of articles (id, text, ...)")
    return files


def iter_input_articles(path: Path) -> Iterator[Article]:
    """Articles from the shards, streamed (a Parquet file is read a record batch at a time)."""
    for file in input_files(path):
        if file.suffix == ".jsonl":
            with file.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, start=1):
                    if line.strip():
                        yield _article(json.loads(line), f"{file}:{number}")
        else:
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(file)
            columns = [c for c in _FIELDS if c in parquet.schema_arrow.names]
            for batch in parquet.iter_batches(batch_size=256, columns=columns):
                for row in batch.to_pylist():
                    yield _article(row, str(file))


def _article(row: dict[str, Any], where: str) -> Article:
    try:
        clean = {
            k: (str(v) if k == "published" and v is not None else v) for k, v in row.items() if k in _FIELDS
        }
        return article_from_dict(clean)
    except ValueError as error:
        raise FormatError(where, str(error)) from None


# -- the work -------------------------------------------------------------------------------------------


def rows_of(analysis: Analysis) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One article row and its span rows."""
    article, figures = analysis.article, analysis.figures
    article_row = {
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "model": analysis.model,
        "words": int(figures.get("words", 0)),
        "spans": len(analysis.spans),
        "characters_covered": int(figures.get("characters_covered", 0)),
        "coverage": float(figures.get("coverage", 0.0)),
        "spans_per_1000_words": float(figures.get("spans_per_1000_words", 0.0)),
        "propaganda_score": float(figures.get("propaganda_score", 0.0)),
        "technique_counts": json.dumps(analysis.technique_counts()),
    }
    span_rows = []
    for span, fragment in analysis.fragments():
        target = analysis.target_of(span)
        span_rows.append(
            {
                "article_id": article.id,
                "start": span.start,
                "end": span.end,
                "technique": span.technique,
                "score": span.score,
                "text": fragment,
                "target": target.name if target else None,
            }
        )
    return article_row, span_rows


_WORKER: dict[str, Any] = {}


def _load_worker(model: str | None, threads: int) -> None:
    """Process-pool initializer (and Ray actor constructor): load the model once per worker."""
    from proplens.models.detector import load_detector

    _WORKER["detector"] = load_detector(model, threads=threads)


def analyse_chunk(
    articles: Sequence[Article], *, entities: bool = True, detector: Any = None
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The per-chunk function both engines run."""
    from proplens.api import analyze_many

    found = analyze_many(
        articles, batch_size=len(articles) or 1, model=detector or _WORKER["detector"], entities=entities
    )
    return [rows_of(a) for a in found]


class ParquetSink:
    """``articles.parquet`` and ``spans.parquet``, appended chunk by chunk; a context manager that moves
    them into place (and records the run's duration) only when the block ends without error."""

    def __init__(self, directory: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.schemas = {
            "articles": pa.schema([(n, getattr(pa, t)()) for n, t in ARTICLE_COLUMNS]),
            "spans": pa.schema([(n, getattr(pa, t)()) for n, t in SPAN_COLUMNS]),
        }
        self.writers = {
            name: pq.ParquetWriter(directory / f".{name}.parquet.tmp", schema)
            for name, schema in self.schemas.items()
        }
        self.report = BatchReport()

    def add(self, results: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        articles, spans = [], []
        for article_row, span_rows in results:
            articles.append(article_row)
            spans.extend(span_rows)
        if articles:
            self.writers["articles"].write_table(
                self.pa.Table.from_pylist(articles, self.schemas["articles"])
            )
        if spans:
            self.writers["spans"].write_table(self.pa.Table.from_pylist(spans, self.schemas["spans"]))
        self.report.articles += len(articles)
        self.report.spans += len(spans)

    def __enter__(self) -> ParquetSink:
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.report.seconds = time.perf_counter() - self.started
        self.close(keep=kind is None)

    def close(self, *, keep: bool) -> None:
        for name, writer in self.writers.items():
            writer.close()
            temporary = self.directory / f".{name}.parquet.tmp"
            if keep:
                os.replace(temporary, self.directory / f"{name}.parquet")
            else:
                temporary.unlink(missing_ok=True)


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_local(
    source: Path,
    output: Path,
    *,
    model: str | None = None,
    workers: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    progress: Any = None,
) -> BatchReport:
    """The local engine: a process pool, chunks in order, at most 2 chunks per worker in flight."""
    workers = workers or os.cpu_count() or 1
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = ProcessPoolExecutor(workers, initializer=_load_worker, initargs=(model, threads))
    with ParquetSink(output) as sink, pool:
        in_flight: deque[Future[Any]] = deque()
        for chunk in _chunks(iter_input_articles(source), chunk_size):
            in_flight.append(pool.submit(analyse_chunk, chunk, entities=entities))
            if len(in_flight) >= 2 * workers:
                sink.add(in_flight.popleft().result())
                if progress:
                    progress(sink.report.articles)
        while in_flight:
            sink.add(in_flight.popleft().result())
            if progress:
                progress(sink.report.articles)
    return sink.report


class _RayAnalyzer:
    """A Ray actor: loads the model once, analyses batches of article rows."""

    def __init__(self, model: str | None, threads: int, entities: bool) -> None:
        _load_worker(model, threads)
        self.entities = entities

    def __call__(self, batch: Any) -> dict[str, Any]:
        articles = [_article(row, "ray input") for row in batch.to_pylist()]
        results = analyse_chunk(articles, entities=self.entities)
        return {
            "article_row": [json.dumps(a) for a, _ in results],
            "span_rows": [json.dumps(s) for _, s in results],
        }


def run_ray(
    source: Path,
    output: Path,
    *,
    model: str | None = None,
    address: str | None = None,
    actors: int | None = None,
    chunk_size: int = 16,
    entities: bool = True,
    progress: Any = None,
) -> BatchReport:
    """The Ray engine: Ray Data reads the shards, an actor pool analyses, the driver writes the Parquet."""
    import ray

    actors = actors or os.cpu_count() or 1
    if not ray.is_initialized():
        options: dict[str, Any] = {} if address else {"num_cpus": os.cpu_count() or 1}
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True, **options
        )
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    files = [str(f) for f in input_files(source)]
    reading = {"num_cpus": 0.25}  # reading is light; the CPUs are for the actors
    if all(f.endswith(".jsonl") for f in files):
        dataset = ray.data.read_json(files, lines=True, ray_remote_args=reading)
    elif all(f.endswith(".parquet") for f in files):
        dataset = ray.data.read_parquet(files, ray_remote_args=reading)
    else:
        raise FormatError(source, "the ray engine needs shards of one kind (all .jsonl or all .parquet)")
    # actors leave part of a CPU free, or the read tasks feeding them could never be scheduled
    cpus = float(ray.cluster_resources().get("CPU", os.cpu_count() or 1)) - reading["num_cpus"]  # type: ignore[no-untyped-call]
    analysed = dataset.map_batches(
        _RayAnalyzer,
        fn_constructor_args=(model, 1, entities),
        batch_size=chunk_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=max(0.1, min(1.0, cpus / actors)),
    )
    with ParquetSink(output) as sink:
        for batch in analysed.iter_batches(batch_size=chunk_size, batch_format="pyarrow"):
            rows: dict[str, Any] = batch.to_pydict()  # type: ignore[union-attr]
            sink.add(
                (json.loads(a), json.loads(s))
                for a, s in zip(rows["article_row"], rows["span_rows"], strict=True)
            )
            if progress:
                progress(sink.report.articles)
    return sink.report
