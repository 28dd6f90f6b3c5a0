"""Notebook 04's exercises: the right answers pass, each typical wrong one is named, no message gives the answer."""

import sys

import pytest

from micrograd_mlp.exercises.automatic_backward import (
    check_chain_size,
    check_cube_gradient,
    check_gradients,
    check_shared_input_gradient,
    check_topological_order,
)
from graph_walks import iterative, recursive, visited_list, walk_with_a_stack
from verdicts import assert_rejected, verdict


# --- exercises 1 to 3: numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, right, wrong",
    [
        (check_shared_input_gradient, -2, [(-3, "only what a receives through a*b"), (1, "only what a receives through + a"),
                                           (-4, "wrong sign"), (2, "right size but the wrong sign"), (-2.0001, "not right")]),
        (check_cube_gradient, 12, [(4, "one contribution of three"), (8, "two contributions of three"), (6, "slope of 3x"),
                                   (11.999, "not right")]),
        (check_chain_size, 200_001, [(200_000, "left out x"), (100_001, "not the factors"), (100_000, "only the products"),
                                     (200_002, "one too many"), (200_001.5, "not right")]),
    ],
)
def test_number_exercises(check, right, wrong, capsys):
    check(right)
    assert verdict(capsys).startswith("[✓]")
    check(float(right))
    assert verdict(capsys).startswith("[✓]")
    for answer, words in wrong:
        check(answer)
        out = verdict(capsys)
        assert_rejected(out, words)
        assert str(right) not in out.split("not yet:")[1]
    check(...)
    assert verdict(capsys).startswith("[ ]")


def test_the_chain_size_is_compared_exactly(capsys):
    check_chain_size(200_000)  # 200,000 was accepted by the old relative tolerance
    assert_rejected(verdict(capsys), "left out x")


# --- building it: the topological order ---------------------------------------------------------------

# the right walk (iterative) and two wrong ones (recursive, visited_list) are in tests/graph_walks.py


def checked_only_when_pushed(root):
    order, visited = [], {root}
    stack = [(root, False)]
    while stack:
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
            continue
        stack.append((v, True))
        for child in v.children:
            if child not in visited:
                stack.append((child, False))
        visited.update(v.children)
    return order


def parents_first(root):
    return list(reversed(iterative(root)))


def without_root(root):
    return iterative(root)[:-1]


def forgets_to_return(root):
    iterative(root)


def stub(root):
    """Every value root depends on, each after its children."""
    ...  # your code


def not_implemented(root):
    raise NotImplementedError


def test_topological_order_right(capsys):
    check_topological_order(iterative)
    assert verdict(capsys) == "[✓] topological order: correct!"


def test_a_tuple_counts_as_an_order(capsys):
    check_topological_order(lambda root: tuple(iterative(root)))
    assert verdict(capsys).startswith("[✓]")


def test_a_generator_or_a_set_is_refused(capsys):
    # backward() walks the order twice and from the end (reversed()): a generator cannot, a set has no order
    check_topological_order(lambda root: iter(iterative(root)))
    assert_rejected(verdict(capsys), "should return a list", "reversed()", "list_iterator")
    check_topological_order(lambda root: set(iterative(root)))
    assert_rejected(verdict(capsys), "returned a set, which has no order")


@pytest.mark.parametrize(
    "walk, words",
    [
        (recursive, ["chain of 2,000 operations", "RecursionError", "stack"]),
        (visited_list, ["compares values one by one", "set"]),
        (checked_only_when_pushed, ["on a + a", "appears twice", "take it off the stack"]),
        (parents_first, ["on a diamond", "comes before", "one of the values it was computed from"]),
        (without_root, ["leaves out", "the value you called it on"]),
        (forgets_to_return, ["returned None", "return"]),
        (lambda root: 3, ["should return a list", "int"]),
        (lambda root: [root], ["leaves out"]),
    ],
)
def test_topological_order_mistakes_are_named(walk, words, capsys):
    check_topological_order(walk)
    assert_rejected(verdict(capsys), *words)


