"""Notebook 08's checks: the right answers pass, each typical slip is named, no message gives the answer away."""

import re
import time
from decimal import Decimal

import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import MLP
from micrograd_mlp.data import moons
from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import moons_hinge as checks
from micrograd_mlp.losses import convert_labels, hinge, l2_penalty


def rejected(capsys, *fragments):
    """The check's ``[✗]`` line, which names every fragment."""
    out = verdict(capsys)
    assert_rejected(out, *fragments)
    return out


def mentions(message, number):
    """Whether ``number`` appears in ``message`` to 2, 3 or 4 decimals."""
    written = {f"{number:.2f}", f"{number:.3f}", f"{number:.4f}"}
    return any(re.search(rf"(?<![\d.]){re.escape(text)}", message) for text in written)


# --- exercises 1 and 2: the three points --------------------------------------------------------

SCORES, LABELS = [1.5, -0.2, 0.4], [1.0, -1.0, -1.0]
RIGHT_LOSS = (0.0 + 0.8 + 1.4) / 3


@pytest.mark.parametrize("answer", [RIGHT_LOSS, 0.7333, round(RIGHT_LOSS, 5)])
def test_hinge_by_hand_right(answer, capsys):
    checks.check_hinge_by_hand(answer)
    assert verdict(capsys) == "[✓] hinge by hand: correct!"


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (2.2, "their mean"),
        ((0 + 1.2 + 0.6) / 3, "left out the labels"),
        ((0 + 0 + 0.4) / 3, "left out the 1"),
        ((-0.5 + 0.8 + 1.4) / 3, "keep the max(0, ·)"),
        (1.1, "divide by all three points"),
        (0.733, "not right to 4 decimals"),
        (-RIGHT_LOSS, "wrong sign"),
    ],
)
def test_hinge_by_hand_slips(wrong, fragment, capsys):
    checks.check_hinge_by_hand(wrong)
    assert not mentions(rejected(capsys, fragment), RIGHT_LOSS)


def test_hinge_gradients(capsys):
    checks.check_hinge_gradients([0.0, 1 / 3, 1 / 3])
    assert verdict(capsys) == "[✓] hinge gradients: correct!"
    checks.check_hinge_gradients([0, 0.3333, 0.3333])
    assert verdict(capsys) == "[✓] hinge gradients: correct!"
    for wrong, fragment in [
        ([0.0, -1 / 3, -1 / 3], "∂L/∂s2: the sign is flipped"),
        ([0.0, 1.0, 1.0], "∂L/∂s2: the 1/n of the mean is missing"),
        ([-1 / 3, 1 / 3, 1 / 3], "∂L/∂s1: this point's margin is at least 1"),
        ([0.0, 1 / 3], "a list of three numbers"),
        ([0.0, 0.5, 0.5], "∂L/∂s2: the mean divides by all n points"),
        ([0.0, 0.25, 1 / 3], "∂L/∂s2 is not right to 4 decimals"),
    ]:
        checks.check_hinge_gradients(wrong)
        assert not mentions(rejected(capsys, fragment), 1 / 3)
    checks.check_hinge_gradients(...)
    assert verdict(capsys).startswith("[ ]")


# --- exercise 3: the hinge loss with L2, built from Values --------------------------------------


def right(scores, labels, parameters, alpha):
    data_loss = sum((1 - y * s).relu() for s, y in zip(scores, labels)) / len(scores)
    return data_loss + alpha * sum(p**2 for p in parameters)


def data_loss(s, y):
    """The mean hinge loss, written as a student would (the package's ``hinge`` is refused)."""
    return sum((1 - yi * si).relu() for si, yi in zip(s, y)) / len(s)


def right_with_value_sum(scores, labels, parameters, alpha):
    return Value.sum((1.0 - y * s).relu() for s, y in zip(scores, labels)) * (1.0 / len(scores)) + alpha * Value.sum(
        p * p for p in parameters
    )


def right_with_a_loop(scores, labels, parameters, alpha):
    total = Value(0.0)
    for s, y in zip(scores, labels):
        total = total + (-(s * y) + 1).relu()
    penalty = 0
    for p in parameters:
        penalty += p**2
    print("loss", total, penalty)  # a student's debugging print: swallowed by the check
    return total / len(scores) + penalty * alpha


