"""Copy the shipped default model into a built extension, with what the in-browser detector needs beside it:
    python extension/tools/model_files.py OUT_DIR
writes OUT_DIR/model/ (encoder.onnx, technique_head.npz, tokenizer.json, detector.json from the Python
package, never committed twice), techniques.json (ids, names, definitions, colours of the PTC taxonomy)
and stop-words.json (spaCy's English stop words, for the cue words)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from proplens import techniques
from proplens.models.catalog import DEFAULT_MODEL_DIR
from proplens.models.cues import stop_words

FILES = ("encoder.onnx", "technique_head.npz", "tokenizer.json", "detector.json")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[1].strip())
    model = Path(sys.argv[1]) / "model"
    model.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(DEFAULT_MODEL_DIR / name, model / name)
    listed = [
        {"id": t.id, "name": t.name, "definition": t.definition, "colour": t.colour}
        for t in techniques.techniques("ptc")
    ]
    (model / "techniques.json").write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    (model / "stop-words.json").write_text(json.dumps(sorted(stop_words())), encoding="utf-8")


if __name__ == "__main__":
    main()
