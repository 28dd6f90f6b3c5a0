"""The autograd engine: every operation's value and gradient, graphs, reuse, errors, memory.

Gradients are checked against central finite differences,
    df/dx ≈ (f(x + h) − f(x − h)) / 2h,
which need no calculus of their own, so they catch a wrong derivative formula.
"""

import gc
import math
import subprocess
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from micrograd_mlp.engine import Value, is_grad_enabled, no_grad

# --- helpers -------------------------------------------------------------------------------


def numeric_gradient(f, point, i, h=1e-6):
    """Central difference of f (a function of Values returning a Value) in argument i."""
    step = h * max(1.0, abs(point[i]))
    up, down = list(point), list(point)
    up[i] += step
    down[i] -= step
    return (f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * step)


def assert_gradients_match(f, point, rel=1e-6, abs_=1e-8):
    leaves = [Value(x) for x in point]
    out = f(*leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        expected = numeric_gradient(f, point, i)
        assert leaf.grad == pytest.approx(expected, rel=rel, abs=abs_), f"d/dx{i} at {point}"
    return out


# --- every operation: forward value and gradient -----------------------------------------------

sigmoid = lambda x: 1.0 / (1.0 + math.exp(-x))  # noqa: E731
softplus = lambda x: math.log1p(math.exp(x))  # noqa: E731

# name: (function of Values, the same function on floats, point)
OPERATIONS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, (1.5, -0.7)),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, (1.5, -0.7)),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, (1.5, -0.7)),
    "truediv": (lambda a, b: a / b, lambda a, b: a / b, (1.5, -0.7)),
    "pow int": (lambda a: a**3, lambda a: a**3, (-1.3,)),
    "pow negative int": (lambda a: a**-2, lambda a: a**-2, (-1.3,)),
    "pow float": (lambda a: a**2.5, lambda a: a**2.5, (1.3,)),
    "pow half": (lambda a: a**0.5, math.sqrt, (0.7,)),
    "pow zero": (lambda a: a**0 + a, lambda a: 1.0 + a, (0.7,)),
    "pow Value exponent": (lambda a, b: a**b, lambda a, b: a**b, (1.7, -0.6)),
    "pow Value exponent, base below 1": (lambda a, b: a**b, lambda a, b: a**b, (0.4, 2.3)),
    "rpow": (lambda b: 2**b, lambda b: 2**b, (0.8,)),
    "rpow float base": (lambda b: 0.5**b, lambda b: 0.5**b, (-1.4,)),
    "neg": (lambda a: -a, lambda a: -a, (0.9,)),
    "radd": (lambda a: 3 + a, lambda a: 3 + a, (0.9,)),
    "rsub": (lambda a: 3 - a, lambda a: 3 - a, (0.9,)),
    "rmul": (lambda a: -2.5 * a, lambda a: -2.5 * a, (0.9,)),
    "rtruediv": (lambda a: 3 / a, lambda a: 3 / a, (0.9,)),
    "exp": (lambda a: a.exp(), math.exp, (0.9,)),
    "exp negative": (lambda a: a.exp(), math.exp, (-3.2,)),
    "log": (lambda a: a.log(), math.log, (0.3,)),
    "tanh": (lambda a: a.tanh(), math.tanh, (0.4,)),
    "tanh negative": (lambda a: a.tanh(), math.tanh, (-1.8,)),
    "relu positive": (lambda a: a.relu(), lambda a: max(a, 0.0), (0.6,)),
    "relu negative": (lambda a: a.relu(), lambda a: max(a, 0.0), (-0.6,)),
    "sigmoid": (lambda a: a.sigmoid(), sigmoid, (0.7,)),
    "sigmoid negative": (lambda a: a.sigmoid(), sigmoid, (-2.1,)),
    "sigmoid very negative": (lambda a: a.sigmoid(), sigmoid, (-30.0,)),
    "softplus": (lambda a: a.softplus(), softplus, (0.7,)),
    "softplus negative": (lambda a: a.softplus(), softplus, (-4.0,)),
    "softplus large": (lambda a: a.softplus(), lambda a: a + math.log1p(math.exp(-a)), (40.0,)),
    "sum": (lambda a, b, c: Value.sum([a, b, c]), lambda a, b, c: a + b + c, (0.1, -2.0, 3.5)),
    "sum with numbers": (lambda a, b: Value.sum([a, 2.0, b, 3]), lambda a, b: a + b + 5.0, (0.1, -2.0)),
    "sum of a generator": (lambda a, b: Value.sum(v * v for v in (a, b)), lambda a, b: a * a + b * b, (0.4, -1.1)),
    "chain of everything": (
        lambda a, b: ((a * b + 1.0).tanh() - a / (b * b + 1.0)).exp() * (a * a + 0.5).log() + (b.sigmoid() - a.relu()),
        lambda a, b: math.exp(math.tanh(a * b + 1) - a / (b * b + 1)) * math.log(a * a + 0.5) + sigmoid(b) - max(a, 0.0),
        (0.8, -0.3),
    ),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_operation_value_and_gradient(name):
    f, reference, point = OPERATIONS[name]
    out = assert_gradients_match(f, point)
    assert out.data == pytest.approx(reference(*point), rel=1e-12, abs=1e-15)


