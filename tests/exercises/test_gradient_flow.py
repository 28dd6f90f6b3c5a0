"""Notebook 13's exercises: the gradient size of each layer, and Xavier's uniform initialisation."""

import math
import random
import time

import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import diagnostics
from micrograd_mlp.exercises.gradient_flow import check_layer_gradient_sizes, check_xavier_uniform, layer_weights
from micrograd_mlp.nn import Layer

SIZES = "the gradient size of each layer"
XAVIER = "Xavier's uniform initialisation"


# ---------------------------------------------------------------- layer_gradient_sizes


def right_sizes(model):
    sizes = []
    for layer in model.layers:
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        sizes.append(sum(grads) / len(grads))
    return sizes


def right_sizes_as_a_tuple_of_numpy_numbers(model):
    import numpy as np

    return tuple(np.mean([abs(w.grad) for w in layer_weights(layer)]) for layer in model.layers)


@pytest.mark.parametrize("answer", [right_sizes, right_sizes_as_a_tuple_of_numpy_numbers])
def test_right_sizes_pass(answer, capsys):
    check_layer_gradient_sizes(answer)
    assert verdict(capsys) == f"[✓] {SIZES}: correct!"


def stub(model): ...


def stub_raises(model):
    raise NotImplementedError


@pytest.mark.parametrize("answer", [stub, stub_raises])
def test_a_stub_is_not_answered(answer, capsys):
    check_layer_gradient_sizes(answer)
    assert verdict(capsys).startswith(f"[ ] {SIZES}: not answered yet")


def mean(values):
    return sum(values) / len(values)


WRONG_SIZES = {
    "with biases": (lambda m: [mean([abs(p.grad) for p in layer.parameters()]) for layer in m.layers], "you included the biases"),
    "signed": (lambda m: [mean([w.grad for w in layer_weights(layer)]) for layer in m.layers], "take the absolute value"),
    "data": (lambda m: [mean([abs(w.data) for w in layer_weights(layer)]) for layer in m.layers], "averaged the weights' data"),
    "summed": (lambda m: [sum(abs(w.grad) for w in layer_weights(layer)) for layer in m.layers], "you summed |grad|"),
    "per neuron count": (
        lambda m: [sum(abs(w.grad) for w in layer_weights(layer)) / len(layer.neurons) for layer in m.layers],
        "divided by the number of neurons",
    ),
    "rms": (lambda m: [math.sqrt(mean([w.grad**2 for w in layer_weights(layer)])) for layer in m.layers], "root mean square"),
    "largest": (lambda m: [max(abs(w.grad) for w in layer_weights(layer)) for layer in m.layers], "the largest |grad|"),
    "reversed": (lambda m: right_sizes(m)[::-1], "reverse order"),
    "per neuron": (lambda m: [mean([abs(w.grad) for w in n.w]) for layer in m.layers for n in layer.neurons], "not one per neuron"),
    "nested": (lambda m: [[abs(w.grad) for w in layer_weights(layer)] for layer in m.layers], "not one per neuron"),
    "one short": (lambda m: right_sizes(m)[:-1], "layers, and your list has"),
    "no return": (lambda m: [right_sizes(m)] and None, "returned None"),
    "a number": (lambda m: mean(right_sizes(m)), "return a list with one number per layer"),
    "off a little": (lambda m: [s * 1.001 for s in right_sizes(m)], "is not right (to 9 significant digits)"),
}


def changes_gradients(model):
    model.zero_grad()
    return right_sizes(model)


def backward_then_restores_nothing(model):  # reads the gradients, then sets them all to 0 "to clean up"
    sizes = right_sizes(model)
    for p in model.parameters():
        p.grad = 0.0
    return sizes


def rounds_the_weights(model):
    for p in model.parameters():
        p.data = round(p.data, 2)
    return right_sizes(model)


def reverses_the_layers(model):
    model.layers.reverse()
    return right_sizes(model)[::-1]


def remembers_by_depth(model, cache={}):  # noqa: B006 - the mistake under test: a default argument keeps answers
    return cache.setdefault(len(model.layers), right_sizes(model))


def first_three_layers(model):  # enough for the small networks, not for the deep one
    return [right_sizes(model)[i] if i < 3 else 0.0 for i in range(len(model.layers))]


