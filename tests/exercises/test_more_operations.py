"""Notebook 05's exercises: the right answers pass, each typical wrong one is named, no message gives the answer."""

import math

import pytest

from micrograd_mlp.exercises.more_operations import (
    check_composed_division,
    check_composed_sigmoid,
    check_power_with_value_exponent,
    check_quotient_derivative,
)
from graph_walks import iterative
from verdicts import assert_rejected, verdict


class Value:
    """Notebook 05's own class, as far as the power exercise's check uses it."""

    def __init__(self, data, children=(), local_grads=(), op="", label=""):
        self.data, self.grad = data, 0.0
        self.children, self.local_grads, self.op, self.label = children, local_grads, op, label

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def topological_order(self):
        return iterative(self)

    def backward(self):
        order = self.topological_order()
        for v in order:
            if v.children:
                v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            for child, local in zip(v.children, v.local_grads):
                child.grad += local * v.grad


# --- exercises 1 to 3: numbers to 4 decimals --------------------------------------------------------


@pytest.mark.parametrize(
    "check, right, wrong",
    [
        (check_quotient_derivative, -0.12, [(0.2, "local derivative of / for its top"), (0.52, "wrong sign"),
                                             (0.4, "the value, not its slope"), (0.12, "wrong sign"), (-0.13, "not right"),
                                             (1.0, "the 1 that backward() starts from"), (-0.24, "ran twice"),
                                             (-0.6, "square of the bottom")]),
        (check_composed_division, -0.75, [(-0.25, "multiplies it by its other factor"), (0.5, "gradient of a"),
                                          (-1.5, "appears squared"), (0.75, "wrong sign"),
                                          (1.0, "the 1 that backward() starts from"), (-0.7, "not right")]),
        (check_composed_sigmoid, 0.2350, [(0.6225, "the value of the sigmoid"), (0.3775, "1 − σ(0.5)"), (0.24, "not right"),
                                          (1.0, "the 1 that backward() starts from"), (0.47, "ran twice")]),
    ],
)
def test_number_exercises(check, right, wrong, capsys):
    check(right)
    assert verdict(capsys).startswith("[✓]")
    for answer, words in wrong:
        check(answer)
        out = verdict(capsys)
        assert_rejected(out, words)
        for decimals in (2, 3, 4):  # the expected number, however rounded, never appears in a message
            assert f"{abs(right):.{decimals}f}" not in out, out
        assert "backward();" not in out, out  # a hint points at the method; it is not the solution's code
        assert f"{abs(right):.2f}"[1:] not in out.split("not yet:")[1]
    check(...)
    assert verdict(capsys).startswith("[ ]")


def test_four_decimals_are_enough(capsys):
    check_composed_sigmoid(0.235)  # 0.23500... to 4 decimals
    assert verdict(capsys).startswith("[✓]")


# --- building it: a ** w with a Value exponent ----------------------------------------------------------


def power_with(local_base, local_exponent, children=lambda a, w: (a, w), data=lambda a, w: a**w):
    def power_value(a, w):
        x, k = a.data, w.data
        return Value(data(x, k), children(a, w), (local_base(x, k), local_exponent(x, k)), "**")

    return power_value


right = power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a))


def stub(a, w):
    """a ** w."""
    ...


def composed(a, w):
    """a ** w as exp(w * ln a), built from two operations: its child is the product, not a and w."""
    log_a = Value(math.log(a.data), (a,), (1 / a.data,), "log")
    product = Value(w.data * log_a.data, (w, log_a), (log_a.data, w.data), "*")
    return Value(math.exp(product.data), (product,), (math.exp(product.data),), "exp")


def values_as_local_grads(a, w):
    """The right local derivatives, but each wrapped in a Value."""
    result = a.data**w.data
    return Value(result, (a, w), (Value(w.data * a.data ** (w.data - 1)), Value(result * math.log(a.data))), "**")


def test_power_right(capsys):
    check_power_with_value_exponent(right, Value)
    assert verdict(capsys) == "[✓] a ** w with a Value exponent: correct!"


