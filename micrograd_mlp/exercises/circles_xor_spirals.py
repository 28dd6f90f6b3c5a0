"""Checks for notebook 09, circles, XOR and spirals: the cross-entropy on logits, probabilities, parameter counts.

``check_stable_bce`` runs the student's ``stable_bce(z, y)`` on logits the
notebook never shows, ordinary ones first (±0 among them), then larger ones
(12 to 37, where the textbook formula loses its digits or takes the log of 0)
and extreme ones (±40, ±800), and compares with the package's
``binary_cross_entropy``, which (like ``Value.softplus``) it refuses to see called. When it is wrong it
says which: a formula that takes the log of 0 or overflows (the textbook one,
or softplus written as ln(1 + eᶻ)), the max(z, 0) or the −y·z left out or with
the wrong sign, the labels swapped, e^(+|z|) or e^(−z) where e^(−|z|) belongs; failing
those, whether the loss is right for one label or one sign of z only, or rounded. A library
function that computes softplus or the loss under its own name (PyTorch's softplus or
binary_cross_entropy_with_logits, scipy's log_expit, ...) is refused, whether it is watched
while it runs or, written in C, found in the code; a general log-sum-exp (np.logaddexp) is
the student's own stable formula. Every case runs again at the end: a loss that changes
between calls is named. The other checks take the numbers the exercises ask for.
"""

import contextlib
import math
import random
import sys
import types

from ..engine import Value
from ..losses import binary_cross_entropy
from ..nn import MLP
from . import Mistake, NotAnswered, as_number, call, exercise, expect_close, expect_exact
from ._stubs import returned

__all__ = ["check_stable_bce", "check_bce_gradient", "check_probability_at_origin", "check_parameter_count",
           "library_functions", "library_named", "watching_library"]


# --- libraries that do an exercise's whole job (shared with the other checks of notebooks 09-15) ----------


def library_functions(spec):
    """{function: what to call it} for the entries of ``spec`` whose module is imported already.

    ``spec`` lists (module, dotted attribute, description): ("numpy", "logaddexp", "numpy's logaddexp"). A module
    the student has not imported cannot be called by their code, so it is not imported here.
    """
    found = {}
    for module_name, path, description in spec:
        thing = sys.modules.get(module_name)
        for name in path.split("."):
            thing = getattr(thing, name, None) if thing is not None else None
        if thing is not None:
            found[thing] = description
    return found


@contextlib.contextmanager
def watching_library(functions, used):
    """Note in ``used`` what each of ``functions`` (Python functions) that the code inside calls is called.

    It chains to the profile hook already set (the core's, which watches the package's functions).
    """
    codes = {getattr(f, "__code__", None): description for f, description in functions.items()}
    codes.pop(None, None)
    if not codes:
        yield
        return
    previous = sys.getprofile()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes and not used:
            used.append(codes[frame.f_code])
        if previous is not None:
            previous(frame, event, arg)

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


def _codes(code):
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _codes(constant)


def library_named(function, functions, depth=3):
    """What the first of ``functions`` that the code of ``function`` names is called, or None.

    Functions written in C (numpy's ufuncs, torch's builtins) cannot be watched while they run, so the code is read:
    the globals and modules it names (also imported inside it), their attributes that it names, and so on through
    the helper functions it names from the same notebook, ``depth`` deep. Only the very objects count, never a name.
    """
    wanted = {id(f): description for f, description in functions.items()}
    if not wanted:
        return None
    seen = set()
    home = getattr(getattr(function, "func", function), "__globals__", None)  # the notebook's (or module's) names

    def visit(fn, depth):
        fn = getattr(fn, "func", fn)  # a functools.partial
        code = getattr(fn, "__code__", None)
        if code is None or id(fn) in seen or depth < 0:
            return None
        seen.add(id(fn))
        names = {name for c in _codes(code) for name in c.co_names}
        namespace = getattr(fn, "__globals__", None) or {}
        objects = [namespace[name] for name in names if name in namespace]
        objects += [sys.modules[name] for name in names if name in sys.modules]
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                objects.append(cell.cell_contents)
            except ValueError:  # a cell not filled yet
                pass
        objects += [thing.func for thing in objects if callable(getattr(thing, "func", None))]  # partial(F.softplus)
        frontier = objects
        for _ in range(3):  # torch.nn.functional.softplus: three attributes deep
            frontier = [getattr(thing, name, None) for thing in frontier if isinstance(thing, (types.ModuleType, type))
                        for name in names]
            frontier = [thing for thing in frontier if thing is not None]
            objects += frontier
        for thing in objects:
            if id(thing) in wanted:
                return wanted[id(thing)]
        for thing in objects:  # the student's own helpers, not the libraries' insides
            thing = getattr(thing, "__func__", thing)
            if isinstance(thing, types.FunctionType) and thing.__globals__ is home:
                found = visit(thing, depth - 1)
                if found:
                    return found
        return None

    try:
        return visit(function, depth)
    except Exception:  # an odd object in the student's namespace: reading the code is a courtesy, not a verdict
        return None


