"""Checks for notebook 17, forward mode, reverse mode and the matrix view: a dual number built by the student.

``check_dual(Dual)`` takes the student's class: ``Dual(value, dot)`` is the number value + dot·ε with ε² = 0,
whose ``dot`` carries a derivative along with the value. The check tries each operation alone, on numbers the
notebook never shows (chosen so that each typical slip gives a different number: no 1, no 0, no symmetric
pair), then hidden expressions built from them, whose derivatives it compares with the package's reverse mode
(``Value.backward``) and with central differences. It names the slips: the product rule with a missing term, with
its factors swapped or with a minus sign; the product of the two derivatives; a plain number treated as a variable
(its own derivative added) or ignored in a product; ``3 + x`` or ``3 * x`` without ``__radd__``/``__rmul__``; a
function's derivative without the chain-rule factor ``dot``, or with the input where the output belongs (1 − x²
for tanh), or tanh's with its brackets missing (1 − tanh²x·dx); the sign of sin's derivative; an operation that changes its operands or returns one of them; a
derivative estimated by finite differences inside the class (not exact); and the package's own ``Value`` used to
do the differentiating, or the course's own ``Dual`` handed in.

The module also holds the course's own ``Dual`` (the worked solution, plus a count of the operations it
performs), which the notebook uses after the exercise so that the rest runs whether or not the exercise is done,
and the two workloads whose cost the notebook counts.
"""

import math
import numbers

from ..engine import Value
from . import Mistake, NotAnswered, call, exercise
from ._stubs import is_stub
from .circles_xor_spirals import library_functions, watching_library

__all__ = ["check_dual", "Dual", "counted", "neuron_loss", "trajectory"]


# --- the course's own dual number ------------------------------------------------------------------------------


class Dual:
    """value + dot·ε with ε² = 0: a number that carries its derivative along (forward-mode differentiation).

    ``Dual.operations`` counts the operations performed on dual numbers (``counted`` reads it for one call).
    """

    __slots__ = ("value", "dot")
    operations = 0

    def __init__(self, value, dot=0.0):
        self.value, self.dot = float(value), float(dot)

    def __repr__(self):
        return f"Dual(value={self.value!r}, dot={self.dot!r})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)  # a plain number is a constant: its dot is 0

    def __add__(self, other):
        other = Dual._lift(other)
        Dual.operations += 1
        return Dual(self.value + other.value, self.dot + other.dot)

    __radd__ = __add__

    def __mul__(self, other):
        other = Dual._lift(other)
        Dual.operations += 1
        return Dual(self.value * other.value, self.value * other.dot + self.dot * other.value)  # the product rule

    __rmul__ = __mul__

    def __neg__(self):
        Dual.operations += 1
        return Dual(-self.value, -self.dot)

    def __sub__(self, other):
        other = Dual._lift(other)
        Dual.operations += 1
        return Dual(self.value - other.value, self.dot - other.dot)

    def __rsub__(self, other):
        return Dual._lift(other) - self

    def exp(self):
        Dual.operations += 1
        e = math.exp(self.value)
        return Dual(e, e * self.dot)

    def tanh(self):
        Dual.operations += 1
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.dot)

    def sin(self):
        Dual.operations += 1
        return Dual(math.sin(self.value), math.cos(self.value) * self.dot)


def counted(function, *args):
    """``function(*args)``, and how many operations on the course's ``Dual`` it performed: ``(result, count)``."""
    before = Dual.operations
    result = function(*args)
    return result, Dual.operations - before


# --- the two workloads of the notebook's cost section ------------------------------------------------------------


def neuron_loss(w, x, b, target):
    """(tanh(w·x + b) − target)²: a loss of n + 1 parameters (w and b) and one output, for Values or Duals."""
    z = b
    for wi, xi in zip(w, x):
        z = z + wi * xi
    error = z.tanh() - target
    return error * error


def trajectory(t, steps):
    """One input, ``steps`` outputs: y₀ = 0, y_k = tanh(0.9·y_(k−1) + 0.5·t), for Values or Duals."""
    drive = t * 0.5
    outputs, y = [], 0.0
    for _ in range(steps):
        y = (drive + y * 0.9).tanh()
        outputs.append(y)
    return outputs


# --- the check -----------------------------------------------------------------------------------------------------

# What would do the differentiating for the student: the package's reverse mode, PyTorch's autograd, and this module.
_AUTODIFF = [
    ("torch", "Tensor.backward", "PyTorch's backward()"),
    ("torch", "autograd.grad", "PyTorch's autograd.grad"),
    ("torch", "autograd.forward_ad.make_dual", "PyTorch's forward-mode make_dual"),
    ("torch", "func.jvp", "torch.func.jvp"),
    ("torch", "func.grad", "torch.func.grad"),
    ("jax", "jvp", "jax.jvp"),
    ("jax", "grad", "jax.grad"),
]
_PACKAGE = (Value.backward, Value.__init__, Dual.__init__)

