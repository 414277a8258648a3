"""Fixed-point machine learning, arithmetized (to come).

This package will hold fixed-point arithmetic and quantization, a small MLP
with a float reference in numpy and a bit-exact integer twin, datasets, and the
circuits that prove a training step and a model's accuracy.
"""
