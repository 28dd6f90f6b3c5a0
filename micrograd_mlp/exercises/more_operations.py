"""Checks for notebook 05, more operations.

``check_power_with_value_exponent`` takes the student's ``power_value(a, w)``,
the operation a ** w whose exponent w is a Value too, and the notebook's own
``Value`` class. At bases and exponents drawn from a fixed seed it checks the
result, the children (base first, then exponent) and both local derivatives
against the calculus (w·a^(w−1) and a^w·ln a), then runs ``backward()`` through
the new operation inside a larger expression and compares every gradient with
central differences. It names the typical slips: base and exponent swapped,
the two local derivatives swapped, the power rule without lowering the
exponent, a missing factor w, a^w or ln a, log10 instead of ln, the exponent
left out of the children, a result composed from exp and log instead of one
new Value, local derivatives given as Values instead of numbers.

The other checks take the numbers that exercises 1 to 3 ask for.
"""

import math
import numbers
import random

from ..engine import Value as PackageValue
from . import Mistake, call, exercise, expect_close
from ._stubs import returned

__all__ = [
    "check_quotient_derivative",
    "check_composed_division",
    "check_composed_sigmoid",
    "check_power_with_value_exponent",
]


# --- exercises 1 to 3: numbers, to 4 decimals ----------------------------------------------------------


def _backward_slips(gradient, output, leaf):
    """The two slips of reading a gradient from backward(): the output's own, or a leaf's after two passes."""
    return {
        1.0: f"that is the gradient of {output} with respect to itself, the 1 that backward() starts from: "
             f"read the gradient of {leaf}",
        2 * gradient: f"that is twice the slope: backward() ran twice on the same graph, and {leaf}'s gradient "
                      "adds up across calls (notebook 04): build the expression afresh and call backward() once",
    }


@exercise("f'(2) for f(x) = x / (1 + x**2)")
def check_quotient_derivative(answer):
    """f'(2) of f(x) = x / (1 + x²), to 4 decimals: (1 − x²) / (1 + x²)² by the quotient rule."""
    x = PackageValue(2.0)
    (x / (1 + x**2)).backward()
    square = 1 + x.data**2
    expect_close(
        answer,
        x.grad,
        decimals=4,
        mistakes={
            **_backward_slips(x.grad, "f", "x"),
            (1 - x.data**2) / square: "the quotient rule divides by the square of the bottom, (1 + x²)²",
            1 / square: "that is only the local derivative of / for its top, 1/(1 + x²): x is also in the bottom, "
                        "and backward() adds what comes back through 1 + x**2",
            (square + 2 * x.data**2) / square**2: "the bottom's contribution has the wrong sign: d(a/b)/db = −a/b²",
            x.data / square: "that is f(2), the value, not its slope",
        },
        hint="after f.backward() on a fresh x = 2, x.grad is f'(2); compare it with the quotient rule given in the exercise",
    )


@exercise("d(a * b**-1)/db")
def check_composed_division(answer):
    """∂(a·b⁻¹)/∂b at a = 3, b = 2, to 4 decimals: −a/b², the same as the / operation's."""
    a, b = PackageValue(3.0), PackageValue(2.0)
    (a * b**-1).backward()
    expect_close(
        answer,
        b.grad,
        decimals=4,
        mistakes={
            **_backward_slips(b.grad, "a * b**-1", "b"),
            -(b.data**-2): "that is only the local derivative of b**-1; the * then multiplies it by its other factor, a",
            a.grad: "that is the gradient of a, not of b",
            -a.data / b.data: "that is −a/b: the power rule lowers the exponent −1 to −2, so b appears squared",
        },
        hint="after backward() on a fresh a = 3, b = 2, b.grad is the slope in b; it should equal −a/b², as the exercise says",
    )


@exercise("composed sigmoid'(0.5)")
def check_composed_sigmoid(answer):
    """The slope of 1 / (1 + exp(−x)) at x = 0.5, to 4 decimals: σ(x)(1 − σ(x))."""
    x = PackageValue(0.5)
    (1 / (1 + (-x).exp())).backward()
    s = 1 / (1 + math.exp(-0.5))
    expect_close(
        answer,
        x.grad,
        decimals=4,
        mistakes={
            **_backward_slips(x.grad, "the sigmoid", "x"),
            s: "that is σ(0.5), the value of the sigmoid, not its slope",
            1 - s: "that is 1 − σ(0.5); the slope is the product σ(x)(1 − σ(x))",
            math.exp(-0.5) / (1 + math.exp(-0.5)): "that is 1 − σ(0.5); the slope is the product σ(x)(1 − σ(x))",
        },
        hint="after backward() on a fresh x = 0.5, x.grad is the slope; it should equal σ(0.5)(1 − σ(0.5)), as the exercise says",
    )