# The numbers the operations are tried on: no 0, no 1, no pair with a = b or a = −b, so each slip differs.
A, DA = 0.6, -1.25
B, DB = -1.5, 0.4
C = 2.5  # a plain number on one side


def _name(function):
    return getattr(function, "__qualname__", getattr(function, "__name__", "it"))


def _make(Student, value, dot, case):
    number = call(Student, value, dot, case=case, forbid=_PACKAGE)
    _read(number, "Dual(value, dot)", case)
    return number


def _read(number, what, case):
    """(value, dot) of a dual number, or a Mistake that says what came back instead."""
    if number is None or number is Ellipsis:
        raise Mistake(f"{what} returned None on {case}: it should return a new Dual (is a `return` missing?)")
    if isinstance(number, (tuple, list, dict, set, frozenset, numbers.Number)) or not (
        hasattr(number, "value") and hasattr(number, "dot")
    ):
        raise Mistake(f"{what} returned {type(number).__name__} on {case}: it should return a Dual, an object with "
                      "a .value and a .dot")
    pair = []
    for field in ("value", "dot"):
        item = getattr(number, field)
        if item is None or item is Ellipsis:
            raise Mistake(f"the .{field} of {what} is {item!r} on {case}: fill in the method's body")
        if type(item).__name__ == "float32":
            raise Mistake(f"the .{field} of {what} is a 32-bit float on {case}: work with Python floats (64 bits)")
        if isinstance(item, Value) or hasattr(item, "children"):
            raise Mistake(f"the .{field} of {what} is a Value on {case}: a dual number holds plain numbers, and "
                          "computes the derivative itself")
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise Mistake(f"the .{field} of {what} is {type(item).__name__} on {case}: it should be a number")
        pair.append(float(item))
    return tuple(pair)


def _same(got, expected, rel=1e-12):
    return math.isclose(got, expected, rel_tol=rel, abs_tol=rel)


def _operate(Student, operation, case, operands):
    """``operation()`` run as the student's code, with the operands checked unchanged and not returned."""
    before = [(x.value, x.dot) for x in operands]
    library = library_functions(_AUTODIFF)

    def watched():
        used = []
        with watching_library(library, used):
            result = operation()
        if used:
            raise Mistake(f"your Dual uses {used[0]} on {case}: the exercise asks you to compute the derivative "
                          "yourself, with the rules of calculus")
        return result

    result = call(watched, case=case, forbid=_PACKAGE)
    if any((x.value, x.dot) != b for x, b in zip(operands, before)):
        raise Mistake(f"{case} changed its operand: an operation must leave its inputs as they were and return a new "
                      "Dual (x is used again later in the same expression)")
    if any(result is x for x in operands):
        raise Mistake(f"{case} returned its own operand: it should return a new Dual")
    return result


def _expect(Student, operation, case, operands, value, dot, slips, hint, method):
    result = _operate(Student, operation, case, operands)
    if result is None and is_stub(getattr(Student, method, None)):
        raise Mistake(f"{case} is not written yet: the body of {method} is still `...`")
    got_value, got_dot = _read(result, case, case)
    if not _same(got_value, value):
        if _same(got_value, dot):
            raise Mistake(f"{case}: .value and .dot are the wrong way round: Dual(value, dot)")
        raise Mistake(f"the .value of {case} is not right: the value part is the ordinary result ({hint})")
    if _same(got_dot, dot):
        return
    for wrong, meaning in slips:
        if _same(got_dot, wrong):
            raise Mistake(f"the .dot of {case} is not right: {meaning}")
    if math.isclose(got_dot, dot, rel_tol=1e-5, abs_tol=1e-7):
        raise Mistake(f"the .dot of {case} is close to the derivative but not exact (to 12 significant digits), as an "
                      "estimate by small changes would be: a dual number computes it exactly, from the rule of calculus")
    if _same(got_dot, -dot):
        raise Mistake(f"the .dot of {case} has the right size but the wrong sign")
    raise Mistake(f"the .dot of {case} is not right: {hint}")


