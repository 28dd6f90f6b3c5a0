"""Notebook 17's check: the right Dual passes; each typical wrong one is rejected with a message that never shows the answer."""

import math
import time

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import Value
from micrograd_mlp.exercises import forward_reverse as checks

TITLE = "a dual number: forward-mode differentiation"


class Right:
    """The worked solution."""

    def __init__(self, value, dot=0.0):
        self.value = value
        self.dot = dot

    def __add__(self, other):
        other = other if hasattr(other, "dot") else type(self)(other, 0.0)
        return type(self)(self.value + other.value, self.dot + other.dot)

    def __radd__(self, other):
        return self + other

    def __mul__(self, other):
        other = other if hasattr(other, "dot") else type(self)(other, 0.0)
        return type(self)(self.value * other.value, self.value * other.dot + self.dot * other.value)

    def __rmul__(self, other):
        return self * other

    def exp(self):
        return type(self)(math.exp(self.value), math.exp(self.value) * self.dot)

    def tanh(self):
        t = math.tanh(self.value)
        return type(self)(t, (1 - t**2) * self.dot)

    def sin(self):
        return type(self)(math.sin(self.value), math.cos(self.value) * self.dot)


def variant(**methods):
    """A subclass of the right Dual with some methods replaced (each returns the subclass, so mistakes compose)."""
    cls = type("Dual", (Right,), {})
    for name, make in methods.items():
        setattr(cls, name, make(cls))
    return cls


def lift(cls, other):
    return other if hasattr(other, "dot") else cls(other, 0.0)


def grade(answer):
    return checks.check_dual.grade(answer)


def rejected(answer, *words):
    result = grade(answer)
    line = result.line
    assert_rejected(line, *words)
    message = line.split("not yet:")[1]
    # no message gives an expected number away (nor the hidden inputs)
    for number in (checks.A, checks.DA, checks.B, checks.DB, checks.C, checks.A * checks.DB + checks.DA * checks.B,
                   math.exp(checks.A) * checks.DA, (1 - math.tanh(checks.A) ** 2) * checks.DA,
                   math.cos(checks.A) * checks.DA):
        for digits in (2, 3, 4):
            assert f"{number:.{digits}f}" not in message, (number, message)
    return result


# --- right answers -------------------------------------------------------------------------------


def test_the_right_dual_passes(capsys):
    checks.check_dual(Right)
    assert verdict(capsys) == f"[✓] {TITLE}: correct!"


def test_other_right_ways_pass():
    class Slotted:  # __slots__, math through numpy, tanh' as 1/cosh², sin's derivative through a phase shift
        __slots__ = ("value", "dot")

        def __init__(self, value, dot=0):
            self.value, self.dot = float(value), float(dot)

        def __add__(self, other):
            if not isinstance(other, Slotted):
                return Slotted(self.value + other, self.dot)
            return Slotted(self.value + other.value, self.dot + other.dot)

        __radd__ = __add__

        def __mul__(self, other):
            if not isinstance(other, Slotted):
                return Slotted(self.value * other, self.dot * other)
            return Slotted(self.value * other.value, self.dot * other.value + self.value * other.dot)

        __rmul__ = __mul__

        def exp(self):
            e = float(np.exp(self.value))
            return Slotted(e, self.dot * e)

        def tanh(self):
            return Slotted(math.tanh(self.value), self.dot / math.cosh(self.value) ** 2)

        def sin(self):
            return Slotted(math.sin(self.value), self.dot * math.sin(self.value + math.pi / 2))

    assert grade(Slotted).result == "right"


def test_the_course_dual_is_right_but_refused_when_handed_in(monkeypatch):
    assert grade(checks.Dual).result == "wrong"
    assert "course's own Dual" in grade(checks.Dual).message
    monkeypatch.setattr(checks, "_PACKAGE", (Value.backward,))
    for part in (checks._binary, checks._functions, checks._expressions):  # its arithmetic passes every case
        part(checks.Dual)


# --- not answered, odd answers --------------------------------------------------------------------


class Stub:
    def __init__(self, value, dot=0.0):
        self.value = value
        self.dot = dot

    def __add__(self, other):
        ...

    def __radd__(self, other):
        ...

    def __mul__(self, other):
        ...

    def __rmul__(self, other):
        ...

    def exp(self):
        ...

    def tanh(self):
        ...

    def sin(self):
        ...


