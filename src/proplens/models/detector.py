"""The detector: articles in, technique spans out, with one encoder pass per window and no torch.

Pipeline: tokenise each article whole -> overlapping windows -> all windows of a batch of articles sorted by
length and run through the encoder in mini-batches -> per-token outputs stitched back per article ->
span probabilities decoded to character spans (threshold tuned on dev) -> each fragment's pooled token
vectors plus surface features -> technique probabilities from a small numpy head.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from proplens.document import Analysis, Article, Span
from proplens.errors import Cancelled, ModelError
from proplens.models.calibration import apply_span_calibration, span_calibration_features
from proplens.models.catalog import DEFAULT_MODEL_DIR, model_directory
from proplens.models.cues import cue_words
from proplens.models.decoding import DECODERS, SpanDecoder, ThresholdDecoder, ViterbiDecoder
from proplens.models.features import FEATURE_NAMES, span_features
from proplens.models.heads import EnsembleHead, TechniqueHead, pool, read_head, softmax
from proplens.models.token_features import TOKEN_FEATURE_NAMES, token_features
from proplens.models.windows import (
    TokenizedText,
    Window,
    load_tokenizer,
    plan_windows,
    special_tokens,
    stitch,
    token_range,
    tokenize,
)
from proplens.techniques import PTC_TECHNIQUE_IDS

__all__ = [
    "DEFAULT_MODEL_DIR",
    "Detector",
    "EncodedArticle",
    "ModelInfo",
    "load_detector",
]

Array = NDArray[np.float32]
Encoder = Callable[[NDArray[np.int64], NDArray[np.int64]], tuple[Array, Array]]

ENCODER_FILE = "encoder.onnx"
HEAD_FILE = "technique_head.npz"
INFO_FILE = "detector.json"
TOKENIZER_FILE = "tokenizer.json"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a model directory's ``detector.json`` says: shapes, operating point and provenance."""

    name: str = "proplens-detector"
    version: str = "0"
    techniques: tuple[str, ...] = PTC_TECHNIQUE_IDS
    features: tuple[str, ...] = FEATURE_NAMES
    max_tokens: int = 126
    overlap: int = 24
    threshold: float = 0.4
    """Span operating point: a token is inside a propaganda span when its probability is at least this."""
    max_gap: int = 2
    """Runs of span tokens separated by at most this many non-word characters are joined."""
    peak: float = 0.0
    """A span is kept only if one of its tokens reaches this probability (hysteresis; <= threshold: off)."""
    split: float | None = None
    """A token with p(B) >= this (and above p(I)) starts a new span (None: off). See models/decoding.py."""
    cross: float | None = None
    """A span runs across a line break or sentence end only if both sides reach this (None: always)."""
    trim: bool = False
    """Spans do not end on function words or stray punctuation (see models/decoding.py)."""
    complete_ends: bool = False
    """A span one word short of its clause's end takes that word in (see models/decoding.py)."""
    decoder: str = "threshold"
    """"threshold": runs of tokens above `threshold` (`decode_spans`); "viterbi": the most probable valid
    BIO sequence (`viterbi_spans`, with `viterbi_bias`, `begin_penalty` and `peak`)."""
    viterbi_bias: float = 1.0
    """Added to the log-probabilities of B and I before the Viterbi search."""
    begin_penalty: float = 0.0
    """Added to a B that follows a span token in the Viterbi search (negative: fewer, longer spans)."""
    repetition_boost: float = 0.0
    """Added to Repetition's log-probability when the fragment occurs at least 3 times in the article.

    The corpus marks repeated phrases as Repetition far more often than the technique head learns from the
    repetition-count feature alone; this one number, tuned on dev, corrects that."""
    secondary: float = 0.5
    """A fragment gets a second (third, ...) technique when its probability is at least this."""
    span_calibration: tuple[float, ...] = ()
    """Logistic weights turning a span's token probabilities into P(it overlaps an annotated span)
    (see models/calibration.py); empty: a span's score is its mean token probability."""
    temperature: float = 1.0
    """The technique head's logits are divided by this before the softmax (calibration)."""
    candidate_bias: float | None = None
    """The Viterbi bias of a second, more permissive decoding pass: its spans that do not overlap the first
    pass's are candidates too, with their own (lower) scores, so a lower `min_score` reveals more. None:
    the model predates candidates and `peak` chooses its spans."""
    min_score: float | None = None
    """The default minimum score of a reported span (the fragment's calibrated probability times the
    technique's probability), tuned on dev: a fragment is reported when its best technique's score reaches
    it. None: the model predates it (`peak` chooses the spans, a minimum raises the peak)."""
    token_features: tuple[str, ...] = ()
    """The surface signals the tagger reads besides the encoder (`token_features.TOKEN_FEATURE_NAMES`);
    empty: none."""
    token_feature_weights: tuple[float, ...] = ()
    """Added to a token's O, B and I logits: one row of ``len(token_features)`` weights per tag, flat."""
    base_encoder: str = ""
    quantized: bool = False
    dev_scores: dict[str, Any] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    """Outputs of a few short texts recorded at export, which every CPU must reproduce (see export.py)."""
    provenance: dict[str, Any] = field(default_factory=dict)
    """What it was trained from: ``trained_from`` (the model training continued from, or ""),
    ``reviewed_articles``, ``ptc_articles``, ``date`` (`proplens train`)."""

    @property
    def span_decoder(self) -> SpanDecoder:
        """The decoder and its settings as one value (models/decoding.py). ``detector.json`` keeps them as
        flat fields, so every model written so far still reads."""
        if self.decoder == "viterbi":
            return ViterbiDecoder(
                bias=self.viterbi_bias,
                begin_penalty=self.begin_penalty,
                peak=self.peak,
                trim=self.trim,
                complete_ends=self.complete_ends,
            )
        return ThresholdDecoder(
            threshold=self.threshold,
            max_gap=self.max_gap,
            peak=self.peak,
            split=self.split,
            cross=self.cross,
            trim=self.trim,
            complete_ends=self.complete_ends,
        )

    @property
    def model_id(self) -> str:
        """Name and version, recorded in every analysis so stored results can be re-run on a new model."""
        return f"{self.name}-{self.version}"

    @classmethod
    def read(cls, path: Path) -> ModelInfo:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelError(f"cannot read {path}: {error}") from None
        known = set(cls.__dataclass_fields__)
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class EncodedArticle:
    """An article after the encoder pass: its tokens, each token's span probability (1 - p(O)), its
    probability of beginning a span (p(B)) and its vector."""

    article: Article
    tokens: TokenizedText
    span_probabilities: Array
    hidden: Array
    begin_probabilities: Array


