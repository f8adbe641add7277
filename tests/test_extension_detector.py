"""The extension's own detector (extension/src/detector/, run in Node) against proplens in Python: the same
tokens with the same character ranges on every dev article and on hostile text."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from proplens.models.catalog import DEFAULT_MODEL_DIR
from proplens.models.windows import load_tokenizer
from tests.conftest import PTC

EXTENSION = Path(__file__).resolve().parents[1] / "extension"
TOKENIZER = DEFAULT_MODEL_DIR / "tokenizer.json"


def _node(script: str, *args: object, stdin: str) -> object:
    if not shutil.which("node"):
        pytest.skip("no Node.js")
    done = subprocess.run(
        ["node", str(EXTENSION / "tools" / script), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def _code_points(text: str, offsets: list[list[int]]) -> list[tuple[int, int]]:
    """UTF-16 offsets (JavaScript's) as code point offsets (Python's)."""
    position, units = [], 0
    for c in text:
        position.append(units)
        units += 2 if ord(c) > 0xFFFF else 1
    index = {u: i for i, u in enumerate(position)} | {units: len(text)}
    return [(index[a], index[b]) for a, b in offsets]


HOSTILE = [
    "Ünïcödé Ämbiguity: naïve café — “quotes” and \u2018single\u2019… İstanbul ΣΊΣΥΦΟΣ straße",
    "Emoji 🇺🇸 flags 👩‍👩‍👧 and 𝔪𝔞𝔱𝔥 letters, tabs\tand\u00a0nbsp\u200bzero-width\ufeffbom",
    "中文字符 mixed with English, 日本語のテキスト and 한국어 text; Ελληνικά; العربية; עברית",
    "!" * 300 + " " + "a" * 150 + " " + "supercalifragilisticexpialidocious" * 4,
    "control\x00chars\x07here\ufffd and \r\n line\u2028separators\u2029 end",
]


def test_the_tokenizer_matches_pythons_on_dev_and_hostile_text() -> None:
    texts = list(HOSTILE)
    if (PTC / "dev-articles").is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted((PTC / "dev-articles").glob("article*.txt"))]
    tokenizer = load_tokenizer(TOKENIZER)
    encodings = _node("encode.mjs", TOKENIZER, stdin=json.dumps(texts))
    assert isinstance(encodings, list) and len(encodings) == len(texts)
    tokens = 0
    for text, mine in zip(texts, encodings, strict=True):
        theirs = tokenizer.encode(text, add_special_tokens=False)
        kept = [(i, tuple(o)) for i, o in zip(theirs.ids, theirs.offsets, strict=True) if o[1] > o[0]]
        assert mine["ids"] == [i for i, _ in kept], text[:60]
        assert _code_points(text, mine["offsets"]) == [o for _, o in kept], text[:60]
        tokens += len(kept)
    assert tokens > 70_000 or not (PTC / "dev-articles").is_dir()


def test_span_probabilities_match_pythons_on_dev_articles() -> None:
    """onnxruntime-web (WebAssembly) on the shipped graph, windows and stitching in JavaScript: every
    token's span and begin probability within 1e-4 of `Detector.encode`'s, on 5 dev articles (every dev
    article goes through them in the next test)."""
    import numpy as np

    from proplens.document import Article
    from proplens.models.detector import load_detector

    if not (EXTENSION / "node_modules" / "onnxruntime-web").is_dir():
        pytest.skip("no extension/node_modules (make extension-deps installs them)")
    texts = list(HOSTILE[:3])
    if (PTC / "dev-articles").is_dir():
        texts += [
            p.read_text(encoding="utf-8") for p in sorted((PTC / "dev-articles").glob("article*.txt"))[:5]
        ]
    mine = _node("probabilities.mjs", DEFAULT_MODEL_DIR, stdin=json.dumps(texts))
    theirs = load_detector("default").encode([Article(str(n), t) for n, t in enumerate(texts)])
    assert isinstance(mine, list) and len(mine) == len(theirs)
    largest = 0.0
    for js, py in zip(mine, theirs, strict=True):
        assert len(js["span"]) == len(py.span_probabilities)
        largest = max(
            largest,
            float(np.abs(np.asarray(js["span"]) - py.span_probabilities).max(initial=0.0)),
            float(np.abs(np.asarray(js["begin"]) - py.begin_probabilities).max(initial=0.0)),
        )
    print(f"largest difference: {largest:.2e}")
    assert largest < 1e-4


def test_fragments_match_pythons_on_dev_articles(tmp_path: Path) -> None:
    """The whole in-browser detector (decoding, calibration, technique head, cues) against
    `Detector.analyze`: the same fragments and techniques, scores within 1e-4, on every dev article."""
    from proplens.document import Article
    from proplens.models.cues import stop_words
    from proplens.models.detector import load_detector

    if not (EXTENSION / "node_modules" / "onnxruntime-web").is_dir():
        pytest.skip("no extension/node_modules (make extension-deps installs them)")
    texts = list(HOSTILE[:3])
    if (PTC / "dev-articles").is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted((PTC / "dev-articles").glob("article*.txt"))]
    words = tmp_path / "stop-words.json"
    words.write_text(json.dumps(sorted(stop_words())), encoding="utf-8")
    mine = _node("analyze.mjs", DEFAULT_MODEL_DIR, words, stdin=json.dumps(texts))
    theirs = load_detector("default").analyze([Article(str(n), t) for n, t in enumerate(texts)])
    assert isinstance(mine, list) and len(mine) == len(theirs)
    fragments = 0
    for text, js, py in zip(texts, mine, theirs, strict=True):
        expected = sorted((s.start, s.end, s.technique, [list(c) for c in s.cues]) for s in py.spans)
        got = sorted(
            (
                *_code_points(text, [[s["start"], s["end"]]])[0],
                s["technique"],
                [list(c) for c in _code_points(text, s["cues"])],
            )
            for s in js["spans"]
        )
        assert got == expected, text[:60]
        scores = sorted((s.start, s.end, s.technique, s.score, s.technique_score) for s in py.spans)
        js_scores = sorted(
            (
                *_code_points(text, [[s["start"], s["end"]]])[0],
                s["technique"],
                s["score"],
                s["techniqueScore"],
            )
            for s in js["spans"]
        )
        for python, javascript in zip(scores, js_scores, strict=True):
            assert python[:3] == javascript[:3]
            assert abs(python[3] - javascript[3]) <= 1e-4, (python, javascript)
            assert abs(python[4] - javascript[4]) <= 1e-4, (python, javascript, text[python[0] : python[1]])
        fragments += len(expected)
    print(f"{fragments} fragments identical")
    assert fragments > 100 or not (PTC / "dev-articles").is_dir()