WRONG_SIZES.update({
    "zeroes the gradients": (changes_gradients, "changed the gradients"),
    "clears the gradients after reading them": (backward_then_restores_nothing, "changed the gradients"),
    "rounds the weights": (rounds_the_weights, "changed the weights' .data"),
    "reverses the layers": (reverses_the_layers, "changed the model's layers"),
    "remembers": (remembers_by_depth, "on an MLP("),
    "three layers": (first_three_layers, "model.layers[3] is not right"),
    "the package's": (lambda m: diagnostics.layer_gradient_sizes(m), "calls the package's layer_gradient_sizes"),
    "a dict": (lambda m: dict(enumerate(right_sizes(m))), "got dict"),
    "a set": (lambda m: set(right_sizes(m)), "got set"),
    "a generator": (lambda m: (s for s in right_sizes(m)), "got generator"),
})


@pytest.mark.parametrize("name", WRONG_SIZES)
def test_wrong_sizes_are_explained(name, capsys):
    answer, message = WRONG_SIZES[name]
    check_layer_gradient_sizes(answer)
    assert_rejected(verdict(capsys), f"{SIZES}: not yet:", message)


def endless_sizes(model):
    sizes = []
    while len(sizes) != -1:
        sizes.append(0.0)
        sizes.clear()


def endless_xavier(fan_in, fan_out, rng):
    rows = []
    while len(rows) < fan_out:
        rows.append([rng.uniform(-1, 1) for _ in range(fan_in)])
        rows = rows[:0]


@pytest.mark.parametrize("check, endless", [(check_layer_gradient_sizes, endless_sizes), (check_xavier_uniform, endless_xavier)])
def test_an_endless_loop_times_out(check, endless, monkeypatch):
    monkeypatch.setattr(check, "seconds", 1)
    start = time.perf_counter()
    assert check.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


def test_a_crash_names_the_case(capsys):
    check_layer_gradient_sizes(lambda model: [layer.weights for layer in model.layers])
    assert "raised AttributeError on an MLP(" in verdict(capsys)


# ---------------------------------------------------------------- xavier_uniform


def right_xavier(fan_in, fan_out, rng):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [[rng.uniform(-bound, bound) for _ in range(fan_in)] for _ in range(fan_out)]


def right_xavier_numpy(fan_in, fan_out, rng):
    import numpy as np

    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return np.array([[rng.uniform(-bound, bound) for _ in range(fan_in)] for _ in range(fan_out)])


@pytest.mark.parametrize("answer", [right_xavier, right_xavier_numpy])
def test_right_xavier_passes(answer, capsys):
    check_xavier_uniform(answer)
    assert verdict(capsys) == f"[✓] {XAVIER}: correct!"


def xavier_stub(fan_in, fan_out, rng): ...


def test_xavier_stub_is_not_answered(capsys):
    check_xavier_uniform(xavier_stub)
    assert verdict(capsys).startswith(f"[ ] {XAVIER}: not answered yet")


def uniform_with(bound_of, low=None):
    def answer(fan_in, fan_out, rng):
        bound = bound_of(fan_in, fan_out)
        return [[rng.uniform(-bound if low is None else low, bound) for _ in range(fan_in)] for _ in range(fan_out)]

    return answer


def global_random(fan_in, fan_out, rng):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [[random.uniform(-bound, bound) for _ in range(fan_in)] for _ in range(fan_out)]


def transposed(fan_in, fan_out, rng):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [[rng.uniform(-bound, bound) for _ in range(fan_out)] for _ in range(fan_in)]


def flat(fan_in, fan_out, rng):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [rng.uniform(-bound, bound) for _ in range(fan_in * fan_out)]


def normal(fan_in, fan_out, rng):
    sigma = math.sqrt(2.0 / (fan_in + fan_out))
    return [[rng.gauss(0.0, sigma) for _ in range(fan_in)] for _ in range(fan_out)]