@pytest.mark.parametrize("answer", [right, right_with_value_sum, right_with_a_loop])
def test_hinge_with_l2_right(answer, capsys):
    checks.check_hinge_with_l2(answer)
    assert verdict(capsys) == "[✓] hinge loss with L2: correct!"


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def penalty(parameters, alpha):
    return alpha * sum(p * p for p in parameters)


SLIPS = [
    (lambda s, y, p, a: sum((1 - yi * si).relu() for si, yi in zip(s, y)) + penalty(p, a), "divide by n"),
    (lambda s, y, p, a: mean((1 - si).relu() for si in s) + penalty(p, a), "left out the labels"),
    (lambda s, y, p, a: mean((-yi * si).relu() for si, yi in zip(s, y)) + penalty(p, a), "left out the 1"),
    (lambda s, y, p, a: mean(1 - yi * si for si, yi in zip(s, y)) + penalty(p, a), "must cost 0"),
    (lambda s, y, p, a: data_loss(s, y), "penalty is missing"),
    (lambda s, y, p, a: data_loss(s, y) + sum(pi * pi for pi in p), "not multiplied by alpha"),
    (lambda s, y, p, a: data_loss(s, y) + a * sum(abs(pi.data) for pi in p), "adds |p|"),
    (lambda s, y, p, a: data_loss(s, y) + a * sum(p), "adds the parameters themselves"),
    (lambda s, y, p, a: data_loss(s, y) + penalty(p, a) / len(s), "divided by n"),
    (lambda s, y, p, a: data_loss(s, y) + 2 * penalty(p, a), "twice too large"),
    (lambda s, y, p, a: data_loss(s, y) + penalty(p, a) / 2, "half too small"),
    (lambda s, y, p, a: data_loss(s, y) + penalty(p, a) / len(p), "divided by the number of parameters"),
    (lambda s, y, p, a: mean((yi * si - 1).relu() for si, yi in zip(s, y)) + penalty(p, a), "order is flipped"),
    (lambda s, y, p, a: data_loss(s, y).data + penalty(p, a).data, "returned a plain float"),
    (lambda s, y, p, a: mean(Value(max(0.0, 1 - yi * si.data)) for si, yi in zip(s, y)) + penalty(p, a),
     "no gradient reaches the scores"),
    (lambda s, y, p, a: data_loss(s, y) + a * sum(pi.data**2 for pi in p), "no gradient reaches the parameters"),
    (lambda s, y, p, a: data_loss(s, y) + a * sum(pi * pi.data for pi in p), "the gradient of parameter 1 is not"),
    (lambda s, y, p, a: data_loss(s, y) + penalty(p, a) + 0.01, "not the mean of max(0, 1 − y·s) plus alpha·Σp²"),
    (lambda s, y, p, a: "loss", "should be a number"),
]


@pytest.mark.parametrize("wrong, fragment", SLIPS)
def test_hinge_with_l2_slips(wrong, fragment, capsys):
    checks.check_hinge_with_l2(wrong)
    rejected(capsys, fragment, "on a batch of")


def test_hinge_with_l2_stub_and_crash(capsys):
    def stub(scores, labels, parameters, alpha): ...

    checks.check_hinge_with_l2(stub)
    assert verdict(capsys).startswith("[ ] hinge loss with L2: not answered yet")
    checks.check_hinge_with_l2(lambda s, y, p, a: sum(max(0, 1 - yi * si) for si, yi in zip(s, y)))
    rejected(capsys, "on a batch of", "Python's max() does not work", ".relu()")
    checks.check_hinge_with_l2(lambda s, y, p, a: data_loss(s, y) + penalty(p, a) + 1 / 0)
    rejected(capsys, "ZeroDivisionError on a batch of")

    def without_return(scores, labels, parameters, alpha):
        right(scores, labels, parameters, alpha)

    checks.check_hinge_with_l2(without_return)
    rejected(capsys, "on a batch of", "returned None", "`return` missing")


@pytest.mark.parametrize(
    "package_call, name",
    [
        (lambda s, y, p, a: hinge(s, y) + l2_penalty(p, a), "hinge"),
        (lambda s, y, p, a: data_loss(s, y) + l2_penalty(p, a), "l2_penalty"),
        (lambda s, y, p, a: (lambda: hinge(s, y))() + penalty(p, a), "hinge"),  # wrapped: still the package's
    ],
)
def test_hinge_with_l2_refuses_the_package_loss(package_call, name, capsys):
    checks.check_hinge_with_l2(package_call)
    rejected(capsys, f"calls the package's {name}", "write that part yourself")


