"""Measuring the engine: the training step of micrograd's moons demo, timed several ways.

The workload (micrograd's demo): 100 moons points (noise 0.1), MLP(2, [16, 16, 1])
with ReLU, max-margin loss plus 1e-4·Σw², full batch. One step = forward, loss,
zero the gradients, backward, SGD update. Each ``*_step`` function below does one
such step; ``compare`` times several of them in alternation so that all see the
same machine load. ``benchmarks/run.py`` (``make bench``) and notebook 15 use this module.

Three references besides the engine itself:
- the pure-Python floor: the same step written by hand on plain floats, no graph;
- numpy: the same step as matrix products (what tensors buy you);
- micrograd 0.1.0 (in ``benchmarks/run.py``, an optional extra).
"""

import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc

import numpy as np

from . import data
from .engine import Value, gc_paused
from .losses import convert_labels, hinge, l2_penalty
from .nn import MLP

__all__ = [
    "demo_problem", "demo_model", "engine_loss", "lecture_loss", "engine_step", "lecture_step", "descend", "floor_step", "numpy_step", "weights_of",
    "numpy_weights", "engine_against_numpy", "compare", "bytes_per_node", "chain", "time_chain", "machine",
]

ALPHA = 1e-4


def demo_problem(seed=1, n_samples=100):
    """The demo's data: 100 moons points (or ``n_samples``) and their labels ±1."""
    X, y = data.moons(n_samples=n_samples, noise=0.1, seed=seed)
    return X, convert_labels(y, "pm1")


def demo_model(fused=True, seed=1, width=16):
    """The demo's network, MLP(2, [16, 16, 1]) with ReLU (or ``width`` neurons in each hidden layer)."""
    return MLP(2, [width, width, 1], activation="relu", seed=seed, fused=fused)


def lr_at(k):
    """The demo's learning rate at step k: 1.0 decaying linearly to 0.1 over 100 steps."""
    return 1.0 - 0.9 * (k % 100) / 100


def engine_loss(model, X, y):
    """The demo's loss with the package's functions: fused neurons and one-node sums (the fast path)."""
    scores = [model(x) for x in X]
    return hinge(scores, y) + l2_penalty(model.parameters(), ALPHA)


def lecture_loss(model, X, y):
    """The demo's loss written as in micrograd's demo: with ``fused=False``, every + and * its own node."""
    scores = [model(x) for x in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + ALPHA * sum(p * p for p in model.parameters())


def engine_step(model, X, y, k=0):
    """One training step on the fast path."""
    return descend(model, engine_loss(model, X, y), k)


def lecture_step(model, X, y, k=0):
    """One training step on the plain graph."""
    return descend(model, lecture_loss(model, X, y), k)


def descend(model, loss, k):
    """Zero the gradients, backpropagate ``loss`` and take an SGD step with the demo's learning rate at step k."""
    model.zero_grad()
    loss.backward()
    lr = lr_at(k)
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def weights_of(model):
    """An MLP's weights as lists: [(W, b), ...] with W[j][i] from input i to neuron j."""
    return [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]) for layer in model.layers]


# --- the pure-Python floor: no graph, the backward pass derived on paper ---------------


def floor_forward_backward(layers, X, y, alpha):
    """Loss and gradients of MLP(2, [16, 16, 1]) with ReLU hidden layers, hinge loss + alpha·Σw².

    ``layers`` is a list of (W, b) with W[j][i] the weight from input i to neuron j.
    Returns (loss, grads) with grads shaped like ``layers``.
    """
    grads = [([[0.0] * len(row) for row in W], [0.0] * len(b)) for W, b in layers]
    last = len(layers) - 1
    n = len(X)
    total = 0.0
    for x, target in zip(X, y):
        activations = [x]
        pre_activations = []
        for k, (W, b) in enumerate(layers):
            z = [sum(wi * xi for wi, xi in zip(row, activations[-1])) + bj for row, bj in zip(W, b)]
            pre_activations.append(z)
            activations.append(z if k == last else [zj if zj > 0.0 else 0.0 for zj in z])
        score = activations[-1][0]
        margin = 1.0 - target * score
        if margin <= 0.0:
            continue
        total += margin
        delta = [-target / n]  # d loss / d score
        for k in range(last, -1, -1):
            W, _ = layers[k]
            gW, gb = grads[k]
            inputs = activations[k]
            if k != last:
                delta = [d if z > 0.0 else 0.0 for d, z in zip(delta, pre_activations[k])]
            for j, d in enumerate(delta):
                if d == 0.0:
                    continue
                row = gW[j]
                for i, xi in enumerate(inputs):
                    row[i] += d * xi
                gb[j] += d
            if k:
                delta = [sum(W[j][i] * delta[j] for j in range(len(delta))) for i in range(len(inputs))]
    loss = total / n
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, w in enumerate(row):
                loss += alpha * w * w
                grow[i] += 2.0 * alpha * w
        for j, bj in enumerate(b):
            loss += alpha * bj * bj
            gb[j] += 2.0 * alpha * bj
    return loss, grads