def test_an_untouched_stub_is_not_answered(capsys):
    checks.check_dual(Stub)
    assert verdict(capsys).startswith("[ ]")
    checks.check_dual(...)
    assert verdict(capsys).startswith("[ ]")


def test_a_half_done_stub_says_which_method_is_missing():
    half = type("Dual", (Stub,), {"__add__": Right.__add__, "__radd__": Right.__radd__})
    rejected(half, "x * y is not written yet", "__mul__")


@pytest.mark.parametrize("odd, words", [
    ({1, 2}, ["pass the class itself"]),
    ({"value": 1.0}, ["pass the class itself"]),
    (np.float32(1.5), ["pass the class itself"]),
    (2.5, ["pass the class itself"]),
    (Right(1.0, 2.0), ["pass the class itself"]),
    (Value(1.0), ["pass the class itself"]),
    (lambda value, dot: (value, dot), ["tuple", ".value and a .dot"]),
    (lambda value, dot: {"value": value, "dot": dot}, ["dict", ".value and a .dot"]),
])
def test_odd_answers_get_a_verdict(odd, words):
    rejected(odd, *words)


def test_float32_values_get_a_verdict():
    f32 = variant(__add__=lambda cls: lambda self, other: cls(np.float32(self.value + lift(cls, other).value),
                                                               np.float32(self.dot + lift(cls, other).dot)))
    rejected(f32, "32-bit")


def test_none_in_a_field_gets_a_verdict():
    rejected(variant(__add__=lambda cls: lambda self, other: cls(self.value + lift(cls, other).value, None)), ".dot", "None")


def test_an_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(checks.check_dual, "seconds", 1)

    def endless(cls):
        def tanh(self):
            t = 0.0
            while t < 2.0:
                t = math.tanh(t + 1.0)
            return cls(t, 0.0)
        return tanh

    start = time.perf_counter()
    assert grade(variant(tanh=endless)).result == "timeout"
    assert time.perf_counter() - start < 3


def test_a_crash_names_the_case():
    def crash(cls):
        return lambda self: cls(math.sin(self.value), self.dot.cos())
    result = rejected(variant(sin=crash), "x.sin()", "AttributeError")
    assert result.result == "error"


# --- typical mistakes -----------------------------------------------------------------------------


def mul(dot_rule):
    def make(cls):
        def __mul__(self, other):
            other = lift(cls, other)
            return cls(self.value * other.value, dot_rule(self.value, self.dot, other.value, other.dot))
        return __mul__
    return make


def add(dot_rule):
    def make(cls):
        def __add__(self, other):
            other = lift(cls, other)
            return cls(self.value + other.value, dot_rule(self.dot, other.dot))
        return __add__
    return make


def unary(function, slope):
    def make(cls):
        return lambda self: cls(function(self.value), slope(self.value, self.dot))
    return make


def constant_as_variable_add(cls):  # a plain number gets dot 1, as if it were the variable
    def __add__(self, other):
        other = other if isinstance(other, Right) else cls(other, 1.0)
        return cls(self.value + other.value, self.dot + other.dot)
    return __add__


def constant_ignored_mul(cls):  # x * c keeps x's dot
    def __mul__(self, other):
        if not isinstance(other, Right):
            return cls(self.value * other, self.dot)
        return cls(self.value * other.value, self.value * other.dot + self.dot * other.value)
    return __mul__


def in_place_add(cls):
    def __add__(self, other):
        other = lift(cls, other)
        self.value, self.dot = self.value + other.value, self.dot + other.dot
        return self
    return __add__


def finite_difference_exp(cls):
    def exp(self, h=1e-5):
        return cls(math.exp(self.value), (math.exp(self.value + h) - math.exp(self.value - h)) / (2 * h) * self.dot)
    return exp


def via_value_tanh(cls):  # the package's reverse mode does the differentiating
    def tanh(self):
        v = Value(self.value)
        out = v.tanh()
        out.backward()
        return cls(out.data, v.grad * self.dot)
    return tanh


def memo_mul(cls):  # remembers the first product's dot: right alone, wrong in an expression
    cache = {}

    def __mul__(self, other):
        other = lift(cls, other)
        dot = cache.setdefault("dot", self.value * other.dot + self.dot * other.value) if len(cache) < 1 else cache["dot"]
        return cls(self.value * other.value, dot)
    return __mul__


def swapped_fields(cls):
    def __add__(self, other):
        other = lift(cls, other)
        return cls(self.dot + other.dot, self.value + other.value)
    return __add__


