"""Does teaching work? Review invented articles, teach the model the corrections, measure before and after.

    python benchmarks/teach.py [--data ../shared/data/ptc] [--out runs/teach-benchmark] [--model default]

1. The articles of ``benchmarks/teaching/taught`` (written for proplens in the style of today's partisan
   coverage; their fragments marked ``[[words]]{Technique}``) are analysed by the model and stored; a
   simulated reviewer corrects each analysis through the store exactly as the result page would (accept,
   relabel, resize, reject, add, done).
2. ``proplens reviews export`` turns the reviews into a PTC-layout dataset, and ``proplens train --from
   MODEL --extra DATASET`` (the short teaching recipe) teaches the model.
3. Printed: on the taught articles and on ``benchmarks/teaching/held-out`` (same style, never reviewed),
   the recall, precision and F1 of the marked fragments (SemEval SI definitions) before and after; PTC dev
   SI and TC before and after; how long the teaching took; the CPU's instruction sets.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from proplens.corrections import corrections, latest_per_article, write_dataset
from proplens.document import Annotation, Article, Span
from proplens.models.detector import load_detector
from proplens.review import Action, Review
from proplens.scoring import si
from proplens.store import Store
from proplens.training.precision import cpu_summary

ROOT = Path(__file__).resolve().parents[1]

MARK = re.compile(r"\[\[(?P<words>.+?)\]\]\{(?P<technique>[^}]+)\}", re.S)
ARTICLES = ROOT / "benchmarks" / "teaching"


def read_marked(path: Path) -> tuple[Article, list[Span]]:
    """An article with its marks taken out, and the marked fragments as spans over the clean text."""
    marked = path.read_text(encoding="utf-8")
    text, spans, at = "", [], 0
    for match in MARK.finditer(marked):
        text += marked[at : match.start()]
        start = len(text)
        text += match.group("words")
        spans.append(Span(start, len(text), match.group("technique")))
        at = match.end()
    text += marked[at:]
    return Article(path.stem, text, title=text.split("\n", 1)[0]), spans


def review(store: Store, analysis_id: str, spans: tuple[Span, ...], gold: list[Span]) -> None:
    """A careful reviewer: every fragment the model found is accepted, relabelled and/or resized to the
    marked fragment it overlaps most, or rejected; every marked fragment nothing overlaps is added."""
    used: set[int] = set()
    for index, span in enumerate(spans):
        overlaps = [(min(span.end, g.end) - max(span.start, g.start), n) for n, g in enumerate(gold)]
        best, n = max(overlaps, default=(0, -1))
        if best <= 0:
            store.add_review(analysis_id, Review(Action.REJECT, "benchmark", span=index))
            continue
        used.add(n)
        target = gold[n]
        if span.technique != target.technique:
            store.add_review(
                analysis_id, Review(Action.RELABEL, "benchmark", span=index, technique=target.technique)
            )
        if (span.start, span.end) != (target.start, target.end):
            store.add_review(
                analysis_id,
                Review(Action.RESIZE, "benchmark", span=index, start=target.start, end=target.end),
            )
        elif span.technique == target.technique:
            store.add_review(analysis_id, Review(Action.ACCEPT, "benchmark", span=index))
    for n, target in enumerate(gold):
        if n not in used:
            store.add_review(
                analysis_id,
                Review(
                    Action.ADD, "benchmark", start=target.start, end=target.end, technique=target.technique
                ),
            )
    store.add_review(analysis_id, Review(Action.DONE, "benchmark"))


def scores(model: str | Path, marked: list[tuple[Article, list[Span]]]) -> dict[str, float]:
    """SI precision, recall and F1 of the model's fragments against the marked ones, and TC accuracy on
    the marked fragments found with their technique (the share of marks matched by a same-technique
    fragment that overlaps them)."""
    detector = load_detector(model)
    analyses = detector.analyze([a for a, _ in marked])
    predicted = [Annotation(a.article.id, s) for a in analyses for s in a.spans]
    gold = [Annotation(article.id, s) for article, spans in marked for s in spans]
    result = si.compute(predictions=predicted, references=gold)
    by_article = {a.article.id: a.spans for a in analyses}
    labelled = sum(
        any(
            p.technique == s.technique and p.start < s.end and s.start < p.end for p in by_article[article.id]
        )
        for article, spans in marked
        for s in spans
    )
    return {
        "precision": result["precision"],
        "recall": result["recall"],
        "f1": result["f1"],
        "found_with_technique": labelled / max(1, len(gold)),
        "fragments": float(len(predicted)),
    }


def _settings(pairs: list[str]) -> dict[str, object]:
    """``key=value`` pairs as typed `TrainConfig` fields (ints, floats, booleans, strings)."""
    changes: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        for kind in (int, float):
            try:
                changes[key] = kind(value)
                break
            except ValueError:
                continue
        else:
            changes[key] = {"true": True, "false": False}.get(value, value)
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ptc"))
    parser.add_argument("--out", default=str(ROOT / "runs" / "teach-benchmark"))
    parser.add_argument("--model", default="default")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Change a setting of the teaching recipe (e.g. extra_weight=8); repeatable.",
    )
    args = parser.parse_args()
    from dataclasses import replace

    from proplens.training.config import TEACHING
    from proplens.training.loop import train

    taught = [read_marked(p) for p in sorted((ARTICLES / "taught").glob("*.txt"))]
    held_out = [read_marked(p) for p in sorted((ARTICLES / "held-out").glob("*.txt"))]
    print(f"cpu: {cpu_summary()}")
    print(
        f"taught: {len(taught)} articles, {sum(len(s) for _, s in taught)} marked fragments; held out: "
        f"{len(held_out)} articles, {sum(len(s) for _, s in held_out)}"
    )
    work = Path(tempfile.mkdtemp(prefix="proplens-teach-"))
    store = Store(f"sqlite:///{work / 'reviews.db'}")
    detector = load_detector(args.model)
    for (_, gold), analysis in zip(taught, detector.analyze([a for a, _ in taught]), strict=True):
        analysis = replace(analysis, model=detector.info.model_id)
        review(store, store.save(analysis), analysis.spans, gold)
    dataset = work / "reviewed"
    found = latest_per_article(corrections(store.reviewed()))
    write_dataset(found, dataset)
    print(
        f"reviews exported: {len(found)} articles, {sum(len(c.spans) for c in found)} fragments -> {dataset}"
    )

    before = {"taught": scores(args.model, taught), "held out": scores(args.model, held_out)}
    base_dev = detector.info.dev_scores.get("onnx_int8", {})
    config = replace(TEACHING, start_from=args.model, extra_data=str(dataset), **_settings(args.set))
    print(f"recipe: {config}")
    started = time.monotonic()
    results = train(config, args.data, args.out, log=lambda m: print(f"  {m}", flush=True))
    minutes = (time.monotonic() - started) / 60
    model = Path(args.out) / "model"
    after = {"taught": scores(model, taught), "held out": scores(model, held_out)}
    dev = results.get("onnx_int8", {})

    print(f"\nteaching took {minutes:.1f} min on this CPU (train + dev tuning + export)")
    print("| articles | measure | before | after |")
    print("|---|---|---:|---:|")
    for part in ("taught", "held out"):
        for key in ("recall", "precision", "f1", "found_with_technique", "fragments"):
            print(f"| {part} | {key} | {before[part][key]:.3f} | {after[part][key]:.3f} |")
    for key in ("si_precision", "si_recall", "si_f1", "tc_micro_f1"):
        print(
            f"| PTC dev | {key} | {base_dev.get(key, float('nan')):.4f} | {dev.get(key, float('nan')):.4f} |"
        )


if __name__ == "__main__":
    main()
