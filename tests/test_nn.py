"""Neuron, Layer, MLP: shapes, seeds, the fused fast path, errors."""

import math
import random

import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.losses import binary_cross_entropy, hinge, mse
from micrograd_mlp.nn import MLP, Layer, Neuron

# --- weights from a seed ---------------------------------------------------------------------------


def weights(model):
    return [p.data for p in model.parameters()]


def test_same_seed_same_weights_other_seed_other_weights():
    assert weights(MLP(3, [8, 8, 1], seed=7)) == weights(MLP(3, [8, 8, 1], seed=7))
    assert weights(MLP(3, [8, 8, 1], seed=7)) != weights(MLP(3, [8, 8, 1], seed=8))


def test_pinned_weights_of_a_small_network():
    # If the way the random numbers are drawn changes, every notebook's numbers change: this catches it.
    model = MLP(2, [3, 1], seed=0)
    assert weights(model) == [
        0.6888437030500962, 0.515908805880605, 0.0,
        -0.15885683833831, -0.4821664994140733, 0.0,
        0.02254944273721704, -0.19013172509917142, 0.0,
        0.5675971780695452, -0.3933745478421451, -0.04680609169528838, 0.0,
    ]  # fmt: skip


def test_weights_do_not_depend_on_fused_or_activation():
    reference = weights(MLP(2, [5, 3, 1], seed=3))
    assert weights(MLP(2, [5, 3, 1], seed=3, fused=False)) == reference
    assert weights(MLP(2, [5, 3, 1], activation="relu", output_activation="sigmoid", seed=3)) == reference


def test_weights_are_uniform_in_minus_one_one_and_biases_zero():
    model = MLP(4, [32, 32, 1], seed=1)
    for layer in model.layers:
        for neuron in layer.neurons:
            assert neuron.b.data == 0.0
            assert all(-1.0 <= w.data <= 1.0 for w in neuron.w)
    ws = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert min(ws) < -0.9 and max(ws) > 0.9


def test_neuron_and_layer_default_rng_is_seeded():
    assert weights(Neuron(3)) == weights(Neuron(3))
    assert weights(Layer(3, 4)) == weights(Layer(3, 4))
    assert weights(Neuron(3, rng=random.Random(1))) != weights(Neuron(3, rng=random.Random(2)))


# --- shapes and outputs -------------------------------------------------------------------------------


def test_parameter_count_and_repr():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 3 * 16 + 17 * 16 + 17 * 1 == 337
    assert repr(model) == "MLP(2 → 16 tanh → 16 tanh → 1 linear; 337 parameters)"
    assert repr(MLP(3, [4, 2], activation="relu", output_activation="sigmoid")) == (
        "MLP(3 → 4 relu → 2 sigmoid; 26 parameters)"
    )
    assert repr(Layer(3, 4, "relu")) == "Layer(3 → 4, relu)"
    assert repr(Neuron(3, "sigmoid")) == "Neuron(3 inputs, sigmoid)"


def test_one_output_is_a_value_several_are_a_list():
    out = MLP(2, [4, 1])([0.5, -0.5])
    assert isinstance(out, Value)
    outs = MLP(2, [4, 3])([0.5, -0.5])
    assert isinstance(outs, list) and len(outs) == 3 and all(isinstance(o, Value) for o in outs)
    layer_out = Layer(2, 1)([0.5, -0.5])
    assert isinstance(layer_out, list) and len(layer_out) == 1


def test_a_middle_layer_of_width_one():
    model = MLP(2, [16, 1, 1])
    assert [len(layer.neurons) for layer in model.layers] == [16, 1, 1]
    x = [Value(0.3), Value(-0.7)]
    out = model(x)
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.layers[0].parameters())
    assert x[0].grad != 0.0
    expected = _scalar_forward(model, [0.3, -0.7])[0]
    assert out.data == pytest.approx(expected, rel=1e-12)


def test_activations_are_applied_per_layer():
    model = MLP(2, [3, 2], activation="relu", output_activation="sigmoid", seed=4)
    out = model([1.5, -2.0])
    assert all(0.0 < o.data < 1.0 for o in out)
    assert [n.activation for n in model.layers[0].neurons] == ["relu"] * 3
    assert [n.activation for n in model.layers[1].neurons] == ["sigmoid"] * 2


def test_inputs_may_be_ints_numpy_numbers_or_values():
    import numpy as np

    model = MLP(2, [3, 1])
    reference = model([1.0, 2.0]).data
    assert model([1, 2]).data == reference
    assert model(np.array([1.0, 2.0])).data == reference
    assert model((np.float32(1.0), np.int64(2))).data == reference
    assert model([Value(1.0), Value(2.0)]).data == reference


@pytest.mark.parametrize("fused", [True, False])
def test_inputs_may_mix_values_and_numbers(fused):
    model = MLP(2, [3, 1], fused=fused)
    reference = model([1.0, 2.0]).data
    a = Value(1.0)
    out = model([a, 2.0])
    assert out.data == pytest.approx(reference, rel=1e-12)
    out.backward()
    b = Value(2.0)
    out = model([1.0, b])
    assert out.data == pytest.approx(reference, rel=1e-12)
    out.backward()
    assert a.grad != 0.0 and b.grad != 0.0


