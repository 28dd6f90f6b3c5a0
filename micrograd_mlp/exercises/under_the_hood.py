"""Checks for notebook 15, under the hood: nodes per neuron, a fused node's local derivatives, scores with numpy,
and a numpy linear layer's forward and backward pass.

The expected values are computed here (with the package's ``Neuron``, ``Value.neuron``
and the benchmark's seeded model), or, for the linear layer, by central finite differences
on layers of random sizes and of sizes 1 (where a squeezed axis shows), and then exactly
(an estimate by small changes, in float64, is close but not exact); the layer's functions
must leave their arrays as they were and may not let PyTorch's autograd, or the package's
numpy MLP, do the work. A None inside an answer is named, not taken for "not answered".
"""

import math

import numpy as np

from .. import benchmark
from ..engine import Value, no_grad
from ..nn import Neuron
from . import Mistake, call, exercise, expect_close, expect_exact
from ._stubs import returned
from .circles_xor_spirals import library_functions, watching_library

__all__ = ["check_nodes_per_neuron", "check_fused_local_grads", "check_numpy_scores", "check_linear_layer"]

HIDDEN_INPUTS = 16  # a neuron of the demo's second hidden layer sees the 16 outputs of the first


def _numbers(answer, count, what):
    """``answer`` as a list of ``count`` entries, or a Mistake saying what shape was expected."""
    if isinstance(answer, np.ndarray) or (hasattr(answer, "tolist") and hasattr(answer, "shape")):  # numpy, torch
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)) or len(answer) != count:
        raise Mistake(f"answer with a list of {count} numbers: {what}")
    if any(entry is None for entry in answer):  # as_number would take None for an untouched stub
        raise Mistake(f"an entry of your list is None: answer with {count} numbers, {what}")
    return list(answer)


@exercise("nodes per neuron")
def check_nodes_per_neuron(answer):
    """``answer = [plain, fused]``: the operation nodes one ReLU neuron with 16 Value inputs adds to a graph."""
    plain, fused = _numbers(answer, 2, "[plain, fused]")
    inputs = [Value(0.1 * (i + 1)) for i in range(HIDDEN_INPUTS)]
    expected = [
        len(Neuron(HIDDEN_INPUTS, "relu", fused=is_fused)(inputs).topological_order(leaves=False))
        for is_fused in (False, True)
    ]
    leaves = 2 * HIDDEN_INPUTS + 1  # inputs, weights and the bias
    if (plain, fused) == (expected[1], expected[0]):
        raise Mistake("the two counts are the wrong way round: the plain neuron's count comes first, [plain, fused]")
    expect_exact(
        plain,
        expected[0],
        what="the plain count",
        mistakes={
            expected[0] - 1: "the plain count misses one node: the ReLU is an operation node too",
            HIDDEN_INPUTS + 1: "the plain count is too small: each input costs two nodes, a * and a +",
            expected[0] + leaves: "the plain count includes the leaves (inputs, weights, bias); count operations only",
            expected[0] + 1: "the plain count has one node too many: the bias is a leaf, added by the last +",
        },
        hint="in the plain graph each input costs one * and one +; the activation is one more node",
    )
    expect_exact(
        fused,
        expected[1],
        what="the fused count",
        mistakes={
            0: "the fused count is too small: the whole neuron is still a node of the graph",
            expected[1] + leaves: "the fused count includes the leaves (its children); count operations only",
        },
        hint="Value.neuron makes the whole neuron, activation included, into one node",
    )


def _exercise_2_node():
    """The fused tanh neuron of exercise 2: w = (2, −1), x = (0.5, 1.5), b = 0.25."""
    return Value.neuron([Value(2.0), Value(-1.0)], [Value(0.5), Value(1.5)], Value(0.25), activation="tanh")


@exercise("local derivatives of a fused node")
def check_fused_local_grads(answer):
    """``answer = [do/dw1, do/dw2, do/dx1, do/dx2, do/db]`` for exercise 2's node, to 4 decimals."""
    values = _numbers(answer, 5, "[do/dw1, do/dw2, do/dx1, do/dx2, do/db]")
    node = _exercise_2_node()
    expected = list(node.local_grads)
    slope = 1.0 - node.data**2
    other_factors = [g / slope for g in expected]  # x1, x2, w1, w2, 1: the local derivatives without f'(z)
    names = ["w1", "w2", "x1", "x2", "b"]
    z_without_bias = sum(w * x for w, x in zip(other_factors[2:4], other_factors[0:2]))
    for value, right, factor, name in zip(values, expected, other_factors, names):
        expect_close(
            value,
            right,
            decimals=4,
            what=f"do/d{name}",
            mistakes={
                factor: f"do/d{name} is the other factor alone: multiply it by f'(z) = 1 − tanh²(z)",
                factor * node.data: f"do/d{name} uses tanh(z) where the slope is f'(z) = 1 − tanh²(z)",
                factor * (1.0 - node.data): f"do/d{name} uses 1 − tanh(z): the slope squares it, 1 − tanh²(z)",
                factor * (1.0 - math.tanh(z_without_bias) ** 2): f"do/d{name}: z = w·x + b includes the bias",
            },
            hint="a weight's local derivative is f'(z) times its input, an input's is f'(z) times its weight, "
            "the bias's is f'(z) (and the order is w1, w2, x1, x2, b)",
        )