# --- building it: a power whose exponent is a Value ------------------------------------------------


def _points(seed=505):
    """Bases in (0.2, 3) and exponents in (−2.5, 2.5), never the notebook's, rounded to read well in a message."""
    rng = random.Random(seed)
    points = [(round(rng.uniform(0.2, 3.0), 2), round(rng.uniform(-2.5, 2.5), 2)) for _ in range(6)]
    return [(a, w) for a, w in points if abs(a - 1.0) > 0.1 and abs(w) > 0.1]  # keep ln a and w away from 0


def _base_slips(a, w):
    return [
        (w * a**w, "the base's local derivative: the power rule also lowers the exponent by one"),
        (a ** (w - 1), "the base's local derivative is missing a factor: the power rule brings the exponent down in front"),
        ((w - 1) * a ** (w - 1), "the base's local derivative: the factor in front is the exponent as it was, before it is lowered"),
        (a**w * math.log(a), "that is the exponent's local derivative: the first one belongs to the base, the first child"),
    ]


def _exponent_slips(a, w):
    return [
        (math.log(a), "the exponent's local derivative is missing a factor: with a^w = e^(w·ln a), the chain rule keeps the e^(...) as a factor"),
        (a**w, "the exponent's local derivative is missing a factor: with a^w = e^(w·ln a), the chain rule multiplies by the slope of w·ln a in w"),
        (a**w * math.log10(a), "math.log10 is the logarithm to base 10; the exponent's local derivative needs the natural logarithm, math.log"),
        (w * a ** (w - 1), "that is the base's local derivative: the second one belongs to the exponent, the second child"),
        (w * a ** (w - 1) * math.log(a), "the exponent's local derivative: the power rule does not apply when the exponent is the variable; write a^w = e^(w·ln a)"),
    ]


def _name_slip(value, expected, slips, what, case):
    if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
        return
    for wrong, meaning in slips:
        if math.isclose(value, wrong, rel_tol=1e-9, abs_tol=1e-12):
            raise Mistake(f"at {case}: {meaning}")
    if math.isclose(value, -expected, rel_tol=1e-9):
        raise Mistake(f"at {case}: {what} has the wrong sign")
    raise Mistake(f"at {case}: {what} is wrong")


def _built_from(result, values):
    """Whether one of ``values`` (compared by identity) lies somewhere below ``result`` in its graph."""
    stack, seen = list(result.children), set()
    while stack:
        v = stack.pop()
        if any(v is target for target in values):
            return True
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(getattr(v, "children", ()))
    return False


# the package's own power with a Value exponent: the exercise asks the student to write it
_PACKAGE_POWERS = (PackageValue.__pow__, PackageValue._pow_value, PackageValue.__rpow__)


def _local_grads(result, base, exponent, case):
    for attribute in ("data", "children", "local_grads"):
        if not hasattr(result, attribute):
            raise Mistake(f"at {case}: your function should return a Value (with data, children and local_grads)")
    for attribute in ("children", "local_grads"):
        if not isinstance(getattr(result, attribute), (tuple, list)):
            raise Mistake(f"at {case}: the {attribute} of your result are a {type(getattr(result, attribute)).__name__}:"
                          f" store a tuple, which backward() can read again at every pass")
    children = tuple(result.children)
    if not children:
        raise Mistake(f"at {case}: your result has no children: it must remember the two Values it was computed from")
    if len(children) != 2 or not all(any(child is v for v in (base, exponent)) for child in children):
        if len(children) == 1 and children[0] is base:
            raise Mistake(
                f"at {case}: the exponent is missing from the children: it is a Value too, and it must be a child "
                "to receive its gradient"
            )
        if _built_from(result, (base, exponent)):
            raise Mistake(
                f"at {case}: your result is composed from other operations, so its children are intermediate values: "
                "here, make one new Value whose children are the base and the exponent themselves, with your two "
                "local derivatives in local_grads"
            )
        raise Mistake(f"at {case}: the children should be the two Values themselves, the base and the exponent, not copies")
    if children[0] is exponent and children[1] is base:
        raise Mistake(f"at {case}: the children are in the wrong order: the base first, then the exponent, as in a ** w")
    locals_ = tuple(result.local_grads)
    if len(locals_) != 2:
        raise Mistake(f"at {case}: local_grads should hold two numbers, one per child, in the order of the children")
    if not all(isinstance(g, numbers.Real) for g in locals_):
        kinds = ", ".join(type(g).__name__ for g in locals_)
        raise Mistake(
            f"at {case}: local_grads should hold two plain numbers, computed from a.data and w.data, "
            f"not {kinds}: backward() multiplies them by a gradient"
        )
    return [float(g) for g in locals_]


