"""Paragraphs alone vs inside their article: how far context changes a model's highlights on dev.

Usage: python tools/paragraph_agreement.py MODEL [ARTICLES_DIR]

MODEL is a name (default, accurate) or a model folder; ARTICLES_DIR defaults to
../shared/data/ptc/dev-articles.
Prints SI precision/recall/F1 of the spans of each line analysed alone against the spans the same line gets
inside its article (`proplens.training.measures.paragraph_agreement`), as JSON.
"""

from __future__ import annotations

import json
import sys

from proplens.io import ptc
from proplens.models.detector import load_detector
from proplens.training.measures import paragraph_agreement


def main() -> None:
    model = sys.argv[1] if len(sys.argv) > 1 else "default"
    folder = sys.argv[2] if len(sys.argv) > 2 else "../shared/data/ptc/dev-articles"
    result = paragraph_agreement(load_detector(model), ptc.read_articles(folder))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
