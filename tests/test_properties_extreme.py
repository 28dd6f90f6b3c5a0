"""A property battery at the edges: NaN, inf, huge and tiny numbers, numpy inputs, wrong arguments.

Hypothesis builds random operations, expressions, neurons and calls, and checks three things:
  (a) the fast path (``Value.neuron``, ``Value.sum``) agrees with the explicit graph of ``*`` and ``+``,
      and gradients agree with central differences wherever the maths is defined;
  (b) values follow IEEE floats: every operation gives what plain Python floats, ``math`` and numpy
      give (NaN included), or raises the same kind of error where they raise;
  (c) a wrong argument fails at once, with a TypeError or ValueError that names what is wrong.
Every test is derandomized, so CI sees the same examples on every run.
"""

import math
import operator
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from micrograd_mlp import MLP, SGD, Adam, Value, fit, linear_decay, load_dataset, no_grad
from micrograd_mlp.engine import ACTIVATIONS

NAN, INF = math.nan, math.inf
FAST = settings(derandomize=True, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(derandomize=True, deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])

# --- numbers at the edges ---------------------------------------------------------------------------------

EDGES = [
    NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0,
    1e308, -1e308, 1e200, -1e200, 1e-300, -1e-300, 5e-324, -5e-324, 2.2250738585072014e-308,
    709.0, 710.0, -745.0, 20.0, -40.0,
]  # fmt: skip
floats = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=True, allow_infinity=True), st.floats(-4.0, 4.0))
# what a student may pass for a number: floats, ints, and numpy's scalars
numbers = st.one_of(
    floats,
    floats.map(np.float64),
    st.integers(-10, 10),
    st.integers(-10, 10).map(np.int64),
    st.sampled_from([0.5, -2.0, 3.0, 1e-30]).map(np.float32),
)


