"""The Python API: `analyze` one article, `analyze_many` a stream of them, with one model per process.

Both accept plain text or an `Article`. The detector is loaded on first use and kept (per model path), so
calling `analyze` in a loop costs one model load, not one per call; `analyze_many` streams any number of
articles, reading `batch_size` of them at a time (the results do not depend on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from proplens._batching import batched
from proplens.analysis import in_taxonomy, summarise
from proplens.document import Analysis, Article
from proplens.errors import Cancelled, ProplensError
from proplens.models.catalog import MODEL_NAMES, local_models, model_in_use
from proplens.models.detector import Detector, load_detector
from proplens.sources.core import article_from_text
from proplens.techniques import Taxonomy

__all__ = ["analyze", "analyze_many", "load_model"]

_LOADED: dict[str, Detector] = {}

Model = Detector | str | Path | None


def load_model(model: Model = None) -> Detector:
    """The detector `model` names (``"default"`` or ``None``: the shipped one; ``"accurate"``: the larger
    model, if installed; or a model directory), cached."""
    if isinstance(model, Detector):
        return model
    key = model_in_use() if model is None else str(model)
    if key not in MODEL_NAMES and key not in dict(local_models()):
        key = str(Path(key).resolve())
    if key not in _LOADED:
        _LOADED[key] = load_detector(key)
    return _LOADED[key]


def as_article(item: str | Article) -> Article:
    """An `Article` as is; a string becomes one by `proplens.sources.article_from_text` (the CLI's and
    the web app's way), its id a hash of its text."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return article_from_text(item)
    raise ProplensError(f"expected text (str) or an Article, got {type(item).__name__}")


def analyze(
    item: str | Article,
    *,
    min_score: float | None = None,
    model: Model = None,
    entities: bool = True,
    taxonomy: Taxonomy | str = Taxonomy.PTC,
) -> Analysis:
    """Find the techniques in one article and summarise them.

    `min_score` is the lowest score a fragment needs to be reported: its calibrated probability of being
    propaganda, which is each span's `score` (``None``: the model's minimum, tuned on the dev set; lower
    values reveal more fragments). `entities=False` skips target detection (faster).
    `taxonomy="semeval2023"` reports SemEval-2023 technique ids instead of PTC ones.
    """
    return next(analyze_many([item], min_score=min_score, model=model, entities=entities, taxonomy=taxonomy))


def analyze_many(
    items: Iterable[str | Article],
    *,
    batch_size: int = 16,
    min_score: float | None = None,
    model: Model = None,
    entities: bool = True,
    taxonomy: Taxonomy | str = Taxonomy.PTC,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[Analysis]:
    """Analyses of `items`, in order, streamed: reads `batch_size` items at a time, never the whole input.

    The encoder takes one window per call whatever `batch_size` is, so results never depend on it.
    `should_stop` is asked between encoder calls; when it says yes, `Cancelled` is raised."""
    if batch_size < 1:
        raise ProplensError(f"batch_size must be at least 1, got {batch_size}")
    if min_score is not None and not 0.0 < min_score < 1.0:
        raise ProplensError(f"min_score must lie strictly between 0 and 1, got {min_score}")
    try:
        taxonomy = Taxonomy(taxonomy)
    except ValueError:
        known = ", ".join(s.value for s in Taxonomy)
        raise ProplensError(f"unknown taxonomy {taxonomy!r} (known: {known})") from None
    detector = load_model(model)
    for batch in batched(map(as_article, items), batch_size):
        for found in detector.analyze(batch, min_score=min_score, should_stop=should_stop):
            if should_stop is not None and should_stop():
                raise Cancelled("the analysis was cancelled")
            yield in_taxonomy(summarise(found, entities=entities), taxonomy)
