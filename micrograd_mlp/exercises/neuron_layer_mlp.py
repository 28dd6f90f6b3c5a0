"""Checks for notebook 06, neuron, layer and MLP.

``check_neuron``, ``check_layer`` and ``check_mlp`` take the classes the student
wrote (``TinyNeuron(nin, rng)``, ``TinyLayer(nin, nout, rng)`` and
``TinyMLP(nin, nouts, seed=0)``) and compare them with the package's
``Neuron``, ``Layer`` and ``MLP`` (all tanh, explicit graph) for sizes, seeds
and inputs drawn from a fixed seed: the parameters (how many, in which order,
drawn from the generator one after the other), the output (with a bias moved
away from 0, so that a forgotten bias shows) and every gradient after
``backward()``. They name the typical slips: the bias missing or first, weights
not from ``rng.uniform(-1, 1)``, a new generator per neuron or per layer, the
tanh forgotten, an output computed from ``.data`` (no graph), a single output
returned as a list, the last layer missing.

The other checks take the numbers that exercises 4 to 6 ask for.
"""

import math
import random

from ..engine import Value
from ..nn import MLP, Layer, Neuron
from . import Mistake, NotAnswered, as_number, call, exercise, expect_close, expect_exact
from ._stubs import is_stub, returned

__all__ = [
    "check_neuron",
    "check_layer",
    "check_mlp",
    "check_parameter_count",
    "check_neuron_by_hand",
    "check_explicit_neuron_size",
]


# --- building it: the three classes -------------------------------------------------------------------

# the package's versions of what the student writes: wrapping one of them is not writing it
_PACKAGE = (Neuron.__init__, Neuron.__call__, Layer.__init__, Layer.__call__, MLP.__init__, MLP.__call__, Value.neuron)
_INPUTS_UNCHANGED = {0: "the list of inputs x"}


def _parameters(model, what, case):
    """The model's parameters() as a list of Values, or the reason it is not one."""
    method = getattr(model, "parameters", None)
    if method is None:
        raise Mistake(f"your {what} has no parameters() method")
    params = returned(method, call(method, case=case, forbid=_PACKAGE), "the list of parameters", case)
    if not isinstance(params, (list, tuple)):
        raise Mistake(f"on {case}: parameters() should return a list of Values, not {type(params).__name__}")
    params = list(params)
    if any(isinstance(p, (list, tuple)) for p in params):
        raise Mistake(
            f"on {case}: parameters() returned a list of lists (one per neuron or layer): it should be one flat "
            "list of Values, so collect the parameters of each part into a single list"
        )
    if not all(isinstance(p, Value) for p in params):
        raise Mistake(f"on {case}: parameters() should list Values (the weights and biases themselves), not plain numbers")
    again = call(method, case=case, forbid=_PACKAGE)
    if not isinstance(again, (list, tuple)) or len(again) != len(params) or any(p is not q for p, q in zip(params, again)):
        raise Mistake(f"on {case}: parameters() called twice gives other Values: return the model's own weights and "
                      "biases (not copies, and not new ones), since training updates them in place")
    return params


def _compare_weights(ours, theirs, neurons, case, fresh_rng_hint):
    """Same parameters, drawn from the generator in the same order, with each bias at 0."""
    if len(ours) == len(theirs) - neurons:
        raise Mistake(f"on {case}: parameters() lists the weights but not the bias{'es' if neurons > 1 else ''}")
    if len(ours) != len(theirs):
        raise Mistake(f"on {case}: parameters() lists {len(ours)} values; count the weights and the bias of every neuron")
    mine, right = [p.data for p in ours], [p.data for p in theirs]
    if mine == right:
        return
    if sorted(mine) == sorted(right):
        raise Mistake(f"on {case}: the right parameters in another order: list each neuron's weights, then its bias, neuron by neuron")
    if any(not -1.0 <= v <= 1.0 for v in mine):
        raise Mistake(f"on {case}: weights must be drawn from [−1, 1] with rng.uniform(-1, 1)")
    if mine.count(0.0) < right.count(0.0):
        raise Mistake(f"on {case}: every bias should start at 0: Value(0.0)")
    if len(mine) >= 4 and all(v >= 0.0 for v in mine):
        raise Mistake(f"on {case}: weights must be drawn from [−1, 1] with rng.uniform(-1, 1); rng.random() gives only [0, 1)")
    raise Mistake(f"on {case}: the weights are not the ones the generator gives: {fresh_rng_hint}")