def _binary(Student):
    """+ and * between two Duals and with a plain number on either side."""
    x, y = _make(Student, A, DA, "Dual(a, da)"), _make(Student, B, DB, "Dual(b, db)")
    _expect(Student, lambda: x + y, "x + y", (x, y), A + B, DA + DB, [
        (DA, "the derivative of a sum is the sum of the derivatives: add both dots"),
        (DA * DB, "the derivative of a sum is the sum of the derivatives, not their product"),
        (DA - DB, "the derivative of a sum adds the two dots; it does not subtract them"),
    ], "d(x + y) = dx + dy", "__add__")
    _expect(Student, lambda: x + C, "x + (a plain number)", (x,), A + C, DA, [
        (DA + C, "a plain number is a constant: its derivative is 0, so x + c has the dot of x"),
        (DA + 1.0, "a plain number is a constant: its derivative is 0, not 1 (only the variable you seed has dot 1)"),
    ], "a plain number is a constant: its derivative is 0", "__add__")
    _check_reflected(Student, lambda: C + x, "(a plain number) + x", "__radd__", x, A + C, DA, [
        (DA + C, "a plain number is a constant: its derivative is 0, so c + x has the dot of x"),
    ])
    product_slips = [
        (DA * DB, "that is the product of the two derivatives: the product rule is d(xy) = x·dy + dx·y"),
        (A * DA + B * DB, "the two factors are swapped: each derivative is multiplied by the *other* number's value, "
                          "x·dy + dx·y"),
        (A * DB - DA * B, "the product rule adds its two terms: x·dy + dx·y"),
        (DA * B - A * DB, "the product rule adds its two terms: x·dy + dx·y"),
        (A * DB, "the product rule has two terms, x·dy + dx·y: the dx·y term is missing"),
        (DA * B, "the product rule has two terms, x·dy + dx·y: the x·dy term is missing"),
        (DA + DB, "that is the rule of the sum: a product needs the product rule, x·dy + dx·y"),
    ]
    _expect(Student, lambda: x * y, "x * y", (x, y), A * B, A * DB + DA * B, product_slips, "d(xy) = x·dy + dx·y", "__mul__")
    _expect(Student, lambda: x * C, "x * (a plain number)", (x,), A * C, DA * C, [
        (DA, "a constant factor scales the derivative too: d(c·x) = c·dx"),
        (DA * C + A, "a plain number is a constant: its derivative is 0, not 1"),
        (A * C + DA, "a plain number is a constant: the product rule gives x·0 + dx·c"),
        (0.0, "a constant factor scales the derivative: d(c·x) = c·dx, not 0"),
    ], "d(c·x) = c·dx", "__mul__")
    _check_reflected(Student, lambda: C * x, "(a plain number) * x", "__rmul__", x, A * C, DA * C, [
        (DA, "a constant factor scales the derivative too: d(c·x) = c·dx"),
    ])
    _expect(Student, lambda: x * x, "x * x (a Dual times itself)", (x,), A * A, 2 * A * DA, [
        (A * DA, "x * x uses x twice: the product rule gives x·dx + dx·x, both terms"),
        (DA * DA, "that is the product of the two derivatives: the product rule is d(xy) = x·dy + dx·y"),
    ], "d(x·x) = x·dx + dx·x", "__mul__")


def _check_reflected(Student, operation, case, method, x, value, dot, slips):
    try:
        _expect(Student, operation, case, (x,), value, dot, slips, f"{case} needs {method}", method)
    except Mistake as mistake:
        if "TypeError" in str(mistake) and "unsupported operand" in str(mistake):
            raise Mistake(f"{case} raised TypeError: Python tries the number's + or * first, then the Dual's {method}: "
                          f"define {method} (the same as the operation with the operands the other way round)") from None
        if "RecursionError" in str(mistake):  # `return other + self` inside __radd__ asks __radd__ again, forever
            raise type(mistake)(f"{mistake}: inside {method}, a plain number on the left hands the operation back to "
                                f"Python, which calls {method} again; put the Dual on the left (self first)") from None
        raise


def _functions(Student):
    """exp, tanh and sin, each on a dual number whose dot is not 1 (so the chain rule's factor shows)."""
    e, t = math.exp(A), math.tanh(A)
    table = [
        ("exp", e, e * DA, [
            (e, "the chain rule multiplies the function's slope by the incoming dot: exp(x)·dx"),
            (DA, "the slope of exp is exp itself: the dot should be exp(x)·dx"),
            (A * math.exp(A - 1) * DA, "exp is not a power: its slope is exp(x) itself"),
        ], "d exp(x) = exp(x)·dx"),
        ("tanh", t, (1 - t * t) * DA, [
            (1 - t * t, "the chain rule multiplies the function's slope by the incoming dot: (1 − tanh²x)·dx"),
            ((1 - A * A) * DA, "the slope of tanh is 1 − tanh²(x), the square of the *output*, not of the input x"),
            ((1 - t) * DA, "the slope of tanh squares tanh: 1 − tanh²(x)"),
            (t * DA, "the slope of tanh is 1 − tanh²(x), not tanh(x)"),
            (-t * t * DA, "the slope of tanh is 1 − tanh²(x): the 1 is missing"),
            (1 - t * t * DA, "mind the brackets: dot multiplies the whole slope, (1 − tanh²x)·dx, not only the "
                             "tanh² term"),
        ], "d tanh(x) = (1 − tanh²x)·dx"),
        ("sin", math.sin(A), math.cos(A) * DA, [
            (math.cos(A), "the chain rule multiplies the function's slope by the incoming dot: cos(x)·dx"),
            (math.sin(A) * DA, "the slope of sin is cos, not sin"),
            (-math.sin(A) * DA, "the slope of sin is cos(x); −sin(x) is the slope of cos"),
            (math.cos(A) * DA * math.pi / 180, "math.sin works in radians: no conversion from degrees"),
        ], "d sin(x) = cos(x)·dx"),
    ]
    for name, value, dot, slips, hint in table:
        x = _make(Student, A, DA, "Dual(a, da)")
        method = getattr(x, name, None)
        if method is None or not callable(method):
            raise Mistake(f"your Dual has no method {name}(): the exercise asks for x.{name}()")
        _expect(Student, method, f"x.{name}()", (x,), value, dot, slips, hint, name)


