"""Checks for notebook 03, backpropagation by hand.

``check_backprop_q`` takes the student's ``backprop(a, b, c, s, q)``, which
fills in every gradient of q = (a + b)·c by hand, and runs it on fresh graphs
with numbers the notebook never uses. It compares each node's gradient, from
q back to the inputs, with what the package's ``backward()`` computes, and
names the first node that is wrong and the usual reason: the output's own
gradient not 1, a node computed before the gradient it needs, the own value
passed where ``*`` passes the other input's, ``+`` treated like ``*``, only the
local derivative without the incoming gradient, a sign, or the notebook's
numbers typed in. ``check_w2_gradient`` takes the number of exercise 2, where x2 = 0.5 differs from
w2 = 1 so that passing w2 its own value shows.
"""

import math
import numbers
import random

from micrograd_mlp.engine import Value

from . import Mistake, NotAnswered, call, exercise, expect_close
from ._stubs import is_stub

__all__ = ["check_backprop_q", "check_w2_gradient"]

_ORDER = ["q", "s", "c", "a", "b"]  # from the output back to the inputs
_NOTEBOOK_NUMBERS = (2.0, -3.0, 10.0)


def _graph(a, b, c):
    """q = (a + b)·c with the package's Value: the nodes by name."""
    nodes = {"a": Value(a, label="a"), "b": Value(b, label="b"), "c": Value(c, label="c")}
    nodes["s"] = nodes["a"] + nodes["b"]
    nodes["s"].label = "s"
    nodes["q"] = nodes["s"] * nodes["c"]
    nodes["q"].label = "q"
    return nodes


def _reference(a, b, c):
    nodes = _graph(a, b, c)
    nodes["q"].backward()
    return {name: v.grad for name, v in nodes.items()}


def _hidden_cases(seed=303, count=3):
    """Numbers the notebook never uses, away from the values (0, ±1, ties) that would hide a mistake."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        a, b, c = (round(rng.choice([-1, 1]) * rng.uniform(0.5, 4.0), 2) for _ in range(3))
        s = a + b
        values = [abs(a), abs(b), abs(c), abs(s), 1.0]
        if abs(s) > 0.3 and len({round(v, 6) for v in values}) == len(values):
            cases.append((a, b, c))
    return cases


def _same(x, y):
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _diagnose(name, got, nodes, right, notebook):
    """Why the gradient of node ``name`` is ``got`` instead of ``right[name]``."""
    data = {key: v.data for key, v in nodes.items()}
    if name == "q":
        return "q: the backward pass starts with q.grad = 1, since ∂q/∂q = 1"
    if got == 0.0:
        if name in ("a", "b"):
            return (f"{name}: its grad is still 0: was it computed before s.grad was known? "
                    "Work from q back towards the inputs: q, then s and c, then a and b")
        return f"{name}: its grad is still 0: set it from q.grad, through the * that computed q"
    if _same(got, -right[name]):
        return f"{name}: the right size but the wrong sign"
    if name in ("s", "c") and _same(got, data[name] * right["q"]):
        return f"{name}: you passed {name} its own value: * passes each input the *other* input's value"
    if name in ("a", "b"):
        other = "b" if name == "a" else "a"
        if _same(got, 1.0):
            return (f"{name}: that is only the local derivative of + (which is 1): multiply it by s.grad, "
                    "the gradient arriving from s (the chain rule)")
        if _same(got, data[other] * right["s"]) or _same(got, data[other]):
            return (f"{name}: s = a + b is an addition: it passes s.grad on unchanged; "
                    "passing the other input's value is the rule for *")
    if _same(got, notebook[name]):
        return (f"{name}: that is its gradient for the notebook's numbers, but the check uses other numbers: "
                "compute each gradient from the nodes' .data and .grad, not from typed-in numbers")
    return f"{name}: its grad is not ∂q/∂{name}: the gradient of the node it feeds, times the local derivative"


@exercise("backpropagation through q = (a + b)·c")
def check_backprop_q(backprop):
    """The student's ``backprop(a, b, c, s, q)`` on fresh graphs, compared node by node with ``backward()``."""
    if not callable(backprop):
        raise Mistake(f"backprop should be a function, but it is {type(backprop).__name__}")
    notebook = _reference(*_NOTEBOOK_NUMBERS)
    for number, (a, b, c) in enumerate(_hidden_cases(), start=1):
        nodes = _graph(a, b, c)
        data = {name: v.data for name, v in nodes.items()}
        graph = {name: (v.label, v.op, v.children, tuple(v.children), v.local_grads) for name, v in nodes.items()}
        case = f"check case {number} (other numbers than the notebook's)"
        result = call(backprop, *(nodes[name] for name in ("a", "b", "c", "s", "q")), case=case,
                      forbid=(Value.backward, Value.topological_order, Value._gradient_order))
        if all(v.grad == 0.0 for v in nodes.values()):
            if is_stub(backprop):
                raise NotAnswered
            if result is not None:
                raise Mistake("backprop returned something but left every .grad at 0: "
                              "store each gradient in its node, as in q.grad = ..., instead of returning them")
            raise Mistake("every .grad is still 0: the backward pass starts with q.grad = 1 (∂q/∂q = 1), "
                          "and each other gradient is built from it")
        for name, v in nodes.items():
            if v.data != data[name]:
                raise Mistake(f"your code changed {name}.data: the backward pass only fills in the .grad of each node")
            label, op, children, kids, local = graph[name]
            if (v.label, v.op, v.local_grads) != (label, op, local) or v.children is not children or tuple(v.children) != kids:
                raise Mistake(f"your code changed {name}'s label, op, children or local_grads: the backward pass "
                              "only fills in the .grad of each node and leaves the graph as it was")
        right = _reference(a, b, c)
        for name in _ORDER:
            got = nodes[name].grad
            if not isinstance(got, numbers.Real) or isinstance(got, bool):
                raise Mistake(f"{name}.grad is {type(got).__name__} {got!r}: it should be a number")
            if not _same(got, right[name]):
                raise Mistake(f"in {case}, node {_diagnose(name, got, nodes, right, notebook)}")


