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
- ``numpy_mlp``, ``numpy_backward``, ``numpy_fit``, ``numpy_accuracy``: the same
  networks, gradients and training steps as matrices, for many seeds and for
  networks too wide or deep for the scalar engine to train in seconds.
- ``saturation(outputs)``: the share of tanh outputs with |t| > 0.97, per layer
  (the statistic of Karpathy's "makemore part 3" lecture).
"""

import contextlib
import random

import numpy as np

try:  # scikit-learn's dependency: keeps numpy's small matrix products on one thread (many threads only wait on each other)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

from .engine import no_grad
from .nn import MLP

__all__ = [
    "layer_gradient_sizes", "layer_outputs", "dead_relus", "numpy_mlp", "numpy_from_model", "numpy_forward",
    "numpy_backward", "numpy_fit", "numpy_accuracy", "saturation",
]


def layer_gradient_sizes(model):
    """For each layer of ``model`` (the first, next to the inputs, first): the mean of |w.grad| over its weights.

    Biases are left out: a weight's gradient is (its neuron's gradient) × (its
    input), so it shows both how much gradient arrives and how big the signal is.
    """
    _require_mlp(model, "layer_gradient_sizes")
    sizes = []
    for layer in model.layers:
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        sizes.append(sum(grads) / len(grads))
    return sizes


def layer_outputs(model, X):
    """Every layer's outputs on the points ``X``: a list of arrays of shape (len(X), layer width)."""
    _require_mlp(model, "layer_outputs")
    outputs = [[] for _ in model.layers]
    with no_grad():
        for point in X:
            signal = [float(coordinate) for coordinate in point]
            for layer, collected in zip(model.layers, outputs):
                signal = layer(signal)
                collected.append([value.data for value in signal])
    return [np.array(collected, dtype=float).reshape(len(collected), len(layer.neurons))
            for collected, layer in zip(outputs, model.layers)]  # (0, width) for no points, not (0,)


def dead_relus(model, X):
    """For each hidden ReLU layer: how many of its neurons output exactly 0 on every point of ``X``."""
    _require_mlp(model, "dead_relus")
    if len(X) == 0:
        raise ValueError("dead_relus needs at least one point: a neuron is dead when it outputs 0 on every point of X")
    hidden = model.layers[:-1]
    if not hidden or any(layer.neurons[0].activation != "relu" for layer in hidden):
        raise ValueError("dead_relus needs a model whose hidden layers use relu, e.g. MLP(2, [16, 16, 1], activation='relu')")
    return [int(np.sum(np.all(outputs == 0.0, axis=0))) for outputs in layer_outputs(model, X)[:-1]]


def _require_mlp(model, what):
    if not isinstance(model, MLP):
        raise TypeError(f"{what} looks inside an MLP, layer by layer; got {type(model).__name__}: "
                        "wrap a single Layer as MLP(nin, [width])")


# ----------------------------------------------------------------------------------------------
# The same networks as matrices (numpy), for the experiments of notebook 13 that the scalar engine
# would take minutes over: wide and deep networks, many seeds. ``numpy_mlp(nin, widths, ...)`` draws
# exactly the weights of ``MLP(nin, widths, ..., seed=seed, init=init)`` (the same random.Random
# draws in the same order), and ``numpy_fit`` takes the same steps as ``fit(..., loss="bce",
# alpha=0.0, batch_size=b, seed=seed)`` with a constant learning rate: the same batches, the same
# updates, up to rounding (a test checks both against the engine).

_SLOPES = {
    "tanh": (np.tanh, lambda h: 1.0 - h * h),
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda h: h * (1.0 - h)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda h: (h > 0.0).astype(float)),
}


def numpy_mlp(nin, widths, init="uniform", seed=0):
    """The initial weights of ``MLP(nin, widths, init=init, seed=seed)`` as numpy arrays: [(W, b), ...], W of shape (fan_out, fan_in)."""
    from .nn import _init_bound

    rng = random.Random(seed)
    layers = []
    for fan_in, fan_out in zip([nin, *widths], widths):
        bound = _init_bound(init, fan_in, fan_out)
        W = np.array([[rng.uniform(-bound, bound) for _ in range(fan_in)] for _ in range(fan_out)])
        layers.append((W, np.zeros(fan_out)))
    return layers


