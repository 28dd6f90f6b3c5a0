"""Looking inside a network: gradient size per layer, every layer's outputs, dead ReLUs."""

import numpy as np
import pytest

from micrograd_mlp.diagnostics import dead_relus, layer_gradient_sizes, layer_outputs
from micrograd_mlp.engine import Value
from micrograd_mlp.nn import MLP
from micrograd_mlp.plots import predict

POINTS = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.0]]


def test_gradient_sizes_are_the_mean_absolute_weight_gradients_layer_by_layer():
    model = MLP(2, [3, 2, 1], seed=4)
    Value.sum(model(x) ** 2 for x in POINTS).backward()
    sizes = layer_gradient_sizes(model)
    assert len(sizes) == 3
    for size, layer in zip(sizes, model.layers):
        weights = [w for neuron in layer.neurons for w in neuron.w]
        assert size == pytest.approx(np.mean([abs(w.grad) for w in weights]), rel=1e-12)
        assert len(weights) == len(layer.neurons) * len(layer.neurons[0].w)  # biases left out
    model.zero_grad()
    assert layer_gradient_sizes(model) == [0.0, 0.0, 0.0]


def test_layer_outputs_agree_with_the_network_and_build_no_graph():
    model = MLP(2, [4, 3, 1], activation="tanh", seed=2)
    outputs = layer_outputs(model, np.array(POINTS))
    assert [o.shape for o in outputs] == [(3, 4), (3, 3), (3, 1)]
    assert outputs[-1][:, 0] == pytest.approx(predict(model, POINTS)[:, 0], rel=1e-12)
    assert np.all(np.abs(outputs[0]) < 1.0)  # tanh
    assert all(p.grad == 0.0 for p in model.parameters())


def test_dead_relus_counts_neurons_that_are_off_on_every_point():
    model = MLP(2, [3, 2, 1], activation="relu", seed=0)
    first = model.layers[0].neurons
    for w in first[0].w:
        w.data = -abs(w.data) - 1.0  # negative weights and a negative bias: off for every point with x ≥ 0
    first[0].b.data = -10.0
    first[1].b.data = 10.0  # on everywhere
    counts = dead_relus(model, POINTS)
    assert len(counts) == 2  # hidden layers only
    assert counts[0] == 1 + int(np.all(layer_outputs(model, POINTS)[0][:, 2] == 0.0))
    assert counts == [int(np.sum(np.all(o == 0.0, axis=0))) for o in layer_outputs(model, POINTS)[:-1]]


def test_dead_relus_needs_relu_hidden_layers():
    with pytest.raises(ValueError, match="hidden layers use relu"):
        dead_relus(MLP(2, [3, 1], activation="tanh"), POINTS)
    with pytest.raises(ValueError, match="hidden layers use relu"):
        dead_relus(MLP(2, [1], activation="relu"), POINTS)  # no hidden layer at all
