"""Models made from finished runs without training again: a soup (mean weights), an output ensemble, and
an export of a run's kept weights."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from proplens.errors import ModelError
from proplens.models.detector import ModelInfo
from proplens.models.windows import load_tokenizer
from proplens.training.config import write_config
from proplens.training.data import load_training_data
from proplens.training.loop import Log, average_weights, evaluate_network
from proplens.training.network import new_network

__all__ = ["ensemble", "export_run", "soup"]


def soup(
    runs: Sequence[str | Path], data: str | Path, out: str | Path, *, log: Log = print
) -> dict[str, Any]:
    """A "model soup": the element-wise mean of several finished runs' weights, then the usual export.

    Runs fine-tuned from the same base encoder sit in one basin of the loss, so their mean is itself a
    good model and often a better one than each ingredient (Wortsman et al., 2022) -- an ensemble that
    costs nothing at inference, where a real ensemble would run the encoder once per member. The runs
    must share the base encoder and head shapes; the first run's config and tokenizer are used.
    """
    import torch

    from proplens.training.config import load_config

    folders = [Path(r) for r in runs]
    if len(folders) < 2:
        raise ModelError("a soup needs at least two runs")
    missing = [str(f) for f in folders if not (f / "best.pt").is_file() or not (f / "train.toml").is_file()]
    if missing:
        raise ModelError(f"not a finished run (no best.pt or train.toml): {', '.join(missing)}")
    config = load_config(folders[0] / "train.toml")
    corpus = load_training_data(data, config)
    tokenizer = load_tokenizer(folders[0] / "tokenizer.json")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(out / "tokenizer.json"))
    write_config(out / "train.toml", config)
    with (out / "train.toml").open("a", encoding="utf-8") as recipe:
        recipe.write(
            f"# weights: the mean of the runs {', '.join(str(f) for f in folders)} (proplens soup)\n"
        )
    network = new_network(config)
    try:
        network.load_state_dict(
            average_weights([torch.load(f / "best.pt", weights_only=True) for f in folders])
        )
    except (RuntimeError, KeyError) as error:
        raise ModelError(f"the runs do not have the same network shape: {error}") from None
    evaluate_network(network, tokenizer, config, corpus, log, f"soup of {len(folders)} runs")
    torch.save(network.state_dict(), out / "best.pt")
    from proplens.training.export import finalize

    return finalize(network, tokenizer, config, corpus, out, log=log)


def ensemble(
    runs: Sequence[str | Path],
    data: str | Path,
    out: str | Path,
    *,
    log: Log = print,
) -> dict[str, Any]:
    """An output ensemble of exported runs: one graph that runs their encoders side by side on each window
    (mean tag probabilities, token vectors side by side), the mean of their technique heads' logits, then
    the usual int8, dev tuning and scores (`export.finish`).

    Unlike a soup it costs one encoder pass per member, and unlike a soup it works for runs that do not
    share a basin (other seeds, other heads). The runs must share the tokenizer and the window settings.
    """
    from proplens.models.detector import HEAD_FILE, INFO_FILE
    from proplens.models.heads import EnsembleHead, TechniqueHead, read_head
    from proplens.training.config import load_config
    from proplens.training.export import ensemble_graph, finish

    folders = [Path(r) for r in runs]
    if len(folders) < 2:
        raise ModelError("an ensemble needs at least two runs")
    needed = ("encoder-fp32.onnx", f"model/{HEAD_FILE}", f"model/{INFO_FILE}", "train.toml", "tokenizer.json")
    missing = [f"{f}/{n}" for f in folders for n in needed if not (f / n).is_file()]
    if missing:
        raise ModelError(f"not an exported run (proplens export RUN): no {', '.join(missing)}")
    configs = [load_config(f / "train.toml") for f in folders]
    if len({(c.max_tokens, c.overlap) for c in configs}) != 1:
        raise ModelError("the runs read articles in different windows (max_tokens, overlap)")
    if len({(f / "tokenizer.json").read_bytes() for f in folders}) != 1:
        raise ModelError("the runs do not share one tokenizer")
    heads = []
    for folder in folders:
        head = read_head(folder / "model" / HEAD_FILE)
        if not isinstance(head, TechniqueHead):
            raise ModelError(f"{folder} is an ensemble already; name its members instead")
        heads.append(head)
        if ModelInfo.read(folder / "model" / INFO_FILE).token_features:
            raise ModelError(f"{folder}: an ensemble cannot combine taggers that read token features")
    config = configs[0]
    corpus = load_training_data(data, config)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_bytes((folders[0] / "tokenizer.json").read_bytes())
    write_config(out / "train.toml", config)
    with (out / "train.toml").open("a", encoding="utf-8") as recipe:
        recipe.write(
            f"# an output ensemble of the runs {', '.join(str(f) for f in folders)} (proplens ensemble)\n"
        )
    ensemble_graph([f / "encoder-fp32.onnx" for f in folders], out / "encoder-fp32.onnx")
    tokenizer = load_tokenizer(out / "tokenizer.json")
    return finish(out / "encoder-fp32.onnx", EnsembleHead(heads), tokenizer, config, corpus, out, log=log)


def export_run(
    run: str | Path, data: str | Path, *, log: Log = print, compare_variants: bool = True
) -> dict[str, Any]:
    """Export a finished run again (``RUN/best.pt`` -> ``RUN/model/``): ONNX, fusion, int8, dev tuning.

    For when the export changed but the weights did not: no training step is repeated.
    """
    import torch

    from proplens.training.config import load_config

    folder = Path(run)
    if not (folder / "best.pt").is_file() or not (folder / "train.toml").is_file():
        raise ModelError(f"not a finished run (no best.pt or train.toml): {folder}")
    config = load_config(folder / "train.toml")
    corpus = load_training_data(data, config)
    tokenizer = load_tokenizer(folder / "tokenizer.json")
    network = new_network(config)
    try:
        network.load_state_dict(torch.load(folder / "best.pt", weights_only=True))
    except (RuntimeError, KeyError) as error:
        raise ModelError(f"{folder / 'best.pt'} does not fit the configured network: {error}") from None
    from proplens.training.export import finalize

    return finalize(network, tokenizer, config, corpus, folder, log=log, compare_variants=compare_variants)
