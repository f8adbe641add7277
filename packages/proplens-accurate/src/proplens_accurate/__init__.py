"""proplens's `accurate` model as a package of its own: the files `proplens.models.load_detector("accurate")`
reads live in ``model/`` beside this module. It holds data only; proplens itself runs it."""

from pathlib import Path

MODEL_DIR = Path(__file__).parent / "model"
