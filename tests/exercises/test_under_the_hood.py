"""Notebook 15's checks: right answers pass; the typical wrong ones are rejected with a message that never shows the answer."""

import math
import time

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import benchmark as bm
from micrograd_mlp.engine import no_grad
from micrograd_mlp.exercises import under_the_hood as checks


def rejected(out, *words):
    """``out``, a ``[✗]`` line that names every word."""
    assert_rejected(out, *words)
    return out


# --- exercise 1: nodes per neuron ---------------------------------------------------------


def test_nodes_per_neuron_right(capsys):
    checks.check_nodes_per_neuron([33, 1])
    assert verdict(capsys) == "[✓] nodes per neuron: correct!"
    checks.check_nodes_per_neuron((np.int64(33), 1.0))
    assert verdict(capsys).startswith("[✓]")


@pytest.mark.parametrize(
    "answer, words",
    [
        ([32, 1], ["ReLU"]),
        ([17, 1], ["a * and a +"]),
        ([66, 1], ["leaves"]),
        ([34, 1], ["bias is a leaf"]),
        ([33, 0], ["still a node"]),
        ([33, 34], ["leaves"]),
        ([40, 1], ["one * and one +"]),
        ([33], ["[plain, fused]"]),
        (33, ["[plain, fused]"]),
    ],
)
def test_nodes_per_neuron_mistakes(answer, words, capsys):
    checks.check_nodes_per_neuron(answer)
    out = rejected(verdict(capsys), *words)
    assert "33" not in out.split("not yet:")[1]


def test_nodes_per_neuron_unanswered(capsys):
    checks.check_nodes_per_neuron(...)
    assert verdict(capsys).startswith("[ ]")


# --- exercise 2: a fused node's local derivatives ----------------------------------------


def fused_answer():
    z = 2.0 * 0.5 + (-1.0) * 1.5 + 0.25
    slope = 1 - math.tanh(z) ** 2
    return [slope * 0.5, slope * 1.5, slope * 2.0, slope * -1.0, slope], slope, math.tanh(z)


def test_fused_local_grads_right_and_rounded(capsys):
    right, _, _ = fused_answer()
    checks.check_fused_local_grads(right)
    assert verdict(capsys).startswith("[✓]")
    checks.check_fused_local_grads([round(g, 4) for g in right])
    assert verdict(capsys).startswith("[✓]")


def test_fused_local_grads_mistakes(capsys):
    right, slope, tanh = fused_answer()
    without_slope = [g / slope for g in right]
    checks.check_fused_local_grads(without_slope)
    rejected(verdict(capsys), "do/dw1", "other factor alone")
    checks.check_fused_local_grads([g * tanh for g in without_slope])
    rejected(verdict(capsys), "tanh(z) where the slope")
    swapped = right[2:4] + right[0:2] + right[4:]
    checks.check_fused_local_grads(swapped)
    out = rejected(verdict(capsys), "do/dw1", "order")
    assert f"{right[0]:.4f}" not in out and f"{right[0]:.2f}" not in out
    checks.check_fused_local_grads([-g for g in right])
    rejected(verdict(capsys), "wrong sign")
    checks.check_fused_local_grads(right[:4])
    rejected(verdict(capsys), "5 numbers")
    z = 2.0 * 0.5 + (-1.0) * 1.5 + 0.25
    checks.check_fused_local_grads([g / slope * (1 - math.tanh(z)) for g in right])
    rejected(verdict(capsys), "do/dw1 uses 1 − tanh(z)")
    checks.check_fused_local_grads([g / slope * (1 - math.tanh(z - 0.25) ** 2) for g in right])
    rejected(verdict(capsys), "do/dw1: z = w·x + b includes the bias")
    checks.check_fused_local_grads({g for g in right})
    rejected(verdict(capsys), "5 numbers")


# --- exercise 3: scores with numpy -------------------------------------------------------


def stepped_model():
    """The notebook's model for exercise 3: the demo model after one training step, so its biases are not 0."""
    X, y = bm.demo_problem()
    model = bm.demo_model()
    bm.engine_step(model, X, y)
    return model


def numpy_scores(relu_on_last=False, biases=True):
    X, _ = bm.demo_problem()
    A = np.array(X[:5])
    layers = bm.numpy_weights(stepped_model())
    for k, (W, b) in enumerate(layers):
        Z = A @ W.T + (b if biases else 0.0)
        A = np.maximum(Z, 0.0) if relu_on_last or k < len(layers) - 1 else Z
    return A[:, 0].tolist()


def test_numpy_scores_right(capsys):
    checks.check_numpy_scores(numpy_scores())
    assert verdict(capsys).startswith("[✓]")
    checks.check_numpy_scores(np.array(numpy_scores()))
    assert verdict(capsys).startswith("[✓]")


