"""Checks for notebook 02, the Value object.

``check_value_class`` takes the student's ``Value`` class and builds
expressions the notebook never shows (other numbers, a value used twice, a
deeper graph) to test that ``+`` and ``*`` return a new Value with the right
``data``, ``op`` and ``children`` (the inputs themselves, in order, in a tuple).
``check_weighted_sum`` inspects the graph of the neuron's sum ``n`` node by
node, and ``check_node_count`` the count of its boxes and ovals.

``KeptValue`` is "the class we keep": the worked solution of exercise 1, word
for word (a test compares it with the notebook's solution cell). Notebook 02
imports it as ``Value`` after that exercise, so that the rest of the notebook
runs whether or not the student finished it, and the student edition, which
drops the worked solutions, does not print the answer in a cell of its own.
"""

import math
import numbers
import operator
import random

from ..engine import Value as PackageValue
from . import Mistake, NotAnswered, as_number, call, exercise, expect_exact, fingerprint
from ._stubs import is_stub

__all__ = ["check_value_class", "check_weighted_sum", "check_node_count", "KeptValue"]


# The worked solution of exercise 1, as the notebook shows it (`Value??` shows this source). It is named Value
# so that its methods read as in the notebook; the checks below never use it (their parameter `Value` is the
# student's class).
class Value:
    """A number that remembers how it was computed."""

    def __init__(self, data, children=(), op="", label=""):
        self.data = data
        self.children = children  # the Values this one was computed from; () for an input
        self.op = op  # the operation that computed it: "+", "*", or "" for an input
        self.label = label  # a name for printing and drawing

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}{label})"

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), "*")


KeptValue = Value  # the class notebook 02 keeps: `from micrograd_mlp.exercises.value_object import KeptValue as Value`

_OPERATIONS = {"+": (operator.add, "sum"), "*": (operator.mul, "product")}
# the package's own + and *, and those of the class we keep: the exercise asks the student to write them
_PACKAGE = (tuple(getattr(PackageValue, name) for name in ("__add__", "__mul__", "__radd__", "__rmul__"))
            + (KeptValue.__add__, KeptValue.__mul__))


def _checked_result(Value, left, right, symbol, what):
    """``left <symbol> right`` with the student's class, checked field by field; returns the result."""
    before = [fingerprint(v) for v in (left, right)]  # every field, children included: an op written onto an input shows
    function, name = _OPERATIONS[symbol]
    result = call(function, left, right, case=what, forbid=_PACKAGE)
    if result is None:
        method = getattr(type(left), f"__{function.__name__}__")
        if is_stub(method):
            raise NotAnswered
        raise Mistake(f"{what} returned None: end __{function.__name__}__ with `return` and the new Value")
    if isinstance(result, numbers.Number):
        raise Mistake(f"{what} returned a plain number: wrap the result in a new Value, so that it can remember where it came from")
    if not isinstance(result, Value):
        raise Mistake(f"{what} returned a {type(result).__name__}: it should return a new Value")
    if result is left or result is right:
        raise Mistake(f"{what} returned one of its inputs: create a new Value for the result and leave the inputs as they were")
    if [fingerprint(v) for v in (left, right)] != before:
        raise Mistake(f"{what} changed one of its inputs (its data, children, op or label): compute a new Value and "
                      "leave self and other as they were")

    (other_symbol,) = set(_OPERATIONS) - {symbol}
    expected = function(left.data, right.data)
    if isinstance(result.data, bool) or not isinstance(result.data, numbers.Real):
        raise Mistake(f"the data of {what} should be a plain number (an int or a float), but it is "
                      f"{type(result.data).__name__}: compute it as self.data {symbol} other.data")
    if not math.isclose(as_number(result.data, f"the data of {what}"), expected, rel_tol=1e-12, abs_tol=1e-12):
        if math.isclose(result.data, _OPERATIONS[other_symbol][0](left.data, right.data), rel_tol=1e-12):
            raise Mistake(f"the data of {what} is the {_OPERATIONS[other_symbol][1]}: {symbol} should give the {name}")
        raise Mistake(f"the data of {what} is not the {name} of self.data and other.data")

    op = getattr(result, "op", None)
    if op != symbol:
        if op == other_symbol:
            raise Mistake(f"{what} records op {op!r}: the ops of + and * are swapped")
        raise Mistake(f"{what} records op {op!r}: record the operation as the string {symbol!r}")

    children = getattr(result, "children", None)
    if isinstance(children, (set, frozenset)):
        raise Mistake(
            f"the children of {what} are a set: use the tuple (self, other), which keeps their order "
            "and keeps x twice in x * x"
        )
    if not isinstance(children, (tuple, list)):
        raise Mistake(f"the children of {what} are {children!r}: store the tuple (self, other)")
    if any(isinstance(child, numbers.Number) for child in children):
        raise Mistake(
            f"the children of {what} are numbers: store the Value objects themselves, self and other, "
            "so that a walk can go on from them to their own children"
        )
    if len(children) != 2:
        raise Mistake(f"{what} has {len(children)} children: it was computed from two Values, self and other")
    if children[0] is right and children[1] is left and left is not right:
        raise Mistake(f"the children of {what} are in the wrong order: self (the left operand) first, then other")
    if not (children[0] is left and children[1] is right):
        raise Mistake(
            f"the children of {what} are not the two Values it was computed from (new copies?): "
            "store self and other themselves"
        )
    return result


