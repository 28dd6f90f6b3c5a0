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


@pytest.mark.parametrize("activation, optimizer, lr", [("tanh", "sgd", 0.5), ("relu", "sgd", 0.3), ("sigmoid", "adam", 0.01)])
def test_numpy_mirror_draws_computes_and_trains_as_the_engine(activation, optimizer, lr):
    from micrograd_mlp import binary_cross_entropy, fit
    from micrograd_mlp.diagnostics import numpy_backward, numpy_fit, numpy_from_model, numpy_mlp

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), (rng.random(20) > 0.5).astype(int)
    model = MLP(2, [5, 4, 1], activation=activation, seed=3, init="xavier")
    layers = numpy_mlp(2, [5, 4, 1], init="xavier", seed=3)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(layers, numpy_from_model(model)))
    loss = binary_cross_entropy([model(x) for x in X], y)
    loss.backward()
    value, grads, _, _ = numpy_backward(layers, X, y, activation)
    assert value == pytest.approx(loss.data, rel=1e-12)
    assert [np.abs(g).mean() for g, _ in grads] == pytest.approx(layer_gradient_sizes(model), rel=1e-10)
    fit(model, X, y, loss="bce", optimizer=optimizer, lr=lr, steps=12, batch_size=8, alpha=0.0, seed=4, progress=False)
    numpy_fit(layers, X, y, activation, optimizer, lr, steps=12, batch_size=8, seed=4)
    for (W, b), (W2, b2) in zip(layers, numpy_from_model(model)):
        assert W == pytest.approx(W2, abs=1e-10) and b == pytest.approx(b2, abs=1e-10)


def test_output_gradients_are_the_chain_rule_and_saturation_counts_the_tails():
    from micrograd_mlp.diagnostics import numpy_backward, numpy_mlp, saturation

    X, y = np.array(POINTS), np.array([1, 0, 1])
    layers = numpy_mlp(2, [3, 3, 1], init="uniform", seed=1)
    _, _, output_grads, outputs = numpy_backward(layers, X, y, "tanh")
    step = 1e-6  # nudge one hidden output of the first point through the rest of the network: finite difference
    def loss_from_layer1(h):
        z = np.tanh(h @ layers[1][0].T + layers[1][1]) @ layers[2][0].T + layers[2][1]
        return np.mean(np.logaddexp(0.0, z[:, 0]) - y * z[:, 0])
    h = outputs[0].copy()
    h[0, 1] += step
    assert (loss_from_layer1(h) - loss_from_layer1(outputs[0])) / step == pytest.approx(output_grads[0][0, 1], rel=1e-4)
    assert saturation([np.array([0.5, -0.98, 0.99, 0.97])]) == [0.5]
    with pytest.raises(ValueError, match="unknown optimizer"):
        from micrograd_mlp.diagnostics import numpy_fit
        numpy_fit(layers, X, y, optimizer="rmsprop", steps=1, batch_size=None)