WRONG_XAVIER = {
    "std as the bound": (uniform_with(lambda i, o: math.sqrt(2.0 / (i + o))), "a third of Xavier's"),
    "He": (uniform_with(lambda i, o: math.sqrt(6.0 / i)), "He's initialisation"),
    "fan_out only": (uniform_with(lambda i, o: math.sqrt(6.0 / o)), "2 / fan_out"),
    "no factor 2": (uniform_with(lambda i, o: math.sqrt(3.0 / (i + o))), "the factor 2"),
    "U(0, a)": (uniform_with(lambda i, o: math.sqrt(6.0 / (i + o)), low=0.0), "not centred on 0"),
    "lecture's U(-1, 1)": (uniform_with(lambda i, o: 1.0), "is not 2 / (fan_in + fan_out)"),
    "global random": (global_random, "draw every weight from the rng you are given"),
    "transposed": (transposed, "rows and columns are swapped"),
    "flat": (flat, "not a flat list of numbers"),
    "normal": (normal, "not a normal one"),
    "no return": (lambda fan_in, fan_out, rng: None if right_xavier(fan_in, fan_out, rng) else 0, "returned None"),
    # right where fan_in = 200 only: the first large draw (200, 300) passes, the others do not
    "one ratio only": (uniform_with(lambda i, o: math.sqrt(6.0 / (2.5 * i))), "on fan_in=600, fan_out=50"),
    "a fixed bound": (uniform_with(lambda i, o: math.sqrt(6.0 / 500)), "on fan_in=600, fan_out=50"),
    "the package's layer": (
        lambda fan_in, fan_out, rng: [[w.data for w in n.w] for n in Layer(fan_in, fan_out, rng=rng, init="xavier").neurons],
        "calls the package's Layer:",
    ),
    "a dict": (lambda fan_in, fan_out, rng: dict(enumerate(right_xavier(fan_in, fan_out, rng))), "got dict"),
    "a set of rows": (lambda fan_in, fan_out, rng: {tuple(row) for row in right_xavier(fan_in, fan_out, rng)}, "got set"),
    "text": (lambda fan_in, fan_out, rng: [[str(w) for w in row] for row in right_xavier(fan_in, fan_out, rng)],
             "each weight should be a number"),
}


@pytest.mark.parametrize("name", WRONG_XAVIER)
def test_wrong_xavier_is_explained(name, capsys):
    answer, message = WRONG_XAVIER[name]
    check_xavier_uniform(answer)
    assert_rejected(verdict(capsys), f"{XAVIER}: not yet:", message)


@pytest.mark.parametrize("answer", [check for check, _ in WRONG_XAVIER.values()] + [check for check, _ in WRONG_SIZES.values()])
def test_messages_never_give_the_expected_value(answer, capsys):
    (check_xavier_uniform if "rng" in answer.__code__.co_varnames else check_layer_gradient_sizes)(answer)
    out = verdict(capsys)
    bound = math.sqrt(6.0 / (200 + 300))
    for secret in (f"{2.0 / 500:.3g}", f"{bound:.3g}", f"{bound:.4f}"):
        assert secret not in out


# ---------------------------------------------------------------- issue 16, second adversarial round


def sizes_with_a_none(model):
    return right_sizes(model)[:-1] + [None]


def sizes_as_text(model):
    return [f"{size:.6f}" for size in right_sizes(model)]


def sizes_in_float32(model):
    import numpy as np

    return [np.float32(size) for size in right_sizes(model)]


@pytest.mark.parametrize(
    "answer, words",
    [
        (sizes_with_a_none, ["should be a number", "None"]),
        (sizes_as_text, ["should be a number"]),
        (sizes_in_float32, ["close but not exact", "float32"]),
    ],
)
def test_second_round_wrong_sizes_are_named(answer, words, capsys):
    check_layer_gradient_sizes(answer)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "not answered" not in out and "per neuron" not in out


def two_values(fan_in, fan_out, rng):  # ±σ: centred, inside [−a, a], the right variance, and not uniform
    s = math.sqrt(2.0 / (fan_in + fan_out))
    return [[rng.choice([-s, s]) for _ in range(fan_in)] for _ in range(fan_out)]


def half_and_half(fan_in, fan_out, rng):  # half uniform, half ±σ: the same variance again
    bound, s = math.sqrt(6.0 / (fan_in + fan_out)), math.sqrt(2.0 / (fan_in + fan_out))
    return [[rng.uniform(-bound, bound) if rng.random() < 0.5 else rng.choice([-s, s]) for _ in range(fan_in)]
            for _ in range(fan_out)]


def rows_of_generators(fan_in, fan_out, rng):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [(rng.uniform(-bound, bound) for _ in range(fan_in)) for _ in range(fan_out)]


def a_none_weight(fan_in, fan_out, rng):
    rows = right_xavier(fan_in, fan_out, rng)
    rows[0][0] = None
    return rows


@pytest.mark.parametrize(
    "answer, words",
    [
        (two_values, ["not spread evenly"]),
        (half_and_half, ["not spread evenly"]),
        (rows_of_generators, ["generator", "list"]),
        (a_none_weight, ["is None"]),
    ],
)
def test_second_round_wrong_xavier_is_named(answer, words, capsys):
    check_xavier_uniform(answer)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "not answered" not in out and "rng you are given" not in out
    for variance in (2 / 500, 2 / 650, 2 / 950):  # the large draws' 2 / (fan_in + fan_out) is never shown
        assert f"{variance:.3g}" not in out and f"{variance:.2g}" not in out, out