NEURON_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: max(z, 0.0),
    "tanh": math.tanh,
    "sigmoid": sigmoid,
}


@pytest.mark.parametrize("activation", NEURON_ACTIVATIONS)
@pytest.mark.parametrize("bias", [0.3, -2.0])  # for relu: one neuron on, one off
def test_neuron_node_with_value_inputs(activation, bias):
    def f(w1, w2, w3, x1, x2, x3, b):
        return Value.neuron([w1, w2, w3], [x1, x2, x3], b, activation)

    point = (0.5, -0.4, 0.8, 1.2, 0.7, -0.3, bias)
    out = assert_gradients_match(f, point)
    z = 0.5 * 1.2 + -0.4 * 0.7 + 0.8 * -0.3 + bias
    assert out.data == pytest.approx(NEURON_ACTIVATIONS[activation](z), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("activation", NEURON_ACTIVATIONS)
@pytest.mark.parametrize("bias", [0.3, -2.0])
def test_neuron_node_with_float_inputs(activation, bias):
    x = [1.2, 0.7, -0.3]

    def f(w1, w2, w3, b):
        return Value.neuron([w1, w2, w3], x, b, activation)

    out = assert_gradients_match(f, (0.5, -0.4, 0.8, bias))
    z = 0.5 * 1.2 + -0.4 * 0.7 + 0.8 * -0.3 + bias
    assert out.data == pytest.approx(NEURON_ACTIVATIONS[activation](z), rel=1e-12, abs=1e-15)


def test_neuron_node_with_a_repeated_input():
    # The same Value as two inputs (and as a weight): its gradient collects every use.
    def f(a, b):
        return Value.neuron([a, b], [b, b], a, "tanh")

    assert_gradients_match(f, (0.3, -0.8))


def test_relu_at_zero_has_gradient_zero():
    a = Value(0.0)
    out = a.relu()
    out.backward()
    assert (out.data, a.grad) == (0.0, 0.0)


def test_sum_of_nothing_is_zero():
    assert Value.sum([]).data == 0.0


def test_sum_equals_a_chain_of_additions():
    import random

    rng = random.Random(5)
    xs = [Value(rng.uniform(-10, 10)) for _ in range(200)]
    chained = xs[0]
    for x in xs[1:]:
        chained = chained + x
    total = Value.sum(xs)
    assert total.data == pytest.approx(chained.data, rel=1e-12, abs=1e-12)
    (total * total).backward()
    fused_grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    (chained * chained).backward()
    assert fused_grads == pytest.approx([x.grad for x in xs], rel=1e-12, abs=1e-12)


# --- random expressions (hypothesis) -------------------------------------------------------------
# An expression is a tree of tuples: ("leaf", i), (unary_op, child) or (binary_op, left, right).
# Every operation is smooth on the whole real line (no kinks, no poles), so central
# differences are accurate everywhere and a mismatch means a wrong gradient.

UNARY = {
    "neg": (lambda v: -v, lambda x: -x),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), sigmoid),
    "softplus": (lambda v: v.softplus(), softplus),
    "exp∘tanh": (lambda v: v.tanh().exp(), lambda x: math.exp(math.tanh(x))),
    "log(x²+1)": (lambda v: (v * v + 1).log(), lambda x: math.log(x * x + 1)),
    "square": (lambda v: v**2, lambda x: x**2),
    "cube": (lambda v: v**3, lambda x: x**3),
    "1-x": (lambda v: 1 - v, lambda x: 1 - x),
    "2·x": (lambda v: 2 * v, lambda x: 2 * x),
    "3/(x²+1)": (lambda v: 3 / (v * v + 1), lambda x: 3 / (x * x + 1)),
    "2**tanh": (lambda v: 2 ** v.tanh(), lambda x: 2 ** math.tanh(x)),
    # an interior node used by two branches
    "x·x": (lambda v: v * v, lambda x: x * x),
    "x+tanh(x)": (lambda v: v + v.tanh(), lambda x: x + math.tanh(x)),
    "neuron(x)": (lambda v: Value.neuron([v, v], [v, 0.5 * v], v, "tanh"), lambda x: math.tanh(x * x + 0.5 * x * x + x)),
}

BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
    "/": (lambda a, b: a / (b * b + 0.5), lambda a, b: a / (b * b + 0.5)),
    "pow": (lambda a, b: (a.sigmoid() + 0.5) ** b.tanh(), lambda a, b: (sigmoid(a) + 0.5) ** math.tanh(b)),
    "sum": (lambda a, b: Value.sum([a, b, a]), lambda a, b: a + b + a),
    "neuron": (lambda a, b: Value.neuron([a, b], [b, a], a, "sigmoid"), lambda a, b: sigmoid(2 * a * b + a)),
    "linear neuron": (lambda a, b: Value.neuron([a], [b], b), lambda a, b: a * b + b),
}

N_LEAVES = 3
leaf = st.integers(0, N_LEAVES - 1).map(lambda i: ("leaf", i))
expressions = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.sampled_from(sorted(BINARY)), children, children),
    ),
    max_leaves=8,
)
points = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=N_LEAVES, max_size=N_LEAVES)


def compute(tree, leaves, on_floats=False):
    """The expression over ``leaves``: with Value operations, or on plain floats with the math module."""
    if tree[0] == "leaf":
        return leaves[tree[1]]
    operations = UNARY if len(tree) == 2 else BINARY
    return operations[tree[0]][on_floats](*(compute(branch, leaves, on_floats) for branch in tree[1:]))


def first_leaf(tree):
    return tree[1] if tree[0] == "leaf" else first_leaf(tree[1])


def check_expression(tree, xs):
    leaves = [Value(x) for x in xs]
    out = compute(tree, leaves)
    order = out.topological_order()
    scale = max(abs(v.data) for v in order)
    assume(scale < 1e4)  # keep finite differences accurate
    assert out.data == pytest.approx(compute(tree, xs, on_floats=True), rel=1e-9, abs=1e-12)
    out.backward()

    def f(*vs):
        return compute(tree, list(vs))

    for i, leaf_value in enumerate(leaves):
        expected = numeric_gradient(f, xs, i)
        assert leaf_value.grad == pytest.approx(expected, rel=1e-5, abs=1e-8 * (1.0 + scale)), (tree, xs, i)
    return leaves, out


@settings(max_examples=300, deadline=None)
@given(tree=expressions, xs=points)
def test_random_expression_gradients_match_finite_differences(tree, xs):
    check_expression(tree, xs)


@settings(max_examples=200, deadline=None)
@given(tree=expressions, op=st.sampled_from(sorted(BINARY)), xs=points)
def test_random_expression_reusing_a_leaf(tree, op, xs):
    # The expression's first leaf appears again as the other operand: its gradient must add up both uses.
    check_expression((op, tree, ("leaf", first_leaf(tree))), xs)


