"""Checks for notebook 04, automatic backward.

``check_topological_order`` runs the student's ``topological_order(root)`` on
graphs the notebook never shows (a diamond, ``a + a``, random graphs with shared
values, a chain 2,000 deep and one 100,000 deep) and checks the order itself:
every value once, each after all of its children; each small graph is walked
twice (nothing may be kept from the first call) and must come back unchanged.
It names the value that is listed twice, left out or placed too early, and
tells a recursive walk (seen by counting nested calls, whatever the recursion
limit is set to) and a ``visited`` list (it compares values one by one, or runs
for seconds where a set takes a fraction of one) from a real mistake.

``check_gradients`` runs the student's ``gradients(output)``, which returns
d output / d v for every value v in a dictionary, on expressions built from the
package's ``Value``, twice each, with every ``.grad`` set beforehand to a number
it must leave as it was, compares with ``backward()`` (which it may not call),
and names the typical slips:
assigned where it should add, a value visited (and its gradient passed on)
twice, the order walked forwards, the output's own gradient missing.

The other checks take the numbers that exercises 1 to 3 ask for.
"""

import math
import operator
import random
import sys
import threading
import time
from collections import Counter

from ..engine import Value, gc_paused
from . import Mistake, call, exercise, expect_exact
from ._stubs import returned

__all__ = [
    "check_shared_input_gradient",
    "check_cube_gradient",
    "check_chain_size",
    "check_topological_order",
    "check_gradients",
]


# --- exercises 1 to 3: numbers -----------------------------------------------------------------------


@exercise("df/da for f = a*b + a")
def check_shared_input_gradient(answer):
    """∂f/∂a of f = a·b + a at a = 2, b = −3: b through a·b plus 1 through + a (a whole number)."""
    a, b = Value(2.0), Value(-3.0)
    (a * b + a).backward()
    expect_exact(
        answer,
        a.grad,
        mistakes={
            b.data: "that is only what a receives through a*b; a is also added on its own, which sends back a second contribution",
            1.0: "that is only what a receives through + a; a is also a factor of a*b, which sends back a second contribution",
            b.data - 1.0: "the contribution through + a has the wrong sign: the local derivative of a sum is +1 for each input",
        },
        hint="a is used twice: add what it receives through a*b and through + a",
    )


@exercise("dy/dx for y = x*x*x")
def check_cube_gradient(answer):
    """∂y/∂x of y = x·x·x at x = 2: three contributions of x·x each (a whole number)."""
    x = Value(2.0)
    (x * x * x).backward()
    square = x.data * x.data
    expect_exact(
        answer,
        x.grad,
        mistakes={
            square: "that is one contribution of three (or what `=` leaves instead of `+=`): x is used three times",
            2 * square: "that is two contributions of three: x is used twice in x*x and once more in (x*x)*x",
            3 * x.data: "that would be the slope of 3x; x*x*x is x cubed",
        },
        hint="write down the children and local_grads of both * nodes and add up what reaches x",
    )


_CHAIN_STEPS = 100_000  # the notebook's deep_y = chain(100_000, 1.00001)


@exercise("values in the 100,000-step chain")
def check_chain_size(answer):
    """The number of Values in chain(100_000, …): x, then a factor and a product per step (a whole number)."""
    expect_exact(
        answer,
        1 + 2 * _CHAIN_STEPS,
        mistakes={
            2 * _CHAIN_STEPS: "you left out x itself, the value the chain starts from",
            1 + _CHAIN_STEPS: "you counted x and the products but not the factors: each Value(factor) is a value of the graph too",
            _CHAIN_STEPS: "you counted only the products: the factors and x are values of the graph too",
            2 + 2 * _CHAIN_STEPS: "one too many: x is counted once, and every step adds exactly two values",
        },
        hint="count what one step of the loop in chain creates, then add what exists before the loop",
    )


# --- building it: the topological order -------------------------------------------------------------