@exercise("∂o/∂w2 with x2 = 0.5")
def check_w2_gradient(answer):
    """∂o/∂w2 of o = tanh(x1·w1 + x2·w2 + b) at x1 = 2, x2 = 0.5, w1 = −3, w2 = 1, b = 6.8813735870195432, to 4 decimals.

    x2 differs from w2 = 1, so passing w2 its own value (or stopping at the tanh) is not the right answer.
    """
    x1, x2, w1, w2, b = 2.0, 0.5, -3.0, 1.0, 6.8813735870195432
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    local = 1 - o**2  # the local derivative of tanh, from its output
    old_local = 1 - math.tanh(n - x2 * w2) ** 2  # the neuron of section 4, with x2 = 0
    x2_is_1 = 1 - math.tanh(n - x2 * w2 + w2) ** 2  # the neuron with x2 = 1: 1 · its tanh slope
    expect_close(
        answer,
        x2 * local,
        decimals=4,
        mistakes={
            w2 * local: "you passed w2 its own value (or stopped at the tanh): the * of x2·w2 passes w2 the *other* "
                        "input's value, x2",
            x2 * old_local: "that is the tanh slope of the old neuron: redo the forward pass with x2 = 0.5 first (n and o change)",
            old_local: "that is what reached x2·w2 in the old neuron: redo the forward pass with x2 = 0.5, "
                       "and go on through the * to w2",
            x2_is_1: "that is ∂o/∂w2 for x2 = 1: this exercise sets x2 = 0.5",
            x1 * local: "that is ∂o/∂w1, which gets x1: w2 is multiplied by x2",
            0.0: "with x2 = 0.5 the product x2·w2 now depends on w2, so its gradient is no longer 0",
            o: "that is o, the neuron's output, not its gradient",
            x2 * (1 - n**2): "1 − n² is not the local derivative of tanh: it is 1 − o², with o = tanh(n), the output",
            x2 * (1 - o): "1 − o is missing a square: the local derivative of tanh is 1 − o²",
            x2 * o * (1 - o): "o(1 − o) is the local derivative of the sigmoid; for tanh it is 1 − o²",
        },
        hint="go back from o: through tanh (times 1 − o²), through the two additions (unchanged), through x2·w2 (times x2)",
    )
