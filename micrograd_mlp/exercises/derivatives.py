"""Checks for notebook 01, derivatives.

``check_central_difference`` runs the student's ``central_difference(f, x, h)``
on functions and points the notebook never shows, and compares it with the
central difference computed here with the same ``h``. When it is wrong, it
says which of the usual slips it is: a forward or backward difference, a run
of ``h`` instead of ``2h``, the two values subtracted the wrong way round,
``/ 2 * h`` instead of ``/ (2 * h)``, or an ``h`` fixed inside the function.
The other checks take the numbers the exercises ask for. In exercise 3 all three
inputs move, a and b together, so d recomputed at the nudged point is not the
prediction from the gradient: ``check_predicted_d`` names it as a slip.
"""

import math
import random

from . import Mistake, NotAnswered, as_number, call, exercise, expect_close
from ._stubs import returned

__all__ = ["check_zero_slope", "check_central_difference", "check_predicted_d", "check_product_gradient"]


def _parabola(x):
    """The notebook's f(x) = 3x² − 4x + 5."""
    return 3 * x * x - 4 * x + 5


@exercise("zero slope")
def check_zero_slope(answer):
    """The x where f'(x) = 6x − 4 is zero, to 4 decimals."""
    bottom = 4 / 6
    expect_close(
        answer,
        bottom,
        decimals=4,
        mistakes={
            4 / 3: "that solves 3x − 4 = 0: the derivative of 3x² is 6x, not 3x",
            6 / 4: "you divided the wrong way round: 6x = 4 means x is 4 divided by 6",
            4.0: "you moved the 4 across but did not divide by the 6 in 6x",
            0.0: "at x = 0 the slope is −4 (see the table): the tangent is not horizontal there",
            _parabola(bottom): "that is the value of f at the bottom; the exercise asks for the x where it happens",
        },
        hint="the slope is 6x − 4; for which x is that 0?",
    )


# Functions and points the notebook never shows: (name, f, its exact derivative).
_FUNCTIONS = [
    ("f(x) = x³ − 2x", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2),
    ("f(x) = sin(x)", math.sin, math.cos),
    ("f(x) = exp(x / 2)", lambda x: math.exp(x / 2), lambda x: math.exp(x / 2) / 2),
    ("f(x) = 1 / (1 + x²)", lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2),
]
_STEPS = [0.1, 0.01, 0.001]  # large enough that every slip below changes the result visibly


def _cases(seed=20261):
    rng = random.Random(seed)
    for name, f, exact in _FUNCTIONS:
        for h in _STEPS:
            yield name, f, exact, round(rng.uniform(-2.0, 2.0), 2), h


def _slips(f, x, h):
    """What the typical wrong versions of a central difference return, with what each slip means."""
    central = (f(x + h) - f(x - h)) / (2 * h)
    return [
        ((f(x + h) - f(x)) / h, "that is the forward difference (f(x+h) − f(x)) / h: nudge x both ways, to x + h and to x − h"),
        ((f(x) - f(x - h)) / h, "that is the backward difference (f(x) − f(x−h)) / h: nudge x both ways, to x + h and to x − h"),
        (2 * central, "it is twice too large: the run from x − h to x + h is 2h, not h"),
        (-central, "it has the wrong sign: subtract f(x − h) from f(x + h), not the other way round"),
        (central * h * h, "Python reads / 2 * h as (… / 2) * h: put 2 * h in parentheses"),
    ]


@exercise("central difference")
def check_central_difference(central_difference):
    """``central_difference(f, x, h)`` against (f(x+h) − f(x−h)) / 2h on functions the notebook never shows."""
    if not callable(central_difference):
        raise Mistake(f"central_difference should be a function, but it is {type(central_difference).__name__}")
    for name, f, exact, x, h in _cases():
        case = f"{name} at x = {x} with h = {h}"
        result = returned(central_difference, call(central_difference, f, x, h, case=case), "the estimate", case)
        estimate = as_number(result, f"your estimate for {case}")
        central = (f(x + h) - f(x - h)) / (2 * h)
        # 1e-7 lets an estimate through in float32 or computed in another order; every slip is off by far more
        if math.isclose(estimate, central, rel_tol=1e-7, abs_tol=1e-12):
            continue
        for wrong, meaning in _slips(f, x, h):
            if math.isclose(estimate, wrong, rel_tol=1e-7, abs_tol=1e-12):
                raise Mistake(f"on {case}: {meaning}")
        if math.isclose(estimate, exact(x), rel_tol=1e-6, abs_tol=1e-9):
            raise Mistake(
                f"on {case}: your estimate does not change with h as a central difference does: "
                "use the h you are given, not a fixed step of your own"
            )
        raise Mistake(f"on {case}: that is not the central difference (f(x+h) − f(x−h)) / (2h)")
    # a step below the default, on a function that curves fast enough for the step to matter:
    # a function that clamps h (max(h, 1e-5)) shows it here
    f, case = (lambda x: math.sin(1000 * x)), "f(x) = sin(1000x) at x = 0.37 with h = 1e-07"
    tiny = as_number(returned(central_difference, call(central_difference, f, 0.37, 1e-7, case=case), "the estimate", case),
                     f"your estimate for {case}")
    if not math.isclose(tiny, (f(0.37 + 1e-7) - f(0.37 - 1e-7)) / 2e-7, rel_tol=1e-7):
        raise Mistake(f"on {case}: that is not (f(x+h) − f(x−h)) / (2h) for this h: use the h you are given, however small")
    try:  # the default step must give a good estimate too
        name, f, exact = _FUNCTIONS[1]
        estimate = as_number(call(central_difference, f, 0.5, case=f"{name} at x = 0.5 with your default h"))
    except Mistake as mistake:
        if "positional argument" in str(mistake):
            raise Mistake("call it without h and it fails: give h a default value, h=1e-5") from None
        raise
    if not abs(estimate - exact(0.5)) <= 1e-7:  # h = 1e-5 is within 1e-10, float32 within 1e-7, h = 1e-3 is not
        raise Mistake(
            "with your default h the estimate is off by more than 1e-7: a central difference is most accurate "
            "with h around 1e-5 (much smaller and rounding takes over)"
        )