class _SlowWalk(Mistake):
    """Raised from inside the student's walk once it has compared far more values than the graph holds."""


class _Node:
    """A value of a test graph: a label to name it in messages, its children, and room for the rest.

    Comparing two nodes with ``==`` is counted: a walk that keeps ``visited``
    in a list compares each value with all those before it, which takes hours on
    a 100,000-deep chain; the check stops it early and says why.
    """

    __slots__ = ("label", "children", "data", "grad", "op", "local_grads")
    comparisons_left = math.inf

    def __init__(self, label, children=()):
        self.label, self.children = label, tuple(children)
        self.data, self.grad, self.op = 0.0, 0.0, "op" if children else ""
        self.local_grads = (1.0,) * len(self.children)

    def __eq__(self, other):
        _Node.comparisons_left -= 1
        if _Node.comparisons_left < 0:
            raise _SlowWalk(
                "your walk compares values one by one (is `visited` a list? `v in visited` then looks through the "
                "whole list every time): on a 100,000-deep chain that takes hours. Keep the visited values in a set"
            )
        return self is other

    __hash__ = object.__hash__

    def __repr__(self):
        return f"`{self.label}`"

    def topological_order(self, leaves=True):
        raise Mistake("your code calls the package's Value.topological_order: the exercise asks you to write that "
                      "part yourself")


def _diamond():
    a = _Node("a")
    b, c = _Node("b = 2*a", (a,)), _Node("c = a + 1", (a,))
    return _Node("d = b*c", (b, c))


def _twice():
    a = _Node("a")
    return _Node("b = a + a", (a, a))


def _random_graph(rng, size):
    """A random expression: leaves, then operations on one, two or three earlier values (repeats allowed)."""
    nodes = [_Node(f"v{i}") for i in range(rng.randint(2, 4))]
    while len(nodes) < size:
        children = [rng.choice(nodes[-6:] if rng.random() < 0.5 else nodes) for _ in range(rng.randint(1, 3))]
        nodes.append(_Node(f"v{len(nodes)}", children))
    last = nodes[-1]
    loose = [node for node in nodes[:-1] if rng.random() < 0.3]  # tie more values to the output
    return _Node("output", (last, *loose[:3]))


def _ladder(levels):
    """x, then y1 = x + x, y2 = y1 + y1, …: a value reached along 2^levels paths, one visit each for a real walk."""
    y = _Node("x")
    for i in range(levels):
        y = _Node(f"y{i + 1}", (y, y))
    return y


def _chain(depth):
    """y = f(f(...f(x))), a chain of one-input operations: one value per level, depth levels deep."""
    y = _Node("x")
    for i in range(depth):
        y = _Node(f"y{i + 1}", (y,))
    return y


def _reachable(root):
    """Every node root depends on, by id (our own walk, without ==)."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for child in stack.pop().children:
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return seen


class _Stop(BaseException):
    """Raised by the watch inside the student's walk: a BaseException, so that an `except Exception` lets it pass."""


# the package's own walks: Value.topological_order(node) works on any node with children, so a call is refused
_PACKAGE_WALKS = {Value.topological_order.__code__: "Value.topological_order",
                  Value._gradient_order.__code__: "Value._gradient_order"}
_DEEPEST = 100  # nested calls of one function: no loop needs any, a recursive walk of the 2,000-chain needs 2,000


