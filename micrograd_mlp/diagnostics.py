"""Looking inside a network, layer by layer: how big its gradients are, what its neurons output, which ReLUs are dead.

These are the measurements of notebook 13 (gradient flow and initialisation):

- ``layer_gradient_sizes(model)``: after ``backward()``, the mean |∂L/∂w| over
  each layer's weights. If it shrinks layer after layer towards the inputs, the
  first layers hardly learn: the gradient *vanishes*.
- ``layer_outputs(model, X)``: what every neuron outputs on every point, one
  array per layer (computed with ``no_grad``, no graph kept).
- ``dead_relus(model, X)``: per hidden layer, how many ReLU neurons output 0 on
  every point of X. Such a neuron passes no gradient back (relu'(z) = 0 for
  z < 0), so nothing can change its weights through it: it stays dead.
"""

import numpy as np

from .engine import no_grad

__all__ = ["layer_gradient_sizes", "layer_outputs", "dead_relus"]


def layer_gradient_sizes(model):
    """For each layer of ``model`` (the first, next to the inputs, first): the mean of |w.grad| over its weights.

    Biases are left out: a weight's gradient is (its neuron's gradient) × (its
    input), so it shows both how much gradient arrives and how big the signal is.
    """
    sizes = []
    for layer in model.layers:
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        sizes.append(sum(grads) / len(grads))
    return sizes


def layer_outputs(model, X):
    """Every layer's outputs on the points ``X``: a list of arrays of shape (len(X), layer width)."""
    outputs = [[] for _ in model.layers]
    with no_grad():
        for point in X:
            signal = [float(coordinate) for coordinate in point]
            for layer, collected in zip(model.layers, outputs):
                signal = layer(signal)
                collected.append([value.data for value in signal])
    return [np.array(collected) for collected in outputs]


def dead_relus(model, X):
    """For each hidden ReLU layer: how many of its neurons output exactly 0 on every point of ``X``."""
    hidden = model.layers[:-1]
    if not hidden or any(layer.neurons[0].activation != "relu" for layer in hidden):
        raise ValueError("dead_relus needs a model whose hidden layers use relu, e.g. MLP(2, [16, 16, 1], activation='relu')")
    return [int(np.sum(np.all(outputs == 0.0, axis=0))) for outputs in layer_outputs(model, X)[:-1]]
