"""Inference: an MLP's scores at many points at once, as numpy matrix products.

Evaluating the graph one point at a time builds thousands of Values per point;
``predict`` runs the same weights as one matrix product per layer, so a 200×200
grid (40,000 points) takes milliseconds. A test checks it against the scalar
forward pass. Training measures its validation points with it, plots draw
decision boundaries with it.
"""

import numpy as np

from .nn import MLP

__all__ = ["predict"]

_NUMPY_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # equals 1/(1+e^−z) without overflow
}


def predict(model, points):
    """The scores of an MLP at many points at once, as a numpy array (one row of outputs per point)."""
    if not isinstance(model, MLP):
        raise TypeError(f"predict works on an MLP, got {type(model).__name__}")
    a = np.asarray(points, dtype=float)
    if a.ndim != 2 or a.shape[1] != model.nin:
        raise ValueError(f"points must be an array of shape (n, {model.nin}), got shape {a.shape}")
    for layer in model.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
        b = np.array([neuron.b.data for neuron in layer.neurons])
        a = _NUMPY_ACTIVATIONS[layer.neurons[0].activation](a @ W.T + b)
    return a
