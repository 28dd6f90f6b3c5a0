"""Neurons, layers and multi-layer perceptrons built from ``Value``.

A neuron computes act(w·x + b). A layer is a list of neurons that all see the
same inputs; an MLP feeds each layer's outputs into the next.
"""

import random

from .engine import ACTIVATIONS, Value

__all__ = ["Module", "Neuron", "Layer", "MLP"]


def _check_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


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


class Neuron(Module):
    """act(Σ wᵢxᵢ + b) with weights drawn uniformly from [−1, 1] and bias 0, labelled w1, w2, …, b.

    ``fused=True`` computes w·x + b as one graph node (fast); ``fused=False``
    builds it from explicit ``*`` and ``+`` nodes (for drawing and teaching).
    Both give the same values and gradients.
    """

    def __init__(self, nin, activation="tanh", rng=None, fused=True, name=""):
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"a neuron needs at least one input, got nin={nin!r}")
        rng = rng or random.Random(0)
        prefix = f"{name} " if name else ""  # labels such as "L1n2 w1" tell a network's parameters apart in pictures
        self.w = [Value(rng.uniform(-1.0, 1.0), label=f"{prefix}w{i + 1}") for i in range(nin)]
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
    """``nout`` neurons, each seeing all ``nin`` inputs; returns a list of ``nout`` Values."""

    def __init__(self, nin, nout, activation="tanh", rng=None, fused=True, name=""):
        if not isinstance(nout, int) or nout < 1:
            raise ValueError(f"a layer needs at least one neuron, got nout={nout!r}")
        rng = rng or random.Random(0)
        self.neurons = [
            Neuron(nin, activation, rng, fused, name=f"{name}n{j + 1}" if name else "") for j in range(nout)
        ]

    def __call__(self, x):
        return self._forward(_check_inputs(x, len(self.neurons[0].w), "Layer"))

    def _forward(self, x):
        return [neuron._forward(x) for neuron in self.neurons]

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
    """

    def __init__(self, nin, nouts, activation="tanh", output_activation="linear", seed=0, fused=True):
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"an MLP needs at least one input, got nin={nin!r}")
        if isinstance(nouts, int) or not nouts:
            raise ValueError(f"nouts lists the width of each layer, e.g. [16, 16, 1]; got {nouts!r}")
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        activations = [activation] * (len(nouts) - 1) + [output_activation]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activations[i], rng, fused, name=f"L{i + 1}") for i in range(len(nouts))
        ]
        self.nin = nin

    def __call__(self, x):
        """The output Value (or a list of Values when the last layer has more than one neuron)."""
        x = _check_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            x = layer._forward(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        shape = " → ".join(f"{len(layer.neurons)} {layer.neurons[0].activation}" for layer in self.layers)
        return f"MLP({self.nin} → {shape}; {len(self.parameters())} parameters)"