def test_zero_grad_of_a_module():
    model = MLP(2, [4, 1])
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_relu_neuron_that_is_off_passes_no_gradient():
    neuron = Neuron(2, "relu")
    neuron.b.data = -100.0
    x = [Value(1.0), Value(1.0)]
    out = neuron(x)
    out.backward()
    assert out.data == 0.0
    assert [p.grad for p in neuron.parameters()] == [0.0, 0.0, 0.0]
    assert [v.grad for v in x] == [0.0, 0.0]


# --- the fused fast path equals the plain graph ---------------------------------------------------------

CONFIGS = [
    # (seed, nin, layer widths, activation, output activation)
    (0, 2, [16, 16, 1], "tanh", "linear"),
    (1, 3, [8, 1], "relu", "linear"),
    (2, 2, [5, 5, 2], "sigmoid", "sigmoid"),
    (3, 4, [6, 1, 3], "linear", "tanh"),
    (4, 1, [7, 7, 7, 1], "relu", "sigmoid"),
    (5, 2, [1], "tanh", "relu"),
]


def _forward_and_backward(model, xs, loss_name, value_inputs):
    inputs = [[Value(v) for v in x] if value_inputs else list(x) for x in xs]
    outs = [model(x) for x in inputs]
    scores = [o if isinstance(o, Value) else Value.sum(o) for o in outs]
    labels = [1.0, -1.0, 1.0, -1.0][: len(xs)]
    if loss_name == "bce":
        labels = [max(label, 0.0) for label in labels]
    loss = {"mse": mse, "hinge": hinge, "bce": binary_cross_entropy}[loss_name](scores, labels)
    loss.backward()
    input_grads = [v.grad for x in inputs for v in x] if value_inputs else []
    flat_outs = [o.data for out in outs for o in (out if isinstance(out, list) else [out])]
    return flat_outs, loss.data, [p.grad for p in model.parameters()], input_grads


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"seed{c[0]}-{c[3]}-{c[4]}")
@pytest.mark.parametrize("loss_name", ["mse", "hinge", "bce"])
@pytest.mark.parametrize("value_inputs", [False, True], ids=["float inputs", "Value inputs"])
def test_fused_equals_plain_graph(config, loss_name, value_inputs):
    seed, nin, widths, activation, output_activation = config
    rng = random.Random(100 + seed)
    xs = [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(4)]
    results = [
        _forward_and_backward(MLP(nin, widths, activation, output_activation, seed=seed, fused=fused), xs, loss_name, value_inputs)
        for fused in (True, False)
    ]
    (outs_f, loss_f, grads_f, in_f), (outs_p, loss_p, grads_p, in_p) = results
    assert outs_f == pytest.approx(outs_p, rel=1e-12, abs=1e-12)
    assert loss_f == pytest.approx(loss_p, rel=1e-12, abs=1e-12)
    assert grads_f == pytest.approx(grads_p, rel=1e-12, abs=1e-12)
    assert in_f == pytest.approx(in_p, rel=1e-12, abs=1e-12)
    assert len(in_f) == (4 * nin if value_inputs else 0)
    assert any(g != 0.0 for g in grads_f)


def test_fused_graph_is_much_smaller():
    x = [Value(0.5), Value(-0.5)]
    fused = MLP(2, [16, 16, 1], fused=True)(x)
    plain = MLP(2, [16, 16, 1], fused=False)(x)
    operations = [sum(1 for v in out.topological_order() if v.op) for out in (fused, plain)]
    assert operations[0] == 16 + 16 + 1  # one node per neuron
    assert operations[0] * 10 < operations[1]


def _scalar_forward(model, x):
    """The network written out with math, independent of Value."""
    act = {"linear": lambda z: z, "relu": lambda z: max(z, 0.0), "tanh": math.tanh, "sigmoid": lambda z: 1 / (1 + math.exp(-z))}
    for layer in model.layers:
        x = [act[n.activation](sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data) for n in layer.neurons]
    return x


@pytest.mark.parametrize("fused", [True, False])
def test_forward_pass_matches_the_formula(fused):
    model = MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", seed=9, fused=fused)
    x = [0.2, -1.1, 0.7]
    assert [o.data for o in model(x)] == pytest.approx(_scalar_forward(model, x), rel=1e-12)


def test_parameter_gradients_match_finite_differences():
    model = MLP(2, [3, 1], seed=2)
    xs, ys = [[0.5, -1.0], [1.5, 0.3]], [1.0, -1.0]

    def loss():
        return mse([model(x) for x in xs], ys)

    model.zero_grad()
    loss().backward()
    h = 1e-6
    for p in model.parameters():
        original = p.data
        p.data = original + h
        up = loss().data
        p.data = original - h
        down = loss().data
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9)


# --- errors ----------------------------------------------------------------------------------------------