@settings(max_examples=50, deadline=None)
@given(tree=expressions, xs=points)
def test_random_expression_backward_twice_accumulates_leaf_gradients(tree, xs):
    leaves = [Value(x) for x in xs]
    out = compute(tree, leaves)
    out.backward()
    once = [v.grad for v in leaves]
    interior = [v.grad for v in out.topological_order() if v.children]
    out.backward()
    # twice the first gradient (up to rounding: the second pass adds its contributions one by one)
    assert [v.grad for v in leaves] == pytest.approx([2 * g for g in once], rel=1e-9, abs=1e-12)
    assert [v.grad for v in out.topological_order() if v.children] == interior
    out.zero_grad()
    assert all(v.grad == 0.0 for v in out.topological_order())


# --- algebraic laws, with their gradients --------------------------------------------------------

reals = st.floats(-3.0, 3.0, allow_nan=False)
positives = st.floats(0.05, 5.0)
away_from_zero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))


def values_and_grads(f, xs):
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


def assert_same_function(f, g, xs, rel=1e-9, abs_=1e-12):
    f_data, f_grads = values_and_grads(f, xs)
    g_data, g_grads = values_and_grads(g, xs)
    assert f_data == pytest.approx(g_data, rel=rel, abs=abs_)
    assert f_grads == pytest.approx(g_grads, rel=rel, abs=abs_)


@settings(max_examples=60, deadline=None)
@given(a=reals, b=reals)
def test_addition_and_multiplication_commute_exactly(a, b):
    assert values_and_grads(lambda x, y: x + y, [a, b]) == values_and_grads(lambda x, y: y + x, [a, b])
    assert values_and_grads(lambda x, y: x * y, [a, b]) == values_and_grads(lambda x, y: y * x, [a, b])


@settings(max_examples=60, deadline=None)
@given(a=reals, b=reals, c=reals)
def test_distributive_and_associative_laws(a, b, c):
    assert_same_function(lambda x, y, z: x * (y + z), lambda x, y, z: x * y + x * z, [a, b, c], abs_=1e-9)
    assert_same_function(lambda x, y, z: (x + y) + z, lambda x, y, z: x + (y + z), [a, b, c], abs_=1e-9)
    assert_same_function(lambda x, y, z: (x * y) * z, lambda x, y, z: x * (y * z), [a, b, c], abs_=1e-9)


@settings(max_examples=60, deadline=None)
@given(a=reals, b=away_from_zero)
def test_subtraction_division_and_powers_agree_with_their_definitions(a, b):
    assert values_and_grads(lambda x, y: x - y, [a, b]) == values_and_grads(lambda x, y: x + (-y), [a, b])
    assert values_and_grads(lambda x: 0 - x, [a]) == values_and_grads(lambda x: -x, [a])
    assert_same_function(lambda x, y: x / y, lambda x, y: x * y**-1, [a, b])
    assert_same_function(lambda x: x**2, lambda x: x * x, [a])
    assert_same_function(lambda x: x**3, lambda x: x * x * x, [a])
    assert_same_function(lambda x: 2 * x, lambda x: x + x, [a])


@settings(max_examples=60, deadline=None)
@given(x=positives, w=reals)
def test_exp_log_and_powers_are_consistent(x, w):
    assert_same_function(lambda v: v.log().exp(), lambda v: v * 1, [x])
    assert_same_function(lambda v, u: v**u, lambda v, u: (u * v.log()).exp(), [x, w])
    assert_same_function(lambda u: 2**u, lambda u: (u * math.log(2)).exp(), [w])


@settings(max_examples=60, deadline=None)
@given(x=reals)
def test_activations_agree_with_their_formulas(x):
    assert_same_function(lambda v: v.tanh(), lambda v: ((2 * v).exp() - 1) / ((2 * v).exp() + 1), [x])
    assert_same_function(lambda v: v.sigmoid(), lambda v: 1 / (1 + (-v).exp()), [x])
    assert_same_function(lambda v: v.softplus(), lambda v: (1 + v.exp()).log(), [x])
    assert_same_function(lambda v: v.sigmoid(), lambda v: ((v / 2).tanh() + 1) / 2, [x])