def _unchained(parameters, sizes, x):
    """What an MLP returns if every layer reads the network's inputs x instead of the outputs of the layer before."""
    data, i = [p.data for p in parameters], 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        outputs = []
        for _ in range(n_out):
            weights, bias = data[i:i + n_in], data[i + n_in]
            outputs.append(math.tanh(sum(w * float(xi) for w, xi in zip(weights, x)) + bias))
            i += n_in + 1
    return outputs


def _compare_outputs(ours, theirs, case, single_output, unchained=None):
    if isinstance(ours, Value) and isinstance(theirs, list):
        if single_output:  # an MLP returns a single Value only when its last layer has one neuron
            raise Mistake(f"on {case}: with several outputs the result should be a list of Values, one per neuron of the last layer")
        raise Mistake(
            f"on {case}: a layer returns a list of Values, one per neuron, even when it has a single neuron "
            "(only TinyMLP turns a single output into a Value)"
        )
    if isinstance(theirs, Value):
        if isinstance(ours, (list, tuple)) and single_output:
            raise Mistake(f"on {case}: a single output should be returned as a Value, not as a list of one Value")
        ours, theirs = [ours], [theirs]
    if not isinstance(ours, (list, tuple)) or not all(isinstance(o, Value) for o in ours):
        raise Mistake(f"on {case}: the output should be made of Values (built with Value operations), not {type(ours).__name__}")
    if len(ours) != len(theirs):
        raise Mistake(f"on {case}: the output has {len(ours)} values; there should be one per neuron of the last layer")
    if unchained is not None and all(math.isclose(mine.data, u, rel_tol=1e-12) for mine, u in zip(ours, unchained)):
        raise Mistake(f"on {case}: every layer reads the network's inputs: chain them, each layer taking the outputs "
                      "of the layer before (x = layer(x))")
    for mine, right in zip(ours, theirs):
        if math.isclose(mine.data, right.data, rel_tol=1e-12, abs_tol=1e-15):
            continue
        if right.children and math.isclose(mine.data, right.children[0].data, rel_tol=1e-12, abs_tol=1e-15):
            raise Mistake(f"on {case}: the output is w·x + b without the tanh")
        raise Mistake(f"on {case}: the output is not tanh(w·x + b) (is every weight paired with its input, and the bias added once?)")
    return ours, theirs


def _compare_gradients(ours, theirs, outputs_ours, outputs_theirs, inputs, their_inputs, case):
    """backward() of the same weighted sum of outputs on both sides; every parameter and input gradient must agree."""
    weights = [1.0 + 0.5 * i for i in range(len(outputs_ours))]
    sum(o * c for o, c in zip(outputs_ours, weights)).backward()
    sum(o * c for o, c in zip(outputs_theirs, weights)).backward()
    if all(p.grad == 0.0 for p in ours) and any(q.grad != 0.0 for q in theirs):
        raise Mistake(
            f"on {case}: backward() does not reach the parameters: build the output from Value operations "
            "(wi * xi, +, .tanh()), not from their .data"
        )
    for index, (p, q) in enumerate(zip(ours, theirs)):
        if not math.isclose(p.grad, q.grad, rel_tol=1e-9, abs_tol=1e-12):
            raise Mistake(f"on {case}: after backward(), the gradient of parameter {index + 1} ({q.label}) is wrong")
    for xi, yi in zip(inputs, their_inputs):
        if not math.isclose(xi.grad, yi.grad, rel_tol=1e-9, abs_tol=1e-12):
            raise Mistake(f"on {case}: after backward(), an input's gradient is wrong: every input must be used")


def _shift_biases(ours, theirs, nin_of_each, rng):
    """Move every bias away from 0 on both sides, so that a forgotten bias changes the output."""
    index = 0
    for nin in nin_of_each:
        index += nin
        shift = round(rng.uniform(-0.8, 0.8), 2)
        ours[index].data = theirs[index].data = shift
        index += 1


def _inputs(rng, nin, as_values):
    numbers = [round(rng.uniform(-2.0, 2.0), 2) for _ in range(nin)]
    if not as_values:
        return numbers, numbers
    return [Value(v) for v in numbers], [Value(v) for v in numbers]