def relabel(s, y, p, a):
    y[:] = [1.0] * len(y)  # every label overwritten with +1
    return right(s, y, p, a)


def rescore(s, y, p, a):
    for si in s:
        si.data = 0.0
    return right(s, y, p, a)


def reorder(s, y, p, a):
    s.reverse()
    return right(s, y, p, a)


def backward_inside(s, y, p, a):
    loss = right(s, y, p, a)
    loss.backward()
    return loss


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (relabel, "changed the list of labels"),
        (rescore, "changed the .data of a score"),
        (reorder, "changed the list of scores"),
        (backward_inside, "backward() inside it?"),
    ],
)
def test_hinge_with_l2_leaves_its_inputs_as_they_were(changes, fragment, capsys):
    checks.check_hinge_with_l2(changes)
    rejected(capsys, fragment, "on a batch of")


def test_hinge_with_l2_forgets_nothing_between_calls(capsys):
    remembered = []

    def caching(scores, labels, parameters, alpha):
        if not remembered:  # the first batch's loss, returned for every later batch
            remembered.append(right(scores, labels, parameters, alpha).data)
        return right(scores, labels, parameters, alpha) * 0 + remembered[0]

    checks.check_hinge_with_l2(caching)
    rejected(capsys, "on a batch of")

    calls = []

    def drifting(scores, labels, parameters, alpha):  # right the first time round only
        calls.append(1)
        return right(scores, labels, parameters, alpha) + (0.0 if len(calls) <= 5 else 1e-3)

    checks.check_hinge_with_l2(drifting)
    rejected(capsys, "on a batch of 5 score(s)")


def test_hinge_with_l2_one_point_and_integer_labels(capsys):
    def float_labels_only(scores, labels, parameters, alpha):
        if any(isinstance(y, int) for y in labels):
            raise TypeError("labels must be floats")
        return right(scores, labels, parameters, alpha)

    checks.check_hinge_with_l2(float_labels_only)
    rejected(capsys, "TypeError on a batch of 8 score(s)")

    def over_n_minus_1(scores, labels, parameters, alpha):  # the sample-variance habit: fails on one point
        return sum((1 - y * s).relu() for s, y in zip(scores, labels)) / (len(scores) - 1) + penalty(parameters, alpha)

    checks.check_hinge_with_l2(over_n_minus_1)
    rejected(capsys, "on a batch of 5 score(s)")


@pytest.mark.parametrize(
    "odd",
    [
        lambda s, y, p, a: {right(s, y, p, a)},
        lambda s, y, p, a: {"loss": right(s, y, p, a)},
        lambda s, y, p, a: Decimal(right(s, y, p, a).data),
        lambda s, y, p, a: [right(s, y, p, a)],
    ],
)
def test_hinge_with_l2_odd_answers_get_a_verdict(odd, capsys):
    checks.check_hinge_with_l2(odd)
    rejected(capsys, "on a batch of")


def test_hinge_with_l2_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(checks.check_hinge_with_l2, "seconds", 1)

    def endless(scores, labels, parameters, alpha):
        while True:
            pass

    start = time.perf_counter()
    result = checks.check_hinge_with_l2.grade(endless)
    assert result.result == "timeout"
    assert time.perf_counter() - start < 3


# --- exercise 4: the smallest margin ------------------------------------------------------------


def test_smallest_margin(capsys):
    X, y = moons(n_samples=20, noise=0.1, seed=3)
    y_pm = convert_labels(y, to="pm1")
    model = MLP(2, [4, 1], activation="relu", seed=2)
    margins = [label * model(x).data for x, label in zip(X, y_pm)]
    checks.check_smallest_margin(min(margins), model, X, y_pm)
    assert verdict(capsys) == "[✓] smallest margin: correct!"
    checks.check_smallest_margin(min(model(x).data for x in X), model, X, y_pm)
    assert not mentions(rejected(capsys, "multiply each score by its label"), min(margins))
    checks.check_smallest_margin(max(margins), model, X, y_pm)
    assert not mentions(rejected(capsys, "largest margin"), min(margins))
    model = MLP(2, [4, 1], activation="relu", seed=5)  # its smallest score is not the smallest margin with 0/1 labels
    margins = [label * model(x).data for x, label in zip(X, y_pm)]
    checks.check_smallest_margin(min(label * model(x).data for x, label in zip(X, y)), model, X, y_pm)
    assert not mentions(rejected(capsys, "labels 0/1", "y_pm"), min(margins))