@exercise("Value records its children and op")
def check_value_class(Value):
    """``+`` and ``*`` of the student's class on numbers and graph shapes the notebook never uses."""
    if not isinstance(Value, type):
        raise Mistake(f"pass the class itself, Value, not {type(Value).__name__} {Value!r}")
    if issubclass(Value, PackageValue):
        raise Mistake("that is the package's Value (or built on it): the exercise asks you to write __add__ and "
                      "__mul__ in the notebook's own class")
    if issubclass(Value, KeptValue):
        raise Mistake("that is the class we keep, imported from the course package (or built on it): the exercise "
                      "asks you to write __add__ and __mul__ in the notebook's own class")
    rng = random.Random(2602)
    a, b, c = (call(Value, round(rng.uniform(-5.0, 5.0), 3), case="Value(number)") for _ in range(3))
    for leaf in (a, b, c):
        children = getattr(leaf, "children", None)
        if not isinstance(children, (tuple, list)) or children or getattr(leaf, "op", None) != "":
            raise Mistake("a new input Value should have no children, (), and op '': keep __init__ as it was given")
    first = _checked_result(Value, a, b, "+", "a + b")
    if _checked_result(Value, a, b, "+", "a + b, a second time") is first:
        raise Mistake("a + b gave the same Value object twice: create a new Value at every call, since each use of "
                      "an operation is a node of its own in the graph")
    _checked_result(Value, a, b, "*", "a * b")
    _checked_result(Value, a, a, "*", "a * a (a value used twice)")
    product = _checked_result(Value, a, b, "*", "a * b, inside (a * b + c) * (a + c),")
    left = _checked_result(Value, product, c, "+", "a * b + c, inside (a * b + c) * (a + c),")
    right = _checked_result(Value, a, c, "+", "a + c, inside (a * b + c) * (a + c),")
    _checked_result(Value, left, right, "*", "(a * b + c) * (a + c)")


# --- the neuron's weighted sum n = x1·w1 + x2·w2 + b ------------------------------------------------------

_INPUTS = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
_PAIRS = [{"x1", "w1"}, {"x2", "w2"}]


