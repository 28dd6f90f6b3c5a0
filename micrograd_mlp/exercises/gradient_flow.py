"""Checks for notebook 13, gradient flow and initialisation.

``check_layer_gradient_sizes`` runs the student's ``layer_gradient_sizes(model)``
on networks the notebook has not shown (random depths, widths, activations and
inputs from a fixed seed, after a backward pass) and compares it with the
package's ``diagnostics.layer_gradient_sizes``, the mean |grad| of each layer's
weights. A wrong answer is matched against the usual slips, computed here too:
biases included, the sign kept, the weights' data averaged, a sum, a sum divided
by the number of neurons, a root mean square, the largest, the layers reversed.

``check_xavier_uniform`` calls the student's ``xavier_uniform(fan_in, fan_out, rng)``
on shapes the notebook has not used and checks the shape (one row per neuron),
that every weight comes from the ``rng`` it is given, that the weights are
centred and inside the bound, and that their variance is 2 / (fan_in + fan_out)
on three draws of 30,000 to 60,000 weights with different ratios fan_in / fan_out
(3% tolerance: a draw's own spread is at most 0.5%), and that they are spread evenly
over [−a, a] (each tenth of [0, a] holds a tenth of the |w|: two values ±σ, with
the right variance, are refused). Building the package's
Xavier layers (``init="xavier"``) is refused.

Both checks run on sizes down to one input and one neuron, call the function
twice on the same case, and ``layer_gradient_sizes`` must leave the model (its
weights, gradients and layers) as it was; it may not call the package's own
``diagnostics.layer_gradient_sizes``.
"""

import inspect
import math
import random

from .. import diagnostics
from ..engine import Value
from ..nn import MLP, Layer, Neuron, _init_bound
from . import Mistake, as_number, call, exercise
from ._stubs import returned

__all__ = ["check_layer_gradient_sizes", "check_xavier_uniform", "layer_weights"]


def layer_weights(layer):
    """Every weight of a layer (not the biases), neuron by neuron."""
    return [w for neuron in layer.neurons for w in neuron.w]


# ---------------------------------------------------------------- layer_gradient_sizes


def _networks():
    """Networks after one backward pass: random shapes, activations and inputs, always the same (fixed seed).

    Five random ones (1 to 3 inputs, layers of 2 to 5 neurons), then the notebook's width 16 with one input
    and a deep narrow ReLU network, and the first network again: nothing may carry over between calls.
    """
    rng = random.Random(1310)
    shapes = []
    for _ in range(5):
        shapes.append((rng.randint(1, 3), [rng.randint(2, 5) for _ in range(rng.randint(1, 3))] + [1],
                       rng.choice(["tanh", "sigmoid", "relu"])))
    shapes += [(1, [16, 16, 1], "tanh"), (2, [3, 1, 2, 1, 3, 1], "relu")]
    cases = []
    for number, (nin, widths, activation) in enumerate(shapes):
        model = MLP(nin, widths, activation=activation, seed=rng.randrange(1000), fused=number % 2 == 0)
        points = [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(3)]
        loss = Value.sum(model(x) ** 2 for x in points)
        loss.backward()
        cases.append((f"an MLP({nin}, {widths}) with {activation}", model))
    return cases + cases[:1]


def _mean(values):
    return sum(values) / len(values)


def _slips(model):
    """(sizes, what the mistake is) for the usual wrong versions of layer_gradient_sizes."""
    layers = model.layers
    right = diagnostics.layer_gradient_sizes(model)
    return [
        ([_mean([abs(p.grad) for p in layer.parameters()]) for layer in layers],
         "you included the biases: average over the weights only (neuron.w), not neuron.b"),
        ([_mean([w.grad for w in layer_weights(layer)]) for layer in layers],
         "take the absolute value of each gradient before averaging: positive and negative gradients cancel out"),
        ([_mean([abs(w.data) for w in layer_weights(layer)]) for layer in layers],
         "you averaged the weights' data: the question is about their gradients (w.grad)"),
        ([sum(abs(w.grad) for w in layer_weights(layer)) for layer in layers],
         "you summed |grad|: divide by the number of weights to get the mean (a wide layer would look big just for being wide)"),
        ([sum(abs(w.grad) for w in layer_weights(layer)) / len(layer.neurons) for layer in layers],
         "you divided by the number of neurons: the mean is over the weights, so divide by how many weights the layer has"),
        ([math.sqrt(_mean([w.grad**2 for w in layer_weights(layer)])) for layer in layers],
         "that is the root mean square; this exercise asks for the mean of |grad|"),
        ([max(abs(w.grad) for w in layer_weights(layer)) for layer in layers],
         "that is the largest |grad| of each layer; take the mean over all its weights"),
        (right[::-1], "the layers are in reverse order: the first number is for model.layers[0], the layer next to the inputs"),
    ]  # fmt: skip


def _close(a, b):
    return abs(a - b) <= 1e-9 * max(1e-12, abs(b))


