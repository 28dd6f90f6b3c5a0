"""Notebook 01's claims, re-measured; its quoted numbers compared with its outputs."""

import math
import sys

import numpy as np
from notebook_text import printed, says


def f(x):
    return 3 * x * x - 4 * x + 5


def f_pow(x):
    return 3 * x**2 - 4 * x + 5


STEPS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16]


def test_the_first_estimate_is_the_one_quoted():
    says("01", "$f$ grows by $0.014003$, about 14 times as much")
    assert "f(x + h)        = 20.014003" in printed("01", 'print(f"f(x + h)        =')


def test_the_table_follows_3h_down_to_1e_7_then_breaks():
    says("01", "Down to $h = 10^{-7}$ the error follows the algebra", "At $h = 10^{-16}$ the \"slope\" is exactly 0")
    errors = {h: (f(3.0 + h) - f(3.0)) / h - 14 for h in STEPS}
    for h in STEPS[:7]:
        assert math.isclose(errors[h], 3 * h, rel_tol=0.05), h
    assert errors[1e-16] == -14
    best = min(STEPS, key=lambda h: abs(errors[h]))  # "the most accurate estimate comes from h around 1e-7 or 1e-8"
    assert best in (1e-7, 1e-8)
    assert 1e-7 < abs(errors[best]) < 1e-6  # "only seven to eight digits are correct"


def test_pow_changes_no_row_but_the_order_of_the_multiplications_changes_five():
    says("01", "A surprise: 5 rows change, but not because of `pow`")
    grouped = lambda x: 3 * (x * x) - 4 * x + 5  # noqa: E731
    assert sum((f_pow(3.0 + h) - f_pow(3.0)) / h != (f(3.0 + h) - f(3.0)) / h for h in STEPS) == 5
    assert sum((f_pow(3.0 + h) - f_pow(3.0)) / h != (grouped(3.0 + h) - grouped(3.0)) / h for h in STEPS) == 0
    out = printed("01", "def f_pow(x):")
    assert "3 * x * x: 5 of 16" in out and "3 * (x * x): 0 of 16" in out


def test_the_gaps_between_floats_are_the_ones_quoted():
    says("01", "near $x = 3$ they are about $4.4 \\times 10^{-16}$", "near $f(3) = 20$ about $3.6 \\times 10^{-15}$")
    out = printed("01", "math.ulp(3.0)")
    assert "machine epsilon = 2.2204e-16" in out and "4.4e-16" in out and "3.6e-15" in out
    assert f"{math.ulp(3.0):.1e}" == "4.4e-16" and f"{math.ulp(20.0):.1e}" == "3.6e-15"


def test_h_1e_13_step_digits_and_error_are_the_ones_quoted():
    says("01", "The step we actually took is $9.99 \\times 10^{-14}$", "agree in\ntheir first 13 digits",
         "The difference is off by about $0.02\\%$")
    out = printed("01", "h = 1e-13\n")
    assert "9.992007e-14" in out
    h = 1e-13
    difference = f(3.0 + h) - f(3.0)
    assert round(abs(difference - (14 * h + 3 * h * h)) / (14 * h) * 100, 2) == 0.02
    assert f"{f(3.0 + h):.17f}"[:14] == f"{f(3.0):.17f}"[:14]  # "20" and 11 zeros: 13 digits


def test_the_best_forward_step_and_error_of_the_budget():
    says("01", "at $h \\approx \\sqrt{\\varepsilon |f(x)| / 3} \\approx 4 \\times 10^{-8}$")
    assert round(math.sqrt(sys.float_info.epsilon * 20 / 3), 8) == 4e-8


def test_central_difference_beats_forward_on_the_parabola():
    hs = np.logspace(0, -16, 400)
    forward = np.abs((f(3.0 + hs) - f(3.0)) / hs - 14)
    central = np.abs((f(3.0 + hs) - f(3.0 - hs)) / (2 * hs) - 14)
    assert central.min() < forward.min() / 1000
    assert 1e-8 < forward.min() < 1e-6  # "about half the digits of a float"


def test_the_cost_of_backpropagation_names_its_source():
    text = says("01", "with a constant of about 3 to 5 in the cost model of Griewank & Walther (*Evaluating Derivatives*")
    assert "costs about as much as evaluating the function once" not in text and "at most about 5 times" not in text


def test_a_computed_f_near_20_can_be_off_by_more_than_half_a_gap():
    """Five rounded operations: f(3 + h) is off by about a gap (more than half of one), and f(3) = 20 exactly."""
    from fractions import Fraction

    says("01", "so a computed value of $f$ near 20 can be off by about a gap, a few times $10^{-15}$",
         "($f(3) = 20$ happens to\n   come out exact)")
    assert f(3.0) == 20.0
    errors = []
    for h in STEPS:
        x = Fraction(3.0 + h)
        errors.append(abs(Fraction(f(3.0 + h)) - (3 * x * x - 4 * x + 5)) / Fraction(math.ulp(20.0)))
    assert max(errors) > Fraction(1, 2) and max(errors) < 2


def test_exercise_3_d_recomputed_differs_from_the_prediction_in_the_fourth_decimal():
    says("01", "we nudge $a$ up by $0.01$, $b$ up by $0.02$ and $c$ down by $0.02$ at the same time",
         "because $a$ and $b$ move together, it differs from the prediction in the\nfourth decimal")
    a, b, c, da, db, dc = 2.0, -3.0, 10.0, 0.01, 0.02, -0.02
    predicted = a * b + c + b * da + a * db + 1.0 * dc
    recomputed = (a + da) * (b + db) + (c + dc)
    assert f"{predicted:.4f}" == "3.9900" and f"{recomputed:.4f}" == "3.9902"
    assert f"{predicted:.3f}" == f"{recomputed:.3f}"  # the same to 3 decimals: the fourth is the first that differs
    assert math.isclose(recomputed - predicted, da * db)
