"""Notebook 01's exercises: the right answers pass, each typical wrong one is named, no message gives the answer."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.exercises.derivatives import (
    check_central_difference,
    check_predicted_d,
    _predicted_d,
    check_product_gradient,
    check_zero_slope,
)
from verdicts import assert_rejected, verdict


# --- exercise 1: the zero of the slope ------------------------------------------------------------


@pytest.mark.parametrize("answer", [2 / 3, 0.6667, np.float64(4 / 6), 0.66667])
def test_zero_slope_right(answer, capsys):
    check_zero_slope(answer)
    assert verdict(capsys) == "[✓] zero slope: correct!"


@pytest.mark.parametrize(
    "answer, words",
    [
        (4 / 3, "not 3x"),
        (1.5, "wrong way round"),
        (4, "did not divide"),
        (0, "slope is −4"),
        (11 / 3, "value of f at the bottom"),
        (-2 / 3, "wrong sign"),
        (0.67, "not right to 4 decimals"),
    ],
)
def test_zero_slope_mistakes_are_named_without_the_answer(answer, words, capsys):
    check_zero_slope(answer)
    out = verdict(capsys)
    assert_rejected(out, words)
    assert "0.666" not in out and "0.667" not in out and "2/3" not in out


def test_zero_slope_not_answered(capsys):
    check_zero_slope(...)
    assert verdict(capsys).startswith("[ ] zero slope: not answered yet")


# --- exercise 2: the central difference, built by the student ---------------------------------------


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def central_difference_other_order(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2 / h


def forward(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


def backward(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h


def run_of_h(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h


def flipped(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)


def precedence(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2 * h


def fixed_step(f, x, h=1e-5):
    return (f(x + 1e-5) - f(x - 1e-5)) / (2 * 1e-5)


def no_default(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def tiny_default(f, x, h=1e-13):
    return (f(x + h) - f(x - h)) / (2 * h)


def of_the_notebooks_parabola(f, x, h=1e-5):
    return 6 * x - 4


def crashes(f, x, h=1e-5):
    return f[x]


def prints_instead_of_returning(f, x, h=1e-5):
    print((f(x + h) - f(x - h)) / (2 * h))


def stub_ellipsis(f, x, h=1e-5):
    ...


def stub_raises(f, x, h=1e-5):
    raise NotImplementedError


@pytest.mark.parametrize("right", [central_difference, central_difference_other_order])
def test_central_difference_right(right, capsys):
    check_central_difference(right)
    assert verdict(capsys) == "[✓] central difference: correct!"


@pytest.mark.parametrize(
    "wrong, words",
    [
        (forward, "forward difference"),
        (backward, "backward difference"),
        (run_of_h, "twice too large"),
        (flipped, "wrong sign"),
        (precedence, "parentheses"),
        (fixed_step, "use the h you are given"),
        (no_default, "give h a default value"),
        (tiny_default, "default h"),
        (of_the_notebooks_parabola, "not the central difference"),
        (crashes, "TypeError on f(x) = x³ − 2x at x ="),
        ("central", "should be a function"),
    ],
)
def test_central_difference_slips_are_named(wrong, words, capsys):
    check_central_difference(wrong)
    assert_rejected(verdict(capsys), words)


def test_a_printed_estimate_is_a_missing_return_not_a_stub(capsys):
    check_central_difference(prints_instead_of_returning)
    verdict_line = verdict(capsys).splitlines()[-1]  # the lines above it are what the student's code printed
    assert_rejected(verdict_line, "returned None: it should return the estimate (is a `return` missing?)")


@pytest.mark.parametrize("stub", [stub_ellipsis, stub_raises])
def test_central_difference_stub_is_not_answered(stub, capsys):
    check_central_difference(stub)
    assert verdict(capsys).startswith("[ ] central difference: not answered yet")


def test_central_difference_case_is_named_but_not_its_slope(capsys):
    check_central_difference(forward)
    out = verdict(capsys)
    x = float(out.split("at x = ")[1].split(" ")[0])
    assert f"{3 * x * x - 2:.3f}"[:5] not in out  # the slope of x³ − 2x there is not printed


# --- exercise 3: a prediction from the gradient --------------------------------------------------------


def test_predicted_d_right(capsys):
    check_predicted_d(3.99)
    assert verdict(capsys) == "[✓] predicted d: correct!"


def test_d_recomputed_at_the_nudged_point_is_not_the_prediction():
    # a and b move together: d = a·b + c is off the linear prediction by Δa·Δb, 0.0002, four times the tolerance
    recomputed = (2.0 + 0.01) * (-3.0 + 0.02) + (10.0 - 0.02)
    assert round(recomputed, 4) == 3.9902
    assert math.isclose(recomputed - 3.99, 0.01 * 0.02)
    expected, mistakes = _predicted_d()
    assert math.isclose(expected, 3.99)
    numbers = [expected] + [wrong for wrong, _ in mistakes]
    assert all(abs(x - y) > 1e-4 for i, x in enumerate(numbers) for y in numbers[i + 1:])  # no slip hides another


@pytest.mark.parametrize(
    "answer, words",
    [
        (3.9902, "that is d recomputed at the nudged point; the exercise asks for the prediction from the gradient"),
        ((2.0 + 0.01) * (-3.0 + 0.02) + (10.0 - 0.02), "d recomputed at the nudged point"),
        (-0.01, "that is the change Δd"),
        (4.0, "d before the nudge"),
        (3.95, "b moved too"),  # the answer when b stayed put, as it once did
        (4.05, "∂d/∂a = b = −3 is negative"),
        (3.91, "∂d/∂b = a = 2 is positive"),
        (4.03, "its term (∂d/∂c)·Δc is negative"),
        (4.01, "every term has the wrong sign"),
        (3.94, "∂d/∂a and ∂d/∂b are swapped"),
        (-3.99, "wrong sign"),
        (3.9, "not right to 4 decimals"),
        (3.9901, "not right to 4 decimals"),
    ],
)
def test_predicted_d_mistakes(answer, words, capsys):
    check_predicted_d(answer)
    out = verdict(capsys)
    assert_rejected(out, words)
    assert "3.99" not in out.replace(f"{answer}", "") and "3,99" not in out and "0.0002" not in out


# --- exercise 4: the gradient of a product of three ---------------------------------------------------


@pytest.mark.parametrize("answer", [[-30, 20, -6], (-30.0000001, 19.9999999, -6.0), np.array([-30.0, 20.0, -6.0])])
def test_product_gradient_right(answer, capsys):
    check_product_gradient(answer)
    assert verdict(capsys) == "[✓] gradient of a·b·c: correct!"


@pytest.mark.parametrize(
    "answer, words",
    [
        ([20, -30, -6], "wrong order"),
        ([2, 20, -6], "∂p/∂a is a itself"),
        ([-3, 20, -6], "∂p/∂a is only b"),
        ([-30, 20, -60], "∂p/∂c is p itself"),
        ([-30, -20, -6], "∂p/∂b has the right size but the wrong sign"),
        ([-30, 20], "a list of three numbers"),
        (-30, "a list of three numbers"),
        ([-30, "20", -6], "entry 2 of your list should be a number"),
    ],
)
def test_product_gradient_mistakes(answer, words, capsys):
    check_product_gradient(answer)
    out = verdict(capsys)
    assert_rejected(out, words)
    assert "-30" not in out.replace(str(answer), "") and "−30" not in out


def test_checks_return_nothing(capsys):
    assert check_zero_slope(math.nan) is None
    assert "not a finite number" in verdict(capsys)


# --- answers in odd forms, and code that never ends ----------------------------------------------------


@pytest.mark.parametrize("answer", [Decimal("0.6667"), Fraction(2, 3), np.float32(2 / 3), Value(2 / 3)])
def test_zero_slope_in_any_numeric_form(answer, capsys):
    check_zero_slope(answer)
    assert verdict(capsys) == "[✓] zero slope: correct!"


def float32_estimate(f, x, h=1e-5):
    return np.float32((f(x + h) - f(x - h)) / (2 * h))


def value_estimate(f, x, h=1e-5):
    return Value((f(x + h) - f(x - h)) / (2 * h))


@pytest.mark.parametrize("right", [float32_estimate, value_estimate])
def test_central_difference_in_another_numeric_form(right, capsys):
    check_central_difference(right)
    assert verdict(capsys) == "[✓] central difference: correct!"


@pytest.mark.parametrize(
    "odd, words",
    [
        (lambda f, x, h=1e-5: [(f(x + h) - f(x - h)) / (2 * h)], "should be a number, but it is list"),
        (lambda f, x, h=1e-5: str((f(x + h) - f(x - h)) / (2 * h)), "should be a number, but it is str"),
        (lambda f, x, h=1e-5: {"slope": 1.0}, "should be a number, but it is dict"),
    ],
)
def test_central_difference_odd_results_get_a_verdict(odd, words, capsys):
    check_central_difference(odd)
    assert_rejected(verdict(capsys), words)


def test_central_difference_that_never_returns_times_out(monkeypatch):
    def endless(f, x, h=1e-5):
        while True:
            print("still thinking")

    monkeypatch.setattr(check_central_difference, "seconds", 1)
    assert check_central_difference.grade(endless).result == "timeout"


@pytest.mark.parametrize("answer", [{-30, 20, -6}, {"a": -30, "b": 20, "c": -6}, frozenset((-30, 20, -6))])
def test_product_gradient_without_an_order_is_refused(answer, capsys):
    check_product_gradient(answer)
    assert_rejected(verdict(capsys), "keeps no order")


def test_product_gradient_as_values_and_decimals(capsys):
    check_product_gradient([Value(-30.0), Decimal("20.0001"), np.float32(-6.0)])
    assert verdict(capsys) == "[✓] gradient of a·b·c: correct!"


def clamped_step(f, x, h=1e-5):
    h = max(h, 1e-5)
    return (f(x + h) - f(x - h)) / (2 * h)


def test_central_difference_uses_a_tiny_h_as_given(capsys):
    check_central_difference(clamped_step)
    assert_rejected(verdict(capsys), "use the h you are given, however small")


def test_a_gradient_whose_iteration_never_ends_gets_a_verdict(capsys):
    class Endless:  # three entries by len(), but iterating it never stops
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return -30.0

    check_product_gradient(Endless())
    out = verdict(capsys)
    assert_rejected(out, "∂p/∂b")
    assert "timeout" not in out and "20" not in out