# --- reuse, accumulation, zero_grad ----------------------------------------------------------------


def test_a_plus_a():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert (b.data, a.grad) == (6.0, 2.0)
    assert b.children == (a, a)


def test_a_times_a():
    a = Value(-3.0)
    b = a * a
    b.backward()
    assert (b.data, a.grad) == (9.0, -6.0)


def test_a_node_shared_by_two_branches():
    a, b = Value(2.0), Value(-1.5)
    c = a * b  # used by both branches below
    d = c.tanh() + c * c
    d.backward()
    dd_dc = (1 - math.tanh(-3.0) ** 2) + 2 * -3.0
    assert c.grad == pytest.approx(dd_dc, rel=1e-12)
    assert a.grad == pytest.approx(dd_dc * -1.5, rel=1e-12)
    assert b.grad == pytest.approx(dd_dc * 2.0, rel=1e-12)


def test_leaf_gradients_accumulate_across_backward_calls_interior_ones_do_not():
    a, b = Value(2.0), Value(-1.5)
    c = a * b
    d = c * c
    d.backward()
    first = (a.grad, b.grad, c.grad, d.grad)
    assert first == (2 * -3.0 * -1.5, 2 * -3.0 * 2.0, 2 * -3.0, 1.0)
    d.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])  # leaves accumulate, as in PyTorch
    assert (c.grad, d.grad) == (first[2], first[3])  # intermediate values are recomputed


def test_zero_grad_resets_the_whole_graph():
    a, b = Value(2.0), Value(-1.5)
    d = (a * b).tanh() + a
    d.backward()
    assert a.grad != 0.0 and b.grad != 0.0
    d.zero_grad()
    assert all(v.grad == 0.0 for v in d.topological_order())
    d.backward()
    grads = (a.grad, b.grad)
    d.zero_grad()
    d.backward()
    assert (a.grad, b.grad) == grads


def test_backward_of_a_leaf():
    a = Value(4.0)
    a.backward()
    assert a.grad == 1.0


def test_children_are_kept_in_argument_order():
    a, b = Value(1.0), Value(2.0)
    for out in (a + b, a - b, a * b, a / b, a**b):
        assert out.children == (a, b), out.op
    for out in (b + a, b - a, b * a, b / a, b**a):
        assert out.children == (b, a), out.op
    for out in (3 - a, 3 / a, 3 + a, 3 * a, 2**a):
        assert out.children[1] is a and out.children[0].data in (2.0, 3.0)
    w, x, bias = [Value(0.1), Value(0.2)], [Value(0.3), Value(0.4)], Value(0.5)
    assert Value.neuron(w, x, bias, "tanh").children == (*w, *x, bias)
    assert Value.neuron(w, [0.3, 0.4], bias, "tanh").children == (*w, bias)
    assert Value.sum([b, a, b]).children == (b, a, b)


def test_topological_order_lists_every_value_after_its_children():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = (c + a).tanh() * c
    order = d.topological_order()
    assert len(order) == len(set(order)) == 6
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        for child in v.children:
            assert position[child] < position[v]
    assert order[-1] is d


def test_ops_are_named():
    a, b = Value(1.0), Value(2.0)
    assert [(a + b).op, (a - b).op, (a * b).op, (a / b).op, (-a).op, (a**2).op, (a**b).op] == [
        "+", "-", "*", "/", "neg", "**2", "**",
    ]
    assert [a.exp().op, a.log().op, a.tanh().op, a.relu().op, a.sigmoid().op, a.softplus().op] == [
        "exp", "log", "tanh", "relu", "sigmoid", "softplus",
    ]
    assert Value.sum([a, b]).op == "sum"
    assert Value.neuron([a], [b], b, "relu").op == "relu(w·x+b)"


