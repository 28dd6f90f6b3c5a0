"""Notebook 09's checks: the right answers pass, each typical slip is named, no message gives the answer away."""

import math
import re
import time
from decimal import Decimal

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import MLP
from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import circles_xor_spirals as checks
from micrograd_mlp.losses import binary_cross_entropy


def rejected(capsys, *fragments):
    """The check's ``[✗]`` line, which names every fragment."""
    out = verdict(capsys)
    assert_rejected(out, *fragments)
    return out


def mentions(message, number):
    """Whether ``number`` appears in ``message`` as a number of its own, whole or to 2, 3 or 4 decimals."""
    written = {f"{number:g}", f"{number:.2f}", f"{number:.3f}", f"{number:.4f}"}
    return any(re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", message) for text in written)


# --- exercise 1: the stable cross-entropy ---------------------------------------------------------


def softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


@pytest.mark.parametrize(
    "right",
    [
        lambda z, y: softplus(z) - y * z,
        lambda z, y: y * softplus(-z) + (1 - y) * softplus(z),
        lambda z, y: float(np.logaddexp(0.0, z) - y * z),
        lambda z, y: Value(softplus(z) - y * z),  # a Value where a float is expected: its number counts
        lambda z, y: Decimal(softplus(z) - y * z),
        lambda z, y: softplus(z) - y * z if abs(z) < 30 else max(z, 0.0) - y * z,  # e^(−30) is below the precision
        lambda z, y: math.log1p(math.exp(-abs(z))) + (1 - y) * z if z >= 0 else math.log1p(math.exp(z)) - y * z,
    ],
)
def test_stable_bce_right(right, capsys):
    checks.check_stable_bce(right)
    assert verdict(capsys) == "[✓] stable cross-entropy: correct!"


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (lambda z, y: -(y * math.log(sigmoid(z)) + (1 - y) * math.log(1 - sigmoid(z))), "loses its precision"),
        (lambda z, y: softplus(z) - y * z if abs(z) < 30 else -math.log(sigmoid(z) if y else 1 - sigmoid(z)),
         "takes the log of 0"),
        (lambda z, y: softplus(z) - y * z if abs(z) < 10 else max(z, 0.0) - y * z, "approximates softplus(z)"),
        (lambda z, y: softplus(z) - y * z if abs(z) < 20 else max(z, 0.0) - y * z, "on z = 20.5"),
        (lambda z, y: (softplus(z) - y * z) if z > 0 else (softplus(z) - y * z) if z < 0 else None, "returned None"),
        (lambda z, y: math.log(1 + math.exp(z)) - y * z, "OverflowError"),
        (lambda z, y: float(np.log1p(np.exp(np.float64(z)))) - y * z, "overflowed"),
        (lambda z, y: softplus(z) + y * z, "wrong sign"),
        (lambda z, y: softplus(z), "−y·z term is missing"),
        (lambda z, y: softplus(z) - (1 - y) * z, "labels are swapped"),
        (lambda z, y: math.log1p(math.exp(-abs(z))) - y * z, "the max(z, 0) is missing"),
        (lambda z, y: max(-z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z, "max(−z, 0)"),
        (lambda z, y: softplus(z) - z, "you subtract z whatever the label"),
        (lambda z, y: max(z, 0.0) + math.log1p(math.exp(abs(z))) - y * z, "must be −|z|, never positive"),
        (lambda z, y: max(z, 0.0) + math.log1p(math.exp(-z)) - y * z, "absolute value in e^(−|z|) is missing"),
        (lambda z, y: softplus(z) - y * z if y == 1 else softplus(z) + 0.3, "right for y = 1 but not for y = 0"),
        (lambda z, y: softplus(z) - y * z if y == 0 else softplus(z) - 0.5 * z, "right for y = 0 but not for y = 1"),
        (lambda z, y: softplus(z) - y * z if z >= 0 else z - y * z, "right for z ≥ 0 but not for z < 0"),
        (lambda z, y: softplus(z) - y * z if z < 0 else 2 * z - y * z, "right for z < 0 but not for z ≥ 0"),
        (lambda z, y: round(softplus(z) - y * z, 4), "without rounding"),
        (lambda z, y: softplus(z) - y * z + 0.01, "that is not −[y·ln σ(z)"),
        (lambda z, y: float(np.float32(softplus(z) - y * z)) if abs(z) > 100 else softplus(z) - y * z,
         "loses its precision"),
        (lambda z, y: [softplus(z) - y * z], "should be a number"),
    ],
)
def test_stable_bce_slips(wrong, fragment, capsys):
    with np.errstate(all="ignore"):
        checks.check_stable_bce(wrong)
    rejected(capsys, fragment, "z = ")


def test_stable_bce_stub(capsys):
    def stub(z, y): ...

    checks.check_stable_bce(stub)
    assert verdict(capsys).startswith("[ ] stable cross-entropy: not answered yet")

    def raising_stub(z, y):
        raise NotImplementedError

    checks.check_stable_bce(raising_stub)
    assert verdict(capsys).startswith("[ ]")
    checks.check_stable_bce(lambda z, y: z / 0 if z > 1000 else {}[z])
    rejected(capsys, "KeyError on z = ")


@pytest.mark.parametrize(
    "package_call, name",
    [
        (lambda z, y: binary_cross_entropy([Value(z)], [y]).data, "binary_cross_entropy"),
        (lambda z, y: Value(z).softplus().data - y * z, "softplus"),
    ],
)
def test_stable_bce_refuses_the_package_loss(package_call, name, capsys):
    checks.check_stable_bce(package_call)
    rejected(capsys, "calls the package's", name, "write that part yourself")


