"""Notebook 06's exercises: the right answers pass, each typical wrong one is named, no message gives the answer."""

import math
import random

import pytest

from micrograd_mlp import Value
from micrograd_mlp.nn import MLP, Neuron
from micrograd_mlp.exercises.neuron_layer_mlp import (
    check_explicit_neuron_size,
    check_layer,
    check_mlp,
    check_neuron,
    check_neuron_by_hand,
    check_parameter_count,
)
from verdicts import assert_rejected, verdict


# --- the worked solutions, and variants with one typical slip each ------------------------------------------


class TinyNeuron:
    def __init__(self, nin, rng):
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)

    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()

    def parameters(self):
        return self.w + [self.b]


class TinyLayer:
    def __init__(self, nin, nout, rng):
        self.neurons = [TinyNeuron(nin, rng) for _ in range(nout)]

    def __call__(self, x):
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class TinyMLP:
    def __init__(self, nin, nouts, seed=0):
        rng = random.Random(seed)
        sizes = [nin] + nouts
        self.layers = [TinyLayer(sizes[i], sizes[i + 1], rng) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


class NoBias(TinyNeuron):
    def parameters(self):
        return self.w


class BiasFirst(TinyNeuron):
    def parameters(self):
        return [self.b] + self.w


class RandomNotUniform(TinyNeuron):
    def __init__(self, nin, rng):
        self.w = [Value(rng.random()) for _ in range(nin)]
        self.b = Value(0.0)


class BiasNotZero(TinyNeuron):
    def __init__(self, nin, rng):
        super().__init__(nin, rng)
        self.b = Value(1.0)


class GlobalRandom(TinyNeuron):
    def __init__(self, nin, rng):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)


class NoTanh(TinyNeuron):
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)


class BiasNotAdded(TinyNeuron):
    def __call__(self, x):
        return sum(wi * xi for wi, xi in zip(self.w, x)).tanh()


class FromData(TinyNeuron):
    def __call__(self, x):
        z = sum(wi.data * getattr(xi, "data", xi) for wi, xi in zip(self.w, x)) + self.b.data
        return Value(math.tanh(z))


class ListOutput(TinyNeuron):
    def __call__(self, x):
        return [super().__call__(x)]


class HalfStub(TinyNeuron):
    def parameters(self):
        ...


class StubNeuron:
    def __init__(self, nin, rng):
        ...

    def __call__(self, x):
        ...

    def parameters(self):
        ...


class FreshRngLayer(TinyLayer):
    def __init__(self, nin, nout, rng):
        self.neurons = [TinyNeuron(nin, random.Random(0)) for _ in range(nout)]


class NestedParametersLayer(TinyLayer):
    def parameters(self):
        return [neuron.parameters() for neuron in self.neurons]  # one list per neuron, not one flat list


class UnwrappedLayer(TinyLayer):
    def __call__(self, x):
        outputs = [neuron(x) for neuron in self.neurons]
        return outputs[0] if len(outputs) == 1 else outputs  # the MLP's unwrapping, done one level too early


class FirstOutputOnly(TinyMLP):
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0]  # unwraps even when the last layer has several neurons


class FreshRngMLP(TinyMLP):
    def __init__(self, nin, nouts, seed=0):
        sizes = [nin] + nouts
        self.layers = [TinyLayer(sizes[i], sizes[i + 1], random.Random(seed)) for i in range(len(nouts))]


class ListForOne(TinyMLP):
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class NoOutputLayer(TinyMLP):
    def __init__(self, nin, nouts, seed=0):
        super().__init__(nin, nouts[:-1] or nouts, seed)


class SeedOne(TinyMLP):
    def __init__(self, nin, nouts, seed=1):
        super().__init__(nin, nouts, seed)


@pytest.mark.parametrize("check, right", [(check_neuron, TinyNeuron), (check_layer, TinyLayer), (check_mlp, TinyMLP)])
def test_the_worked_solutions_pass(check, right, capsys):
    check(right)
    assert "correct!" in verdict(capsys)


@pytest.mark.parametrize(
    "neuron, words",
    [
        (NoBias, ["not the bias"]),
        (BiasFirst, ["another order", "weights, then its bias"]),
        (RandomNotUniform, ["rng.uniform(-1, 1)", "[0, 1)"]),
        (BiasNotZero, ["bias should start at 0"]),
        (GlobalRandom, ["not the ones the generator gives", "from the rng you are given"]),
        (NoTanh, ["without the tanh"]),
        (BiasNotAdded, ["bias added once"]),
        (FromData, ["does not reach the parameters", ".data"]),
        (ListOutput, ["returned as a Value, not as a list"]),
        (HalfStub, ["parameters still to be written"]),
    ],
)
def test_neuron_mistakes_are_named(neuron, words, capsys):
    random.seed(3)  # GlobalRandom draws from the global generator: fixed here, so that the test is repeatable
    check_neuron(neuron)
    assert_rejected(verdict(capsys), *words)


@pytest.mark.parametrize(
    "layer, words",
    [
        (FreshRngLayer, ["give every neuron the layer's rng"]),
        (NestedParametersLayer, ["list of lists", "one flat list"]),
        (UnwrappedLayer, ["even when it has a single neuron"]),
    ],
)
def test_layer_mistakes_are_named(layer, words, capsys):
    check_layer(layer)
    assert_rejected(verdict(capsys), *words)


@pytest.mark.parametrize(
    "mlp, words",
    [
        (FreshRngMLP, ["same rng to every layer"]),
        (ListForOne, ["single output should be returned as a Value"]),
        (FirstOutputOnly, ["with several outputs", "one per neuron of the last layer"]),
        (NoOutputLayer, ["last layer is missing"]),
        (SeedOne, ["default 0"]),
    ],
)
def test_mlp_mistakes_are_named(mlp, words, capsys):
    check_mlp(mlp)
    assert_rejected(verdict(capsys), *words)