# Hidden expressions, written once for Values and Duals alike (sin only where the reverse mode is not used).
def _f1(x, y):
    return (x * y + x * 2.0).tanh() * (y * -0.5).exp() + 3.0 * y


def _f2(x, y):
    return (x * x * y).tanh() + (0.5 + x) * (x + y * y).exp() * 0.25


def _f3(x, y):
    return (x * y).sin() * x + (y + x * 0.3).exp() * (2.0 + y).sin()


_EXPRESSIONS = [
    (_f1, (0.7, -1.3), "a hidden expression with tanh and exp", True),
    (_f2, (-0.45, 0.8), "a second hidden expression, with x used several times", True),
    (_f3, (1.1, -0.35), "a hidden expression with sin", False),
]


def _plain(function, point):
    """The function at ``point``, on floats (sin through math)."""
    class Number(float):
        def __add__(self, o): return Number(float(self) + float(o))  # noqa: E704
        __radd__ = __add__
        def __mul__(self, o): return Number(float(self) * float(o))  # noqa: E704
        __rmul__ = __mul__
        def exp(self): return Number(math.exp(self))  # noqa: E704
        def tanh(self): return Number(math.tanh(self))  # noqa: E704
        def sin(self): return Number(math.sin(self))  # noqa: E704
    return float(function(*(Number(p) for p in point)))


def _reverse_gradient(function, point):
    leaves = [Value(p) for p in point]
    function(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def _central_gradient(function, point, h=1e-5):
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((_plain(function, up) - _plain(function, down)) / (2 * h))
    return grads


def _expressions(Student):
    for function, point, case, reverse in _EXPRESSIONS:
        central = _central_gradient(function, point)
        exact = _reverse_gradient(function, point) if reverse else None
        if exact is not None:  # the package's reverse mode and central differences agree: the reference is sound
            assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-8) for a, b in zip(exact, central))
        value = _plain(function, point)
        # one pass per input (a column each), then a direction (0.6, −2) at once: J·v
        for seed, what in (((1.0, 0.0), "d/dx"), ((0.0, 1.0), "d/dy"), ((0.6, -2.0), "the derivative along (0.6, −2)")):
            inputs = [_make(Student, p, s, case) for p, s in zip(point, seed)]
            where = f"{what} of {case}"
            result = _operate(Student, lambda: function(*inputs), where, inputs)
            got_value, got_dot = _read(result, where, where)
            if not _same(got_value, value, 1e-10):
                raise Mistake(f"the .value of {where} is not right: check the value part of each operation")
            expected = sum(s * g for s, g in zip(seed, exact or central))
            tolerance = 1e-10 if exact is not None else 1e-6
            if not _same(got_dot, expected, tolerance):
                raise Mistake(f"the .dot of {where} disagrees with the package's reverse mode and with central "
                              "differences: each operation passed alone, so look at how they combine (an operation "
                              "that keeps something from one call to the next, or changes an input?)")


_METHODS = ("__add__", "__radd__", "__mul__", "__rmul__", "exp", "tanh", "sin")


@exercise("a dual number: forward-mode differentiation")
def check_dual(Student):
    """``Student``: the class ``Dual(value, dot)`` with +, * (with plain numbers on either side), exp, tanh and sin."""
    if isinstance(Student, type) and issubclass(Student, Dual):
        raise Mistake("that is the course's own Dual (checks.Dual): hand in the class you wrote")
    if isinstance(Student, (Value, numbers.Number, str, tuple, list, dict, set, frozenset)) or not callable(Student):
        raise Mistake(f"pass the class itself, check_dual(Dual): this is {type(Student).__name__}")
    if not isinstance(Student, type) and hasattr(Student, "value"):
        raise Mistake("pass the class itself, check_dual(Dual), not one dual number")
    if all(is_stub(getattr(Student, name, None)) for name in _METHODS):
        raise NotAnswered
    _binary(Student)
    _functions(Student)
    _expressions(Student)