def _predicted_d():
    """The prediction of exercise 3, and the numbers its usual slips give, each with what it means."""
    a, b, c = 2.0, -3.0, 10.0
    d = a * b + c
    grad = {"a": b, "b": a, "c": 1.0}  # ∂d/∂a = b, ∂d/∂b = a, ∂d/∂c = 1
    step = {"a": 0.01, "b": 0.02, "c": -0.02}
    term = {name: grad[name] * step[name] for name in grad}
    change = sum(term.values())

    def flipped(*names):  # the prediction with the sign of these terms wrong
        return d + change - 2 * sum(term[name] for name in names)

    # a and b move together, so d at the nudged point is not the linear prediction: refused by name
    recomputed = (a + step["a"]) * (b + step["b"]) + (c + step["c"])
    mistakes = [
        (recomputed, "that is d recomputed at the nudged point; the exercise asks for the prediction from the gradient"),
        (change, "that is the change Δd; the question asks for the new value of d, which is d plus that change"),
        (d, "that is d before the nudge: add the predicted change Δd"),
        (d + term["a"] + term["c"], "b moved too, by +0.02: add its term (∂d/∂b)·Δb as well"),
        (flipped("a"), "∂d/∂a = b = −3 is negative: raising a lowers d"),
        (flipped("b"), "∂d/∂b = a = 2 is positive: raising b raises d"),
        (flipped("c"), "c went down by 0.02, so its term (∂d/∂c)·Δc is negative"),
        (flipped("a", "b", "c"), "every term has the wrong sign: Δa = +0.01, Δb = +0.02 and Δc = −0.02"),
        (d + a * step["a"] + b * step["b"] + term["c"],
         "∂d/∂a and ∂d/∂b are swapped: each input's slope is the other factor, ∂d/∂a = b and ∂d/∂b = a"),
    ]
    return d + change, mistakes


@exercise("predicted d")
def check_predicted_d(answer):
    """d + ∂d/∂a·Δa + ∂d/∂b·Δb + ∂d/∂c·Δc at a = 2, b = −3, c = 10, with Δa = +0.01, Δb = +0.02, Δc = −0.02, to 4 decimals."""
    expected, mistakes = _predicted_d()
    expect_close(
        answer,
        expected,
        decimals=4,
        mistakes=dict(mistakes),
        hint="Δd ≈ (∂d/∂a)Δa + (∂d/∂b)Δb + (∂d/∂c)Δc; add it to d = 4.",
    )


@exercise("gradient of a·b·c")
def check_product_gradient(answer):
    """[∂p/∂a, ∂p/∂b, ∂p/∂c] of p = a·b·c at a = 2, b = −3, c = 10, each to 3 decimals."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if isinstance(answer, (set, frozenset, dict)):
        raise Mistake(f"a {type(answer).__name__} keeps no order: give a list of three numbers, [∂p/∂a, ∂p/∂b, ∂p/∂c]")
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 3:
        raise Mistake("give a list of three numbers: [∂p/∂a, ∂p/∂b, ∂p/∂c]")
    inputs = {"a": 2.0, "b": -3.0, "c": 10.0}
    product = inputs["a"] * inputs["b"] * inputs["c"]
    gradient = {name: product / value for name, value in inputs.items()}  # the product of the two others
    # by position, not by iterating: an object whose iteration never ends still has three entries to read
    values = [as_number(answer[i], f"entry {i + 1} of your list") for i in range(3)]
    if sorted(values) == sorted(gradient.values()) and values != list(gradient.values()):
        raise Mistake("the right three numbers in the wrong order: the list is [∂p/∂a, ∂p/∂b, ∂p/∂c]")
    for (name, expected), value in zip(gradient.items(), values):
        others = [other for other in inputs if other != name]
        both = f"with {others[0]} and {others[1]} frozen, both of them multiply {name}"
        mistakes = {
            inputs[name]: f"∂p/∂{name} is {name} itself in your list: with the other two inputs frozen, what is the slope of p?",
            product: f"∂p/∂{name} is p itself in your list, not the slope of p in {name}",
            inputs[others[0]]: f"∂p/∂{name} is only {others[0]} in your list: {both}",
            inputs[others[1]]: f"∂p/∂{name} is only {others[1]} in your list: {both}",
        }
        expect_close(value, expected, decimals=3, mistakes=mistakes, what=f"∂p/∂{name}",
                     hint=f"with the other two inputs frozen, p = ({others[0]}·{others[1]})·{name} is a line in {name}")
