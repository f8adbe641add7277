"""The ``proplens`` command line: thin Typer commands over the library functions.

Results go to stdout, errors to stderr as one line; exit code 0 on success, 1 on bad input, 2 on bad usage.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from proplens import __version__
from proplens.corpus.layout import find_splits
from proplens.corpus.stats import compute_stats
from proplens.document import Annotation, Article
from proplens.errors import ModelError, ProplensError
from proplens.io import ptc
from proplens.models import predict
from proplens.models.config import load_config
from proplens.models.detector import Detector, load_detector
from proplens.outputs import OutputFormat, Sink
from proplens.render import tables as report_tables
from proplens.render.tables import stats_tables, techniques_table
from proplens.runner import Result, analyze_sources
from proplens.scoring import report, si, slc, tc
from proplens.sources import FILE_SUFFIXES, Limits, Problem, read_sources
from proplens.techniques import Taxonomy

app = typer.Typer(
    name="proplens",
    help="Find propaganda and persuasion techniques in news articles.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Look at annotated corpora (PTC layout).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

stdout = Console()
stderr = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def _clean_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn proplens' own errors into one red line on stderr and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ProplensError as error:
            stderr.print(f"[bold red]error:[/bold red] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        stdout.print(f"proplens {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Find propaganda and persuasion techniques in news articles."""


class Task(StrEnum):
    si = "si"
    tc = "tc"
    slc = "slc"