MISTAKES = [
    (dict(__add__=add(lambda da, db: da)), ["x + y", "sum of the derivatives"]),
    (dict(__add__=add(lambda da, db: da * db)), ["x + y", "not their product"]),
    (dict(__add__=add(lambda da, db: da - db)), ["x + y", "does not subtract"]),
    (dict(__add__=constant_as_variable_add), ["x + (a plain number)", "constant", "not 1"]),
    (dict(__mul__=mul(lambda a, da, b, db: da * db)), ["x * y", "product of the two derivatives"]),
    (dict(__mul__=mul(lambda a, da, b, db: a * da + b * db)), ["x * y", "swapped", "*other*"]),
    (dict(__mul__=mul(lambda a, da, b, db: a * db - da * b)), ["x * y", "adds its two terms"]),
    (dict(__mul__=mul(lambda a, da, b, db: da * b - a * db)), ["x * y", "adds its two terms"]),
    (dict(__mul__=mul(lambda a, da, b, db: a * db)), ["x * y", "dx·y term is missing"]),
    (dict(__mul__=mul(lambda a, da, b, db: da * b)), ["x * y", "x·dy term is missing"]),
    (dict(__mul__=mul(lambda a, da, b, db: da + db)), ["x * y", "rule of the sum"]),
    (dict(__mul__=mul(lambda a, da, b, db: 2 * (a * db + da * b))), ["x * y", "d(xy) = x·dy + dx·y"]),
    (dict(__mul__=constant_ignored_mul), ["x * (a plain number)", "scales the derivative"]),
    (dict(exp=unary(math.exp, lambda a, da: math.exp(a))), ["x.exp()", "chain rule", "incoming dot"]),
    (dict(exp=unary(math.exp, lambda a, da: da)), ["x.exp()", "exp itself"]),
    (dict(exp=unary(math.exp, lambda a, da: a * math.exp(a - 1) * da)), ["x.exp()", "not a power"]),
    (dict(exp=unary(math.exp, lambda a, da: -math.exp(a) * da)), ["x.exp()", "wrong sign"]),
    (dict(exp=finite_difference_exp), ["x.exp()", "not exact", "estimate by small changes"]),
    (dict(tanh=unary(math.tanh, lambda a, da: 1 - math.tanh(a) ** 2)), ["x.tanh()", "incoming dot"]),
    (dict(tanh=unary(math.tanh, lambda a, da: (1 - a**2) * da)), ["x.tanh()", "*output*"]),
    (dict(tanh=unary(math.tanh, lambda a, da: (1 - math.tanh(a)) * da)), ["x.tanh()", "squares tanh"]),
    (dict(tanh=unary(math.tanh, lambda a, da: math.tanh(a) * da)), ["x.tanh()", "not tanh(x)"]),
    (dict(tanh=unary(math.tanh, lambda a, da: -math.tanh(a) ** 2 * da)), ["x.tanh()", "the 1 is missing"]),
    (dict(tanh=unary(math.tanh, lambda a, da: da)), ["x.tanh()", "(1 − tanh²x)·dx"]),
    (dict(tanh=unary(math.tanh, lambda a, da: 1 - math.tanh(a) ** 2 * da)), ["x.tanh()", "brackets"]),
    (dict(tanh=via_value_tanh), ["package's Value", "yourself"]),
    (dict(sin=unary(math.sin, lambda a, da: math.cos(a))), ["x.sin()", "incoming dot"]),
    (dict(sin=unary(math.sin, lambda a, da: math.sin(a) * da)), ["x.sin()", "cos, not sin"]),
    (dict(sin=unary(math.sin, lambda a, da: -math.sin(a) * da)), ["x.sin()", "slope of cos"]),
    (dict(sin=unary(math.sin, lambda a, da: -math.cos(a) * da)), ["x.sin()", "wrong sign"]),
    (dict(sin=unary(math.sin, lambda a, da: math.cos(a) * da * math.pi / 180)), ["x.sin()", "radians"]),
    (dict(sin=unary(lambda a: math.sin(math.radians(a)), lambda a, da: math.cos(a) * da)), ["x.sin()", ".value"]),
    (dict(exp=lambda cls: None), ["exp()"]),
    (dict(__add__=in_place_add), ["x + y", "changed its operand"]),
    (dict(__add__=swapped_fields), ["x + y", "wrong way round"]),
    (dict(__mul__=memo_mul), ["x * (a plain number)", "d(c·x) = c·dx"]),
]