# Functions that compute the loss, or softplus, for the student (the package's own are refused by ``call``).
# A general log-sum-exp such as np.logaddexp(0, z) counts as the student's own way to write ln(1 + e^z) stably.
_WHOLE_JOB = [
    ("torch", "nn.functional.softplus", "PyTorch's softplus"),
    ("torch", "nn.functional.logsigmoid", "PyTorch's logsigmoid"),
    ("torch", "nn.functional.binary_cross_entropy_with_logits", "PyTorch's binary_cross_entropy_with_logits"),
    ("torch", "nn.functional.binary_cross_entropy", "PyTorch's binary_cross_entropy"),
    ("torch", "nn.Softplus", "PyTorch's nn.Softplus"),
    ("torch", "nn.LogSigmoid", "PyTorch's nn.LogSigmoid"),
    ("torch", "nn.BCEWithLogitsLoss", "PyTorch's nn.BCEWithLogitsLoss"),
    ("scipy.special", "log_expit", "scipy's log_expit"),
    ("sklearn.metrics", "log_loss", "scikit-learn's log_loss"),
]


def _sigmoid(z):
    return Value(z).sigmoid().data


def _bce(z, y):
    return binary_cross_entropy([Value(z)], [y]).data


# --- exercise 1: the cross-entropy on logits, without overflow ------------------------------------


def _logits(seed=909):
    """Ordinary logits first (where even the textbook formula works), then the ranges it cannot take.

    ±0 (a branch on the sign must not forget z = 0); 12 to 27, where the textbook formula loses digits and an
    approximation softplus(z) ≈ z taken too early is still off; 31 to 37, where σ(z) rounds to 1; and the extremes.
    Beyond |z| ≈ 28 e^(−|z|) is below the check's precision, so softplus(z) ≈ max(z, 0) counts as exact there.
    """
    rng = random.Random(seed)
    ordinary = [round(rng.uniform(-6.0, 6.0), 3) for _ in range(6)] + [0.0, -0.0]
    middle = [12.5, -14.0, 20.5, -24.0, 26.0, -31.0, 36.75]
    extreme = [40.0, -40.0, 800.0, -800.0, round(rng.uniform(100.0, 700.0), 1), -round(rng.uniform(100.0, 700.0), 1)]
    for z in ordinary + middle + extreme:
        for y in (0.0, 1.0):
            yield z, y


_ORDINARY = 6.0  # the largest |z| of the ordinary logits