@pytest.mark.parametrize("check", [check_neuron, check_layer, check_mlp])
@pytest.mark.parametrize("stub", [StubNeuron, None])
def test_a_stub_class_is_not_answered(check, stub, capsys):
    check(stub)
    assert verdict(capsys).startswith("[ ]")


def test_a_layer_check_of_a_neuron_class_says_what_is_wrong(capsys):
    check_layer(TinyNeuron)  # the wrong class: called with three arguments, it fails and says where
    assert_rejected(verdict(capsys), "TypeError")


# --- exercises 4 to 6: numbers ----------------------------------------------------------------------


def test_parameter_count(capsys):
    check_parameter_count(4 * 8 + 9 * 8 + 9 * 2)
    assert verdict(capsys).startswith("[✓]")
    for answer, words in [(104, "not the biases"), (123, "one bias per neuron"), (90, "left out the first layer"),
                          (18, "number of neurons"), (121, "not right")]:
        check_parameter_count(answer)
        out = verdict(capsys)
        assert_rejected(out, words)
        assert "122" not in out


def test_neuron_by_hand(capsys):
    z = 0.25
    out, grad = math.tanh(z), (1 - math.tanh(z) ** 2) * 2
    check_neuron_by_hand([out, grad])
    assert verdict(capsys).startswith("[✓]")
    check_neuron_by_hand((round(out, 4), round(grad, 4)))
    assert verdict(capsys).startswith("[✓]")
    for answer, words in [
        ([z, grad], "before the tanh"),
        ([out, 1 - out**2], "missing the factor x1"),
        ([out, (1 - z**2) * 2], "not of z"),
        ([out, 2.0], "d z / d w1 alone"),
        ([out, 1 - out**2 + 0.01], "not right to 4 decimals"),
        ([out], "list of two numbers"),
        (out, "list of two numbers"),
    ]:
        check_neuron_by_hand(answer)
        text = verdict(capsys)
        assert_rejected(text, words)
        assert f"{out:.4f}" not in text and f"{grad:.4f}" not in text
    check_neuron_by_hand(...)
    assert verdict(capsys).startswith("[ ]")


def test_explicit_neuron_size(capsys):
    check_explicit_neuron_size(22)
    assert verdict(capsys).startswith("[✓]")
    for answer, words in [(17, "inputs are values of the graph too"), (21, "one short"), (20, "two short"),
                          (23, "one too many"), (24, "not right")]:
        check_explicit_neuron_size(answer)
        out = verdict(capsys)
        assert_rejected(out, words)
        assert "22" not in out


# --- wrapping the package, changing the inputs, copies, layers not chained, code that never ends -------------


class WrapsNeuron:
    def __init__(self, nin, rng):
        self.inner = Neuron(nin, rng=rng, fused=False)

    def __call__(self, x):
        return self.inner(x)

    def parameters(self):
        return self.inner.parameters()


class FusedNeuron(TinyNeuron):
    def __call__(self, x):
        return Value.neuron(self.w, x, self.b, "tanh")


class AppendsToInputs(TinyNeuron):
    def __call__(self, x):
        x.append(1.0)  # "the bias as an input of 1"
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()


class ClearsInputs(TinyLayer):
    def __call__(self, x):
        outputs = [neuron(x) for neuron in self.neurons]
        x.clear()
        return outputs


class CopiedParameters(TinyNeuron):
    def parameters(self):
        return [Value(p.data) for p in self.w + [self.b]]


class WrapsMLP:
    def __init__(self, nin, nouts, seed=0):
        self.inner = MLP(nin, nouts, output_activation="tanh", seed=seed, fused=False)

    def __call__(self, x):
        return self.inner(x)

    def parameters(self):
        return self.inner.parameters()


class NotChained(TinyMLP):
    def __call__(self, x):
        for layer in self.layers:
            out = layer(x)
        return out[0] if len(out) == 1 else out


@pytest.mark.parametrize(
    "check, answer, words",
    [
        (check_neuron, WrapsNeuron, ["calls the package's Neuron.__init__", "write that part yourself"]),
        (check_neuron, FusedNeuron, ["calls the package's Value.neuron"]),
        (check_neuron, AppendsToInputs, ["changed the list of inputs x", "leave its inputs as they were"]),
        (check_layer, ClearsInputs, ["changed the list of inputs x"]),
        (check_neuron, CopiedParameters, ["parameters() called twice gives other Values", "not copies"]),
        (check_mlp, WrapsMLP, ["calls the package's MLP.__init__"]),
        (check_mlp, NotChained, ["every layer reads the network's inputs", "x = layer(x)"]),
    ],
)
def test_answers_that_fooled_or_crashed_the_old_checks(check, answer, words, capsys):
    check(answer)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "is every weight paired with its input" not in out


def test_an_endless_neuron_times_out(monkeypatch):
    class Endless(TinyNeuron):
        def __call__(self, x):
            while True:
                pass

    monkeypatch.setattr(check_neuron, "seconds", 1)
    assert check_neuron.grade(Endless).result == "timeout"


@pytest.mark.parametrize("kind", [set, dict.fromkeys])
def test_a_neuron_by_hand_without_order_is_refused(kind, capsys):
    output = math.tanh(0.25)
    check_neuron_by_hand(kind([output, (1 - output**2) * 2.0]))
    out = verdict(capsys)
    assert_rejected(out, "keeps no order")
    assert f"{output:.4f}" not in out