def _exercise_3_model():
    """Exercise 3's network: the demo model after one training step (a fresh model's biases are all 0)."""
    model = benchmark.demo_model()
    X, y = benchmark.demo_problem()
    benchmark.engine_step(model, X, y)
    return model


@exercise("scores with numpy")
def check_numpy_scores(answer):
    """``answer``: exercise 3's model's scores on the first five moons points, to 6 decimals."""
    values = _numbers(answer, 5, "the scores of the five points")
    if any(isinstance(value, (list, tuple)) for value in values):
        raise Mistake("each score should be one number, not a row: scores[:, 0].tolist() gives a flat list")
    X, _ = benchmark.demo_problem()
    model = _exercise_3_model()
    with no_grad():
        expected = [model(x).data for x in X[:5]]
    no_biases = X[:5]
    for k, layer in enumerate(model.layers):  # the same forward pass with every + b left out
        no_biases = [
            [sum(w.data * a for w, a in zip(neuron.w, point)) for neuron in layer.neurons] for point in no_biases
        ]
        if k < len(model.layers) - 1:
            no_biases = [[max(z, 0.0) for z in point] for point in no_biases]
    for i, (value, right) in enumerate(zip(values, expected)):
        expect_close(
            value,
            right,
            decimals=6,
            what=f"the score of point {i + 1}",
            mistakes={
                max(right, 0.0): f"the score of point {i + 1} came out as 0 where it is negative: "
                "the last layer has no ReLU",
                no_biases[i][0]: f"the score of point {i + 1} misses the biases: add b after each product",
            },
            hint="A = np.maximum(A @ W.T + b, 0.0) for the two hidden layers, then A @ W.T + b for the last one",
        )