def _softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _slips(z, y):
    return [
        (_softplus(z) + y * z, "the −y·z term has the wrong sign: the loss is softplus(z) − y·z"),
        (_softplus(z), "the −y·z term is missing: the loss is softplus(z) − y·z"),
        (_softplus(z) - (1.0 - y) * z, "the labels are swapped: y = 1 should pull the logit up, so the loss is softplus(z) − y·z"),
        (math.log1p(math.exp(-abs(z))) - y * z,
         "softplus(z) is max(z, 0) + ln(1 + e^(−|z|)): the max(z, 0) is missing"),
        (-min(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z,
         "softplus(z) is max(z, 0) + ln(1 + e^(−|z|)): you have max(−z, 0) in its place"),
        (_softplus(z) - z, "you subtract z whatever the label: the last term is −y·z, which vanishes for y = 0"),
        # ln(1 + e^(|z|)) and ln(1 + e^(−z)), written without overflow: softplus(|z|) and softplus(−z)
        (max(z, 0.0) + _softplus(abs(z)) - y * z,
         "softplus(z) is max(z, 0) + ln(1 + e^(−|z|)): the power of e must be −|z|, never positive"),
        (max(z, 0.0) + _softplus(-z) - y * z,
         "softplus(z) is max(z, 0) + ln(1 + e^(−|z|)): the absolute value in e^(−|z|) is missing, so for z < 0 "
         "you take e to a positive power"),
    ]


def _loss(stable_bce, z, y, case):
    """The student's loss at (z, y) as a float; the crashes an unstable formula meets are explained."""

    def guarded(z, y):
        try:
            return stable_bce(z, y)
        except ValueError as error:
            raise Mistake(f"on {case} your code raised ValueError ({error}): it takes the log of 0. In floating point "
                          "σ(z) rounds to 1.0 (or 0.0) long before z is large, so 1 − σ(z) is 0; do not compute σ(z) "
                          "at all: the loss is softplus(z) − y·z") from None
        except (OverflowError, ZeroDivisionError) as error:
            raise Mistake(f"on {case} your code raised {type(error).__name__} ({error}): e to a large power does not "
                          "fit in a float. Compute softplus(z) as max(z, 0) + log1p(exp(−|z|)), which only ever takes "
                          "e to a power of 0 or less") from None

    def watched(z, y):
        used = []
        with watching_library(library_functions(_WHOLE_JOB), used):
            result = guarded(z, y)
        if used:
            raise Mistake(_LIBRARY.format(used[0]))
        return result

    result = call(watched, z, y, case=case, forbid=(binary_cross_entropy, Value.softplus))
    return as_number(returned(stable_bce, result, "the loss, a number", case), f"your loss on {case}")


_LIBRARY = ("your code uses {}, which computes softplus (or the whole loss) for you: the exercise asks you to write "
            "it yourself, with math.exp, math.log1p and max")
_CHANGED = ("on {case} your function gives a different loss than on the same z and y before: does it keep something "
            "between calls (a counter, a list, a cache)? The loss should depend on z and y only")


@exercise("stable cross-entropy")
def check_stable_bce(stable_bce):
    """``stable_bce(z, y)`` for a float logit and a label 0/1, against ``binary_cross_entropy``, also at ±800."""
    if not callable(stable_bce):
        raise Mistake(f"stable_bce should be a function, but it is {type(stable_bce).__name__}")
    used = library_named(stable_bce, library_functions(_WHOLE_JOB))  # C functions, which no hook sees being called
    if used:
        raise Mistake(_LIBRARY.format(used))
    given = {}  # (z, y) -> the loss it gave, for a function that keeps something between calls
    for z, y in _logits():
        case = f"z = {z:g}, y = {y:g}"
        value = _loss(stable_bce, z, y, case)
        expected = _bce(z, y)
        if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
            given[z, y] = value
            continue
        for (z0, y0), before in list(given.items())[:3]:  # the first cases again: the same loss as before?
            if _loss(stable_bce, z0, y0, f"z = {z0:g}, y = {y0:g}") != before:
                raise Mistake(_CHANGED.format(case=f"z = {z0:g}, y = {y0:g}"))
        if not math.isfinite(value):
            raise Mistake(f"on {case} your loss is {value}: somewhere a float overflowed or took the log of 0; "
                          "compute softplus(z) as max(z, 0) + log1p(exp(−|z|))")
        matching = [(i, meaning) for i, (wrong, meaning) in enumerate(_slips(z, y))
                    if math.isclose(value, wrong, rel_tol=1e-9, abs_tol=1e-12)]
        # Two slips can agree on one case (for z > 0 and y = 0, dropping max(z, 0) equals swapping the labels):
        # name the one that explains every case, else say which cases are right, before guessing.
        explaining = [meaning for i, meaning in matching if _explains_all(stable_bce, i)]
        if explaining:
            raise Mistake(f"on {case}: {explaining[0]}")
        partly = _partly_right(stable_bce)
        if partly:
            raise Mistake(f"on {case}: {partly}")
        if matching:
            raise Mistake(f"on {case}: {matching[0][1]}")
        if abs(z) > _ORDINARY and all(_right_at(stable_bce, *other) for other in _logits() if abs(other[0]) <= _ORDINARY):
            raise Mistake(f"on {case} your loss is off: the formula works for ordinary logits but not for large ones, "
                          "where it loses its precision (σ(z) rounds towards 1) or approximates softplus(z) by "
                          "max(z, 0) too early; use softplus(z) − y·z with softplus(z) = max(z, 0) + log1p(exp(−|z|)), "
                          "exact for every z")
        if math.isclose(value, expected, abs_tol=1e-3):
            raise Mistake(f"on {case} your loss is close but not equal: return the loss as computed, without rounding "
                          "it (the check compares about 9 significant digits)")
        raise Mistake(f"on {case}: that is not −[y·ln σ(z) + (1 − y)·ln(1 − σ(z))]")
    for (z, y), before in given.items():  # every case again: nothing may carry over from one call to the next
        if _loss(stable_bce, z, y, f"z = {z:g}, y = {y:g}") != before:
            raise Mistake(_CHANGED.format(case=f"z = {z:g}, y = {y:g}"))
    used = library_named(stable_bce, library_functions(_WHOLE_JOB))  # again: modules imported inside the function
    if used:
        raise Mistake(_LIBRARY.format(used))


def _loss_or_none(stable_bce, z, y):
    try:
        return _loss(stable_bce, z, y, f"z = {z:g}, y = {y:g}")
    except (Mistake, NotAnswered):  # a crash on this case: judged elsewhere
        return None


def _right_at(stable_bce, z, y):
    value = _loss_or_none(stable_bce, z, y)
    return value is not None and math.isclose(value, _bce(z, y), rel_tol=1e-9, abs_tol=1e-12)


def _explains_all(stable_bce, slip):
    """Whether slip number ``slip`` gives what the student's function gives on every case it does not crash on."""
    for z, y in _logits():
        value = _loss_or_none(stable_bce, z, y)
        if value is not None and not math.isclose(value, _slips(z, y)[slip][0], rel_tol=1e-9, abs_tol=1e-12):
            return False
    return True


def _partly_right(stable_bce):
    """Which half of the ordinary cases the student's loss gets right, when it is exactly one: a label or a sign of z."""
    right = {}
    for z, y in _logits():
        if abs(z) <= _ORDINARY:  # the ordinary logits, where any correct formula works
            right[z, y] = _right_at(stable_bce, z, y)
    halves = [
        (lambda z, y: y == 1.0, "your loss is right for y = 1 but not for y = 0: check how the label enters, "
                                "the loss is softplus(z) − y·z"),
        (lambda z, y: y == 0.0, "your loss is right for y = 0 but not for y = 1: check the −y·z term"),
        (lambda z, y: z >= 0.0, "your loss is right for z ≥ 0 but not for z < 0: check softplus(z) = "
                                "max(z, 0) + ln(1 + e^(−|z|)), its max and its absolute value"),
        (lambda z, y: z < 0.0, "your loss is right for z < 0 but not for z ≥ 0: check softplus(z) = "
                               "max(z, 0) + ln(1 + e^(−|z|)), its max and its absolute value"),
    ]
    for in_half, message in halves:
        # at z = 0 the term y·z vanishes, so a wrong way of using the label is right there: leave it out
        if all(ok == in_half(*case) for case, ok in right.items() if case[0] != 0.0):
            return message
    return None


# --- the number exercises -------------------------------------------------------------------------


@exercise("cross-entropy gradient")
def check_bce_gradient(answer):
    """dℓ/dz = σ(z) − y at z = 0.5, y = 1, to 4 decimals."""
    z, y = 0.5, 1.0
    p = _sigmoid(z)
    expect_close(
        answer,
        p - y,
        decimals=4,
        mistakes={
            p: "that is the probability σ(z) itself; the gradient subtracts the label from it",
            z: "that is z itself (its .data); after backward() the gradient is in z.grad",
            p * (1.0 - p): "that is the slope of the sigmoid, σ(z)(1 − σ(z)), not the slope of the loss",
            _bce(z, y): "that is the loss ℓ at this point, not its derivative",
        },
        hint="the gradient of the cross-entropy on a logit is the predicted probability minus the label",
    )


@exercise("probability at the origin")
def check_probability_at_origin(answer, model):
    """σ(model([0, 0])), the probability of class 1 the trained ``model`` gives the origin, to 4 decimals."""
    logit = model([0.0, 0.0]).data
    p = _sigmoid(logit)
    expect_close(
        answer,
        p,
        decimals=4,
        mistakes={
            logit: "that is the logit z, the raw output; the probability is σ(z)",
            1.0 - p: "that is the probability of class 0 (the outer ring); the question asks for class 1",
            100.0 * p: "that is a percentage; give the probability as a number between 0 and 1",
        },
        hint="the probability of class 1 is the sigmoid of the network's output, here at the point (0, 0)",
    )


@exercise("parameters of width 32")
def check_parameter_count(answer):
    """The number of parameters of MLP(2, [32, 32, 1]), exactly."""
    w = 32
    expect_exact(
        answer,
        len(MLP(2, [w, w, 1]).parameters()),
        mistakes={
            2 * w + w * w + w: "you counted the weights but not the biases: each neuron has one bias too",
            (2 * w + w) + (w * w + w) + w: "the output neuron's bias is missing",
            (2 * w + w) + (w * w + w): "the output neuron is missing: it has one weight per neuron of the last hidden "
                                       "layer, and a bias",
            w * w: "that is only the weights between the two hidden layers; add the first layer and the output neuron",
            len(MLP(2, [16, 16, 1]).parameters()): "that is the count for width 16; the question asks for width 32",
        },
        hint="count layer by layer: each neuron has one weight per input and one bias",
    )