def _walk(topological_order, root, case, comparisons, seconds):
    """Run the student's walk on root, watched: stopped if it recurses, compares too often or runs too long.

    Recursion is seen by counting the nested calls of each function (a profile hook), so it is caught whatever
    the student's code does to Python's recursion limit; a walk that keeps ids in a list (whose `in` no counter
    sees) is stopped once it runs ``seconds``.
    """
    reasons, nested, events = [], Counter(), [0]
    deadline = time.perf_counter() + seconds

    def stop(reason):
        reasons.append(reason)
        raise _Stop

    def watch(frame, event, arg):
        if event == "call":
            if frame.f_code in _PACKAGE_WALKS:
                stop(f"your code calls the package's {_PACKAGE_WALKS[frame.f_code]}: the exercise asks you to write "
                     "that walk yourself")
            nested[frame.f_code] += 1
            if nested[frame.f_code] > _DEEPEST:
                stop("your walk calls itself once per level, so a deep graph ends in RecursionError at Python's "
                     "recursion limit (about 1,000 nested calls), or crashes Python if the limit is raised. "
                     "Keep the values still to visit in a list used as a stack instead")
        elif event == "return":
            nested[frame.f_code] -= 1
        events[0] += 1
        if events[0] % 512 == 0 and time.perf_counter() > deadline:
            stop(f"your walk takes more than {seconds:.0f} s, where a walk with a visited set takes a fraction of a "
                 "second: is `visited` a list (of values or of ids)? `in` then looks through the whole list every "
                 "time. Keep the visited values in a set")

    _Node.comparisons_left = comparisons
    previous, previous_threads, previous_hook = sys.getprofile(), threading.getprofile(), threading.excepthook
    sys.setprofile(watch)
    threading.setprofile(watch)  # a walk may recurse in a thread of its own: stopped there too, without a traceback
    threading.excepthook = lambda args: None if issubclass(args.exc_type, _Stop) else previous_hook(args)
    try:
        result = call(topological_order, root, case=case)
    except _Stop:
        result = None
    finally:
        if sys.getprofile() is not watch and not reasons:
            reasons.append("your code switches off Python's profiler (sys.setprofile), which the check uses to watch "
                           "the walk: leave it alone and walk the graph with a list used as a stack")
        sys.setprofile(previous)
        threading.setprofile(previous_threads)
        threading.excepthook = previous_hook
        _Node.comparisons_left = math.inf
    if reasons:  # also when the student's code caught _Stop with a bare except and went on
        raise Mistake(f"on {case}: {reasons[0]}")
    return returned(topological_order, result, "the list of values")


def _fields(node):
    """What a walk must leave as it was on a node, besides its children."""
    return (node.data, node.grad, node.op, node.label, node.local_grads)


def _validate(order, root, graph, case):
    if isinstance(order, (set, frozenset)):
        raise Mistake(f"on {case}: your function returned a {type(order).__name__}, which has no order: return the list `order`")
    if not isinstance(order, (list, tuple)):
        raise Mistake(
            f"on {case}: your function should return a list of values (backward() walks it from the end with "
            f"reversed()), but it returned {type(order).__name__}"
        )
    order = list(order)
    position = {}
    for index, value in enumerate(order):
        if id(value) not in graph:
            raise Mistake(f"on {case}: your order contains {value!r}, which is not one of the graph's values")
        if id(value) in position:
            advice = "mark each value as visited and skip a value you have already placed"
            if case == "a + a":
                advice = (
                    "b = a + a has the children (a, a), so a is put on the stack twice before it is visited: "
                    "check whether a value is already visited when you take it off the stack, not only when you push it"
                )
            raise Mistake(f"on {case}: {value!r} appears twice in your order: {advice}")
        position[id(value)] = index
    missing = [node for key, node in graph.items() if key not in position]
    if root in missing:
        raise Mistake(f"on {case}: your order leaves out {root!r}, the value you called it on: it belongs at the end")
    if missing:
        names = ", ".join(repr(node) for node in missing[:3]) + (" and others" if len(missing) > 3 else "")
        raise Mistake(f"on {case}: your order leaves out {names}: every value the root depends on must be listed")
    for value in order:
        for child in value.children:
            if position[id(child)] > position[id(value)]:
                raise Mistake(
                    f"on {case}: {value!r} comes before {child!r}, one of the values it was computed from: "
                    "place a value only after all of its children are placed"
                )