def _check_model(build_ours, build_theirs, nins, case, fresh_rng_hint, rng, single_output=False, sizes=None):
    """The student's model against the package's: parameters, outputs, gradients, the inputs left as they were.

    ``sizes`` (an MLP's [nin, *nouts]) lets a network whose layers are not chained be told so.
    """
    ours_model, theirs_model = call(build_ours, case=case, forbid=_PACKAGE), build_theirs()
    ours, theirs = _parameters(ours_model, "class", case), theirs_model.parameters()
    _compare_weights(ours, theirs, len(nins), case, fresh_rng_hint)
    _shift_biases(ours, theirs, nins, rng)
    x_ours, x_theirs = _inputs(rng, nins[0], as_values=True)
    out_ours = returned(ours_model.__call__, call(ours_model, x_ours, case=case, forbid=_PACKAGE,
                                                  unchanged=_INPUTS_UNCHANGED), "the output", case)
    out_theirs = theirs_model(x_theirs)
    unchained = _unchained(ours, sizes, [x.data for x in x_ours]) if sizes else None
    out_ours, out_theirs = _compare_outputs(out_ours, out_theirs, case, single_output, unchained)
    _compare_gradients(ours, theirs, out_ours, out_theirs, x_ours, x_theirs, case)
    plain, _ = _inputs(rng, nins[0], as_values=False)  # plain floats must work too, and twice the same
    expected = theirs_model(plain)
    for repeat in ("", ", a second time"):
        where = f"{case} with plain numbers as inputs{repeat}"
        result = call(ours_model, plain, case=where, forbid=_PACKAGE, unchanged=_INPUTS_UNCHANGED)
        _compare_outputs(result, expected, where, single_output)


def _not_started(cls):
    """NotAnswered while the class is the untouched stub; a Mistake naming the methods still to write."""
    if cls is None or cls is Ellipsis:
        raise NotAnswered
    if not isinstance(cls, type):
        raise Mistake(f"give the class itself, not {type(cls).__name__}")
    stubs = [name for name in ("__init__", "__call__", "parameters") if is_stub(getattr(cls, name, None))]
    if len(stubs) == 3:
        raise NotAnswered
    if stubs:
        raise Mistake(f"{' and '.join(stubs)} still to be written")


@exercise("TinyNeuron")
def check_neuron(TinyNeuron):
    """TinyNeuron(nin, rng) against Neuron(nin, rng=rng, fused=False): weights, output and gradients."""
    _not_started(TinyNeuron)
    rng = random.Random(606)
    for nin in (5, 3, 8, 1):
        seed = rng.randrange(1000)
        case = f"TinyNeuron({nin}, random.Random({seed}))"
        _check_model(
            lambda: TinyNeuron(nin, random.Random(seed)),
            lambda: Neuron(nin, rng=random.Random(seed), fused=False),
            [nin],
            case,
            "draw each weight with rng.uniform(-1, 1) from the rng you are given, one after the other",
            rng,
            single_output=True,
        )


@exercise("TinyLayer")
def check_layer(TinyLayer):
    """TinyLayer(nin, nout, rng) against Layer(nin, nout, rng=rng, fused=False)."""
    _not_started(TinyLayer)
    rng = random.Random(616)
    for nin, nout in ((3, 4), (1, 2), (2, 1), (4, 3)):
        seed = rng.randrange(1000)
        case = f"TinyLayer({nin}, {nout}, random.Random({seed}))"
        _check_model(
            lambda: TinyLayer(nin, nout, random.Random(seed)),
            lambda: Layer(nin, nout, rng=random.Random(seed), fused=False),
            [nin] * nout,
            case,
            "give every neuron the layer's rng, so that they draw their weights one after the other",
            rng,
        )


@exercise("TinyMLP")
def check_mlp(TinyMLP):
    """TinyMLP(nin, nouts, seed) against MLP(nin, nouts, output_activation="tanh", seed=seed, fused=False)."""
    _not_started(TinyMLP)
    rng = random.Random(626)
    shapes = [(2, [3, 1]), (3, [4, 4, 1]), (1, [2, 2]), (4, [3, 2, 2, 1]), (2, [5, 3])]
    for nin, nouts in shapes:
        seed = rng.randrange(1000)
        case = f"TinyMLP({nin}, {nouts}, seed={seed})"
        sizes = [nin, *nouts]
        expected_count = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes, sizes[1:]))
        model = call(TinyMLP, nin, nouts, seed, case=case, forbid=_PACKAGE, unchanged={1: "the list nouts"})
        count = len(_parameters(model, "TinyMLP", case))
        if count == expected_count - nouts[-1] * (sizes[-2] + 1):
            raise Mistake(f"on {case}: the last layer is missing: nouts lists every layer, the output layer included")
        if count != expected_count:
            raise Mistake(
                f"on {case}: parameters() lists {count} values: layer ℓ has nouts[ℓ] neurons, each with one weight "
                "per output of the layer before (the inputs, for the first layer) and a bias"
            )
        _check_model(
            lambda: TinyMLP(nin, nouts, seed),
            lambda: MLP(nin, nouts, output_activation="tanh", seed=seed, fused=False),
            [n_in for n_in, n_out in zip(sizes, sizes[1:]) for _ in range(n_out)],
            case,
            "make one random.Random(seed) in __init__ and give that same rng to every layer",
            rng,
            single_output=True,
            sizes=sizes,
        )
    default = call(TinyMLP, 2, [2, 1], case="TinyMLP(2, [2, 1]) without a seed", forbid=_PACKAGE)
    zero = MLP(2, [2, 1], output_activation="tanh", seed=0, fused=False)
    if [p.data for p in _parameters(default, "TinyMLP", "TinyMLP(2, [2, 1])")] != [p.data for p in zero.parameters()]:
        raise Mistake("TinyMLP(2, [2, 1]) without a seed should be the same network as with seed=0: give seed the default 0")


