"""Neurons, layers and multi-layer perceptrons built from ``Value``.

A neuron computes act(w·x + b). A layer is a list of neurons that all see the
same inputs; an MLP feeds each layer's outputs into the next.

Initial weights are drawn uniformly from [−a, a]. The default, a = 1, is the
lecture's. ``init="xavier"`` (Glorot) and ``init="he"`` scale a with the layer's
size so that signals and gradients keep their size through many layers:
a uniform draw from [−a, a] has variance a²/3, so

    xavier: a = √(6 / (fan_in + fan_out)),  variance 2 / (fan_in + fan_out)
    he:     a = √(6 / fan_in),              variance 2 / fan_in

(fan_in = inputs per neuron, fan_out = neurons in the layer), the same bounds as
PyTorch's ``xavier_uniform_`` and ``kaiming_uniform_``.
"""

import math
import numbers
import random

from .engine import ACTIVATIONS, Value

__all__ = ["Module", "Neuron", "Layer", "MLP", "INITS"]

INITS = ("uniform", "xavier", "he")


def _check_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def _whole_number(value, what):
    # numbers.Integral admits numpy integers; bool is an int in Python but never means a size
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what}, got {value!r}")
    return int(value)


def _init_bound(init, fan_in, fan_out):
    if init == "uniform":
        return 1.0
    if init == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(6.0 / fan_in)
    raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")


def _some(labels, shown=5):
    return ", ".join(map(repr, labels[:shown])) + (f" and {len(labels) - shown} more" if len(labels) > shown else "")


def _check_inputs(x, nin, who):
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} expects a list of {nin} numbers, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    xs = [xi if isinstance(xi, Value) else _input_float(xi, who) for xi in x]
    if any(isinstance(xi, Value) for xi in xs):  # a mix: make every input a Value (Value.neuron needs one kind)
        xs = [xi if isinstance(xi, Value) else Value(xi) for xi in xs]
    return xs


def _input_float(xi, who):
    try:
        return float(xi)
    except (TypeError, ValueError):
        raise TypeError(f"{who} inputs must be numbers or Values, got {type(xi).__name__} {xi!r}") from None


