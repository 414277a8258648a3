"""Fixed-point machine learning, arithmetized.

- :mod:`zkpot.ml.fixedpoint` — the fixed-point format: quantization, the floor rescale and
  its remainder, a declared bound, the field encoding.
- :mod:`zkpot.ml.model` — an MLP whose forward pass, backward pass and SGD step are written
  once, over a float arithmetic (the reference) or a bit-exact fixed-point one.
- :mod:`zkpot.ml.train` — mini-batch SGD with power-of-two rates and batches.
- :mod:`zkpot.ml.datasets` — Fisher's Iris (bundled), Gaussian blobs, train/test splits and
  IID or Dirichlet splits among a federation's participants.
- :mod:`zkpot.ml.report` — what quantization costs, layer by layer (``zkpot quantize-report``).
- :mod:`zkpot.ml.headroom` — the worst case of a round: why an honest participant can always
  train, and the bounds a spec is refused without.

To come: the circuits that prove a training step and a model's accuracy.
"""