def test_numpy_scores_relu_on_the_last_layer(capsys):
    clipped = numpy_scores(relu_on_last=True)
    assert min(clipped) == 0.0 < -min(numpy_scores())  # the demo's five points include a negative score
    checks.check_numpy_scores(clipped)
    rejected(verdict(capsys), "no ReLU")


def test_numpy_scores_without_the_biases(capsys):
    assert any(b.any() for _, b in bm.numpy_weights(stepped_model()))  # the step moved the biases off 0
    checks.check_numpy_scores(numpy_scores(biases=False))
    rejected(verdict(capsys), "misses the biases")


def test_numpy_scores_as_rows_of_one(capsys):
    checks.check_numpy_scores([[score] for score in numpy_scores()])
    out = rejected(verdict(capsys), "one number", "scores[:, 0].tolist()")
    assert f"{numpy_scores()[0]:.3f}" not in out


def test_numpy_scores_other_mistakes_never_show_the_score(capsys):
    scores = numpy_scores()
    checks.check_numpy_scores([s + 0.01 for s in scores])
    out = rejected(verdict(capsys), "point 1", "A @ W.T + b")
    assert f"{scores[0]:.3f}" not in out
    checks.check_numpy_scores(scores[:4])
    rejected(verdict(capsys), "5 numbers")


def test_numpy_scores_compare_with_the_engine():
    X, _ = bm.demo_problem()
    model = stepped_model()
    with no_grad():
        engine = [model(x).data for x in X[:5]]
    assert np.allclose(numpy_scores(), engine, atol=1e-12)


# --- exercise 4: a numpy linear layer -----------------------------------------------------


def forward(A, W, b):
    return A @ W.T + b


def backward(A, W, dZ):
    return dZ @ W, dZ.T @ A, dZ.sum(axis=0)


def zeroes_A(A, W, b):
    Z = A @ W.T + b
    A[:] = 0.0  # "free the memory"
    return Z


def centres_A_in_place(A, W, b):
    Z = A @ W.T + b
    A -= A.mean(axis=0)  # "centre the inputs for next time": the caller's A changes
    return Z


def remembers_by_shape(A, W, b, cache={}):  # noqa: B006 - the mistake under test: a default argument keeps answers
    return cache.setdefault((A.shape, W.shape), A @ W.T + b)


def scales_dZ_in_place(A, W, dZ):
    dZ *= 1.0  # harmless so far
    dZ[0] = 0.0  # the caller's dZ loses its first row
    return backward(A, W, dZ)


@pytest.mark.parametrize(
    "right_forward, right_backward",
    [
        (forward, backward),
        (lambda A, W, b: (A @ W.T + b).astype(np.float32),
         lambda A, W, dZ: tuple(g.astype(np.float32) for g in backward(A, W, dZ))),
        (lambda A, W, b: (A @ W.T + b).tolist(), lambda A, W, dZ: [g.tolist() for g in backward(A, W, dZ)]),
        (lambda A, W, b: np.einsum("ni,ji->nj", A, W) + b,
         lambda A, W, dZ: (dZ @ W, np.einsum("nj,ni->ji", dZ, A), dZ.sum(0))),
    ],
)
def test_linear_layer_right(right_forward, right_backward, capsys):
    checks.check_linear_layer(right_forward, right_backward)
    assert verdict(capsys) == "[✓] a numpy linear layer, forward and backward: correct!"


def test_linear_layer_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(checks.check_linear_layer, "seconds", 1)

    def endless(A, W, b):
        Z = A @ W.T + b
        while np.all(np.isfinite(Z)):
            Z = Z * 1.0
        return Z

    start = time.perf_counter()
    assert checks.check_linear_layer.grade(endless, backward).result == "timeout"
    assert time.perf_counter() - start < 3


def test_linear_layer_stubs(capsys):
    def forward_stub(A, W, b):
        ...

    def backward_stub(A, W, dZ):
        raise NotImplementedError

    checks.check_linear_layer(forward_stub, backward)
    assert verdict(capsys).startswith("[ ]")
    checks.check_linear_layer(forward, backward_stub)
    assert verdict(capsys).startswith("[ ]")


@pytest.mark.parametrize(
    "wrong_forward, words",
    [
        (lambda A, W, b: A @ W.T, ["misses the bias"]),
        (lambda A, W, b: A @ W.T - b, ["row n should be"]),
        (lambda A, W, b: W @ A.T + b[:, None], ["shape"]),
        (lambda A, W, b: A @ W + b, ["W.T"]),
        (lambda A, W, b: np.squeeze(A @ W.T + b), ["shape", "even when there is only one"]),
        (zeroes_A, ["changed A on a layer"]),
        (centres_A_in_place, ["changed A on a layer"]),
        (remembers_by_shape, ["Z is wrong on a layer of"]),
        (lambda A, W, b: {"Z": A @ W.T + b}, ["Z on a layer", "array of numbers"]),
        (lambda A, W, b: {1.0, 2.0}, ["Z on a layer", "array of numbers"]),
    ],
)
def test_linear_layer_forward_mistakes(wrong_forward, words, capsys):
    checks.check_linear_layer(wrong_forward, backward)
    rejected(verdict(capsys), *words)