class Module:
    """Anything with parameters: a neuron, a layer, a whole network."""

    def parameters(self):
        """The list of trainable Values."""
        return []

    def zero_grad(self):
        """Reset every parameter's gradient to 0 (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self):
        """Every parameter's value by its label, in ``parameters()`` order: ``{"L1n1 w1": 0.53, …}``.

        Plain floats, so ``json.dump(model.state_dict(), file)`` saves a model; PyTorch uses the same name.
        """
        state = {}
        for p in self.parameters():
            if p.label in state:
                raise ValueError(f"two parameters share the label {p.label!r}: give each a unique label first")
            state[p.label] = p.data
        return state

    def load_state_dict(self, state):
        """Set every parameter from ``state`` (as made by ``state_dict()``); gradients are left alone.

        The labels must match exactly: a missing, an extra or a non-number entry is refused
        before any parameter changes, so a failed load leaves the model as it was.
        """
        params = {p.label: p for p in self.parameters()}
        missing = [label for label in params if label not in state]
        extra = [label for label in state if label not in params]
        problems = [f"{kind} {_some(labels)}" for kind, labels in (("missing", missing), ("unexpected", extra)) if labels]
        if problems:
            raise ValueError(
                f"the state does not fit this model: {'; '.join(problems)} (this model has {len(params)} parameters; "
                "was the state saved from a model of another shape?)"
            )
        for label, number in state.items():
            if isinstance(number, bool) or not isinstance(number, numbers.Real):
                raise ValueError(f"the state's entry {label!r} must be one number, got {type(number).__name__} {number!r}")
        for label, p in params.items():
            p.data = float(state[label])


class Neuron(Module):
    """act(Σ wᵢxᵢ + b) with weights drawn uniformly from [−scale, scale] and bias 0, labelled w1, w2, …, b.

    ``fused=True`` computes w·x + b as one graph node (fast); ``fused=False``
    builds it from explicit ``*`` and ``+`` nodes (for drawing and teaching).
    Both give the same values and gradients.
    """

    def __init__(self, nin, activation="tanh", rng=None, fused=True, name="", scale=1.0):
        nin = _whole_number(nin, "a neuron needs at least one input (nin)")
        rng = rng or random.Random(0)
        prefix = f"{name} " if name else ""  # labels such as "L1n2 w1" tell a network's parameters apart in pictures
        self.w = [Value(rng.uniform(-scale, scale), label=f"{prefix}w{i + 1}") for i in range(nin)]
        self.b = Value(0.0, label=f"{prefix}b")
        self.activation = _check_activation(activation)
        self.fused = fused

    def __call__(self, x):
        return self._forward(_check_inputs(x, len(self.w), "Neuron"))

    def _forward(self, x):
        if self.fused:
            return Value.neuron(self.w, x, self.b, self.activation)
        z = self.b
        for wi, xi in zip(self.w, x):
            z = wi * xi + z
        return z if self.activation == "linear" else getattr(z, self.activation)()

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)} inputs, {self.activation})"


class Layer(Module):
    """``nout`` neurons, each seeing all ``nin`` inputs; returns a list of ``nout`` Values.

    Neuron j's parameters are labelled "n{j} w1", …, "n{j} b" (prefixed by the layer's ``name`` in an MLP).
    ``init`` picks the range of the initial weights (see the module's docstring).
    """

    def __init__(self, nin, nout, activation="tanh", rng=None, fused=True, name="", init="uniform"):
        nin = _whole_number(nin, "a layer needs at least one input (nin)")
        nout = _whole_number(nout, "a layer needs at least one neuron (nout)")
        scale = _init_bound(init, nin, nout)
        rng = rng or random.Random(0)
        self.neurons = [Neuron(nin, activation, rng, fused, name=f"{name}n{j + 1}", scale=scale) for j in range(nout)]

    def __call__(self, x):
        return self._forward(_check_inputs(x, len(self.neurons[0].w), "Layer"))

    def _forward(self, x):
        return self._forward_many([x])[0]

    def _forward_many(self, points):
        """The layer's outputs at each of many points (checked inputs): one node per neuron and point."""
        first = self.neurons[0]
        if all(neuron.fused and neuron.activation == first.activation for neuron in self.neurons):
            return Value.neurons([n.w for n in self.neurons], [n.b for n in self.neurons], points, first.activation)
        return [[neuron._forward(x) for neuron in self.neurons] for x in points]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return f"Layer({len(self.neurons[0].w)} → {len(self.neurons)}, {self.neurons[0].activation})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` has two hidden layers of 16 and one output.

    Hidden layers use ``activation``, the last layer ``output_activation``.
    Parameters are labelled by place: "L1n2 w1" is the first weight of neuron 2 of layer 1.
    ``seed`` fixes the initial weights: the same seed gives the same network
    on every machine and Python version (``random.Random`` is portable).
    ``init`` is "uniform" (U(−1, 1), the lecture's), "xavier" or "he" (see the module's docstring).
    """

    def __init__(self, nin, nouts, activation="tanh", output_activation="linear", seed=0, fused=True, init="uniform"):
        nin = _whole_number(nin, "an MLP needs at least one input (nin)")
        if isinstance(nouts, (numbers.Number, str)) or not hasattr(nouts, "__len__") or len(nouts) == 0:
            raise ValueError(f"nouts lists the width of each layer, e.g. [16, 16, 1]; got {nouts!r}")
        _init_bound(init, 1, 1)  # refuse an unknown init before building anything
        if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, str, bytes)):
            raise ValueError(f"seed must be a whole number (or a string), got {seed!r}")
        rng = random.Random(int(seed) if isinstance(seed, numbers.Integral) else seed)
        sizes = [nin, *nouts]
        activations = [activation] * (len(nouts) - 1) + [output_activation]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activations[i], rng, fused, name=f"L{i + 1}", init=init)
            for i in range(len(nouts))
        ]
        self.nin = nin

    def __call__(self, x):
        """The output Value (or a list of Values when the last layer has more than one neuron)."""
        return self.outputs([x])[0]

    def outputs(self, points):
        """``[model(x) for x in points]``, computed a layer at a time for all the points together
        (the same graph; faster, as each layer reads its weights once, not once per point)."""
        points = [_check_inputs(x, self.nin, "MLP") for x in points]
        for layer in self.layers:
            points = layer._forward_many(points)
        return [x[0] if len(x) == 1 else x for x in points]

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        shape = " → ".join(f"{len(layer.neurons)} {layer.neurons[0].activation}" for layer in self.layers)
        return f"MLP({self.nin} → {shape}; {len(self.parameters())} parameters)"
