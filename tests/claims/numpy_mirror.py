"""A numpy mirror of ``fit`` for the claim tests: the same steps, thousands of times faster.

Binary cross-entropy or cross-entropy, the L2 penalty, SGD with momentum and a schedule, or Adam; the same
initial weights as ``MLP`` for a seed (``diagnostics.numpy_mlp``) and the same batches. Claims that need
many seeds of training (notebooks 09, 11, 12) re-run with it; ``test_numpy_mirror.py`` checks that it takes
``fit``'s steps.
"""

import random

import numpy as np

from micrograd_mlp.diagnostics import numpy_forward, numpy_mlp
from micrograd_mlp.optim import linear_decay

SLOPES = {"tanh": lambda h: 1.0 - h * h, "relu": lambda h: (h > 0.0) * 1.0}  # each activation's slope, from its output


def data_loss_and_delta(scores, y, loss):
    """The mean data loss and its gradient with respect to the scores."""
    y = np.asarray(y)
    if loss == "bce":
        z = scores[:, 0]
        return float(np.mean(np.logaddexp(0.0, z) - y * z)), ((1.0 / (1.0 + np.exp(-z)) - y) / len(y))[:, None]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    target = np.eye(scores.shape[1])[y.astype(int)]
    return float(-np.mean((log_p * target).sum(axis=1))), (np.exp(log_p) - target) / len(y)


def accuracy_of(scores, y):
    y = np.asarray(y)
    predicted = (scores[:, 0] > 0.0) * 1.0 if scores.shape[1] == 1 else scores.argmax(axis=1)
    return float(np.mean(predicted == y))


def gradients(layers, X, y, activation, loss):
    slope = SLOPES[activation]
    outputs = numpy_forward(layers, X, activation)
    value, delta = data_loss_and_delta(outputs[-1], y, loss)
    inputs = [np.asarray(X, dtype=float), *outputs[:-1]]
    grads = [None] * len(layers)
    for i in range(len(layers) - 1, -1, -1):
        if i != len(layers) - 1:
            delta = delta * slope(outputs[i])
        grads[i] = (delta.T @ inputs[i], delta.sum(axis=0))
        delta = delta @ layers[i][0]
    return value, grads, outputs[-1]


class Run:
    """What a mirrored fit leaves: the weights, and per step the loss, batch accuracy and validation numbers."""

    def __init__(self, layers, activation):
        self.layers, self.activation = layers, activation
        self.loss, self.accuracy, self.val_data_loss, self.val_accuracy = [], [], [], []

    def scores(self, X):
        return numpy_forward(self.layers, X, self.activation)[-1]


def mirror_fit(widths, X, y, seed=0, activation="relu", loss="bce", optimizer="sgd", lr=None, momentum=0.0, alpha=1e-4,
               steps=100, batch_size=None, batch_seed=0, validation=None, on_step=None):
    """fit(MLP(2, widths, activation=activation, seed=seed), X, y, ...) in numpy; lr: a number or a schedule lr(step)."""
    layers = [(W.copy(), b.copy()) for W, b in numpy_mlp(2, widths, seed=seed)]
    if lr is None:
        lr = linear_decay(1.0, 0.1, steps) if optimizer == "sgd" else 0.01
    schedule = lr if callable(lr) else (lambda step: lr)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rng = random.Random(batch_seed)
    run = Run(layers, activation)
    state = [[np.zeros_like(p) for p in layer] for layer in layers]
    second = [[np.zeros_like(p) for p in layer] for layer in layers]
    for step in range(steps):
        chosen = list(range(len(X))) if batch_size is None else rng.sample(range(len(X)), batch_size)
        penalty = alpha * sum(float((p * p).sum()) for layer in layers for p in layer)
        if validation is not None:
            val_loss, _ = data_loss_and_delta(run.scores(validation[0]), validation[1], loss)
            run.val_data_loss.append(val_loss)
            run.val_accuracy.append(accuracy_of(run.scores(validation[0]), validation[1]))
        value, grads, scores = gradients(layers, X[chosen], y[chosen], activation, loss)
        run.loss.append(value + penalty)
        run.accuracy.append(accuracy_of(scores, y[chosen]))
        rate, t = schedule(step), step + 1
        for layer, grad, m, v in zip(layers, grads, state, second):
            for k in range(2):
                g = grad[k] + 2.0 * alpha * layer[k]
                if optimizer == "sgd":
                    m[k][...] = momentum * m[k] - rate * g
                    layer[k][...] += m[k]
                else:
                    m[k][...] = 0.9 * m[k] + 0.1 * g
                    v[k][...] = 0.999 * v[k] + 0.001 * g * g
                    layer[k][...] -= rate * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
        if on_step:
            on_step(step, run)
    return run