def _as_sizes(result, model, case):
    if isinstance(result, (str, bytes, dict, set, frozenset)) or not hasattr(result, "__len__"):
        raise Mistake(f"on {case}: return a list with one number per layer, got {type(result).__name__}")
    sizes = list(result)
    for size in sizes:
        if size is None or isinstance(size, (str, bytes)):  # as_number would take None for an untouched stub
            raise Mistake(f"on {case}: each entry of your list should be a number, but one is {size!r}")
    neurons = sum(len(layer.neurons) for layer in model.layers)
    if sizes and all(hasattr(size, "__len__") for size in sizes) or len(sizes) == neurons != len(model.layers):
        raise Mistake(f"on {case}: return one number per layer (the mean over all its neurons' weights), not one per neuron")
    if len(sizes) != len(model.layers):
        raise Mistake(f"on {case}: the model has {len(model.layers)} layers, and your list has {len(sizes)} numbers")
    return [as_number(size, what=f"on {case}, each entry") for size in sizes]


@exercise("the gradient size of each layer")
def check_layer_gradient_sizes(layer_gradient_sizes):
    """``layer_gradient_sizes(model)``: for each layer, the mean of |w.grad| over its weights, first layer first."""
    for case, model in _networks():
        layers, parameters = list(model.layers), model.parameters()
        before = [(p.data, p.grad) for p in parameters]
        result = call(layer_gradient_sizes, model, case=case, forbid=(diagnostics.layer_gradient_sizes,))
        if list(model.layers) != layers or model.parameters() != parameters:
            raise Mistake(f"on {case}: your function changed the model's layers or neurons: only read them")
        if [p.grad for p in parameters] != [grad for _, grad in before]:
            raise Mistake(f"on {case}: your function changed the gradients (a backward() or zero_grad()?): only read them")
        if [p.data for p in parameters] != [data for data, _ in before]:
            raise Mistake(f"on {case}: your function changed the weights' .data: only read the gradients")
        sizes = _as_sizes(returned(layer_gradient_sizes, result, "a list of numbers", case), model, case)
        right = diagnostics.layer_gradient_sizes(model)
        if all(_close(size, expected) for size, expected in zip(sizes, right)):
            continue
        for slip, meaning in _slips(model):
            if all(_close(size, wrong) for size, wrong in zip(sizes, slip)):
                raise Mistake(f"on {case}: {meaning}")
        layer = next(i for i, (size, expected) in enumerate(zip(sizes, right)) if not _close(size, expected))
        if all(abs(size - expected) <= 1e-4 * abs(expected) + 1e-12 for size, expected in zip(sizes, right)):
            raise Mistake(
                f"on {case}: your numbers are close but not exact (the check compares 9 significant digits): "
                "return them as computed, without rounding them or turning them into float32"
            )
        raise Mistake(
            f"on {case}: the number for model.layers[{layer}] is not right (to 9 significant digits): "
            "it should be the mean, over every weight w of the layer's neurons, of |w.grad|"
        )


# ---------------------------------------------------------------- xavier_uniform

_SHAPES = [(3, 5), (16, 16), (1, 7), (7, 1), (1, 1), (40, 10)]
# Large draws whose variance is known to 0.5% (30,000 weights or more), with fan_in below, above and far from
# fan_out, so that a rule right for one ratio only (2 / (2·fan_in), a fixed bound) is caught.
_LARGE = [(200, 300), (600, 50), (50, 900)]
# The package builds Xavier weights too (MLP(..., init="xavier")); the exercise is to draw them yourself.
_PACKAGE = (_init_bound, Neuron.__init__, Layer.__init__, MLP.__init__)


def _variance(values):
    mean = _mean(values)
    return _mean([(v - mean) ** 2 for v in values])


def _as_rows(result, fan_in, fan_out, case):
    if isinstance(result, (str, bytes, dict, set, frozenset)) or not hasattr(result, "__len__"):
        raise Mistake(f"on {case}: return a list of rows (one per neuron), got {type(result).__name__}")
    if any(inspect.isgenerator(row) or isinstance(row, (map, filter, zip)) for row in result):
        raise Mistake(f"on {case}: each row is a generator: make it a list, [rng.uniform(-a, a) for ...]")
    rows = [list(row) if hasattr(row, "__len__") else row for row in result]
    if not all(isinstance(row, list) for row in rows):
        raise Mistake(f"on {case}: return a list of rows, one list of weights per neuron, not a flat list of numbers")
    shape = (len(rows), {len(row) for row in rows})
    if shape == (fan_in, {fan_out}) and fan_in != fan_out:
        raise Mistake(
            f"on {case}: your rows and columns are swapped: one row per neuron (fan_out rows), each holding one weight "
            "per input (fan_in numbers)"
        )
    if shape != (fan_out, {fan_in}):
        raise Mistake(f"on {case}: expected fan_out = {fan_out} rows of fan_in = {fan_in} weights each")
    if any(w is None for row in rows for w in row):  # as_number would take None for an untouched stub
        raise Mistake(f"on {case}: a weight is None: every entry should be a number drawn from the rng")
    return [as_number(w, what=f"on {case}, each weight") for row in rows for w in row]