@exercise("topological order")
def check_topological_order(topological_order):
    """``topological_order(root)``: every value root depends on, once, each after all of its children."""
    if not callable(topological_order):
        raise Mistake(f"topological_order should be a function, but it is {type(topological_order).__name__}")
    for case, build in _graphs():
        with gc_paused():  # a 100,000-deep graph is built and walked many times faster without the cycle collector
            root = build()
            started = time.perf_counter()
            graph = _reachable(root)
            # watched, a set-based walk takes about 10 times as long as ours, a walk through a list thousands of times
            # (at least 3 s, at most 6 s: a walk through a list of ids takes minutes here, a set-based one 1 s loaded)
            seconds = min(6.0, max(3.0, 60 * (time.perf_counter() - started)))
            children = {key: node.children for key, node in graph.items()}
            fields = {key: _fields(node) for key, node in graph.items()}
            budget = 20 * len(graph) + 100  # a set-based walk needs next to no comparisons
            order = _walk(topological_order, root, case, budget, seconds)
            if any(node.children is not children[key] for key, node in graph.items()):
                raise Mistake(f"on {case}: your walk changed the children of a value: it should only read the graph")
            changed = next((node for key, node in graph.items() if _fields(node) != fields[key]), None)
            if changed is not None:
                raise Mistake(f"on {case}: your walk changed the data, grad, op or label of {changed!r} (to mark it as "
                              "visited?): it should only read the graph; keep the visited values in a set")
            _validate(order, root, graph, case)
            if len(graph) < 1_000:  # walked again, as backward() does at every step: nothing may be left from before
                again = _walk(topological_order, root, f"{case}, walked a second time", budget, seconds)
                if list(again) != list(order):
                    raise Mistake(
                        f"on {case}: walked a second time, your function returns another order: is something kept "
                        "from the first call (a default argument such as visited=set(), or a global)? Create "
                        "order and visited inside the function"
                    )


def _graphs():
    """(name, builder) of the graphs a walk is checked on, from the smallest to the deepest."""
    rng = random.Random(4)
    yield "a diamond (d = b*c, where b and c both use a)", _diamond
    yield "a + a", _twice
    for size in (8, 15, 30, 60):
        yield f"a random graph of {size} values", lambda size=size: _random_graph(rng, size)
    yield "a ladder of 40 sums (y1 = x + x, y2 = y1 + y1, and so on)", lambda: _ladder(40)
    yield "a chain of 2,000 operations", lambda: _chain(2_000)
    yield "a chain of 100,000 operations", lambda: _chain(100_000)


# --- building it: all the gradients in a dictionary --------------------------------------------------


def _labelled(value, label):
    value.label = label
    return value


def _twice_expression():
    a = Value(1.5, label="a")
    return _labelled(a + a, "b = a + a")


def _shared_expression():
    """m = x*y is used by two values: p = m + z and q = m*w, then out = p*q."""
    x, y, z, w = (Value(v, label=name) for v, name in ((0.5, "x"), (-2.0, "y"), (3.0, "z"), (1.5, "w")))
    m = _labelled(x * y, "m = x*y")
    p = _labelled(m + z, "p = m + z")
    q = _labelled(m * w, "q = m*w")
    return _labelled(p * q, "out = p*q")


def _random_expression(rng, size):
    """A random expression of +, −, * and tanh on a few leaves, with values reused."""
    operations = [operator.add, operator.sub, operator.mul, lambda a, b: a.tanh()]
    values = [Value(round(rng.uniform(-1.5, 1.5), 2), label=f"x{i + 1}") for i in range(rng.randint(2, 4))]
    while len(values) < size:
        operation = rng.choice(operations)
        out = operation(rng.choice(values), rng.choice(values[-4:]))  # recent values are reused more often
        values.append(_labelled(out, f"v{len(values) + 1}"))
    return values[-1]


