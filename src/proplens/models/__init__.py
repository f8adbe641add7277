"""The detector: windows over whole articles, a span tagger and a technique head on one encoder.

Inference (`detector`, `onnx_encoder`, `heads`) needs only numpy, tokenizers and onnxruntime; training and
export (`network`, `training`, `export`) need the ``train`` extra (torch, transformers).
"""