def test_repr():
    assert repr(Value(2.5)) == "Value(data=2.5, grad=0.0)"
    assert repr(Value(2, label="x")) == "Value(data=2.0, grad=0.0, label='x')"


def test_ints_and_numpy_numbers_become_floats():
    import numpy as np

    assert type(Value(3).data) is float
    assert type(Value(np.float64(1.5)).data) is float
    assert type(Value(np.int64(2)).data) is float
    assert (Value(1.0) + np.float32(0.5)).data == 1.5


# --- no_grad ---------------------------------------------------------------------------------------


def test_no_grad_builds_no_graph():
    a, b = Value(2.0), Value(3.0)
    with no_grad():
        assert not is_grad_enabled()
        out = (a * b + a).tanh()
        assert out.children == () and out.op == "" and out.local_grads == ()
        assert out.data == pytest.approx(math.tanh(8.0))
    assert is_grad_enabled()
    out = a * b
    assert out.children == (a, b)


def test_no_grad_is_restored_after_an_error_and_when_nested():
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            Value(1.0) / 0
    assert is_grad_enabled()
    with no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


# --- bad inputs get clear errors -------------------------------------------------------------------


@pytest.mark.parametrize("bad, kind", [("3", "str"), (None, "NoneType"), ([1], "list"), (True, "bool"), (1j, "complex")])
def test_value_of_a_non_number_is_a_type_error_naming_the_type(bad, kind):
    with pytest.raises(TypeError, match=kind):
        Value(bad)


def test_value_of_a_value_suggests_using_it():
    with pytest.raises(TypeError, match="Value itself"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "combine",
    [lambda v: v + "a", lambda v: "a" + v, lambda v: v * None, lambda v: [1] - v, lambda v: v / "2", lambda v: v ** "2"],
)
def test_combining_a_value_with_a_non_number_is_a_type_error(combine):
    with pytest.raises(TypeError, match="str|NoneType|list"):
        combine(Value(1.0))


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_a_non_positive_number_states_the_value(x):
    with pytest.raises(ValueError, match=rf"positive.*{x!r}"):
        Value(x).log()


@pytest.mark.parametrize("divide", [lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0.0), lambda: 1 / Value(0.0)])
def test_division_by_zero(divide):
    with pytest.raises(ZeroDivisionError, match="zero"):
        divide()


def test_zero_to_a_negative_power():
    with pytest.raises(ZeroDivisionError, match="negative power"):
        Value(0.0) ** -1


def test_exp_overflow_is_explained():
    with pytest.raises(OverflowError, match="too large"):
        Value(1000.0).exp()


@pytest.mark.parametrize(
    "power", [lambda: Value(1e200) ** 2, lambda: Value(10.0) ** Value(400.0), lambda: 2 ** Value(5000.0)]
)
def test_power_overflow_is_an_overflow_error_with_a_message(power):
    with pytest.raises(OverflowError, match="too large.*learning rate"):
        power()


def test_root_of_a_negative_number():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** 0.5


def test_a_value_exponent_needs_a_positive_base():
    with pytest.raises(ValueError, match="positive base"):
        Value(-2.0) ** Value(2.0)


def test_exponent_of_the_wrong_type():
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** [2]


def test_square_root_of_zero_says_why_it_has_no_gradient():
    # sqrt(0) = 0, but its slope there is infinite: the message must not blame a negative power.
    with pytest.raises(ZeroDivisionError) as error:
        Value(0.0) ** 0.5
    assert "negative power" not in str(error.value)
    assert "0.5" in str(error.value)


def test_nan_and_inf_pass_through():
    assert math.isnan((Value(float("nan")) * 2).data)
    assert (Value(float("inf")) + 1).data == float("inf")


# --- deep graphs and memory ------------------------------------------------------------------------


def test_a_million_operations_deep_chain_backpropagates():
    x0 = Value(1.0)
    x = x0
    for _ in range(1_000_000):
        x = x * 1.0000001
    x.backward()  # a recursive walk would raise RecursionError
    assert x.data == pytest.approx(1.0000001**1e6, rel=1e-9)
    assert x0.grad == pytest.approx(1.0000001**1e6, rel=1e-9)
    del x  # freeing it must not overflow the C stack either