def test_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="^MLP expects 2 inputs, got 3$"):
        MLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer expects 3 inputs, got 1"):
        Layer(3, 2)([1.0])
    with pytest.raises(ValueError, match="Neuron expects 3 inputs, got 0"):
        Neuron(3)([])


@pytest.mark.parametrize("x", [1.0, "ab", None, Value(1.0)])
def test_input_that_is_not_a_list(x):
    with pytest.raises(TypeError, match="expects a list of 2 numbers"):
        MLP(2, [1])(x)


def test_input_with_a_non_number():
    with pytest.raises(TypeError, match="str 'a'"):
        MLP(2, [1])([1.0, "a"])


def test_unknown_activation_lists_the_choices():
    for make in (lambda: MLP(2, [3, 1], activation="softmax"), lambda: MLP(2, [3, 1], output_activation="gelu"),
                 lambda: Neuron(2, "Tanh"), lambda: Layer(2, 2, "")):  # fmt: skip
        with pytest.raises(ValueError, match="unknown activation.*linear, relu, tanh, sigmoid"):
            make()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: MLP(2, 16), "nouts lists the width of each layer"),
        (lambda: MLP(2, []), "nouts lists the width of each layer"),
        (lambda: MLP(0, [1]), "at least one input"),
        (lambda: MLP(2.0, [1]), "at least one input"),
        (lambda: MLP(2, [3, 0]), "at least one neuron"),
        (lambda: Neuron(0), "at least one input"),
        (lambda: Layer(2, 0), "at least one neuron"),
    ],
)
def test_bad_shapes(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_an_mlp_labels_each_parameter_by_layer_and_neuron():
    labels = [p.label for p in MLP(2, [2, 1]).parameters()]
    assert labels == ["L1n1 w1", "L1n1 w2", "L1n1 b", "L1n2 w1", "L1n2 w2", "L1n2 b", "L2n1 w1", "L2n1 w2", "L2n1 b"]
    assert [p.label for p in Neuron(2).parameters()] == ["w1", "w2", "b"]


@pytest.mark.parametrize("init, variance", [("xavier", lambda i, o: 2 / (i + o)), ("he", lambda i, o: 2 / i)])
def test_xavier_and_he_initial_weights_have_the_stated_variance(init, variance):
    import statistics

    model = MLP(120, [200, 40], init=init, seed=1)
    for layer in model.layers:
        fan_in, fan_out = len(layer.neurons[0].w), len(layer.neurons)
        weights = [w.data for neuron in layer.neurons for w in neuron.w]
        assert statistics.pvariance(weights) == pytest.approx(variance(fan_in, fan_out), rel=0.05)
        assert all(neuron.b.data == 0.0 for neuron in layer.neurons)


def test_uniform_init_is_the_default_and_keeps_the_old_weights():
    assert [p.data for p in MLP(2, [3, 1], seed=4).parameters()] == [
        p.data for p in MLP(2, [3, 1], seed=4, init="uniform").parameters()
    ]


def test_unknown_init_lists_the_choices():
    with pytest.raises(ValueError, match="unknown init 'glorot'; choose one of uniform, xavier, he"):
        MLP(2, [3, 1], init="glorot")


def test_state_dict_is_plain_floats_by_label_in_parameter_order_and_round_trips_through_json():
    import json

    model = MLP(2, [3, 2], seed=1)
    state = model.state_dict()
    assert list(state) == [p.label for p in model.parameters()]
    assert list(state.values()) == [p.data for p in model.parameters()]
    other = MLP(2, [3, 2], seed=2)
    other.load_state_dict(json.loads(json.dumps(state)))
    assert other.state_dict() == state
    assert other([0.3, -0.7]) is not None and [v.data for v in other([0.3, -0.7])] == [v.data for v in model([0.3, -0.7])]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("L2n1 b"), "missing 'L2n1 b'"),
        (lambda s: s.update({"L3n1 w1": 1.0}), "unexpected 'L3n1 w1'"),
        (lambda s: s.update({"L1n1 w1": [1.0, 2.0]}), "entry 'L1n1 w1' must be one number, got list"),
        (lambda s: s.update({"L1n1 w1": "0.5"}), "entry 'L1n1 w1' must be one number, got str"),
    ],
)
def test_load_state_dict_refuses_what_does_not_fit_and_changes_nothing(change, message):
    model = MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    state = MLP(2, [3, 1], seed=2).state_dict()
    change(state)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_a_standalone_layer_labels_its_neurons_so_its_state_has_unique_keys():
    from micrograd_mlp.nn import Layer

    assert list(Layer(2, 2).state_dict()) == ["n1 w1", "n1 w2", "n1 b", "n2 w1", "n2 w2", "n2 b"]


def test_numpy_integers_are_whole_numbers_for_sizes():
    import numpy as np

    model = MLP(np.int64(2), [np.int64(4), np.int32(1)])
    assert [p.data for p in model.parameters()] == [p.data for p in MLP(2, [4, 1]).parameters()]