def _deep_expression(depth):
    """y = (x·1.0001 + 0)·1.0001 + 0 …: 2·depth operations deep, too deep for a recursive walk."""
    x = Value(1.0, label="x")
    y = x
    for _ in range(depth):
        y = y * Value(1.0001) + 0.0
    return _labelled(y, "y")


def _in_order(output):
    """The values of the graph, output first (reversed topological order): the order gradients are final in."""
    return list(reversed(output.topological_order()))


def _walk_every_path(output, depth_first):
    """The classic slip: follow every path from the output, passing each value's gradient on each time it is reached."""
    grads, waiting, steps = {output: 1.0}, [output], 0
    while waiting:
        steps += 1
        if steps > 100_000:  # a graph with many shared values has too many paths to follow them all
            return None
        node = waiting.pop() if depth_first else waiting.pop(0)
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads[node]
            waiting.append(child)
    return grads


def _slips(output):
    """What the typical wrong versions of gradients(output) return, with what each slip means."""
    order = _in_order(output)
    assigned, forwards = {output: 1.0}, {output: 1.0}
    for node in order:
        for child, local in zip(node.children, node.local_grads):
            assigned[child] = local * assigned[node]
    for node in reversed(order):
        for child, local in zip(node.children, node.local_grads):
            forwards[child] = forwards.get(child, 0.0) + local * forwards.get(node, 0.0)
    uses = Counter(id(child) for user in order for child in user.children)
    shared = next((node for node in order if node.children and uses[id(node)] > 1), None)
    twice = (
        f"{shared.label!r} is used by two values, so a walk along every path reaches it twice and passes its "
        "gradient on twice, the first time before it is complete. Walk a topological order instead: each value "
        "once, after every value that uses it"
        if shared
        else "a value was visited twice"
    )
    return [
        (assigned, "assigned where you should add: a value used several times keeps only the last contribution "
                   "(`grads[child] = ...`); add each contribution to what it already has"),
        (_walk_every_path(output, True), twice),
        (_walk_every_path(output, False), twice),
        (forwards, "you walked the order forwards, from the inputs: walk it backwards, from the output, so that "
                   "each value's gradient is complete before it is passed on"),
    ]


def _same(grads, expected):
    return all(
        isinstance(grads.get(node), (int, float)) and math.isclose(grads[node], value, rel_tol=1e-9, abs_tol=1e-12)
        for node, value in expected.items()
    )


def _number(value, node, case):
    if hasattr(value, "data") and not hasattr(value, "shape"):
        value = value.data
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Mistake(f"on {case}: the gradient of {node.label!r} should be a number, but it is {type(value).__name__}")
    return float(value)