@pytest.mark.parametrize(
    "wrong_backward, words",
    [
        (lambda A, W, dZ: (dZ @ W, A.T @ dZ, dZ.sum(axis=0)), ["dW", "dZ.T @ A"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A, dZ), ["db", "shape", "sum dZ over the points"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A, dZ.mean(axis=0)), ["db", "divided by the number of points"]),
        (lambda A, W, dZ: (dZ @ W, -(dZ.T @ A), dZ.sum(axis=0)), ["dW", "wrong sign"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A, dZ.sum(axis=1)), ["db", "shape"]),
        (lambda A, W, dZ: (dZ @ W * 2, dZ.T @ A, dZ.sum(axis=0)), ["dA", "finite differences", "dZ @ W"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A), ["(dA, dW, db)"]),
        (lambda A, W, dZ: tuple(np.squeeze(g) for g in backward(A, W, dZ)), ["shape", "even when a size is 1"]),
        (scales_dZ_in_place, ["changed dZ on a layer"]),
        (lambda A, W, dZ: {"dA": dZ @ W}, ["returned dict", "(dA, dW, db)"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A, {0.0}), ["db on a layer", "array of numbers"]),
    ],
)
def test_linear_layer_backward_mistakes(wrong_backward, words, capsys):
    checks.check_linear_layer(forward, wrong_backward)
    rejected(verdict(capsys), *words)


def test_linear_layer_checks_against_finite_differences_not_the_formula(capsys):
    # a backward pass that gets the maths right another way (explicit loops) passes too
    def loop_backward(A, W, dZ):
        dA, dW, db = np.zeros_like(A), np.zeros_like(W), np.zeros(W.shape[0])
        for n in range(A.shape[0]):
            for j in range(W.shape[0]):
                db[j] += dZ[n, j]
                for i in range(W.shape[1]):
                    dW[j, i] += dZ[n, j] * A[n, i]
                    dA[n, i] += dZ[n, j] * W[j, i]
        return dA, dW, db

    checks.check_linear_layer(forward, loop_backward)
    assert verdict(capsys).startswith("[✓]")


# --- issue 16, second adversarial round ---------------------------------------------------------------


@pytest.mark.parametrize(
    "check, answer, words",
    [
        (checks.check_nodes_per_neuron, [33, None], ["is None"]),
        (checks.check_nodes_per_neuron, [1, 33], ["wrong way round", "[plain, fused]"]),
        (checks.check_fused_local_grads, [0.1, 0.2, 0.3, 0.4, None], ["is None"]),
    ],
)
def test_second_round_number_answers_are_named(check, answer, words, capsys):
    check(answer)
    out = rejected(verdict(capsys), *words)
    assert "not answered" not in out


def test_fused_local_grads_as_a_torch_tensor_pass(capsys):
    torch = pytest.importorskip("torch")
    checks.check_fused_local_grads(torch.tensor(fused_answer()[0], dtype=torch.float64))
    assert verdict(capsys).startswith("[✓]")


def backward_by_small_changes(A, W, dZ, h=1e-6):
    """The gradients estimated by central differences of L = Σ (A Wᵀ) ⊙ dZ: close, never exact."""
    def estimate(array, loss):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            changed = array.copy()
            changed[index] += h
            up = loss(changed)
            changed[index] -= 2 * h
            grad[index] = (up - loss(changed)) / (2 * h)
        return grad

    dA = estimate(A, lambda a: np.sum((a @ W.T) * dZ))
    dW = estimate(W, lambda w: np.sum((A @ w.T) * dZ))
    return dA, dW, dZ.sum(axis=0)


def backward_by_torch(A, W, dZ):
    torch = pytest.importorskip("torch")
    A_, W_ = torch.tensor(A, requires_grad=True), torch.tensor(W, requires_grad=True)
    b_ = torch.zeros(W.shape[0], dtype=torch.float64, requires_grad=True)
    (A_ @ W_.T + b_).backward(torch.tensor(dZ))
    return A_.grad.numpy(), W_.grad.numpy(), b_.grad.numpy()


@pytest.mark.parametrize(
    "right_backward, words",
    [
        (backward_by_small_changes, ["not exact", "dZ @ W"]),
        (backward_by_torch, ["PyTorch's backward()", "yourself"]),
        (lambda A, W, dZ: (dZ @ W, dZ.T @ A, None), ["db", "is None"]),
    ],
)
def test_second_round_backward_shortcuts_are_named(right_backward, words, capsys):
    checks.check_linear_layer(forward, right_backward)
    rejected(verdict(capsys), *words)
