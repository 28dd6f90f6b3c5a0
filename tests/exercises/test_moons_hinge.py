"""Notebook 08's checks: the right answers pass, each typical slip is named, no message gives the answer away."""

import re

import pytest

from micrograd_mlp import MLP
from micrograd_mlp.data import moons
from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import moons_hinge as checks
from micrograd_mlp.losses import convert_labels, hinge, l2_penalty


def verdict(capsys):
    return capsys.readouterr().out.strip()


def assert_rejected(capsys, *fragments):
    out = verdict(capsys)
    assert out.startswith("[✗]"), out
    for fragment in fragments:
        assert fragment in out, out
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
    assert not mentions(assert_rejected(capsys, fragment), RIGHT_LOSS)


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
        assert not mentions(assert_rejected(capsys, fragment), 1 / 3)
    checks.check_hinge_gradients(...)
    assert verdict(capsys).startswith("[ ]")


# --- exercise 3: the hinge loss with L2, built from Values --------------------------------------


def right(scores, labels, parameters, alpha):
    data_loss = sum((1 - y * s).relu() for s, y in zip(scores, labels)) / len(scores)
    return data_loss + alpha * sum(p**2 for p in parameters)


def test_hinge_with_l2_right(capsys):
    checks.check_hinge_with_l2(right)
    assert verdict(capsys) == "[✓] hinge loss with L2: correct!"
    checks.check_hinge_with_l2(lambda s, y, p, a: hinge(s, y) + l2_penalty(p, a))
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
    (lambda s, y, p, a: hinge(s, y), "penalty is missing"),
    (lambda s, y, p, a: hinge(s, y) + sum(pi * pi for pi in p), "not multiplied by alpha"),
    (lambda s, y, p, a: hinge(s, y) + a * sum(abs(pi.data) for pi in p), "adds |p|"),
    (lambda s, y, p, a: hinge(s, y) + a * sum(p), "adds the parameters themselves"),
    (lambda s, y, p, a: hinge(s, y) + penalty(p, a) / len(s), "divided by n"),
    (lambda s, y, p, a: hinge(s, y) + 2 * penalty(p, a), "twice too large"),
    (lambda s, y, p, a: hinge(s, y) + penalty(p, a) / 2, "half too small"),
    (lambda s, y, p, a: hinge(s, y) + penalty(p, a) / len(p), "divided by the number of parameters"),
    (lambda s, y, p, a: mean((yi * si - 1).relu() for si, yi in zip(s, y)) + penalty(p, a), "order is flipped"),
    (lambda s, y, p, a: hinge(s, y).data + penalty(p, a).data, "returned a plain float"),
    (lambda s, y, p, a: mean(Value(max(0.0, 1 - yi * si.data)) for si, yi in zip(s, y)) + penalty(p, a),
     "no gradient reaches the scores"),
    (lambda s, y, p, a: hinge(s, y) + a * sum(pi.data**2 for pi in p), "no gradient reaches the parameters"),
    (lambda s, y, p, a: hinge(s, y) + a * sum(pi * pi.data for pi in p), "the gradient of parameter 1 is not"),
    (lambda s, y, p, a: hinge(s, y) + penalty(p, a) + 0.01, "not the mean of max(0, 1 − y·s) plus alpha·Σp²"),
    (lambda s, y, p, a: "loss", "should be a number"),
]


@pytest.mark.parametrize("wrong, fragment", SLIPS)
def test_hinge_with_l2_slips(wrong, fragment, capsys):
    checks.check_hinge_with_l2(wrong)
    assert_rejected(capsys, fragment, "on a batch of")


def test_hinge_with_l2_stub_and_crash(capsys):
    def stub(scores, labels, parameters, alpha): ...

    checks.check_hinge_with_l2(stub)
    assert verdict(capsys).startswith("[ ] hinge loss with L2: not answered yet")
    checks.check_hinge_with_l2(lambda s, y, p, a: sum(max(0, 1 - yi * si) for si, yi in zip(s, y)))
    assert_rejected(capsys, "on a batch of", "Python's max() does not work", ".relu()")
    checks.check_hinge_with_l2(lambda s, y, p, a: hinge(s, y) + penalty(p, a) + 1 / 0)
    assert_rejected(capsys, "ZeroDivisionError on a batch of")

    def without_return(scores, labels, parameters, alpha):
        right(scores, labels, parameters, alpha)

    checks.check_hinge_with_l2(without_return)
    assert_rejected(capsys, "on a batch of", "returned None", "`return` missing")


# --- exercise 4: the smallest margin ------------------------------------------------------------


def test_smallest_margin(capsys):
    X, y = moons(n_samples=20, noise=0.1, seed=3)
    y_pm = convert_labels(y, to="pm1")
    model = MLP(2, [4, 1], activation="relu", seed=2)
    margins = [label * model(x).data for x, label in zip(X, y_pm)]
    checks.check_smallest_margin(min(margins), model, X, y_pm)
    assert verdict(capsys) == "[✓] smallest margin: correct!"
    checks.check_smallest_margin(min(model(x).data for x in X), model, X, y_pm)
    assert not mentions(assert_rejected(capsys, "multiply each score by its label"), min(margins))
    checks.check_smallest_margin(max(margins), model, X, y_pm)
    assert not mentions(assert_rejected(capsys, "largest margin"), min(margins))
    model = MLP(2, [4, 1], activation="relu", seed=5)  # its smallest score is not the smallest margin with 0/1 labels
    margins = [label * model(x).data for x, label in zip(X, y_pm)]
    checks.check_smallest_margin(min(label * model(x).data for x, label in zip(X, y)), model, X, y_pm)
    assert not mentions(assert_rejected(capsys, "labels 0/1", "y_pm"), min(margins))