@pytest.mark.parametrize("odd", [lambda z, y: {softplus(z) - y * z}, lambda z, y: {"loss": 1.0}, lambda z, y: "1.0"])
def test_stable_bce_odd_answers_get_a_verdict(odd, capsys):
    checks.check_stable_bce(odd)
    rejected(capsys, "should be a number", "z = ")


def test_stable_bce_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(checks.check_stable_bce, "seconds", 1)

    def endless(z, y):
        while z == z:
            print(z)  # a lot of printing, swallowed

    start = time.perf_counter()
    assert checks.check_stable_bce.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


# --- the number exercises -------------------------------------------------------------------------


def test_bce_gradient(capsys):
    right = sigmoid(0.5) - 1.0
    for answer in (right, -0.3775, np.float64(right)):
        checks.check_bce_gradient(answer)
        assert verdict(capsys) == "[✓] cross-entropy gradient: correct!"
    for wrong, fragment in [
        (sigmoid(0.5), "probability σ(z) itself"),
        (sigmoid(0.5) * (1 - sigmoid(0.5)), "slope of the sigmoid"),
        (softplus(0.5) - 0.5, "loss ℓ at this point"),
        (-right, "wrong sign"),
        (-0.38, "not right to 4 decimals"),
    ]:
        checks.check_bce_gradient(wrong)
        assert not mentions(rejected(capsys, fragment), right)


def test_probability_at_origin(capsys):
    model = MLP(2, [4, 4, 1], activation="relu", seed=3)
    model.layers[-1].neurons[0].b.data = 1.3  # with every bias 0, the origin's logit would be 0 and p = 1 − p
    logit = model([0.0, 0.0]).data
    right = sigmoid(logit)
    checks.check_probability_at_origin(right, model)
    assert verdict(capsys) == "[✓] probability at the origin: correct!"
    checks.check_probability_at_origin(round(right, 4), model)
    assert verdict(capsys) == "[✓] probability at the origin: correct!"
    for wrong, fragment in [(logit, "that is the logit"), (1 - right, "class 0"), (100 * right, "percentage"),
                            (right + 0.01, "not right")]:
        checks.check_probability_at_origin(wrong, model)
        assert not mentions(rejected(capsys, fragment), right)


def test_parameter_count(capsys):
    right = 32 * 32 + 5 * 32 + 1
    checks.check_parameter_count(right)
    assert verdict(capsys) == "[✓] parameters of width 32: correct!"
    checks.check_parameter_count(np.int64(right))
    assert verdict(capsys) == "[✓] parameters of width 32: correct!"
    for wrong, fragment in [
        (1120, "not the biases"),
        (1184, "output neuron's bias"),
        (1152, "output neuron is missing"),
        (1024, "only the weights between"),
        (337, "width 16"),
        (1186, "not right"),
        (right + 0.5, "not right"),
    ]:
        checks.check_parameter_count(wrong)
        assert not mentions(rejected(capsys, fragment), right)


# --- issue 16, second adversarial round ---------------------------------------------------------------


def own_softplus(z):  # a helper of the student's own, named like the function it computes: no library is called
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def numpy_inside(z, y):
    import numpy  # imported inside the function: a general log-sum-exp, the student's own stable formula

    return float(numpy.logaddexp(0.0, z)) - y * z


@pytest.mark.parametrize("right", [lambda z, y: own_softplus(z) - y * z, numpy_inside])
def test_stable_bce_own_helpers_and_logaddexp_are_right(right, capsys):
    checks.check_stable_bce(right)
    assert verdict(capsys) == "[✓] stable cross-entropy: correct!"


try:
    import torch
except ImportError:  # the library tests below need it; the others do not
    torch = None


def torch_softplus(z, y):
    return float(torch.nn.functional.softplus(torch.tensor(z, dtype=torch.float64))) - y * z


def torch_loss(z, y):
    z, y = torch.tensor(z, dtype=torch.float64), torch.tensor(float(y), dtype=torch.float64)
    return float(torch.nn.functional.binary_cross_entropy_with_logits(z, y))


def via_a_helper(z, y):  # the library call hidden one function down
    return torch_softplus(z, y)


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (torch_softplus, "PyTorch's softplus"),
        (torch_loss, "PyTorch's binary_cross_entropy_with_logits"),
        (via_a_helper, "PyTorch's softplus"),
        (lambda z, y: float(torch.nn.Softplus()(torch.tensor(z, dtype=torch.float64))) - y * z, "nn.Softplus"),
    ],
)
def test_stable_bce_library_that_does_the_job_is_refused(wrong, fragment, capsys):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    checks.check_stable_bce(wrong)
    out = verdict(capsys)
    assert_rejected(out, fragment, "write it yourself")


def test_stable_bce_state_kept_between_calls_is_named(capsys):
    calls = []

    def drifting(z, y):  # right for its first 40 calls, then off by a little
        calls.append(z)
        return own_softplus(z) - y * z + (1e-3 if len(calls) > 40 else 0.0)

    checks.check_stable_bce(drifting)
    out = verdict(capsys)
    assert_rejected(out, "between calls")
    assert "rounding" not in out


def test_bce_gradient_z_itself_is_named(capsys):
    checks.check_bce_gradient(Value(0.5))  # the Value z, whose .data is 0.5 and whose .grad is the answer
    out = verdict(capsys)
    assert_rejected(out, "z.grad")
    assert "0.37" not in out and "0.62" not in out