@pytest.mark.parametrize("methods, words", MISTAKES, ids=[", ".join(w) for _, w in MISTAKES])
def test_typical_mistakes_are_rejected_with_their_meaning(methods, words):
    rejected(variant(**methods), *words)


@pytest.mark.parametrize("missing, case", [("__radd__", "(a plain number) + x"), ("__rmul__", "(a plain number) * x")])
def test_a_missing_reflected_operation_is_named(missing, case):
    cls = type("Dual", (), {k: v for k, v in Right.__dict__.items() if k != missing})
    rejected(cls, case, "raised TypeError", f"define {missing}")


def test_returning_the_operand_is_named():
    def returns_self(cls):
        def tanh(self):
            return self
        return tanh
    rejected(variant(tanh=returns_self), "x.tanh()", "returned its own operand")


def test_a_missing_method_is_named():
    rejected(variant(sin=lambda cls: None), "no method sin()")


def test_a_slip_that_shows_only_in_a_combination_is_caught_by_the_hidden_expressions():
    # each operation alone is right, but x * y keeps a count and drifts on its third use
    def drifting(cls):
        calls = []

        def __mul__(self, other):
            other = lift(cls, other)
            calls.append(1)
            drift = 1.0 + 1e-3 * (len(calls) > 12)
            return cls(self.value * other.value, (self.value * other.dot + self.dot * other.value) * drift)
        return __mul__
    rejected(variant(__mul__=drifting), "hidden expression", "disagrees with the package's reverse mode")


def test_the_check_cases_separate_every_slip():
    # the hidden numbers: no 0 or 1, no symmetric pair, so the slips named above give different numbers
    a, da, b, db, c = checks.A, checks.DA, checks.B, checks.DB, checks.C
    right = a * db + da * b
    slips = [da * db, a * da + b * db, a * db - da * b, da * b - a * db, a * db, da * b, da + db]
    assert all(abs(s - right) > 0.1 for s in slips) and len({round(s, 6) for s in slips}) == len(slips)
    assert 0 not in (a, da, b, db, c) and 1 not in (abs(a), abs(da), abs(b), abs(db), abs(c)) and abs(a) != abs(b)


# --- answers that try the check's edges ------------------------------------------------------------------------


def test_pytorch_autograd_inside_the_dual_is_refused():
    torch = pytest.importorskip("torch")

    def torch_tanh(cls):
        def tanh(self):
            t = torch.tensor(self.value, dtype=torch.float64, requires_grad=True)
            out = torch.tanh(t)
            out.backward()
            return cls(out.item(), t.grad.item() * self.dot)
        return tanh
    rejected(variant(tanh=torch_tanh), "PyTorch's backward()", "yourself")


def test_a_recursing_radd_and_an_unlifted_number_get_an_error_verdict():
    result = rejected(variant(__radd__=lambda cls: lambda self, other: other + self), "RecursionError",
                      "(a plain number) + x", "calls __radd__ again", "Dual on the left")
    assert result.result == "error"
    unlifted = variant(__add__=lambda cls: lambda self, other: cls(self.value + other.value, self.dot + other.dot))
    assert rejected(unlifted, "x + (a plain number)", "AttributeError").result == "error"


def test_a_function_that_changes_its_operand_is_refused():
    def sin_in_place(cls):
        def sin(self):
            self.value, self.dot = math.sin(self.value), math.cos(self.value) * self.dot
            return cls(self.value, self.dot)
        return sin
    rejected(variant(sin=sin_in_place), "x.sin() changed its operand")


def test_values_that_are_only_approximately_right_are_refused():
    def series_exp(cls):  # exp from ten terms of its Taylor series
        def exp(self):
            e = sum(self.value**k / math.factorial(k) for k in range(10))
            return cls(e, e * self.dot)
        return exp

    def float32_tanh(cls):
        def tanh(self):
            t = float(np.tanh(np.float32(self.value)))
            return cls(t, (1 - t * t) * self.dot)
        return tanh
    rejected(variant(exp=series_exp), "the .value of x.exp()")
    rejected(variant(tanh=float32_tanh), "the .value of x.tanh()")


def test_an_exact_derivative_by_another_method_passes():
    import cmath

    def complex_step_tanh(cls):  # the complex-step derivative is exact to rounding: a right answer
        def tanh(self):
            return cls(math.tanh(self.value), cmath.tanh(complex(self.value, 1e-30)).imag / 1e-30 * self.dot)
        return tanh
    assert grade(variant(tanh=complex_step_tanh)).result == "right"