@app.command()
@_clean_errors
def evaluate(
    task: Annotated[
        Task,
        typer.Option(
            help="si: span identification; tc: technique classification; "
            "slc: sentence-level (needs --articles).",
        ),
    ],
    gold: Annotated[Path, typer.Option(help="Gold label file or folder of per-article files.")],
    pred: Annotated[
        Path | None, typer.Option(help="Predicted label file, same layout as the gold (or use --model).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(help="Predict with this model ('default' or a model folder) instead of reading --pred."),
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(help="Article folder: checks offsets against the texts; required for slc."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    confusion: Annotated[bool, typer.Option(help="tc: also print the confusion matrix.")] = False,
) -> None:
    """Score predictions against gold with the official SemEval-2020 Task 11 definitions.

    Label files: si uses [bold]id, start, end[/bold] lines (a technique column, if present, is
    ignored); tc and slc use [bold]id, technique, start, end[/bold] lines.
    """
    if task == Task.slc and articles is None:
        raise typer.BadParameter("slc needs --articles (sentences come from the article texts)")
    if (pred is None) == (model is None):
        raise typer.BadParameter("give either --pred (a prediction file) or --model (predict now)")
    if model is not None and (articles is None or task == Task.slc):
        raise typer.BadParameter("--model needs --articles and --task si or tc")
    texts = {a.id: a for a in ptc.read_articles(articles)} if articles else None
    read = ptc.read_span_labels if task == Task.si else ptc.read_technique_labels
    references = read(gold, articles=texts)
    if pred is not None:
        predictions = read(pred, articles=texts)
    else:
        assert texts is not None and model is not None
        detector = _load_model(model)
        chosen = list(texts.values())
        if task == Task.si:
            predictions = _with_progress(chosen, lambda part: predict.predict_si(detector, part))
        else:
            predictions = predict.predict_tc(detector, chosen, references)
    keys: tuple[str, ...]
    if task == Task.si:
        scores = si.compute(predictions=predictions, references=references)
        keys = ("precision", "recall", "f1", "predicted_spans", "gold_spans")
    elif task == Task.tc:
        scores = tc.compute(predictions=predictions, references=references)
        keys = (
            "micro_f1",
            "micro_precision",
            "micro_recall",
            "macro_f1",
            "correct",
            "predicted",
            "gold",
        )
    else:
        assert texts is not None
        scores = slc.compute(predictions=predictions, references=references, articles=texts.values())
        keys = (
            "precision",
            "recall",
            "f1",
            "sentences",
            "gold_propaganda_sentences",
            "predicted_propaganda_sentences",
        )
    if as_json:
        extra: dict[str, Any] = {"task": task.value, "gold": str(gold)}
        extra.update({"pred": str(pred)} if pred is not None else {"model": model})
        if task == Task.tc and confusion:
            extra["confusion"] = tc.confusion_matrix(predictions=predictions, references=references)
        sys.stdout.write(report.scores_json(scores, **extra) + "\n")
        return
    stdout.print(report.summary_table(f"{task.value.upper()} scores", scores, keys))
    if task == Task.tc:
        stdout.print(report.technique_table(scores))
        if confusion:
            matrix = tc.confusion_matrix(predictions=predictions, references=references)
            stdout.print(report.confusion_table(matrix))


@corpus_app.command("stats")
@_clean_errors
def corpus_stats(
    path: Annotated[
        Path,
        typer.Argument(help="An article folder (article<ID>.txt) or a folder of <split>-articles."),
    ],
    labels: Annotated[
        Path | None,
        typer.Option(help="Technique label file; default: <split>-task-flc-tc.labels beside it."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Articles, characters, spans per technique and span lengths of a PTC-layout corpus."""
    results = {}
    for split in find_splits(path, labels=labels):
        articles = ptc.read_articles(split.articles)
        annotations = None
        if split.technique_labels is not None:
            annotations = ptc.read_technique_labels(
                split.technique_labels, articles={a.id: a for a in articles}
            )
        results[split.name] = (split, compute_stats(articles, annotations))
    if as_json:
        payload = {name: stats.to_dict() for name, (_, stats) in results.items()}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    for name, (split, stats) in results.items():
        source = f"{split.articles}" + (f" + {split.technique_labels}" if split.technique_labels else "")
        stdout.print(f"[dim]{source}[/dim]", highlight=False)
        for table in stats_tables(name, stats):
            stdout.print(table)


@app.command("techniques")
def list_techniques(
    taxonomy: Annotated[Taxonomy, typer.Option(help="Which taxonomy to list.")] = Taxonomy.PTC,
) -> None:
    """List the techniques proplens knows, with definitions and examples."""
    stdout.print(techniques_table(taxonomy))


_DEFAULT_LIMITS = Limits()

_SUFFIX_FORMATS = {
    ".html": OutputFormat.html,
    ".htm": OutputFormat.html,
    ".json": OutputFormat.json,
    ".jsonl": OutputFormat.jsonl,
    ".labels": OutputFormat.ptc,
    ".txt": OutputFormat.pretty,
}


@app.command("analyze")
@_clean_errors
def analyze_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .json, .jsonl), directories (searched recursively), URLs, "
            "or - for stdin.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="pretty (terminal), json, jsonl, html (one self-contained page), ptc (id, technique, "
            "start, end) or ptc-si (id, start, end). Default: from --out's suffix, else pretty on a "
            "terminal and jsonl in a pipe.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (atomically) instead of stdout.")
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            help="Lowest span probability a fragment needs (0-1). "
            "Default: the model's tuned operating point.",
            show_default=False,
        ),
    ] = None,
    taxonomy: Annotated[
        Taxonomy, typer.Option(help="Report PTC techniques or their SemEval-2023 counterparts.")
    ] = Taxonomy.PTC,
    entities: Annotated[
        bool, typer.Option("--entities/--no-entities", help="Find who each fragment targets (spaCy).")
    ] = True,
    model: Annotated[str, typer.Option(help="'default' (the shipped model) or a model folder.")] = "default",
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per encoder batch.")] = 16,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Refuse articles longer than this many characters.")
    ] = _DEFAULT_LIMITS.max_chars,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds to wait for a URL.")
    ] = _DEFAULT_LIMITS.timeout,
) -> None:
    """Show where articles use propaganda techniques: which fragment, which technique, how confident.

    Reads every input, analyses it and writes one report per article. An input that cannot be read is
    reported on stderr and skipped; the exit code is 1 if any input failed.
    """
    chosen = output_format or (_SUFFIX_FORMATS.get(out.suffix.lower()) if out else None)
    if chosen is None:
        chosen = OutputFormat.pretty if stdout.is_terminal else OutputFormat.jsonl
    max_bytes = max(_DEFAULT_LIMITS.max_bytes, max_chars * 4)
    limits = Limits(max_chars=max_chars, max_bytes=max_bytes, timeout=timeout)
    sources = read_sources(inputs, limits=limits)
    results = analyze_sources(
        sources,
        batch_size=batch_size,
        min_score=min_score,
        model=model,
        entities=entities,
        taxonomy=taxonomy,
    )
    failed = 0
    show_progress = chosen != OutputFormat.pretty or out is not None
    bar = _RateBar("analysing", _count_inputs(inputs), enabled=show_progress)
    with Sink(chosen, out, console=stdout) as sink, bar:
        for item in results:
            if isinstance(item, Problem):
                failed += 1
                stderr.print(f"[bold red]skipped[/bold red] {item}", highlight=False, soft_wrap=True)
            else:
                _report_warning(item)
                sink.add(item)
            bar.update(advance=1)
    done = f"analysed {sink.count} article{'s' if sink.count != 1 else ''}"
    if failed:
        done += f", {failed} input{'s' if failed != 1 else ''} failed"
    if out is not None:
        done += f"; wrote {out}"
    if out is not None or failed or sink.count != 1:
        stderr.print(done, highlight=False, soft_wrap=True)
    if sink.count == 0 and not failed:
        raise ProplensError("no articles found in the inputs")
    if failed:
        raise typer.Exit(code=1)


def _report_warning(result: Result) -> None:
    if result.warning:
        stderr.print(f"[yellow]warning[/yellow] {result.origin}: {result.warning}", highlight=False)


class _RateBar:
    """A Rich progress bar on stderr: count, articles/s, elapsed and remaining time; hidden when stderr is
    not a terminal or when `enabled` is false."""

    def __init__(self, description: str, total: int | None = None, *, enabled: bool = True) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        shown = enabled and stderr.is_terminal
        self.progress = Progress(*columns, console=stderr, transient=True, disable=not shown)
        self.task = self.progress.add_task(description, total=total, rate="-")

    def update(self, *, advance: int = 0, done: int | None = None, total: int | None = None) -> None:
        self.progress.update(self.task, advance=advance, completed=done, total=total)
        state = self.progress.tasks[0]
        rate = state.completed / state.elapsed if state.elapsed else 0.0
        self.progress.update(self.task, rate=f"{rate:.1f}")

    def __enter__(self) -> _RateBar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)


def _count_inputs(inputs: Sequence[str]) -> int | None:
    """How many articles the inputs hold, when that is cheap to know (one per file); else None."""
    total = 0
    for item in inputs:
        path = Path(item)
        files = [p for p in path.rglob("*") if p.suffix.lower() in FILE_SUFFIXES] if path.is_dir() else [path]
        if any(p.suffix.lower() in (".json", ".jsonl") for p in files) or item == "-":
            return None
        total += len(files)
    return total


@app.command("serve")
@_clean_errors
def serve_command(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            help="Database URL (sqlite:///file.db, postgresql://user:pass@host/db). Default: SQLite "
            "in $PROPLENS_HOME (~/.local/share/proplens)."
        ),
    ] = None,
    model: Annotated[str, typer.Option(help="'default' (the shipped model) or a model folder.")] = "default",
    max_body_bytes: Annotated[
        int, typer.Option(min=1000, help="Largest request body; more gets a 413.")
    ] = 2_000_000,
    allow_private_urls: Annotated[
        bool, typer.Option(help="Let users fetch loopback/private/link-local URLs (intranet use only).")
    ] = False,
) -> None:
    """Run the web app and REST API (/api/v1, OpenAPI at /docs): paste an article, see the techniques."""
    import uvicorn

    from proplens.api import load_model
    from proplens.store import Store
    from proplens.web import Settings, create_app

    # fail here, with one line, rather than inside the server's start-up
    Store(db).engine.dispose()
    load_model(model)
    settings = Settings(
        database_url=db, model=model, max_body_bytes=max_body_bytes, allow_private_urls=allow_private_urls
    )
    stderr.print(f"proplens web app on http://{host}:{port}  (API: /api/v1, docs: /docs; Ctrl-C stops)")
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="warning")


_DB_HELP = (
    "Database URL (sqlite:///file.db, postgresql://user:pass@host/db). "
    "Default: SQLite in $PROPLENS_HOME (~/.local/share/proplens)."
)


@app.command("ingest")
@_clean_errors
def ingest_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Folders, .txt/.html/.json/.jsonl/.csv files, RSS/Atom feed files (.rss/.atom/.xml), URLs.",
            show_default=False,
        ),
    ],
    db: Annotated[str | None, typer.Option(help=_DB_HELP)] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(help="CSV column for an article field, FIELD=COLUMN (e.g. text=body); repeatable."),
    ] = None,
    feed: Annotated[bool, typer.Option(help="Read URLs as RSS/Atom feeds (one article per entry).")] = False,
) -> None:
    """Load articles into the corpus, skipping duplicates (same text up to case and spacing)."""
    from proplens.corpus.ingest import ingest, parse_columns, read_ingest_sources
    from proplens.store import Store

    store = Store(db)
    sources = read_ingest_sources(inputs, columns=parse_columns(column or []), feed_urls=feed)
    with stderr.status("ingesting") as status:
        report = ingest(store, sources, progress=lambda r: status.update(f"ingesting: {r.read:,} read"))
    for problem in report.rejected[:20]:
        stderr.print(f"[bold red]rejected[/bold red] {problem}", highlight=False, soft_wrap=True)
    if len(report.rejected) > 20:
        stderr.print(f"... and {len(report.rejected) - 20} more rejected", highlight=False)
    table = report_tables.ingest_table(
        report.new, report.duplicate, len(report.rejected), store.corpus_size()
    )
    stdout.print(table)
    stderr.print(f"[dim]database: {store.url}[/dim]", highlight=False)
    if report.rejected:
        raise typer.Exit(code=1)


@app.command("run")
@_clean_errors
def run_command(
    db: Annotated[str | None, typer.Option(help=_DB_HELP)] = None,
    model: Annotated[str, typer.Option(help="'default' (the shipped model) or a model folder.")] = "default",
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per batch (one transaction each).")] = 32,
    entities: Annotated[bool, typer.Option("--entities/--no-entities", help="Find targets (spaCy).")] = True,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many articles.")] = None,
) -> None:
    """Analyse every corpus article the current model has not analysed yet. Safe to kill and re-run."""
    from proplens.corpus.runner import run_corpus
    from proplens.store import Store

    store = Store(db)
    with _RateBar("analysing") as bar:
        report = run_corpus(
            store,
            model=model,
            batch_size=batch_size,
            entities=entities,
            limit=limit,
            progress=lambda done, total: bar.update(done=done, total=total),
        )
    stdout.print(
        f"analysed {report.analysed:,} articles with {report.model}; {report.remaining:,} still to do"
        + (f" ({report.skipped_batches} batches were done by another run)" if report.skipped_batches else "")
    )


class Grouping(StrEnum):
    auto = "auto"
    source = "source"
    prefix = "prefix"


class Period(StrEnum):
    week = "week"
    month = "month"


@app.command("report")
@_clean_errors
def report_command(
    db: Annotated[str | None, typer.Option(help=_DB_HELP)] = None,
    model: Annotated[
        str | None, typer.Option(help="Model id whose analyses to report (default: the latest used).")
    ] = None,
    group_by: Annotated[
        Grouping,
        typer.Option(
            help="Outlets from the articles' source, or the first characters of their id; auto: "
            "source when articles have one."
        ),
    ] = Grouping.auto,
    prefix_length: Annotated[int, typer.Option(min=1, help="Id characters that make a group (prefix).")] = 3,
    period: Annotated[Period, typer.Option(help="Time buckets of the publication dates.")] = Period.month,
    keyword: Annotated[
        list[str] | None,
        typer.Option(help="A topic keyword: articles mentioning it form a group; repeatable."),
    ] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the tables as CSV files into this folder.")] = None,
    parquet: Annotated[
        Path | None, typer.Option(help="Write the tables as Parquet files into this folder.")
    ] = None,
    plots: Annotated[Path | None, typer.Option(help="Write PNG and SVG plots into this folder.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Techniques shown as columns.")] = 6,
) -> None:
    """Techniques per outlet, period and topic: rates per 1,000 words with confidence intervals."""
    from proplens.corpus.report import build_report, collect_facts, write_exports, write_plots
    from proplens.store import Store

    store = Store(db)
    analyses = [c.analysis for c in store.corpus_analyses(model)]
    if not analyses:
        raise ProplensError(
            "no corpus analyses in the database yet: run `proplens ingest` and `proplens run`"
        )
    grouping = group_by.value
    if grouping == "auto":
        grouping = "source" if any(a.article.source for a in analyses) else "prefix"
    facts = collect_facts(
        analyses, grouping=grouping, prefix_length=prefix_length, period=period.value, keywords=keyword or []
    )
    result = build_report(facts, model=analyses[0].model, grouping=grouping)
    for table in report_tables.corpus_report_tables(result, top=top):
        stdout.print(table)
    written = []
    if csv or parquet:
        if csv:
            written += write_exports(result, csv, csv=True, parquet=False)
        if parquet:
            written += write_exports(result, parquet, csv=False, parquet=True)
    if plots:
        written += write_plots(result, plots)
    for path in written:
        stderr.print(f"wrote {path}", highlight=False)


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command("batch")
@_clean_errors
def batch_command(
    source: Annotated[
        Path, typer.Argument(help="A .jsonl/.parquet file of articles or a folder of such shards.")
    ],
    output: Annotated[Path, typer.Argument(help="Folder for articles.parquet and spans.parquet.")],
    engine: Annotated[
        Engine, typer.Option(help="local: a process pool; ray: Ray Data with an actor pool.")
    ] = (Engine.local),
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes (local) or actors (ray). Default: one per core.")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="ray: a Ray cluster address (default: start Ray here).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="A model folder (default: the shipped model).")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Articles per task.")] = 16,
    entities: Annotated[bool, typer.Option("--entities/--no-entities", help="Find targets (spaCy).")] = True,
) -> None:
    """Analyse JSONL/Parquet shards into Parquet: one row per article, one per span."""
    from proplens.corpus.batch import run_local, run_ray

    with _RateBar(f"batch ({engine.value})") as bar:

        def advance(done: int) -> None:
            bar.update(done=done)

        if engine == Engine.local:
            result = run_local(
                source,
                output,
                model=model,
                workers=workers,
                chunk_size=chunk_size,
                entities=entities,
                progress=advance,
            )
        else:
            result = run_ray(
                source,
                output,
                model=model,
                address=address,
                actors=workers,
                chunk_size=chunk_size,
                entities=entities,
                progress=advance,
            )
    rate = result.articles / result.seconds if result.seconds else 0.0
    stdout.print(
        f"analysed {result.articles:,} articles ({result.spans:,} spans) in {result.seconds:.1f} s "
        f"= {rate:.2f} articles/s with the {engine.value} engine; "
        f"wrote {output}/articles.parquet and spans.parquet"
    )


def main() -> None:
    """Console-script entry point."""
    app()


def _load_model(model: str) -> Detector:
    with stderr.status(f"loading model {model}"):
        return load_detector(model)


def _with_progress(
    articles: Sequence[Article], run: Callable[[Sequence[Article]], list[Annotation]]
) -> list[Annotation]:
    """Run `run` over chunks of articles with a progress bar on stderr (articles/s and time left)."""
    results: list[Annotation] = []
    with _RateBar("predicting", len(articles)) as bar:
        for first in range(0, len(articles), 16):
            part = articles[first : first + 16]
            results.extend(run(part))
            bar.update(advance=len(part))
    return results


class PredictTask(StrEnum):
    si = "si"
    tc = "tc"


@app.command("predict")
@_clean_errors
def predict_command(
    task: Annotated[PredictTask, typer.Option(help="si: find spans; tc: label the spans of --template.")],
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    out: Annotated[Path, typer.Option(help="Where to write the predictions (official format).")],
    template: Annotated[
        Path | None, typer.Option(help="tc: the lines to label (id, anything, start, end).")
    ] = None,
    model: Annotated[str, typer.Option(help="'default' (the shipped model) or a model folder.")] = "default",
) -> None:
    """Write predictions in the SemEval-2020 Task 11 formats, for the official scorers.

    si writes [bold]id, start, end[/bold] per detected span; tc writes the template's lines in order,
    with the predicted technique in the second column.
    """
    if task == PredictTask.tc and template is None:
        raise typer.BadParameter("tc needs --template (the spans to label)")
    texts = ptc.read_articles(articles)
    by_id = {a.id: a for a in texts}
    lines = ptc.read_tc_template(template, articles=by_id) if template is not None else []
    detector = _load_model(model)
    if task == PredictTask.si:
        predictions = _with_progress(texts, lambda part: predict.predict_si(detector, part))
        ptc.write_span_labels(out, predictions)
    else:
        wanted = [by_id[i] for i in dict.fromkeys(line.article_id for line in lines)]
        predictions = predict.predict_tc(detector, wanted, lines)
        ptc.write_technique_labels(out, predictions)
    stderr.print(f"wrote {len(predictions)} lines to {out}")


@app.command("train")
@_clean_errors
def train_command(
    data: Annotated[Path, typer.Option(help="PTC-layout folder with train-articles/ and dev-articles/.")],
    out: Annotated[Path, typer.Option(help="Run folder: checkpoints, logs and the exported model/.")],
    config: Annotated[
        Path | None, typer.Option(help="TOML training config (see configs/default.toml).")
    ] = None,
    resume: Annotated[bool, typer.Option(help="Continue from the run folder's last checkpoint.")] = False,
) -> None:
    """Train a detector (needs the [bold]train[/bold] extra), tune it on dev and export it to ONNX.

    The model to ship ends up in [bold]OUT/model/[/bold]; copy it to src/proplens/models/default/.
    """
    settings = load_config(config)
    _print_results(_training("train")(settings, data, out, resume=resume, log=_log))


def _training(name: str) -> Any:
    """A function of proplens.models.training, or a clean error when the train extra is missing."""
    try:
        from proplens.models import training
    except ImportError as error:
        raise ModelError(f"needs the train extra (pip install 'proplens[train]'): {error}") from None
    return getattr(training, name)


def _print_results(results: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(results, indent=2, default=float) + "\n")


def _log(message: str) -> None:
    stderr.print(message, highlight=False, soft_wrap=True)


@app.command("soup")
@_clean_errors
def soup_command(
    runs: Annotated[list[Path], typer.Argument(help="Finished run folders (with best.pt and train.toml).")],
    data: Annotated[Path, typer.Option(help="PTC-layout folder with train-articles/ and dev-articles/.")],
    out: Annotated[Path, typer.Option(help="Run folder for the averaged model (exported to OUT/model/).")],
) -> None:
    """Average the weights of several runs into one model (a model soup), tune it on dev and export it."""
    _print_results(_training("soup")(runs, data, out, log=_log))


@app.command("export")
@_clean_errors
def export_command(
    run: Annotated[Path, typer.Argument(help="A finished run folder (with best.pt and train.toml).")],
    data: Annotated[Path, typer.Option(help="PTC-layout folder with train-articles/ and dev-articles/.")],
) -> None:
    """Export a finished run again to RUN/model/ (fused ONNX, int8-stored weights), tuned on dev."""
    _print_results(_training("export_run")(run, data, log=_log))


@app.command("model")
@_clean_errors
def model_command(
    model: Annotated[str, typer.Option(help="'default' (the shipped model) or a model folder.")] = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print detector.json as JSON.")] = False,
) -> None:
    """Show a model: operating point, dev scores of torch / ONNX fp32 / ONNX int8, per-technique F1."""
    info = _load_model(model).info
    if as_json:
        sys.stdout.write(json.dumps(dataclasses.asdict(info), indent=2) + "\n")
        return
    precision = "int8-stored weights, fp32 arithmetic" if info.quantized else "fp32"
    stdout.print(
        f"[bold]{info.name}[/bold] {info.version} · base encoder {info.base_encoder} · {precision} · "
        f"windows of {info.max_tokens} tokens (overlap {info.overlap})"
    )
    if info.decoder != "viterbi":
        stdout.print(f"operating point: threshold {info.threshold}, peak {info.peak}, max_gap {info.max_gap}")
    stdout.print(f"repetition boost {info.repetition_boost}, second technique at p >= {info.secondary}")
    if info.decoder == "viterbi":
        stdout.print(
            f"decoding: constrained Viterbi (bias {info.viterbi_bias}, begin penalty {info.begin_penalty}, "
            f"peak {info.peak}), phrase ends trimmed: {'yes' if info.trim else 'no'}"
        )
    else:
        stdout.print(
            f"decoding: B tags start spans at p(B) >= {info.split}, sentence ends crossed at p >= "
            f"{info.cross}, phrase ends trimmed: {'yes' if info.trim else 'no'}"
        )
    calibration = info.dev_scores.get("calibration")
    if calibration:
        stdout.print(
            f"calibration (5-fold over dev): span ECE {calibration['span_ece_cross_validated']:.3f}, "
            f"technique ECE {calibration['technique_ece_cross_validated']:.3f} "
            f"(temperature {info.temperature})"
        )
    validated = info.dev_scores.get("cross_validated")
    if validated:
        stdout.print(
            f"SI F1 with the operating point tuned on other dev articles (5-fold): {validated['si_f1']:.3f}"
        )
    variants: dict[str, Any] = {
        v: info.dev_scores[v] for v in ("torch", "onnx_fp32", "onnx_int8") if v in info.dev_scores
    }
    if variants:
        keys = ("si_precision", "si_recall", "si_f1", "tc_micro_f1", "tc_macro_f1")
        stdout.print(report.comparison_table("Dev scores", variants, keys))
    shipped = info.dev_scores.get("onnx_int8")
    if shipped:
        per_technique = {k.removeprefix("tc_"): v for k, v in shipped.items() if k.startswith("tc_")}
        stdout.print(report.technique_table(per_technique))