def _our_types():
    import micrograd_mlp.nn as nn

    return (Value, nn.Module)


def test_graphs_hold_no_reference_cycles():
    """With the cyclic collector off, dropping the last name frees the whole graph (reference counting alone)."""
    from micrograd_mlp.losses import hinge
    from micrograd_mlp.nn import MLP

    def count():
        # type(), not isinstance(): isinstance asks each object for its __class__, which some (torch's lazy
        # modules) answer with a deprecation warning
        return sum(1 for obj in gc.get_objects() if type(obj) is Value)

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = count()
        model = MLP(2, [4, 4, 1], fused=False)
        loss = hinge([model([0.5, -1.0]), model([Value(1.0), Value(2.0)])], [1.0, -1.0])
        loss.backward()
        a = Value(2.0)
        b = (a * a + a).tanh()
        b.backward()
        assert count() > before + 50
        del model, loss, a, b
        assert count() == before
    finally:
        if was_enabled:
            gc.enable()


def test_gc_collect_finds_nothing_of_ours():
    from micrograd_mlp import MLP, fit, load_dataset

    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        X, y = load_dataset("moons", n_samples=10)
        model = MLP(2, [4, 1], fused=False)
        fit(model, X, y, steps=2, progress=False)
        out = Value.neuron(model.layers[0].neurons[0].w, [Value(1.0), Value(2.0)], Value(0.0), "sigmoid")
        out.backward()
        del X, y, model, out
        gc.collect()
        ours = [obj for obj in gc.garbage if isinstance(obj, _our_types())]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert ours == []


def test_results_are_the_same_in_a_fresh_interpreter():
    code = (
        "from micrograd_mlp.engine import Value\n"
        "a, b = Value(0.3), Value(-1.2)\n"
        "out = ((a * b).tanh() + a.exp() / (b * b + 1)).sigmoid()\n"
        "out.backward()\n"
        "print(repr(out.data), repr(a.grad), repr(b.grad))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b = Value(0.3), Value(-1.2)
    out = ((a * b).tanh() + a.exp() / (b * b + 1)).sigmoid()
    out.backward()
    assert run.stdout.split() == [repr(out.data), repr(a.grad), repr(b.grad)]


# --- values whose local derivatives are all 0 ---------------------------------------------------------------


@pytest.mark.parametrize("fused", [True, False])
def test_a_relu_that_is_off_passes_no_gradient_on_even_an_infinite_one(fused):
    # As in PyTorch: the gradient below an off ReLU is 0, not 0 · inf = nan.
    w, x, b = Value(2.0), Value(-1.0), Value(0.5)
    off = Value.neuron([w], [x], b, "relu") if fused else (w * x + b).relu()
    out = off * 1e308 * 10.0  # d(out)/d(off) = inf
    out.backward()
    assert off.grad == math.inf
    assert (w.grad, x.grad, b.grad) == (0.0, 0.0, 0.0)


def test_an_off_relu_gets_its_gradient_reset_on_every_backward_call():
    w, b = Value(-1.0), Value(0.0)
    off = Value.neuron([w], [2.0], b, "relu")
    out = off * 3.0 + w
    for _ in range(3):
        out.backward()
        assert off.grad == 3.0
    assert w.grad == 3.0  # the leaf accumulates: 1 per call, nothing through the off neuron


def test_a_power_whose_slope_overflows_says_it_is_the_slope():
    with pytest.raises(OverflowError, match="slope"):
        Value(1e-200) ** -1  # 1e200 is fine, its slope −1e400 is not
    with pytest.raises(OverflowError, match="slope"):
        Value(1e-200) ** Value(-1.0)  # 1e200 is fine, its slope −1e400 is not
    with no_grad():
        assert (Value(1e-200) ** Value(-1.0)).data == pytest.approx(1e200)
