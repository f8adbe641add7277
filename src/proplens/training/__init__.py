"""Training, export and dev tuning of detector models; needs the ``train`` extra (torch, transformers, onnx).

Nothing in the runtime (`proplens.models`, the CLI's analysis commands, the web app) imports this package:
inference runs on onnxruntime alone. The entry points are `loop.train` (``proplens train``), and
`runs.soup`, `runs.ensemble`, `runs.export_run` (``proplens soup | ensemble | export``); the rest of the
package is the pieces they are built from:

- ``config``: the recipe (`TrainConfig`, a TOML file); ``base_encoders``: the offline pretrained encoders;
  ``precision``: fp32 or bf16 for this CPU.
- ``data``: the corpus and its training windows; ``examples``: windows with BIO tags and gold spans;
  ``distillation``: a teacher's soft targets; ``batches`` and ``losses``: one training step's tensors and
  loss; ``network``: the torch model.
- ``export``: torch to the shipped int8-stored ONNX model; ``tuning``, ``calibration`` and ``measures``:
  the operating point, calibration and dev figures recorded with it.
"""