@exercise("a ** w with a Value exponent")
def check_power_with_value_exponent(power_value, Value=None):
    """``power_value(a, w)``: a ** w with children (a, w) and local derivatives (w·a^(w−1), a^w·ln a).

    ``Value`` is the notebook's class: the check builds its inputs with it and runs its ``backward()``.
    """
    if not callable(power_value):
        raise Mistake(f"power_value should be a function, but it is {type(power_value).__name__}")
    if not isinstance(Value, type):
        raise Mistake("pass the notebook's Value class as well: check_power_with_value_exponent(power_value, Value)")
    for a, w in _points():
        case = f"a = {a}, w = {w}"
        base, exponent = Value(a), Value(w)
        result = call(power_value, base, exponent, case=case, unchanged={0: "the base a", 1: "the exponent w"},
                      forbid=_PACKAGE_POWERS)
        result = returned(power_value, result, "the new Value", case)
        if not hasattr(result, "data"):
            raise Mistake(f"at {case}: your function should return a Value, not {type(result).__name__}")
        if isinstance(result.data, bool) or not isinstance(result.data, numbers.Real):
            raise Mistake(f"at {case}: the data of your result should be a number, but it is "
                          f"{type(result.data).__name__}: compute it from a.data and w.data")
        if math.isclose(result.data, w**a, rel_tol=1e-9) and not math.isclose(result.data, a**w, rel_tol=1e-9):
            raise Mistake(f"at {case}: base and exponent are swapped: the result is a ** w, the first argument raised to the second")
        if not math.isclose(result.data, a**w, rel_tol=1e-9):
            raise Mistake(f"at {case}: the result's data is not a ** w")
        local_base, local_exponent = _local_grads(result, base, exponent, case)
        expected_base, expected_exponent = w * a ** (w - 1), a**w * math.log(a)
        if math.isclose(local_base, expected_exponent, rel_tol=1e-9) and math.isclose(local_exponent, expected_base, rel_tol=1e-9):
            raise Mistake(f"at {case}: the two local derivatives are swapped: they follow the order of the children, base first")
        _name_slip(local_base, expected_base, _base_slips(a, w), "the base's local derivative", case)
        _name_slip(local_exponent, expected_exponent, _exponent_slips(a, w), "the exponent's local derivative", case)
    _gradient_check(power_value, Value)


def _on_floats(x, y, z):
    """The expression of the gradient check, (x·y) ** (y + z), on plain floats."""
    return (x * y) ** (y + z)


def _gradient_check(power_value, Value):
    """backward() through (x·y) ** (y + z) against central differences, at points drawn from a fixed seed."""
    rng = random.Random(55)
    h = 1e-6
    for _ in range(3):
        point = [round(rng.uniform(0.5, 1.5), 2), round(rng.uniform(0.5, 1.5), 2), round(rng.uniform(-1.0, 1.0), 2)]
        case = "(x*y) ** (y + z) at x, y, z = " + ", ".join(map(str, point))
        inputs = [Value(v) for v in point]
        x, y, z = inputs
        out = returned(power_value, call(power_value, x * y, y + z, case=case, forbid=_PACKAGE_POWERS), "the new Value",
                       case)
        call(out.backward, case=case)
        for name, value, i in zip("xyz", inputs, range(3)):
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            numeric = (_on_floats(*up) - _on_floats(*down)) / (2 * h)
            if not math.isclose(value.grad, numeric, rel_tol=1e-6, abs_tol=1e-6):
                raise Mistake(
                    f"on {case}: backward() through your power gives a gradient for {name} that disagrees with the "
                    "central difference"
                )

