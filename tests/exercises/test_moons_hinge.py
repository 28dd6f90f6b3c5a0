"""Notebook 08's checks: the right answers pass, each typical slip is named, no message gives the answer away."""

import re
import time
from decimal import Decimal

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import MLP
from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import moons_hinge as checks
from micrograd_mlp.losses import hinge, l2_penalty


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
    (lambda s, y, p, a: mean(abs(1 - yi * si) for si, yi in zip(s, y)) + penalty(p, a), "|1 − y·s| charges the points"),
    (lambda s, y, p, a: mean((1 - yi * si).relu() ** 2 for si, yi in zip(s, y)) + penalty(p, a), "loss is squared"),
    (lambda s, y, p, a: data_loss(s, y) + penalty(p, 1e-4), "the notebook's, not the alpha your function is given"),
    (lambda s, y, p, a: data_loss(s, y) + a * sum(pi * pi for pi in p) ** 0.5, "no square root"),
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


def backward_inside_then_zeroed(s, y, p, a):  # the gradients put back to 0: the call itself is what is refused
    loss = right(s, y, p, a)
    loss.backward()
    for v in s + p:
        v.grad = 0.0
    return loss


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (relabel, "changed the list of labels"),
        (rescore, "changed the .data of a score"),
        (reorder, "changed the list of scores"),
        (backward_inside, "calls backward()"),
        (backward_inside_then_zeroed, "calls backward()"),
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


# --- exercise 4 (build it): the smallest margin ------------------------------------------------


def smallest_margin(model, X, labels):
    return min(label * model(x).data for x, label in zip(X, labels))


def smallest_margin_by_index(model, X, labels):
    margins = []
    for i in range(len(X)):
        score = model(X[i]).data
        margins.append(labels[i] * score)
    print("margins:", margins)  # a student's debugging print: swallowed by the check
    return sorted(margins)[0]


def smallest_margin_as_a_value(model, X, labels):
    return min((label * model(x) for x, label in zip(X, labels)), key=lambda v: v.data)  # a Value: its data counts


def smallest_margin_rounded(model, X, labels):
    return round(float(np.min([label * model(x).data for x, label in zip(X, labels)])), 4)


@pytest.mark.parametrize("answer", [smallest_margin, smallest_margin_by_index, smallest_margin_as_a_value,
                                    smallest_margin_rounded])
def test_smallest_margin_right(answer, capsys):
    checks.check_smallest_margin(answer)
    assert verdict(capsys) == "[✓] smallest margin: correct!"


def margins(model, X, labels):
    return [label * model(x).data for x, label in zip(X, labels)]


OTHER_NETWORK = MLP(2, [3, 1], activation="relu", seed=11)  # stands for the notebook's `fitted`
NOTEBOOK_X, NOTEBOOK_Y = [[0.5, 0.25], [1.5, -0.5], [-0.75, 0.5]], [1.0, 1.0, -1.0]  # stand for its X and y_pm


def with_backward(model, X, labels):
    total = sum(label * model(x) for x, label in zip(X, labels))
    total.backward()
    return smallest_margin(model, X, labels)


def with_new_weights(model, X, labels):
    for p in model.parameters():
        p.data *= 2.0
    return smallest_margin(model, X, labels)


def sorting_the_labels(model, X, labels):
    labels.sort()
    return smallest_margin(model, X, labels)


def float_labels_only(model, X, labels):
    if any(isinstance(label, int) for label in labels):
        raise TypeError("labels must be floats")
    return smallest_margin(model, X, labels)


def without_return(model, X, labels):
    smallest_margin(model, X, labels)


