"""Notebook 13's exercises: the gradient size of each layer, and Xavier's uniform initialisation."""

import math
import random

import pytest

from micrograd_mlp.exercises.gradient_flow import check_layer_gradient_sizes, check_xavier_uniform, layer_weights

SIZES = "the gradient size of each layer"
XAVIER = "Xavier's uniform initialisation"


def verdict(capsys):
    return capsys.readouterr().out.strip()


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


WRONG_SIZES["zeroes the gradients"] = (changes_gradients, "changed the gradients")


@pytest.mark.parametrize("name", WRONG_SIZES)
def test_wrong_sizes_are_explained(name, capsys):
    answer, message = WRONG_SIZES[name]
    check_layer_gradient_sizes(answer)
    out = verdict(capsys)
    assert out.startswith(f"[✗] {SIZES}: not yet:") and message in out


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
}


@pytest.mark.parametrize("name", WRONG_XAVIER)
def test_wrong_xavier_is_explained(name, capsys):
    answer, message = WRONG_XAVIER[name]
    check_xavier_uniform(answer)
    out = verdict(capsys)
    assert out.startswith(f"[✗] {XAVIER}: not yet:") and message in out


@pytest.mark.parametrize("answer", [check for check, _ in WRONG_XAVIER.values()] + [check for check, _ in WRONG_SIZES.values()])
def test_messages_never_give_the_expected_value(answer, capsys):
    (check_xavier_uniform if "rng" in answer.__code__.co_varnames else check_layer_gradient_sizes)(answer)
    out = verdict(capsys)
    bound = math.sqrt(6.0 / (200 + 300))
    for secret in (f"{2.0 / 500:.3g}", f"{bound:.3g}", f"{bound:.4f}"):
        assert secret not in out