@pytest.mark.parametrize(
    "power_value, words",
    [
        (power_with(lambda a, w: w * a**w, lambda a, w: a**w * math.log(a)), ["lowers the exponent by one"]),
        (power_with(lambda a, w: a ** (w - 1), lambda a, w: a**w * math.log(a)), ["missing a factor", "brings the exponent down"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: math.log(a)), ["missing a factor", "keeps the e^(...)"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w), ["missing a factor", "slope of w·ln a"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log10(a)), ["base 10"]),
        (power_with(lambda a, w: a**w * math.log(a), lambda a, w: w * a ** (w - 1)), ["swapped", "order of the children"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a), children=lambda a, w: (w, a)),
         ["children are in the wrong order"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a), children=lambda a, w: (a,)),
         ["exponent is missing from the children"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a),
                    children=lambda a, w: (Value(a.data), Value(w.data))), ["not copies"]),
        (power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a), data=lambda a, w: w**a),
         ["base and exponent are swapped"]),
        (power_with(lambda a, w: -w * a ** (w - 1), lambda a, w: a**w * math.log(a)), ["wrong sign"]),
        (lambda a, w: Value(a.data**w.data), ["has no children"]),
        (lambda a, w: Value(a.data**w.data, (a, w), (1.0,)), ["should hold two numbers"]),
        (composed, ["composed from other operations", "children are the base and the exponent themselves"]),
        (values_as_local_grads, ["two plain numbers", "not Value, Value"]),
        (lambda a, w: a.data**w.data, ["should return a Value"]),
        (lambda a, w: print(end=""), ["returned None"]),
        (lambda a, w: math.sqrt(-1), ["ValueError"]),
    ],
)
def test_power_mistakes_are_named(power_value, words, capsys):
    check_power_with_value_exponent(power_value, Value)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "a^w·ln a" not in out and "a^(w − 1)" not in out and "a^(w - 1)" not in out  # the derivatives asked for


def test_a_gradient_lost_in_backward_is_caught(capsys):
    # Right local derivatives at the check's points, but a result whose children are copies of the inputs
    # once they are intermediate values: backward() then never reaches x, y or z.
    def loses_the_graph(a, w):
        if a.children:
            a, w = Value(a.data), Value(w.data)
        return right(a, w)

    check_power_with_value_exponent(loses_the_graph, Value)
    assert_rejected(verdict(capsys), "disagrees with the central difference")


@pytest.mark.parametrize("power_value", [stub, None])
def test_power_not_answered(power_value, capsys):
    check_power_with_value_exponent(power_value, Value)
    assert verdict(capsys).startswith("[ ] a ** w with a Value exponent: not answered yet")


# --- inputs left alone, odd results, code that never ends ---------------------------------------------------


def overwrites_base(a, w):
    result = right(a, w)
    a.data = result.data  # "a becomes a ** w", as in place
    return result


def value_as_data(a, w):
    result = right(a, w)
    result.data = Value(result.data)
    return result


@pytest.mark.parametrize(
    "wrong, words",
    [
        (overwrites_base, ["changed the base a", "leave its inputs as they were"]),
        (value_as_data, ["the data of your result should be a number, but it is Value"]),
        (lambda a, w: [right(a, w)][1:] or None, ["returned None", "is a `return` missing?"]),
    ],
)
def test_power_inputs_unchanged_and_odd_results(wrong, words, capsys):
    check_power_with_value_exponent(wrong, Value)
    assert_rejected(verdict(capsys), *words)


def test_endless_power_times_out(monkeypatch):
    def endless(a, w):
        while True:
            a.data**w.data

    monkeypatch.setattr(check_power_with_value_exponent, "seconds", 1)
    assert check_power_with_value_exponent.grade(endless, Value).result == "timeout"


def test_the_value_class_forgotten_gets_a_verdict(capsys):
    check_power_with_value_exponent(right)
    assert_rejected(verdict(capsys), "pass the notebook's Value class as well")


def test_the_package_power_and_lazy_local_grads_are_refused(capsys):
    from micrograd_mlp.engine import Value as PackageValue

    check_power_with_value_exponent(lambda a, w: a ** w, PackageValue)
    assert_rejected(verdict(capsys), "package's Value.__pow__", "yourself")
    check_power_with_value_exponent(lambda a, w: PackageValue._pow_value(a, w), PackageValue)
    assert_rejected(verdict(capsys), "package's Value._pow_value")

    def lazy(a, w):
        out = power_with(lambda a, w: w * a ** (w - 1), lambda a, w: a**w * math.log(a))(a, w)
        out.local_grads = (g for g in out.local_grads)
        return out

    check_power_with_value_exponent(lazy, Value)
    out = verdict(capsys)
    assert_rejected(out, "local_grads of your result are a generator", "tuple")