# --- exercises 4 to 6: numbers ----------------------------------------------------------------------


@exercise("parameters of MLP(3, [8, 8, 2])")
def check_parameter_count(answer):
    """The number of parameters of MLP(3, [8, 8, 2]): Σ n_ℓ (n_ℓ−1 + 1) (a whole number)."""
    sizes = [3, 8, 8, 2]
    layers = list(zip(sizes, sizes[1:]))
    expect_exact(
        answer,
        len(MLP(sizes[0], sizes[1:]).parameters()),
        mistakes={
            sum(n_out * n_in for n_in, n_out in layers): "you counted the weights but not the biases: every neuron has one",
            sum(n_in * (n_out + 1) for n_in, n_out in layers): "a layer has one bias per neuron (n_out of them), not one per input",
            sum(n_out * (n_in + 1) for n_in, n_out in layers[1:]): "you left out the first layer, from the 3 inputs to 8 neurons",
            sum(n_out for _, n_out in layers): "that is the number of neurons; each has a weight per input and a bias",
        },
        hint="a layer with n_in inputs and n_out neurons has n_out · (n_in + 1) parameters: add up the three layers",
    )


@exercise("a neuron by hand")
def check_neuron_by_hand(answer):
    """[output, d output / d w1] of tanh(w·x + b) with w = (0.5, −1), b = 0.25, x = (2, 1), each to 4 decimals."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if isinstance(answer, (set, frozenset, dict)):
        raise Mistake(f"a {type(answer).__name__} keeps no order: give a list of two numbers, [output, d output / d w1]")
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise Mistake("give a list of two numbers: [output, d output / d w1]")
    neuron = Neuron(2)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -1.0, 0.25
    x = [2.0, 1.0]
    out = neuron(x)
    out.backward()
    z = 0.5 * 2.0 - 1.0 * 1.0 + 0.25
    output, gradient = (as_number(answer[i], f"entry {i + 1} of your list") for i in range(2))
    expect_close(
        output,
        out.data,
        decimals=4,
        mistakes={z: "the output is z = w·x + b before the tanh: apply tanh to it"},
        what="the output",
        hint="z = w1·x1 + w2·x2 + b, then the output is tanh(z)",
    )
    expect_close(
        gradient,
        neuron.w[0].grad,
        decimals=4,
        mistakes={
            1 - out.data**2: "d output / d w1 is missing the factor x1: z changes by x1 when w1 changes by 1",
            (1 - z**2) * x[0]: "the slope of tanh is 1 − tanh(z)², the square of the output, not of z",
            x[0]: "that is d z / d w1 alone: the tanh in between multiplies it by its slope 1 − tanh(z)²",
        },
        what="d output / d w1",
        hint="by the chain rule, d output / d w1 = (1 − tanh(z)²) · x1",
    )


@exercise("values in an explicit 5-input neuron")
def check_explicit_neuron_size(answer):
    """The number of Values in the explicit graph of Neuron(5, fused=False) on 5 plain inputs (a whole number)."""
    n = 5
    size = len(Neuron(n, fused=False)([1.0] * n).topological_order())
    expect_exact(
        answer,
        size,
        mistakes={
            size - n: "the inputs are values of the graph too: each plain number is wrapped in a Value when it is multiplied",
            size - 1: "one short: did you count the bias, and the tanh's output?",
            size - 2: "two short: count the bias and the tanh's output as well",
            size + 1: "one too many: the first sum adds a product to the bias, so there is one sum per input, not one more",
            3 * n + 2: "the inputs are values of the graph too: each plain number is wrapped in a Value when it is multiplied",
        },
        hint="count per input (a weight, the input itself, a product, a sum), then add what is there once",
    )