class Detector:
    """Finds technique spans in articles. Load with `load_detector`; reuse it, loading costs a second."""

    def __init__(
        self,
        tokenizer: Any,
        encoder: Encoder,
        head: TechniqueHead | EnsembleHead,
        info: ModelInfo,
        *,
        batch_size: int = 16,
    ) -> None:
        if head.n_techniques != len(info.techniques):
            raise ModelError(f"technique head has {head.n_techniques} outputs for {len(info.techniques)}")
        if info.decoder not in DECODERS:
            raise ModelError(f"unknown decoder {info.decoder!r} in the model (known: {', '.join(DECODERS)})")
        self.token_feature_weights = _token_feature_weights(info)
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.head = head
        self.info = info
        self.batch_size = batch_size
        self.prefix, self.suffix = special_tokens(tokenizer)

    def with_operating_point(self, **changes: Any) -> Detector:
        """The same model with other `ModelInfo` decoding or reporting fields (threshold, peak, max_gap,
        secondary, min_score, calibration, ...); it shares the loaded encoder."""
        return Detector(
            self.tokenizer, self.encoder, self.head, replace(self.info, **changes), batch_size=self.batch_size
        )

    # -- encoder pass -------------------------------------------------------------------------------

    def encode(
        self, articles: Sequence[Article], *, should_stop: Callable[[], bool] | None = None
    ) -> list[EncodedArticle]:
        """Run the encoder over every window of every article; windows of all articles share batches
        (sorted by length, so padding stays small). `should_stop` is asked before every encoder call: when
        it says yes, `Cancelled` is raised (a web request that timed out stops its work within a window)."""
        tokenized = [tokenize(self.tokenizer, a.text) for a in articles]
        jobs: list[tuple[int, Window, tuple[int, ...]]] = []
        for index, tokens in enumerate(tokenized):
            for window in plan_windows(
                len(tokens), max_tokens=self.info.max_tokens, overlap=self.info.overlap
            ):
                jobs.append((index, window, tokens.ids[window.token_start : window.token_end]))
        order = sorted(range(len(jobs)), key=lambda j: len(jobs[j][2]))
        probabilities: list[Array | None] = [None] * len(jobs)
        begins: list[Array | None] = [None] * len(jobs)
        vectors: list[Array | None] = [None] * len(jobs)
        surface: list[Array | None] = [None] * len(articles)
        for first in range(0, len(order), self.batch_size):
            if should_stop is not None and should_stop():
                raise Cancelled("the analysis was cancelled")
            batch = order[first : first + self.batch_size]
            ids, mask = self._pad([jobs[j][2] for j in batch])
            tag_logits, hidden = self.encoder(ids, mask)
            if self.token_feature_weights is not None:
                tag_logits = np.array(tag_logits, dtype=np.float32)  # a copy the encoder does not own
                for row, j in enumerate(batch):
                    index, window, content_ids = jobs[j]
                    if surface[index] is None:
                        surface[index] = token_features(articles[index].text, tokenized[index].offsets)
                    signals = surface[index][window.token_start : window.token_end]  # type: ignore[index]
                    content = slice(len(self.prefix), len(self.prefix) + len(content_ids))
                    tag_logits[row, content] += signals @ self.token_feature_weights.T
            tag_probabilities = softmax(tag_logits)
            for row, j in enumerate(batch):
                content = slice(len(self.prefix), len(self.prefix) + len(jobs[j][2]))
                probabilities[j] = 1.0 - tag_probabilities[row, content, 0]
                begins[j] = tag_probabilities[row, content, 1]
                vectors[j] = hidden[row, content]
        by_article: list[list[int]] = [[] for _ in articles]
        for j, job in enumerate(jobs):
            by_article[job[0]].append(j)
        encoded = []
        for article, tokens, mine in zip(articles, tokenized, by_article, strict=True):
            windows = [jobs[j][1] for j in mine]
            if windows:
                span_probabilities = stitch(len(tokens), windows, [probabilities[j] for j in mine])  # type: ignore[misc]
                begin_probabilities = stitch(len(tokens), windows, [begins[j] for j in mine])  # type: ignore[misc]
                hidden_states = stitch(len(tokens), windows, [vectors[j] for j in mine])  # type: ignore[misc]
            else:
                span_probabilities = np.zeros((0,), dtype=np.float32)
                begin_probabilities = np.zeros((0,), dtype=np.float32)
                hidden_states = np.zeros((0, 1), dtype=np.float32)
            encoded.append(
                EncodedArticle(article, tokens, span_probabilities, hidden_states, begin_probabilities)
            )
        return encoded

    def _pad(self, windows: Sequence[Sequence[int]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        rows = [[*self.prefix, *w, *self.suffix] for w in windows]
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return ids, mask

    # -- spans and techniques -----------------------------------------------------------------------

    def find_spans(
        self, encoded: EncodedArticle, *, minimum: float | None = None
    ) -> list[tuple[int, int, float]]:
        """``(start, end, score)`` character spans at the model's operating point (`ModelInfo.span_decoder`).

        A `minimum` raises the operating point (`raised_to`): the peak a Viterbi span must reach, the
        threshold decoder's token threshold. Either way a higher value never lets weaker spans through.
        """
        decoder = self.info.span_decoder
        if minimum is not None:
            decoder = decoder.raised_to(minimum)
        return self._scored(encoded, self._decode(encoded, decoder))

    def _decode(self, encoded: EncodedArticle, decoder: SpanDecoder) -> list[tuple[int, int, float]]:
        return decoder.spans(
            encoded.article.text,
            encoded.tokens.offsets,
            encoded.span_probabilities.tolist(),
            encoded.begin_probabilities.tolist(),
        )

    def _scored(
        self, encoded: EncodedArticle, spans: list[tuple[int, int, float]]
    ) -> list[tuple[int, int, float]]:
        """The spans with their calibrated scores (`ModelInfo.span_calibration`), if the model has one."""
        if not self.info.span_calibration:
            return spans
        weights = self.info.span_calibration
        return [
            (s, e, apply_span_calibration(weights, self.span_features(encoded, s, e))) for s, e, _ in spans
        ]

    def candidates(self, encoded: EncodedArticle) -> list[tuple[int, int, float]]:
        """``(start, end, score)`` of every fragment the model considers, with calibrated scores: the
        Viterbi spans at the tuned bias whatever their peak, then those of the permissive pass
        (`ModelInfo.candidate_bias`) that overlap none of them. A model without candidates gives the
        spans at its operating point."""
        decoder = self.info.span_decoder
        if self.info.candidate_bias is None or not isinstance(decoder, ViterbiDecoder):
            return self.find_spans(encoded)
        found = self._decode(encoded, replace(decoder, peak=0.0))
        extra = self._decode(encoded, replace(decoder, peak=0.0, bias=self.info.candidate_bias))
        return self._scored(encoded, sorted(found + _not_overlapping(extra, found)))

    def fragments(
        self, encoded: EncodedArticle, *, min_score: float | None = None
    ) -> list[tuple[int, int, float, Array]]:
        """``(start, end, score, technique probabilities)`` of the fragments to report.

        A fragment's score is its calibrated probability of being (part of) a propaganda span. A model
        with `ModelInfo.min_score` reports each candidate whose score reaches `min_score` (default: the
        tuned one), so a lower minimum reveals more fragments and every reported score is at least the
        minimum. An older model raises its peak to `min_score` and then applies the same filter."""
        if self.info.min_score is None:
            found = self.find_spans(encoded, minimum=min_score)
            minimum = 0.0 if min_score is None else min_score
        else:
            found = self.candidates(encoded)
            minimum = self.info.min_score if min_score is None else min_score
        rows = self.classify(encoded, [(s, e) for s, e, _ in found])
        return [
            (s, e, _reported(p), row)
            for (s, e, p), row in zip(found, rows, strict=True)
            if _reported(p) >= minimum
        ]

    def span_features(self, encoded: EncodedArticle, start: int, end: int) -> list[float]:
        """The calibration features of the character span ``[start, end)`` (see models/calibration.py)."""
        found = token_range(encoded.tokens.offsets, start, end) or _nearest_token(
            encoded.tokens.offsets, start
        )
        return span_calibration_features(encoded.span_probabilities[found[0] : found[1]].tolist())

    def classify(self, encoded: EncodedArticle, ranges: Sequence[tuple[int, int]]) -> Array:
        """Technique probabilities ``[len(ranges), n_techniques]`` for the given character ranges."""
        return softmax(self.technique_logits(encoded, ranges) / self.info.temperature)

    def technique_logits(self, encoded: EncodedArticle, ranges: Sequence[tuple[int, int]]) -> Array:
        """The technique head's logits (with the repetition boost) for the given character ranges."""
        if not ranges:
            return np.zeros((0, len(self.info.techniques)), dtype=np.float32)
        text, offsets = encoded.article.text, encoded.tokens.offsets
        if not offsets:
            return np.zeros((len(ranges), len(self.info.techniques)), np.float32)
        lowered = text.lower()
        pooled, features = [], []
        for start, end in ranges:
            found = token_range(offsets, start, end) or _nearest_token(offsets, start)
            pooled.append(pool(encoded.hidden, *found))
            features.append(span_features(text, start, end, lowered=lowered))
        logits = self.head.logits(np.stack(pooled), np.asarray(features, dtype=np.float32))
        if self.info.repetition_boost and "Repetition" in self.info.techniques:
            repeated = np.array([_occurrences(lowered, text[s:e]) >= 3 for s, e in ranges])
            logits[repeated, self.info.techniques.index("Repetition")] += self.info.repetition_boost
        return logits

    def analyze(
        self,
        articles: Sequence[Article],
        *,
        min_score: float | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Analysis]:
        """One `Analysis` per article: each detected fragment with its technique(s).

        A fragment always gets its most probable technique; further techniques are added when their
        probability reaches ``info.secondary``. A span's `score` is its fragment's calibrated probability
        of being propaganda, never below `min_score` (default: the model's tuned one; see `fragments`);
        its `technique_score` is the (calibrated) probability of its technique there.
        """
        analyses = []
        minimum = min_score if min_score is not None else (self.info.min_score or 0.0)
        for encoded in self.encode(articles, should_stop=should_stop):
            spans = []
            text, offsets = encoded.article.text, encoded.tokens.offsets
            for start, end, score, row in self.fragments(encoded, min_score=min_score):
                cues = cue_words(text, offsets, encoded.span_probabilities, start, end)
                ranked = np.argsort(-row)
                for rank, t in enumerate(ranked):
                    if rank > 0 and row[t] < self.info.secondary:
                        break
                    technique = self.info.techniques[t]
                    spans.append(
                        Span(start, end, technique, score, cues=cues, technique_score=_reported(row[t]))
                    )
            # the minimum travels with the analysis: pages say which fragments were not kept
            analyses.append(
                Analysis(
                    encoded.article,
                    tuple(spans),
                    model=self.info.model_id,
                    figures={"min_score": round(minimum, 4)},
                )
            )
        return analyses


def _not_overlapping(
    spans: list[tuple[int, int, float]], others: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """The `spans` that overlap none of `others`; both sorted and each free of overlaps (decoder runs), so
    one sweep does it (linear, whatever the number of spans)."""
    kept, at = [], 0
    for span in spans:
        while at < len(others) and others[at][1] <= span[0]:
            at += 1
        if at == len(others) or others[at][0] >= span[1]:
            kept.append(span)
    return kept


def _reported(score: float) -> float:
    """A score as reported (4 decimals): the minimum is compared with this number, so what is shown is
    what was compared."""
    return round(float(score), 4)


def _token_feature_weights(info: ModelInfo) -> Array | None:
    """``[3, n_signals]`` from `ModelInfo`, checked against the signals this proplens computes."""
    if not info.token_features and not info.token_feature_weights:
        return None
    if info.token_features != TOKEN_FEATURE_NAMES:
        unknown = sorted(set(info.token_features) - set(TOKEN_FEATURE_NAMES)) or ["their order"]
        raise ModelError(f"the model's token features differ from this proplens's: {', '.join(unknown)}")
    if len(info.token_feature_weights) != 3 * len(TOKEN_FEATURE_NAMES):
        raise ModelError(
            f"the model has {len(info.token_feature_weights)} token feature weights, "
            f"expected {3 * len(TOKEN_FEATURE_NAMES)}"
        )
    return np.asarray(info.token_feature_weights, dtype=np.float32).reshape(3, -1)


def _occurrences(lowered_text: str, fragment: str) -> int:
    needle = fragment.lower().strip()
    return lowered_text.count(needle) if needle else 0


def _nearest_token(offsets: Sequence[tuple[int, int]], start: int) -> tuple[int, int]:
    index = min(range(len(offsets)), key=lambda i: abs(offsets[i][0] - start))
    return index, index + 1


def load_detector(path: str | Path | None = None, *, threads: int = 0, batch_size: int = 16) -> Detector:
    """Load a model (a directory, or a name of `catalog.MODEL_NAMES`; ``None``: the shipped default) for
    ONNX inference.

    `threads` windows are encoded at once (0: one per core), each alone on one core (see `OnnxEncoder`),
    so a window's outputs do not depend on `batch_size` or on the other articles; `batch_size` is how
    many windows are handed over together (and how often a cancelled analysis is noticed).
    """
    from proplens.models.onnx_encoder import OnnxEncoder

    directory = model_directory(path)
    missing = [
        f for f in (ENCODER_FILE, HEAD_FILE, INFO_FILE, TOKENIZER_FILE) if not (directory / f).is_file()
    ]
    if missing:
        raise ModelError(f"{directory} is not a proplens model directory (missing {', '.join(missing)})")
    info = ModelInfo.read(directory / INFO_FILE)
    head = read_head(directory / HEAD_FILE)
    tokenizer = load_tokenizer(directory / TOKENIZER_FILE)
    encoder = OnnxEncoder(directory / ENCODER_FILE, threads=threads)
    return Detector(tokenizer, encoder, head, info, batch_size=batch_size)