def floor_step(layers, X, y, k=0):
    """One step of the pure-Python floor, updating ``layers`` (from ``weights_of``) in place."""
    loss, grads = floor_forward_backward(layers, X, y, ALPHA)
    _floor_sgd(layers, grads, lr_at(k))
    return loss


def _floor_sgd(layers, grads, lr):
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, g in enumerate(grow):
                row[i] -= lr * g
        for j, g in enumerate(gb):
            b[j] -= lr * g


# --- numpy: the same step on whole arrays ----------------------------------------------


def numpy_weights(model):
    """An MLP's weights as numpy arrays: [(W, b), ...]."""
    return [(np.array(W), np.array(b)) for W, b in weights_of(model)]


def numpy_step(layers, X, y, k=0):
    """One step as matrix products over all 100 points at once; updates ``layers`` in place."""
    X, y = np.asarray(X), np.asarray(y)
    activations, pre = [X], []
    for i, (W, b) in enumerate(layers):
        z = activations[-1] @ W.T + b
        pre.append(z)
        activations.append(z if i == len(layers) - 1 else np.maximum(z, 0.0))
    scores = activations[-1][:, 0]
    margins = 1.0 - y * scores
    loss = np.maximum(margins, 0.0).mean() + ALPHA * sum((W**2).sum() + (b**2).sum() for W, b in layers)
    delta = (np.where(margins > 0.0, -y, 0.0) / len(y))[:, None]
    lr = lr_at(k)
    for i in range(len(layers) - 1, -1, -1):
        W, b = layers[i]
        if i != len(layers) - 1:
            delta = delta * (pre[i] > 0.0)
        grad_W = delta.T @ activations[i] + 2 * ALPHA * W
        grad_b = delta.sum(axis=0) + 2 * ALPHA * b
        delta = delta @ W
        W -= lr * grad_W
        b -= lr * grad_b
    return float(loss)


# --- timing and memory ---------------------------------------------------------------


def compare(candidates, repeats=5, collect=True):
    """Time each candidate step ``repeats`` times, in alternation; seconds per step.

    ``candidates`` maps a name to a zero-argument function doing one step.
    With ``collect`` (the default), ``gc.collect()`` runs before each timed step, outside
    the timing: each step starts with no garbage left by the one before, so a candidate
    whose graphs hold reference cycles (micrograd's) does not make the next candidate
    pay for collecting them. Each engine is thus timed as if it ran alone.
    Returns {name: {"median", "min", "max", "runs"}}.
    """
    runs = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, step in candidates.items():
            if collect:
                gc.collect()
            start = time.perf_counter()
            step()
            runs[name].append(time.perf_counter() - start)
    return {
        name: {"median": statistics.median(t), "min": min(t), "max": max(t), "runs": t} for name, t in runs.items()
    }


def engine_against_numpy(n_samples=100, width=16, repeats=3):
    """Seconds per step of the fast path (GC paused, as ``fit`` trains) and of numpy, from the same weights.

    On ``n_samples`` moons points with MLP(2, [width, width, 1]): how the gap between a
    scalar engine and tensors grows with the batch and the network. Returns
    {"fast path": seconds, "numpy": seconds}, each the fastest of ``repeats`` steps timed
    by ``compare`` after one warm-up step (the fastest run is the one least disturbed by
    other programs; notebook 15 computes the ratios of its timing table from the fastest
    runs too, so the two can be compared).
    """
    X, y = demo_problem(n_samples=n_samples)
    model = demo_model(width=width)
    layers = numpy_weights(model)

    def fast_path():
        with gc_paused():
            engine_step(model, X, y)

    candidates = {"fast path": fast_path, "numpy": lambda: numpy_step(layers, X, y)}
    for step in candidates.values():
        step()
    return {name: timing["min"] for name, timing in compare(candidates, repeats).items()}


def bytes_per_node(build, count_nodes):
    """Memory held by a graph per node: tracemalloc's growth while ``build()`` makes it, over its node count.

    ``build`` returns the graph's output (kept alive while counting);
    ``count_nodes(output)`` says how many nodes it has.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        output = build()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return held / count_nodes(output), count_nodes(output)


def chain(depth=1_000_000, factor=1.0000001):
    """Build x·f·f·…·f (``depth`` multiplications) and backpropagate; returns (x, output)."""
    x = Value(1.0)
    out = x
    for _ in range(depth):
        out = out * factor
    out.backward()
    return x, out


def time_chain(depth=1_000_000, pause_gc=True):
    """Seconds to build and backpropagate ``chain(depth)``; checks the gradient is factor**depth."""
    start = time.perf_counter()
    if pause_gc:
        with gc_paused():
            x, out = chain(depth)
    else:
        x, out = chain(depth)
    seconds = time.perf_counter() - start
    expected = 1.0000001**depth
    if not math.isclose(x.grad, expected, rel_tol=1e-6):
        raise AssertionError(f"chain gradient {x.grad} differs from {expected}")
    del x, out
    return seconds


def machine():
    """A line describing this machine and Python, for the record."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores; Python {sys.version.split()[0]} ({platform.python_implementation()}); numpy {np.__version__}; {platform.platform()}"