def _trace(root):
    """Every node of root's graph, each once (iteratively: no recursion limit), in the order first reached."""
    nodes, seen, stack = [], set(), [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        nodes.append(v)
        stack.extend(reversed(tuple(getattr(v, "children", ()))))
    return nodes


def _label(v):
    return getattr(v, "label", "")


def _describe(v):
    children = [_label(child) or "an unlabelled value" for child in v.children]
    return f"the {v.op} of {' and '.join(children)}"


@exercise("the graph of the neuron's weighted sum")
def check_weighted_sum(n):
    """The graph of n: five labelled inputs with their values, x1·w1 and x2·w2, two additions, every node labelled."""
    if n is None or n is Ellipsis:
        raise NotAnswered
    if isinstance(n, numbers.Number):
        raise Mistake("n is a plain number: build it from Values, so that it remembers how it was computed")
    if not all(hasattr(n, field) for field in ("data", "children", "op")):
        raise Mistake(f"n should be a Value, but it is {type(n).__name__}")
    nodes = _trace(n)
    if not all(hasattr(v, "label") for v in nodes):
        raise Mistake("the Values of n have no label attribute: keep the label parameter of __init__ and its line "
                      "self.label = label")
    inputs = [v for v in nodes if not v.children]
    by_label = {}
    for v in inputs:
        if not v.label:
            raise Mistake("an input of n has no label: give each input its label when you create it, as in Value(2.0, label=\"x1\")")
        if v.label in by_label:
            raise Mistake(f"two different input Values are labelled {v.label!r}: create each input once and reuse it")
        by_label[v.label] = v
    for label, data in _INPUTS.items():
        if label not in by_label:
            raise Mistake(f"the graph of n has no input labelled {label!r}: label the inputs x1, x2, w1, w2 and b")
        if not math.isclose(as_number(by_label[label].data), data, rel_tol=1e-12, abs_tol=1e-12):
            raise Mistake(f"the input labelled {label!r} does not hold the number the exercise gives it")
    extra = sorted(set(by_label) - set(_INPUTS))
    if extra:
        raise Mistake(f"the graph of n has inputs the sum does not need: {', '.join(map(repr, extra))}")
    operations = [v for v in nodes if v.children]
    products = [v for v in operations if getattr(v, "op", None) == "*"]
    sums = [v for v in operations if getattr(v, "op", None) == "+"]
    if len(products) != 2 or len(sums) != 2 or len(operations) != 4:
        raise Mistake("n = x1·w1 + x2·w2 + b needs exactly two multiplications and two additions")
    for product in products:
        if {_label(child) for child in product.children} not in _PAIRS:
            raise Mistake(f"one multiplication is {_describe(product)}: multiply each input by its own weight (x1 by w1, x2 by w2)")
    for v in operations:
        if not v.label:
            raise Mistake(f"the value computed as {_describe(v)} has no label: give every value a label")
    expected = _INPUTS["x1"] * _INPUTS["w1"] + _INPUTS["x2"] * _INPUTS["w2"] + _INPUTS["b"]
    if n.op != "+" or not math.isclose(as_number(n.data, "the data of n"), expected, rel_tol=1e-12):
        raise Mistake("n should be the final sum: the two products and b added together")


@exercise("boxes and ovals")
def check_node_count(answer):
    """[number of Values, number of operations] in the graph of n = x1·w1 + x2·w2 + b, exactly."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if isinstance(answer, (set, frozenset, dict)):
        raise Mistake(f"a {type(answer).__name__} keeps no order: give a list of two whole numbers, [boxes, ovals]")
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise Mistake("give a list of two whole numbers: [boxes, ovals]")
    inputs = len(_INPUTS)
    operations = 2 + 2  # x1·w1 and x2·w2, then two additions
    boxes = inputs + operations  # each operation makes one new Value
    ovals = as_number(answer[1], "the number of ovals")
    if as_number(answer[0], "the number of boxes") == operations and ovals == boxes:
        raise Mistake("the two numbers are swapped: boxes (Values) first, then ovals (operations)")
    expect_exact(ovals, operations, what="the number of ovals",
                 mistakes={boxes: "that counts the boxes; the ovals are the operations, * and +"},
                 hint="count the operations: each * and each + is one oval")
    expect_exact(
        answer[0],
        boxes,
        what="the number of boxes",
        mistakes={
            inputs: "you counted only the inputs: every operation also makes a box, for its result",
            boxes - 1: "one box is missing: n itself is a box too",
            inputs + 2 * operations: "an oval is not a box: count only the Values (the boxes with data)",
        },
        hint="the inputs, plus one box for the result of each operation",
    )