def numpy_from_model(model):
    """A scalar-engine MLP's current weights as numpy arrays: [(W, b), ...]."""
    return [(np.array([[w.data for w in neuron.w] for neuron in layer.neurons]),
             np.array([neuron.b.data for neuron in layer.neurons])) for layer in model.layers]  # fmt: skip


def numpy_forward(layers, X, activation="tanh"):
    """Every layer's outputs on the points X (hidden layers through ``activation``, the last one linear)."""
    f, _ = _SLOPES[activation]
    outputs, signal = [], np.asarray(X, dtype=float)
    for i, (W, b) in enumerate(layers):
        z = signal @ W.T + b
        signal = z if i == len(layers) - 1 else f(z)
        outputs.append(signal)
    return outputs


def _one_thread():
    return threadpool_limits(1) if threadpool_limits else contextlib.nullcontext()


def numpy_backward(layers, X, y, activation="tanh"):
    """The mean binary cross-entropy on (X, y), and its gradients.

    Returns ``(loss, weight_grads, output_grads, outputs)``: (∂L/∂W, ∂L/∂b) of each layer, ∂L/∂h
    of each layer's outputs (one row per point), and the outputs themselves.
    """
    with _one_thread():
        return _numpy_backward(layers, X, y, activation)


def _numpy_backward(layers, X, y, activation):
    _, slope = _SLOPES[activation]
    outputs = numpy_forward(layers, X, activation)
    scores, labels = outputs[-1][:, 0], np.asarray(y, dtype=float)
    loss = float(np.mean(np.logaddexp(0.0, scores) - labels * scores))  # softplus(z) − y·z
    delta = ((1.0 / (1.0 + np.exp(-scores)) - labels) / len(labels))[:, None]  # ∂L/∂z of the output
    inputs = [np.asarray(X, dtype=float), *outputs[:-1]]
    weight_grads, output_grads = [None] * len(layers), [None] * len(layers)
    output_grads[-1] = delta
    for i in range(len(layers) - 1, -1, -1):
        W, _ = layers[i]
        if i != len(layers) - 1:
            output_grads[i] = delta
            delta = delta * slope(outputs[i])
        weight_grads[i] = (delta.T @ inputs[i], delta.sum(axis=0))
        delta = delta @ W
    return loss, weight_grads, output_grads, outputs


def numpy_fit(layers, X, y, activation="tanh", optimizer="sgd", lr=0.5, steps=30, batch_size=32, seed=0):
    """Train in place as ``fit(..., loss="bce", optimizer=optimizer, lr=lr, alpha=0.0, ...)`` does; returns the layers."""
    with _one_thread():
        return _numpy_fit(layers, X, y, activation, optimizer, lr, steps, batch_size, seed)


def _numpy_fit(layers, X, y, activation, optimizer, lr, steps, batch_size, seed):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rng = random.Random(seed)
    moments = [[np.zeros_like(p) for p in layer] for layer in layers], [[np.zeros_like(p) for p in layer] for layer in layers]
    for step in range(1, steps + 1):
        chosen = rng.sample(range(len(X)), batch_size) if batch_size else list(range(len(X)))
        _, grads, _, _ = _numpy_backward(layers, X[chosen], y[chosen], activation)
        for layer, grad, m, v in zip(layers, grads, *moments):
            for k in range(2):
                if optimizer == "sgd":
                    layer[k][...] -= lr * grad[k]
                elif optimizer == "adam":
                    m[k][:] = 0.9 * m[k] + 0.1 * grad[k]
                    v[k][:] = 0.999 * v[k] + 0.001 * grad[k] ** 2
                    layer[k][...] -= lr * (m[k] / (1 - 0.9**step)) / (np.sqrt(v[k] / (1 - 0.999**step)) + 1e-8)
                else:
                    raise ValueError(f"unknown optimizer {optimizer!r}; choose sgd or adam")
    return layers


def numpy_accuracy(layers, X, y, activation="tanh"):
    """The fraction of points on the right side of the boundary (score > 0 means class 1)."""
    scores = numpy_forward(layers, X, activation)[-1][:, 0]
    return float(np.mean((scores > 0.0) == (np.asarray(y) > 0.5)))


def saturation(outputs, threshold=0.97):
    """The share of tanh outputs with |t| > threshold (where tanh's slope 1 − t² is below 0.06): one number per array."""
    return [float(np.mean(np.abs(h) > threshold)) for h in outputs]