def _finite_difference(f, array, h=1e-6):
    """d f() / d array, entry by entry, by central differences (changes ``array`` in place, then restores it)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + h
        up = f()
        array[index] = original - h
        down = f()
        array[index] = original
        grad[index] = (up - down) / (2 * h)
    return grad


# What computes the gradients, or the whole layer, for the student: PyTorch's autograd and the package's numpy MLP.
_AUTOGRAD = [
    ("torch", "Tensor.backward", "PyTorch's backward()"),
    ("torch", "autograd.backward", "PyTorch's autograd"),
    ("torch", "autograd.grad", "PyTorch's autograd.grad"),
    ("torch", "func.vjp", "torch.func.vjp"),
    ("torch", "func.grad", "torch.func.grad"),
    ("torch", "func.jacrev", "torch.func.jacrev"),
    ("torch", "autograd.functional.vjp", "torch.autograd.functional.vjp"),
    ("torch", "autograd.functional.jacobian", "torch.autograd.functional.jacobian"),
    ("micrograd_mlp.diagnostics", "numpy_backward", "the package's numpy_backward"),
    ("micrograd_mlp.diagnostics", "_numpy_backward", "the package's numpy_backward"),
    ("micrograd_mlp.diagnostics", "numpy_forward", "the package's numpy_forward"),
]


def _student_call(function, *args, case, names, what):
    """``call`` with every argument (named by ``names``) required unchanged; a stub is not answered yet."""
    library = library_functions(_AUTOGRAD)

    def watched(*args):
        used = []
        with watching_library(library, used):
            result = function(*args)
        if used:
            raise Mistake(f"your code uses {used[0]} to do the work: the exercise asks you to write the layer's "
                          "forward and backward pass yourself, with numpy array products")
        return result

    result = call(watched, *args, case=case, unchanged=dict(enumerate(names)))
    return returned(function, result, what, case)


def _as_array(result, shape, what, hint):
    if result is None:
        raise Mistake(f"{what} is None: return an array of shape {shape}")
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Mistake(f"{what} should be an array of numbers, but it is {type(result).__name__}") from None
    if array.shape != shape:
        raise Mistake(f"{what} has shape {array.shape}, but it should have shape {shape}: {hint}")
    return array


def _same(got, expected, tolerance=1e-6):
    return np.allclose(got, expected, rtol=tolerance, atol=tolerance)


def _layer_sizes():
    """(points, inputs, neurons): random sizes from 2 to 5, then sizes of 1, where a squeeze or a missing axis shows;
    the first again at the end, for a function that keeps something from one call to the next."""
    rng = np.random.default_rng(15)
    sizes = [tuple(int(n) for n in rng.integers(2, 6, size=3)) for _ in range(4)]
    return sizes + [(1, 3, 2), (4, 1, 3), (3, 2, 1), (1, 1, 1)] + sizes[:1]


@exercise("a numpy linear layer, forward and backward")
def check_linear_layer(linear_forward, linear_backward):
    """``linear_forward(A, W, b)`` → Z = A Wᵀ + b and ``linear_backward(A, W, dZ)`` → (dA, dW, db).

    Checked on layers of random sizes and of sizes 1: the forward pass against numpy, and the
    backward pass against central finite differences of L = Σ (Z ⊙ G) for a random G, so that
    dL/dZ = G. Both functions must leave their arrays as they were.
    """
    rng = np.random.default_rng(15)
    for points, n_in, n_out in _layer_sizes():
        A, W, b = rng.normal(size=(points, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
        G = rng.normal(size=(points, n_out))
        where = f"a layer of {n_in} input(s) and {n_out} neuron(s) on {points} point(s)"
        Z = _as_array(
            _student_call(linear_forward, A, W, b, case=where, names=("A", "W", "b"), what="the array Z"),
            (points, n_out),
            f"Z on {where}",
            "one row per point, one column per neuron (A @ W.T), even when there is only one of them",
        )
        if not _same(Z, A @ W.T + b):
            if _same(Z, A @ W.T):
                raise Mistake(f"Z on {where} misses the bias: add b to every row")
            if W.shape[0] == W.shape[1] and _same(Z, A @ W + b):
                raise Mistake(f"Z on {where} uses W where W.T belongs: row j of W holds neuron j's weights")
            raise Mistake(f"Z is wrong on {where}: row n should be W times point n, plus b")
        result = _student_call(linear_backward, A, W, G, case=where, names=("A", "W", "dZ"),
                               what="(dA, dW, db)")
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise Mistake(f"on {where} linear_backward returned {type(result).__name__}: it should return three "
                          "arrays, (dA, dW, db)")
        hint = "a gradient has the shape of what it is the gradient of, even when a size is 1"
        dA = _as_array(result[0], A.shape, f"dA on {where}", hint)
        dW = _as_array(result[1], W.shape, f"dW on {where}", f"{hint} (dZ.T @ A, not A.T @ dZ)")
        db = _as_array(result[2], b.shape, f"db on {where}", "sum dZ over the points (the rows)")

        def loss():
            return float(np.sum((A @ W.T + b) * G))

        exact = {"dA": G @ W, "dW": G.T @ A, "db": G.sum(axis=0)}  # L is linear in each: these are exact
        for got, variable, name in ((dA, A, "dA"), (dW, W, "dW"), (db, b, "db")):
            numeric = _finite_difference(loss, variable)
            if _same(got, numeric):
                # float32 (which rounds to 7 digits) counts; an estimate in float64 by small changes does not
                in_float32 = np.array_equal(got, got.astype(np.float32))
                if not in_float32 and not np.allclose(got, exact[name], rtol=1e-10, atol=1e-12):
                    raise Mistake(f"{name} on {where} is close to the gradient but not exact (to 10 significant "
                                  "digits), as an estimate by small changes would be; a backward pass computes it "
                                  f"exactly with array products: {_RULES[name]}")
                continue
            if _same(got, -numeric):
                raise Mistake(f"{name} on {where} has the right size but the wrong sign")
            if got.T.shape == numeric.shape and _same(got.T, numeric):
                raise Mistake(f"{name} on {where} is transposed: {_RULES[name]}")
            if points > 1 and _same(got * points, numeric):
                raise Mistake(f"{name} on {where} is divided by the number of points: the loss sums over them")
            raise Mistake(f"{name} on {where} disagrees with finite differences: {_RULES[name]}")


_RULES = {
    "dA": "each input passes back the sum over neurons of weight times dZ (dZ @ W)",
    "dW": "each weight's gradient is dZ of its neuron times its input, summed over the points (dZ.T @ A)",
    "db": "each bias's gradient is its neuron's dZ summed over the points",
}