def _weights(xavier_uniform, fan_in, fan_out, seed):
    case = f"fan_in={fan_in}, fan_out={fan_out}"
    try:
        result = call(xavier_uniform, fan_in, fan_out, random.Random(seed), case=case, forbid=_PACKAGE)
    except Mistake as mistake:  # name the class the student built, not its __init__
        raise Mistake(str(mistake).replace(".__init__", "")) from None
    return case, _as_rows(returned(xavier_uniform, result, "the rows of weights", case), fan_in, fan_out, case)


def _check_spread(weights, fan_in, fan_out, case):
    """The draw's variance against Xavier's 2 / (fan_in + fan_out), and the usual wrong ones."""
    target = 2.0 / (fan_in + fan_out)
    variance = _variance(weights)
    if abs(variance - target) <= 0.03 * target:
        return
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    slips = [
        (target / 3.0, "the variance is a third of Xavier's: a uniform draw on [−a, a] has variance a²/3, so the bound a "
                       "must be √3 times the standard deviation you want"),
        (2.0 / fan_in, "the variance is 2 / fan_in: that is He's initialisation (for ReLU); Xavier uses fan_in + fan_out"),
        (2.0 / fan_out, "the variance is 2 / fan_out: Xavier averages both sides, fan_in + fan_out"),
        (1.0 / (fan_in + fan_out), "the variance is half of Xavier's: the factor 2 in 2 / (fan_in + fan_out) is missing"),
        (bound**2, "the variance equals the squared bound: it looks as if the bound was used as the variance, or the "
                   "weights were drawn from a normal distribution"),
    ]  # fmt: skip
    for wrong, meaning in slips:
        if abs(variance - wrong) <= 0.03 * wrong:
            raise Mistake(f"on {case}: {meaning}")
    raise Mistake(f"on {case}: the weights' variance is {variance:.3g}, which is not 2 / (fan_in + fan_out) for this shape")


_OWN_RNG = ("on {case}: draw every weight from the rng you are given (rng.uniform(...)), so that the same seed gives "
            "the same weights and another seed other ones")


def _check_even(weights, fan_in, fan_out, case):
    """A uniform draw on [−a, a] puts a tenth of its |w| in each tenth of [0, a]: within 0.03, where a draw of 30,000
    or more strays by about 0.002; two values ±σ, or shells away from 0, with the right variance, are far off."""
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    counts = [0] * 10
    for w in weights:
        counts[min(int(abs(w) / bound * 10), 9)] += 1
    if any(abs(count / len(weights) - 0.1) > 0.03 for count in counts):
        raise Mistake(
            f"on {case}: the variance is right, but the weights are not spread evenly over [−a, a]: some sizes |w| "
            "come far more often than others. Draw each weight with rng.uniform(−a, a)"
        )


@exercise("Xavier's uniform initialisation")
def check_xavier_uniform(xavier_uniform):
    """``xavier_uniform(fan_in, fan_out, rng)``: fan_out rows of fan_in weights from U(−a, a), variance 2/(fan_in+fan_out)."""
    draws, others = [], []
    for fan_in, fan_out in _SHAPES:
        case, first = _weights(xavier_uniform, fan_in, fan_out, seed=fan_in)
        _, again = _weights(xavier_uniform, fan_in, fan_out, seed=fan_in)
        _, other = _weights(xavier_uniform, fan_in, fan_out, seed=fan_in + 1)
        if first != again:
            raise Mistake(_OWN_RNG.format(case=case))
        draws.append((case, first, fan_in, fan_out))
        others.append((case, first, other))
    for fan_in, fan_out in _LARGE:
        case, weights = _weights(xavier_uniform, fan_in, fan_out, seed=2010)
        spread = math.sqrt(_variance(weights) / len(weights))
        if abs(_mean(weights)) > 6.0 * spread:
            raise Mistake(f"on {case}: the weights are not centred on 0: draw from [−a, a], not [0, a]")
        _check_spread(weights, fan_in, fan_out, case)
        draws.append((case, weights, fan_in, fan_out))
    for case, weights, fan_in, fan_out in draws:
        if max(abs(w) for w in weights) > math.sqrt(6.0 / (fan_in + fan_out)) * (1.0 + 1e-12):
            raise Mistake(
                f"on {case}: the variance is right but some weights lie outside [−a, a]: "
                "this exercise asks for a uniform draw, U(−a, a), not a normal one"
            )
    for case, weights, fan_in, fan_out in draws[len(_SHAPES):]:
        _check_even(weights, fan_in, fan_out, case)
    # only now, once the draw is known to be uniform: with a few values to choose from, two seeds can agree
    for case, first, other in others:
        if first == other:
            raise Mistake(_OWN_RNG.format(case=case))