def test_a_recursive_walk_is_caught_even_with_a_raised_limit(capsys):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    try:
        check_topological_order(recursive)
    finally:
        sys.setrecursionlimit(limit)
    assert_rejected(verdict(capsys), "RecursionError")
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize("walk", [stub, not_implemented, None, ...])
def test_topological_order_not_answered(walk, capsys):
    check_topological_order(walk)
    assert verdict(capsys).startswith("[ ] topological order: not answered yet")


# --- building it: all the gradients in a dictionary ----------------------------------------------------


def gradients(output):
    grads = {output: 1.0}
    for node in reversed(output.topological_order()):
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads[node]
    return grads


def assigned(output):
    grads = {output: 1.0}
    for node in reversed(output.topological_order()):
        for child, local in zip(node.children, node.local_grads):
            grads[child] = local * grads[node]
    return grads


def every_path(output):
    grads, stack = {output: 1.0}, [output]
    while stack:
        node = stack.pop()
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads[node]
            stack.append(child)
    return grads


def forwards(output):
    grads = {output: 1.0}
    for node in output.topological_order():
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads.get(node, 0.0)
    return grads


def no_seed(output):
    grads = {}
    for node in reversed(output.topological_order()):
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads.get(node, 0.0)
    grads[output] = 0.0
    return grads


def with_backward(output):
    output.backward()
    return {node: node.grad for node in output.topological_order()}


def swapped_locals(output):
    grads = {output: 1.0}
    for node in reversed(output.topological_order()):
        for child, local in zip(node.children, reversed(node.local_grads)):
            grads[child] = grads.get(child, 0.0) + local * grads[node]
    return grads


def leaves_only(output):
    return {node: grad for node, grad in gradients(output).items() if not node.children}


def test_gradients_right(capsys):
    check_gradients(gradients)
    assert verdict(capsys) == "[✓] gradients in a dictionary: correct!"


@pytest.mark.parametrize(
    "function, words",
    [
        (assigned, ["on b = a + a", "assigned where you should add"]),
        (every_path, ["'m = x*y' is used by two values", "passes its gradient on twice", "topological order"]),
        (forwards, ["walked the order forwards"]),
        (no_seed, ["output's own gradient"]),
        (with_backward, ["calls the package's Value.backward"]),
        (swapped_locals, ["the gradient of", "is wrong", "local derivative that belongs to this child"]),
        (leaves_only, ["the output itself is missing"]),
        (lambda output: {node.label: grad for node, grad in gradients(output).items()},
         ["your dictionary has the key", "not one of the graph's values", "not their labels"]),
        (lambda output: [1.0], ["should return a dictionary"]),
        (lambda output: {node: "1" for node in output.topological_order()}, ["should be a number"]),
    ],
)
def test_gradients_mistakes_are_named(function, words, capsys):
    check_gradients(function)
    assert_rejected(verdict(capsys), *words)


@pytest.mark.parametrize("function", [stub, not_implemented, None])
def test_gradients_not_answered(function, capsys):
    check_gradients(function)
    assert verdict(capsys).startswith("[ ] gradients in a dictionary: not answered yet")


# --- walks that only looked right: a raised limit, state kept between calls, ids in a list, a changed graph ---


def recursive_with_its_own_limit(root):
    sys.setrecursionlimit(1_000_000)
    return recursive(root)


def kept_between_calls(root, visited=set()):  # the right walk, but its visited set outlives the call
    return walk_with_a_stack(root, visited, set.add)


def ids_in_a_list(root):
    order, seen, stack = [], [], [(root, False)]
    while stack:
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
        elif id(v) not in seen:
            seen.append(id(v))
            stack.append((v, True))
            stack.extend((child, False) for child in v.children if id(child) not in seen)
    return order


def marks_by_emptying_children(root):
    order = iterative(root)
    for v in order:
        v.children = ()
    return order


def wraps_the_package(root):
    return root.topological_order()


def every_path_then_dedupe(root):  # a right order, but it follows every path: 2^40 of them on the ladder
    visits, stack = [], [root]
    while stack:
        v = stack.pop()
        visits.append(v)
        stack.extend(v.children)
    order, seen = [], set()
    for v in reversed(visits):
        if v not in seen:
            seen.add(v)
            order.append(v)
    return order