SMALLEST_MARGIN_SLIPS = [
    (lambda m, X, y: min(abs(m(x).data) for x in X), ["smallest |score|", "a point on the wrong side has a negative margin"]),
    (lambda m, X, y: max(margins(m, X, y)), ["largest margin", "min, not max"]),
    (lambda m, X, y: min(m(x).data for x in X), ["the labels are left out"]),
    (lambda m, X, y: min((label > 0) * m(x).data for x, label in zip(X, y)), ["labels 0/1", "±1"]),
    (lambda m, X, y: min(-label * m(x).data for x, label in zip(X, y)), ["the sign is flipped"]),
    (lambda m, X, y: abs(smallest_margin(m, X, y)), ["without its sign"]),
    (lambda m, X, y: sum(margins(m, X, y)) / len(X), ["mean margin"]),
    (lambda m, X, y: sum(margins(m, X, y)), ["sum of the margins"]),
    (lambda m, X, y: margins(m, X, y)[0], ["first point only"]),
    (lambda m, X, y: margins(m, X, y)[-1], ["last point only"]),
    (lambda m, X, y: 1 - smallest_margin(m, X, y), ["largest hinge term"]),
    (lambda m, X, y: margins(m, X, y).index(smallest_margin(m, X, y)), ["position of a point"]),
    (lambda m, X, y: smallest_margin(OTHER_NETWORK, X, y), ["does it use the model it is given"]),
    (lambda m, X, y: smallest_margin(m, NOTEBOOK_X, NOTEBOOK_Y), ["does it use the points"]),
    (lambda m, X, y: margins(m, X, y), ["returned a collection"]),
    (lambda m, X, y: min(label * m(x) for x, label in zip(X, y)), ["Values cannot be compared", "model(x).data"]),
    (lambda m, X, y: min(mi for mi in margins(m, X, y) if mi < 0), ["ValueError on a network that puts every one"]),
    (lambda m, X, y: min(margins(m, X[1:], y[1:])), ["ValueError on one point alone"]),
    (lambda m, X, y: 1.0038, ["this same number for other networks and other points"]),
    (lambda m, X, y: float("nan"), ["not a finite number"]),
    (lambda m, X, y: smallest_margin(m, X, y) + 1e-3, ["not the smallest of label × score"]),
    (with_backward, ["gradients changed", "backward()"]),
    (with_new_weights, ["changed the network's weights"]),
    (sorting_the_labels, ["changed the list of labels"]),
    (float_labels_only, ["TypeError on the ReLU network on 9 other points"]),
    (without_return, ["returned None", "`return` missing"]),
    (lambda m, X, y: smallest_margin(m, X, y) / 0, ["ZeroDivisionError on a ReLU network on 12 points"]),
]


def right_answer_of_first_case():
    _, model, X, labels = checks._margin_cases()[0]
    return smallest_margin(model, X, labels)


@pytest.mark.parametrize("wrong, fragments", SMALLEST_MARGIN_SLIPS)
def test_smallest_margin_slips(wrong, fragments, capsys):
    checks.check_smallest_margin(wrong)
    out = rejected(capsys, *fragments)
    assert not mentions(out, right_answer_of_first_case())
    for _, model, X, labels in checks._margin_cases():
        assert not mentions(out, smallest_margin(model, X, labels))


def test_smallest_margin_remembers_nothing_between_calls(capsys):
    remembered = []

    def caching(model, X, labels):
        if not remembered:
            remembered.append(smallest_margin(model, X, labels))
        return remembered[0]

    checks.check_smallest_margin(caching)
    rejected(capsys, "on a tanh network on the same 12 points")

    calls = []

    def drifting(model, X, labels):  # right on the first five calls only
        calls.append(1)
        return smallest_margin(model, X, labels) + (0.0 if len(calls) <= 5 else 1.0)

    checks.check_smallest_margin(drifting)
    rejected(capsys, "on a ReLU network on 12 points")


def test_smallest_margin_stub_and_odd_answers(capsys):
    def stub(model, X, labels): ...

    checks.check_smallest_margin(stub)
    assert verdict(capsys).startswith("[ ] smallest margin: not answered yet")
    checks.check_smallest_margin(...)
    assert verdict(capsys).startswith("[ ] smallest margin: not answered yet")
    checks.check_smallest_margin(1.0038)
    rejected(capsys, "should be a function")
    checks.check_smallest_margin(lambda m, X, y: "small")
    rejected(capsys, "should be a number")


def test_the_hidden_cases_tell_every_slip_from_the_right_answer():
    """On the first case every slip gives its own number, far from the right one: the first failure names the slip."""
    _, model, X, labels = checks._margin_cases()[0]
    scores = [model(x).data for x in X]
    values = [smallest_margin(model, X, labels)] + [wrong for wrong, _ in checks._margin_slips(scores, labels)]
    assert all(abs(a - b) > 1e-3 for i, a in enumerate(values) for b in values[i + 1:])
    cases = checks._margin_cases()
    assert any(smallest_margin(m, X, y) < 0 for _, m, X, y in cases)  # some networks misclassify points
    assert any(all(mi > 0 for mi in margins(m, X, y)) for _, m, X, y in cases)  # and one gets every point right
    assert any(len(X) == 1 for _, _, X, _ in cases)
    assert {type(y[0]) for _, _, _, y in cases} == {int, float}