@exercise("gradients in a dictionary")
def check_gradients(gradients):
    """``gradients(output)`` returns {v: d output / d v} for every value v of the graph, without touching ``.grad``."""
    if not callable(gradients):
        raise Mistake(f"gradients should be a function, but it is {type(gradients).__name__}")
    rng = random.Random(8)
    cases = [("b = a + a", _twice_expression()), ("out = p*q with p = m + z and q = m*w", _shared_expression())]
    cases += [(f"a random expression of {size} values", _random_expression(rng, size)) for size in (6, 12, 25, 40)]
    cases += [("a chain of 3,000 operations", _deep_expression(1_500))]
    for case, output in cases:
        order = _in_order(output)
        for index, node in enumerate(order):  # .grad set to numbers no walk gives: any change to them shows
            node.grad = 0.25 + index / 1024
        marks = [node.grad for node in order]
        graph = [(node.data, node.op, node.label, node.children, tuple(node.children), node.local_grads) for node in order]
        result = _gradients_of(gradients, output, case)
        changed = next((node for node, before in zip(order, graph)
                        if (node.data, node.op, node.label, node.children, tuple(node.children), node.local_grads)
                        != before), None)
        if changed is not None:
            raise Mistake(
                f"on {case}: your function changed the data, op, label, children or local_grads of "
                f"{changed.label or 'a value'!r}: it should only read the graph and return the gradients"
            )
        touched = next((node for node, mark in zip(order, marks) if node.grad != mark), None)
        if touched is not None:
            raise Mistake(
                f"on {case}: your function changed the .grad of {touched.label or 'a value'!r}: return the gradients "
                "in the dictionary and leave .grad alone (so no backward() and no zero_grad())"
            )
        in_graph = {id(node) for node in order}
        stranger = next((key for key in result if id(key) not in in_graph), None)
        if stranger is not None and hasattr(stranger, "children"):
            raise Mistake(
                f"on {case}: your dictionary has the key {stranger!r}, a value of another graph: is the dictionary "
                "kept between calls (a default argument such as grads={}, or a global)? Create it inside the function"
            )
        if stranger is not None:
            raise Mistake(
                f"on {case}: your dictionary has the key {stranger!r}, which is not one of the graph's values: "
                "use the Values themselves as keys, not their labels or data"
            )
        missing = [node for node in order if node not in result]
        if output in missing:
            raise Mistake(
                f"on {case}: the output itself is missing from your dictionary: the walk starts from "
                "d output / d output"
            )
        if missing:
            raise Mistake(f"on {case}: {missing[0].label!r} is missing from your dictionary: every value of the graph needs its gradient")
        grads = {node: _number(result[node], node, case) for node in order}
        again = _gradients_of(gradients, output, f"{case}, a second time")
        if any(node not in again for node in order) or not _same(
                {node: _number(again[node], node, case) for node in order}, grads):
            raise Mistake(
                f"on {case}: called a second time on the same graph, your function returns other gradients: is the "
                "dictionary kept between calls (a default argument such as grads={}, or a global)? Create it "
                "inside the function"
            )
        output.zero_grad()
        output.backward()
        expected = {node: node.grad for node in order}
        if _same(grads, expected):
            continue
        for slip, meaning in _slips(output):
            if slip is not None and _same(grads, slip):
                raise Mistake(f"on {case}: {meaning}")
        _explain_first_wrong(grads, expected, order, case)


def _gradients_of(gradients, output, case):
    """The student's dictionary of gradients for ``output``, or a Mistake saying why it is not one."""
    result = returned(gradients, call(gradients, output, case=case, forbid=(Value.backward,)),
                      "a dictionary {value: gradient}")
    if not isinstance(result, dict):
        raise Mistake(f"on {case}: your function should return a dictionary {{value: gradient}}, not {type(result).__name__}")
    return result


def _explain_first_wrong(grads, expected, order, case):
    """Name the first value, from the output down, whose gradient is wrong, and what reached it."""
    output = order[0]
    if not math.isclose(grads[output], expected[output], rel_tol=1e-9):
        raise Mistake(f"on {case}: the output's own gradient is wrong: it is d output / d output, where every walk starts")
    for node in order[1:]:
        if math.isclose(grads[node], expected[node], rel_tol=1e-9, abs_tol=1e-12):
            continue
        contributions = [
            expected[user] * local
            for user in order
            for child, local in zip(user.children, user.local_grads)
            if child is node
        ]
        name = node.label or "a constant"
        if grads[node] == 0.0:
            raise Mistake(
                f"on {case}: {name!r} got no gradient at all although every value that uses it has the right one: "
                "is every value's gradient passed on to its children?"
            )
        if len(contributions) > 1 and any(math.isclose(grads[node], c, rel_tol=1e-9) for c in contributions):
            raise Mistake(
                f"on {case}: {name!r} is used {len(contributions)} times but holds only one contribution: "
                "assigned where you should add"
            )
        raise Mistake(
            f"on {case}: the gradient of {name!r} is wrong, although every value that uses it has the right one: "
            "check what each of them passes on (its gradient times the local derivative that belongs to this child)"
        )
