"""Fixed-point machine learning, arithmetized.

- :mod:`zkpot.ml.fixedpoint` — the fixed-point format: quantization, the floor rescale and
  its remainder, a declared bound, the field encoding.

To come: a small MLP with a float reference in numpy and a bit-exact integer twin,
datasets, the error report, and the circuits that prove a training step and a model's
accuracy.
"""