def same(a, b, rel=1e-12):
    """Equal as IEEE floats (NaN equals NaN, inf only inf of its sign), finite values to ``rel``."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


def outcome(compute):
    """``("value", x)`` or ``("error", exception type)``: what a computation gave."""
    try:
        result = compute()
    except (ArithmeticError, ValueError) as error:
        assert str(error), f"{type(error).__name__} without a message"
        return "error", _kind(error)
    if isinstance(result, complex):  # plain Python: a negative base to a fractional power
        return "error", ValueError
    return "value", float(result.data if isinstance(result, Value) else result)


def _kind(error):
    for kind in (ZeroDivisionError, OverflowError, ValueError):
        if isinstance(error, kind):
            return kind
    return type(error)


def assert_same_outcome(got, expected, what):
    assert got[0] == expected[0], f"{what}: the engine gave {got}, plain floats {expected}"
    if got[0] == "value":
        assert same(got[1], expected[1], rel=1e-9), f"{what}: {got[1]!r} != {expected[1]!r}"
    else:
        assert got[1] is expected[1], f"{what}: the engine raised {got[1].__name__}, floats {expected[1].__name__}"


# --- (b) every operation against plain floats, math and numpy ----------------------------------------------


def _np(function):
    def on_float(x):
        with np.errstate(all="ignore"):
            return float(function(np.float64(x)))

    return on_float


# name: (on a Value, on a float); the float side is the reference.
UNARY = {
    "neg": (operator.neg, operator.neg),
    "abs": (abs, abs),
    "exp": (Value.exp, math.exp),
    "log": (Value.log, math.log),
    "tanh": (Value.tanh, math.tanh),
    "relu": (Value.relu, _np(lambda x: np.maximum(x, 0.0))),
    "sigmoid": (Value.sigmoid, _np(lambda x: 1.0 / (1.0 + np.exp(-x)))),
    "softplus": (Value.softplus, _np(lambda x: np.logaddexp(0.0, x))),
    "x**2": (lambda v: v**2, lambda x: x**2.0),
    "x**3": (lambda v: v**3, lambda x: x**3.0),
    "x**-1": (lambda v: v**-1, lambda x: x**-1.0),
    "x**-2": (lambda v: v**-2, lambda x: x**-2.0),
    "x**0.5": (lambda v: v**0.5, lambda x: x**0.5),
    "x**(1/3)": (lambda v: v ** Fraction(1, 3), lambda x: x ** (1 / 3)),
    "x**0": (lambda v: v**0, lambda x: x**0.0),
    "2**x": (lambda v: 2**v, lambda x: 2.0**x),
    "0.5**x": (lambda v: 0.5**v, lambda x: 0.5**x),
    "1-x": (lambda v: 1 - v, lambda x: 1.0 - x),
    "3/x": (lambda v: 3 / v, lambda x: 3.0 / x),
}
BINARY = {
    "+": (operator.add, operator.add),
    "-": (operator.sub, operator.sub),
    "*": (operator.mul, operator.mul),
    "/": (operator.truediv, operator.truediv),
    "**": (operator.pow, operator.pow),
    "sum": (lambda a, b: Value.sum([a, b, a]), lambda a, b: math.fsum([a, b, a]) if _fsum_ok([a, b, a]) else a + b + a),
}
# Where the engine raises with gradients on, though the value exists: its gradient does not (or is too large).
GRADIENT_ONLY = {"x**0.5", "x**(1/3)", "x**-1", "x**-2", "x**2", "x**3", "**"}


def _fsum_ok(xs):
    try:
        math.fsum(xs)
    except (ValueError, OverflowError):
        return False
    return True


@FAST
@given(name=st.sampled_from(sorted(UNARY)), x=floats)
def test_unary_operations_give_what_plain_floats_give(name, x):
    on_value, on_float = UNARY[name]
    expected = outcome(lambda: on_float(x))
    with no_grad():
        assert_same_outcome(outcome(lambda: on_value(Value(x))), expected, f"{name}({x!r}) inside no_grad")
    with_grad = outcome(lambda: on_value(Value(x)))
    if with_grad != expected and with_grad[0] == "error" and name in GRADIENT_ONLY:
        return  # e.g. √x at 0: the value exists, the slope does not
    assert_same_outcome(with_grad, expected, f"{name}({x!r})")


@FAST
@given(name=st.sampled_from(sorted(BINARY)), a=floats, b=floats)
def test_binary_operations_give_what_plain_floats_give(name, a, b):
    on_value, on_float = BINARY[name]
    expected = outcome(lambda: on_float(a, b))
    with no_grad():
        got = outcome(lambda: on_value(Value(a), Value(b)))
        assert_same_outcome(got, expected, f"{a!r} {name} {b!r} inside no_grad")
    with_grad = outcome(lambda: on_value(Value(a), Value(b)))
    if with_grad != expected and with_grad[0] == "error" and name in GRADIENT_ONLY:
        return
    assert_same_outcome(with_grad, expected, f"{a!r} {name} {b!r}")


exponents = st.one_of(floats, st.integers(-3, 3), st.sampled_from([Fraction(1, 3), np.float32(0.5), np.int64(3)]))


@FAST
@given(x=floats, k=exponents)
def test_a_power_with_any_real_exponent_gives_what_plain_floats_give(x, k):
    expected = outcome(lambda: x ** float(k))
    with no_grad():
        assert_same_outcome(outcome(lambda: Value(x) ** k), expected, f"{x!r} ** {k!r} inside no_grad")
    with_grad = outcome(lambda: Value(x) ** k)
    if with_grad[0] == "error" and expected[0] == "value":
        with pytest.raises(with_grad[1], match="slope"):  # only the gradient is missing, and the message says so
            Value(x) ** k
        return
    assert_same_outcome(with_grad, expected, f"{x!r} ** {k!r}")


@FAST
@given(a=numbers, b=numbers, name=st.sampled_from(["+", "-", "*"]))
def test_numpy_scalars_and_ints_act_as_the_floats_they_hold(a, b, name):
    on_value, on_float = BINARY[name]
    with np.errstate(all="ignore"):
        expected = outcome(lambda: on_float(float(a), float(b)))
        for left, right in ((Value(a), b), (a, Value(b)), (Value(a), Value(b))):
            result = on_value(left, right)
            assert type(result.data) is float
            assert_same_outcome(outcome(lambda: result), expected, f"{left!r} {name} {right!r}")


# --- (a) random expressions: the fast path against the explicit graph --------------------------------------

ACTS = sorted(ACTIVATIONS)


def _explicit_neuron(weights, inputs, bias, activation):
    z = bias
    for w, x in zip(weights, inputs):
        z = w * x + z
    return z if activation == "linear" else getattr(z, activation)()


# An expression is ("leaf", i), (unary name, e) or (binary name, e1, e2); fused nodes have an explicit twin.
TREE_UNARY = {
    "neg": lambda v, fused: -v,
    "tanh": lambda v, fused: v.tanh(),
    "relu": lambda v, fused: v.relu(),
    "sigmoid": lambda v, fused: v.sigmoid(),
    "abs": lambda v, fused: abs(v),
    "square": lambda v, fused: v * v,
    "half": lambda v, fused: v * 0.5,
}
TREE_BINARY = {
    "+": lambda a, b, fused: a + b,
    "-": lambda a, b, fused: a - b,
    "*": lambda a, b, fused: a * b,
    "sum": lambda a, b, fused: Value.sum([a, b, a]) if fused else a + b + a,
    **{
        f"neuron {act}": (
            lambda a, b, fused, act=act: (Value.neuron if fused else _explicit_neuron)([a, b], [b, a], a, act)
        )
        for act in ACTS
    },
    "neuron on constants": (
        lambda a, b, fused: (Value.neuron if fused else _explicit_neuron)([a, b], [2.0, -0.5], b, "relu")
    ),
}
N_LEAVES = 3
trees = st.recursive(
    st.integers(0, N_LEAVES - 1).map(lambda i: ("leaf", i)),
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(sorted(TREE_UNARY)), sub),
        st.tuples(st.sampled_from(sorted(TREE_BINARY)), sub, sub),
    ),
    max_leaves=10,
)


def build(tree, leaves, fused):
    if tree[0] == "leaf":
        return leaves[tree[1]]
    if len(tree) == 2:
        return TREE_UNARY[tree[0]](build(tree[1], leaves, fused), fused)
    return TREE_BINARY[tree[0]](build(tree[1], leaves, fused), build(tree[2], leaves, fused), fused)


def gradients(tree, xs, fused):
    leaves = [Value(x) for x in xs]
    out = build(tree, leaves, fused)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def _close_or_same_kind(a, b):
    # The fast path multiplies the same numbers in another order (x·(slope·g) against (x·slope)·g), so finite
    # results may differ in the last bits; NaN must match NaN and inf an inf of the same sign.
    if math.isfinite(a) and math.isfinite(b):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-280)
    return same(a, b)


@FAST
@given(tree=trees, xs=st.lists(floats, min_size=N_LEAVES, max_size=N_LEAVES))
def test_the_fast_path_agrees_with_the_explicit_graph(tree, xs):
    fast = outcome(lambda: build(tree, [Value(x) for x in xs], True))
    explicit = outcome(lambda: build(tree, [Value(x) for x in xs], False))
    assert fast[0] == explicit[0], (fast, explicit)
    if fast[0] == "error":
        return
    assert same(fast[1], explicit[1], rel=1e-9), (fast, explicit)
    fast_data, fast_grads = gradients(tree, xs, True)
    _, explicit_grads = gradients(tree, xs, False)
    for i, (g_fast, g_explicit) in enumerate(zip(fast_grads, explicit_grads)):
        assert _close_or_same_kind(g_fast, g_explicit), f"d/dx{i}: fast {g_fast!r}, explicit {g_explicit!r}"


@FAST
@given(tree=trees, xs=st.lists(floats, min_size=N_LEAVES, max_size=N_LEAVES))
def test_backward_twice_recomputes_every_intermediate_gradient(tree, xs):
    leaves = [Value(x) for x in xs]
    try:
        out = build(tree, leaves, True)
    except (ArithmeticError, ValueError):
        return
    out.backward()
    first = {id(v): v.grad for v in out.topological_order() if v.children}
    once = [leaf.grad for leaf in leaves]
    out.backward()
    for v in out.topological_order():
        if v.children:
            assert same(v.grad, first[id(v)]), f"{v.op}: {first[id(v)]!r} then {v.grad!r}"
    for g1, g2 in zip(once, (leaf.grad for leaf in leaves)):
        assert _close_or_same_kind(2 * g1, g2)


def _central_difference(f, xs, i):
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


KINKS = {"relu", "abs", "neuron relu", "neuron on constants"}


def _has_kink(tree):
    return tree[0] in KINKS or any(_has_kink(t) for t in tree[1:] if isinstance(t, tuple))


@FAST
@given(tree=trees, xs=st.lists(st.one_of(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0).map(np.float64)), min_size=3,
                               max_size=3))  # fmt: skip
def test_gradients_match_central_differences_where_the_maths_is_defined(tree, xs):
    xs = [float(x) for x in xs]
    values = lambda point: build(tree, [Value(x) for x in point], True).data  # noqa: E731
    out = build(tree, [Value(x) for x in xs], True)
    scale = max(abs(v.data) for v in out.topological_order())
    assume(math.isfinite(scale) and scale < 1e4)
    if _has_kink(tree):  # relu and abs are not differentiable at 0: stay away from their kinks
        assume(all(abs(v.data) > 1e-3 for v in out.topological_order() if v.op in ("relu", "abs") or "w·x+b" in v.op))
    data, grads = gradients(tree, xs, True)
    for i in range(N_LEAVES):
        numeric = _central_difference(values, xs, i)
        assert grads[i] == pytest.approx(numeric, rel=1e-4, abs=1e-6 * (1.0 + scale)), (tree, xs, i)


# --- the neuron node with every kind of input ----------------------------------------------------------------


@FAST
@given(
    data=st.data(),
    n=st.integers(0, 4),
    activation=st.sampled_from(ACTS),
    kind=st.sampled_from(["Values", "floats", "numpy array", "numpy scalars", "ints", "tuple"]),
)
def test_a_neuron_takes_any_kind_of_inputs_and_agrees_with_its_explicit_graph(data, n, activation, kind):
    ws = data.draw(st.lists(floats, min_size=n, max_size=n))
    xs = data.draw(st.lists(st.integers(-5, 5) if kind == "ints" else floats, min_size=n, max_size=n))
    b = data.draw(floats)
    weights, bias = [Value(w) for w in ws], Value(b)
    inputs = {
        "Values": [Value(x) for x in xs],
        "floats": [float(x) for x in xs],
        "numpy array": np.array(xs, dtype=float),
        "numpy scalars": [np.float64(x) for x in xs],
        "ints": xs,
        "tuple": tuple(float(x) for x in xs),
    }[kind]
    with np.errstate(all="ignore"):  # numpy scalars warn when they overflow, before the neuron turns them into floats
        fast = Value.neuron(weights, inputs, bias, activation)
    assert type(fast.data) is float and all(type(g) in (float, int) for g in fast.local_grads)  # no numpy types left
    explicit_inputs = inputs if kind == "Values" else [Value(float(x)) for x in xs]
    explicit = _explicit_neuron(weights, explicit_inputs, bias, activation)
    assert same(fast.data, explicit.data, rel=1e-12), (fast.data, explicit.data)
    assert len(fast.children) == len(weights) + (len(xs) if kind == "Values" else 0) + 1  # off or on, it keeps them


# --- whole networks: fused against explicit, and the scalar forward against numpy's predict ---------------------

points = st.lists(st.one_of(st.sampled_from([NAN, INF, -INF, 0.0, -0.0, 1e-300, 50.0, -50.0]), st.floats(-3.0, 3.0)),
                  min_size=2, max_size=2)  # fmt: skip


@SLOW
@given(x=points, activation=st.sampled_from(ACTS), seed=st.integers(0, 3))
def test_a_network_agrees_with_its_explicit_graph_and_with_predict(x, activation, seed):
    from micrograd_mlp import predict

    fused, explicit = (MLP(2, [4, 3, 1], activation=activation, seed=seed, fused=f) for f in (True, False))
    out_fused, out_explicit = fused(x), explicit(x)
    assert same(out_fused.data, out_explicit.data, rel=1e-12)
    with np.errstate(all="ignore"):
        vectorised = float(predict(fused, [x])[0, 0])
    assert same(out_fused.data, vectorised, rel=1e-9), (out_fused.data, vectorised)
    out_fused.backward()
    out_explicit.backward()
    for p, q in zip(fused.parameters(), explicit.parameters()):
        assert _close_or_same_kind(p.grad, q.grad), (p.label, p.grad, q.grad)


# --- losses at the edges: the package against the formula on plain floats ---------------------------------------

LOSS_FORMULAS = {  # loss per example on floats, labels as each loss wants them
    "hinge": (lambda s, y: max(0.0, 1.0 - y * s) if not math.isnan(s) else NAN, (-1.0, 1.0)),
    "mse": (lambda s, y: (s - y) ** 2, (-1.0, 1.0)),
    "binary_cross_entropy": (lambda s, y: _np(lambda z: np.logaddexp(0.0, z))(s) - y * s, (0.0, 1.0)),
}


@FAST
@given(name=st.sampled_from(sorted(LOSS_FORMULAS)), scores=st.lists(floats, min_size=1, max_size=3), data=st.data())
def test_losses_give_their_formula_on_nan_inf_huge_and_tiny_scores(name, scores, data):
    from micrograd_mlp import losses

    formula, label_values = LOSS_FORMULAS[name]
    labels = data.draw(st.lists(st.sampled_from(label_values), min_size=len(scores), max_size=len(scores)))
    expected = outcome(lambda: math.fsum(formula(s, y) for s, y in zip(scores, labels)) / len(scores)
                       if _fsum_ok([formula(s, y) for s, y in zip(scores, labels)])
                       else sum(formula(s, y) for s, y in zip(scores, labels)) / len(scores))  # fmt: skip
    got = outcome(lambda: getattr(losses, name)([Value(s) for s in scores], labels))
    assert_same_outcome(got, expected, f"{name}({scores}, {labels})")


@FAST
@given(rows=st.lists(st.lists(st.one_of(st.floats(-1e300, 1e300), st.sampled_from([1000.0, -1000.0, 0.0])),
                              min_size=3, max_size=3), min_size=1, max_size=3), data=st.data())  # fmt: skip
def test_cross_entropy_is_exact_and_finite_for_any_finite_logits(rows, data):
    from micrograd_mlp import losses

    labels = data.draw(st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows)))
    expected = []
    for row, y in zip(rows, labels):
        m = max(row)
        expected.append(m + math.log(math.fsum(math.exp(z - m) for z in row)) - row[y])
    logits = [[Value(z) for z in row] for row in rows]
    loss = losses.cross_entropy(logits, labels)
    assert math.isfinite(loss.data)
    assert same(loss.data, math.fsum(expected) / len(rows), rel=1e-9)
    loss.backward()
    for row, y, values in zip(rows, labels, logits):  # d loss / d z_j = (softmax(z)_j − [j = y]) / n
        m = max(row)
        total = math.fsum(math.exp(z - m) for z in row)
        for j, z in enumerate(row):
            slope = (math.exp(z - m) / total - (j == y)) / len(rows)
            assert values[j].grad == pytest.approx(slope, rel=1e-9, abs=1e-15)


# --- (c) wrong arguments fail at once, and say what is wrong ----------------------------------------------------

not_numbers = st.one_of(
    st.text(max_size=3), st.none(), st.lists(st.floats(), max_size=2), st.complex_numbers(), st.booleans(),
    st.just(np.array([1.0, 2.0])), st.dictionaries(st.text(max_size=1), st.integers(), max_size=1),
)  # fmt: skip


@FAST
@given(bad=not_numbers)
def test_a_value_of_something_that_is_not_a_number_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(1.0) + bad
    with pytest.raises(TypeError, match="exponent|str|NoneType|list|complex|bool|ndarray|dict"):
        Value(1.0) ** bad


@FAST
@given(label=st.one_of(st.integers(), st.floats(), st.none(), st.lists(st.text(max_size=2), max_size=2)))
def test_a_label_that_is_not_a_string_is_refused_by_value(label):
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=label)


@FAST
@given(data=st.data(), n_in=st.integers(0, 3), n_out=st.integers(1, 3), n_points=st.integers(0, 4),
       activation=st.sampled_from(ACTS), as_values=st.booleans())
def test_a_layer_at_many_points_builds_the_graph_of_one_neuron_per_point(data, n_in, n_out, n_points, activation, as_values):
    # Value.neurons reads each weight once for every point: each point's nodes must be the explicit graph's
    # numbers, and exactly the nodes of a call for that point alone (children, local derivatives), bad numbers included
    rows = [[Value(w) for w in data.draw(st.lists(floats, min_size=n_in, max_size=n_in))] for _ in range(n_out)]
    biases = [Value(b) for b in data.draw(st.lists(floats, min_size=n_out, max_size=n_out))]
    numbers = [data.draw(st.lists(floats, min_size=n_in, max_size=n_in)) for _ in range(n_points)]
    points = [[Value(x) for x in xs] if as_values else xs for xs in numbers]
    layer = Value.neurons(rows, biases, points, activation)
    assert len(layer) == n_points and all(len(out) == n_out for out in layer)
    for inputs, out in zip(points, layer):
        (alone,) = Value.neurons(rows, biases, [inputs], activation)
        explicit_inputs = inputs if as_values else [Value(x) for x in inputs]
        for ws, b, node, twin in zip(rows, biases, out, alone):
            explicit = _explicit_neuron(ws, explicit_inputs, b, activation)
            assert same(node.data, explicit.data), (node.data, explicit.data)
            assert node.children == twin.children == ((*ws, *inputs, b) if as_values else (*ws, b))
            assert all(map(same, node.local_grads, twin.local_grads)) and len(node.local_grads) == len(node.children)


@FAST
@given(x=st.lists(st.lists(st.one_of(floats, st.integers(-3, 3)), min_size=2, max_size=2), max_size=4),
       activation=st.sampled_from(ACTS), seed=st.integers(0, 3))
def test_an_mlp_at_many_points_gives_what_it_gives_one_point_at_a_time(x, activation, seed):
    model = MLP(2, [3, 2], activation=activation, seed=seed)
    together, alone = model.outputs(x), [model(point) for point in x]
    for many, one in zip(together, alone, strict=True):
        assert [v.data for v in many] == [v.data for v in one] or all(map(same, [v.data for v in many], [v.data for v in one]))
        assert [v.local_grads for v in many] == [v.local_grads for v in one] or all(
            same(a, b) for u, v in zip(many, one) for a, b in zip(u.local_grads, v.local_grads)
        )


def test_a_layer_at_many_points_names_what_is_wrong():
    w, b = [Value(0.5), Value(-0.5)], Value(0.0)
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        Value.neurons([w], [b], [[1.0, 2.0], [1.0, 2.0, 3.0]], "tanh")  # the second point
    with pytest.raises(ValueError, match="one bias per row of weights.*2 rows of weights and 1 biases"):
        Value.neurons([w, w], [b], [[1.0, 2.0]], "tanh")
    with pytest.raises(ValueError, match=r"as many weights each: got \[2, 1\]"):
        Value.neurons([w, [Value(1.0)]], [b, b], [[1.0, 2.0]], "tanh")
    with pytest.raises(TypeError, match="not a mix"):
        Value.neurons([w], [b], [[Value(1.0), Value(2.0)], [Value(1.0), 2.0]], "tanh")
    assert [out[0].data for out in Value.neurons([w], [b], [[1.0, 2.0], np.array([3.0, 1.0])], "linear")] == [-0.5, 1.0]
    whole = [Value(1.0), Value(0.0)]
    whole[0].data, whole[1].data = 1, 0  # assigned ints: only the second neuron's sum is an int
    with pytest.raises(TypeError, match="weight 1 holds int data"):
        Value.neurons([[Value(0.5)], [whole[0]]], [Value(0.0), whole[1]], [[2]], "relu")


@FAST
@given(n_weights=st.integers(0, 4), n_inputs=st.integers(0, 4), as_values=st.booleans())
def test_a_neuron_with_mismatched_lengths_names_both(n_weights, n_inputs, as_values):
    assume(n_weights != n_inputs)
    inputs = [Value(1.0) if as_values else 1.0 for _ in range(n_inputs)]
    with pytest.raises(ValueError, match=rf"{n_weights} weights and {n_inputs} inputs"):
        Value.neuron([Value(0.5) for _ in range(n_weights)], inputs, Value(0.0), "tanh")


@FAST
@given(activation=st.one_of(st.text(max_size=8), st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=2)))
def test_a_neuron_with_an_unknown_activation_lists_the_choices(activation):
    assume(not isinstance(activation, str) or activation not in ACTIVATIONS)
    with pytest.raises(ValueError, match="unknown activation.*" + ", ".join(ACTIVATIONS)):
        Value.neuron([Value(1.0)], [1.0], Value(0.0), activation)


@FAST
@given(
    which=st.sampled_from(["a weight", "the bias", "an input"]),
    bad=st.one_of(st.text(max_size=2), st.none(), st.floats(allow_nan=False), st.just([1.0])),
    first=st.booleans(),
)
def test_a_neuron_with_an_argument_of_the_wrong_kind_says_which(which, bad, first):
    weights, inputs, bias = [Value(0.5), Value(-0.5)], [Value(1.0), Value(2.0)], Value(0.0)
    position = 0 if first else 1
    if which == "a weight":
        weights[position] = bad
        message = f"weight {position + 1} must be a Value"
    elif which == "the bias":
        bias = bad
        message = "bias must be a Value"
    else:
        inputs[position] = bad
        message = "not a mix" if isinstance(bad, float) else "input|mix"
    with pytest.raises(TypeError, match=message):
        Value.neuron(weights, inputs, bias, "relu")


@FAST
@given(lr=st.one_of(floats, st.just(0)), momentum=floats, beta1=floats, beta2=floats, eps=floats)
def test_optimisers_accept_exactly_the_settings_pytorch_accepts(lr, momentum, beta1, beta2, eps):
    lr_ok = lr > 0
    sgd_ok = lr_ok and 0.0 <= momentum < 1.0
    adam_ok = lr_ok and 0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0 and eps > 0.0
    for make, ok in ((lambda: SGD([Value(1.0)], lr=lr, momentum=momentum), sgd_ok),
                     (lambda: Adam([Value(1.0)], lr=lr, betas=(beta1, beta2), eps=eps), adam_ok)):  # fmt: skip
        if ok:
            make()
        else:
            with pytest.raises(ValueError, match="learning rate|momentum|betas|eps"):
                make()


@FAST
@given(steps=st.one_of(st.integers(-3, 3), st.integers(1, 5).map(np.int64), st.floats(allow_nan=True), st.booleans()))
def test_linear_decay_refuses_a_bad_length_at_once(steps):
    ok = not isinstance(steps, (bool, float)) and steps >= 1
    if ok:
        schedule = linear_decay(1.0, 0.1, steps)
        assert schedule(0) == 1.0 and schedule(int(steps)) == pytest.approx(0.1)
    else:
        with pytest.raises(ValueError, match="steps"):
            linear_decay(1.0, 0.1, steps)


# --- the network, the data and fit: integers of any kind, numpy arrays, bad settings refused before training ------

sizes = st.one_of(
    st.integers(-1, 3), st.integers(1, 3).map(np.int64), st.integers(1, 3).map(np.int32),
    st.booleans(), st.sampled_from([2.0, 1.5, "2", None]),
)  # fmt: skip


def _is_size(n):
    return isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1


@SLOW
@given(nin=sizes, width=sizes)
def test_mlp_sizes_accept_any_whole_number_and_refuse_the_rest_clearly(nin, width):
    if _is_size(nin) and _is_size(width):
        model = MLP(nin, [width, 1])
        assert len(model.parameters()) == int(width) * (int(nin) + 1) + int(width) + 1
        return
    with pytest.raises((ValueError, TypeError), match="nin|nout|input|neuron|width"):
        MLP(nin, [width, 1])


@pytest.fixture(scope="module")
def small_problem():
    return load_dataset("xor", n_samples=8, seed=0)


@SLOW
@given(
    alpha=st.one_of(floats, st.just("0.1")),
    steps=st.one_of(st.integers(-1, 2), st.integers(1, 2).map(np.int64), st.just(1.5)),
    batch_size=st.one_of(st.none(), st.integers(-1, 9), st.integers(1, 8).map(np.int64), st.just(2.5)),
    as_numpy=st.booleans(),
)
def test_fit_checks_its_settings_before_training_and_takes_numpy_arrays(small_problem, alpha, steps, batch_size,
                                                                        as_numpy):  # fmt: skip
    X, y = small_problem
    if as_numpy:
        X, y = np.array(X), np.array(y)
    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    ok = (
        isinstance(alpha, float) and 0.0 <= alpha < INF
        and _is_size(steps)
        and (batch_size is None or (_is_size(batch_size) and batch_size <= 8))
    )  # fmt: skip
    if not ok:
        with pytest.raises((ValueError, TypeError), match="alpha|steps|batch_size"):
            fit(model, X, y, alpha=alpha, steps=steps, batch_size=batch_size, progress=False)
        assert [p.data for p in model.parameters()] == before  # refused before the first step
        return
    try:
        history = fit(model, X, y, alpha=alpha, steps=steps, batch_size=batch_size, progress=False)
    except ArithmeticError as error:  # a huge alpha may overflow: then it must say so
        assert "loss" in str(error) or "too large" in str(error)
        return
    assert len(history.loss) == int(steps)


@SLOW
@given(n_samples=st.one_of(st.integers(2, 12), st.integers(2, 12).map(np.int64)), name=st.sampled_from(["xor", "spirals"]))
def test_load_dataset_takes_numpy_integers(n_samples, name):
    X, y = load_dataset(name, n_samples=n_samples)
    assert len(X) == len(y) == int(n_samples)
    assert all(type(v) is float for point in X for v in point)