def recursive_in_a_thread(root):
    import threading

    order = []
    worker = threading.Thread(target=lambda: order.extend(recursive_with_its_own_limit(root)))
    worker.start()
    worker.join()
    return order


@pytest.mark.parametrize(
    "walk, words",
    [
        (every_path_then_dedupe, ["ladder of 40 sums", "takes more than"]),
        (recursive_in_a_thread, ["calls itself once per level"]),
        (recursive_with_its_own_limit, ["calls itself once per level", "RecursionError", "stack"]),
        (kept_between_calls, ["walked a second time", "visited=set()"]),
        (ids_in_a_list, ["chain of 100,000 operations", "takes more than", "is `visited` a list", "set"]),
        (marks_by_emptying_children, ["changed the children of a value"]),
        (wraps_the_package, ["calls the package's Value.topological_order"]),
    ],
)
def test_walks_that_fooled_the_old_check(walk, words, capsys):
    limit = sys.getrecursionlimit()
    try:
        check_topological_order(walk)
    finally:
        sys.setrecursionlimit(limit)
    assert_rejected(verdict(capsys), *words)


def test_an_endless_walk_times_out(monkeypatch):
    def endless(root):
        stack = [root]
        while stack:
            stack.append(stack[-1])

    monkeypatch.setattr(check_topological_order, "seconds", 1)
    assert check_topological_order.grade(endless).result == "timeout"


def backward_by_hand_then_reset(output):
    order = output.topological_order()
    for v in order:
        v.grad = 0.0
    output.grad = 1.0
    for v in reversed(order):
        for child, local in zip(v.children, v.local_grads):
            child.grad += local * v.grad
    result = {v: v.grad for v in order}
    for v in order:
        v.grad = 0.0  # as it was only if it was 0 before
    return result


def dict_as_default(output, grads={}):
    grads[output] = 1.0
    for v in reversed(output.topological_order()):
        for child, local in zip(v.children, v.local_grads):
            grads[child] = grads.get(child, 0.0) + local * grads[v]
    return grads


@pytest.mark.parametrize(
    "wrong, words",
    [
        (backward_by_hand_then_reset, ["changed the .grad"]),
        (dict_as_default, ["kept between calls", "grads={}"]),
    ],
)
def test_gradients_that_fooled_the_old_check(wrong, words, capsys):
    check_gradients(wrong)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "use the Values themselves as keys" not in out


def test_endless_gradients_time_out(monkeypatch):
    def endless(output):
        grads = {output: 1.0}
        while True:
            grads[output] += 1.0

    monkeypatch.setattr(check_gradients, "seconds", 1)
    assert check_gradients.grade(endless).result == "timeout"


def test_the_package_walk_called_unbound_is_refused(capsys):
    from micrograd_mlp.engine import Value

    check_topological_order(lambda root: Value.topological_order(root))
    assert_rejected(verdict(capsys), "package's Value.topological_order", "yourself")


def marks_op(root):
    token, order, stack = object(), [], [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif v.op is not token:
            v.op = token  # "visited", written onto the graph
            stack.append((v, True))
            stack.extend((child, False) for child in reversed(v.children))
    return order


def switches_off_the_watch(root):
    sys.setprofile(None)
    return iterative(root)


@pytest.mark.parametrize("walk, words", [
    (marks_op, ["changed the data, grad, op or label", "set"]),
    (switches_off_the_watch, ["switches off Python's profiler"]),
])
def test_walks_that_write_on_the_graph_or_hide_are_refused(walk, words, capsys):
    check_topological_order(walk)
    assert_rejected(verdict(capsys), *words)


def test_gradients_that_change_the_graph_are_refused(capsys):
    def relabels(output):
        grads = gradients(output)
        for v in grads:
            v.label = "seen"
        return grads

    check_gradients(relabels)
    assert_rejected(verdict(capsys), "changed the data, op, label, children or local_grads")
    check_gradients(gradients)
    assert verdict(capsys).startswith("[✓]")
