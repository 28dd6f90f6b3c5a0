"""A property battery for the parts added last: the multi-class losses, Trainer, the playground's Settings, diagnostics.

Hypothesis draws random batches, models, settings and data; each test states a law the part must keep
whatever it is given: a mathematical identity, a determinism, or "a clear ValueError, never another
exception". Derandomized, so CI sees the same examples on every run.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_mlp import MLP, Trainer, Value, load_dataset, losses
from micrograd_mlp.diagnostics import dead_relus, layer_outputs
from micrograd_mlp.playground import Settings

BATTERY = settings(derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
logit = st.floats(-50.0, 50.0)


@st.composite
def batches(draw):
    """Logits of n examples over K classes, and a label for each."""
    classes = draw(st.integers(2, 5))
    n = draw(st.integers(1, 6))
    logits = [[draw(logit) for _ in range(classes)] for _ in range(n)]
    labels = [draw(st.integers(0, classes - 1)) for _ in range(n)]
    return logits, labels


def softmax(row):
    shifted = np.exp(np.asarray(row) - max(row))
    return shifted / shifted.sum()


@BATTERY
@given(batches(), st.floats(-100.0, 100.0))
def test_cross_entropy_ignores_a_constant_added_to_a_row(batch, shift):
    logits, labels = batch
    moved = [[z + shift for z in row] for row in logits]
    assert losses.cross_entropy(moved, labels).data == pytest.approx(losses.cross_entropy(logits, labels).data, abs=1e-9)


@BATTERY
@given(batches())
def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_n(batch):
    logits, labels = batch
    values = [[Value(z) for z in row] for row in logits]
    loss = losses.cross_entropy(values, labels)
    loss.backward()
    n = len(logits)
    for row, raw, label in zip(values, logits, labels):
        expected = softmax(raw) - np.eye(len(raw))[label]
        assert [z.grad for z in row] == pytest.approx(list(expected / n), abs=1e-12)
    assert math.isfinite(loss.data) and loss.data >= 0.0


@BATTERY
@given(batches())
def test_accuracy_over_k_classes_is_the_share_of_argmax_hits(batch):
    logits, labels = batch
    hits = np.mean([int(np.argmax(row)) == label for row, label in zip(logits, labels)])
    assert losses.accuracy(logits, labels) == pytest.approx(hits)
    assert losses.accuracy(np.asarray(logits), np.asarray(labels)) == pytest.approx(hits)


@settings(derandomize=True, deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 50), st.sampled_from(["hinge", "bce", "mse"]), st.sampled_from(["sgd", "adam"]),
       st.sampled_from([None, 4]), st.sampled_from([0.0, 1e-3]))
def test_a_trainer_is_deterministic_and_its_validation_loss_is_data_plus_penalty(seed, loss, optimizer, batch, alpha):
    X, y = load_dataset("moons", n_samples=16, seed=seed % 5 + 1)

    def run():
        trainer = Trainer(MLP(2, [3, 1], seed=seed), X, y, loss=loss, optimizer=optimizer, lr=0.05, alpha=alpha,
                          batch_size=batch, seed=seed, validation=(X[:6], y[:6]))
        for _ in range(3):
            trainer.step()
        return trainer.history

    first, again = run(), run()
    assert first == again
    penalties = [total - data for total, data in zip(first.val_loss, first.val_data_loss)]
    assert all(p >= 0.0 for p in penalties) and (alpha or all(p == 0.0 for p in penalties))


anything = st.one_of(st.none(), st.booleans(), st.integers(-5, 500), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=4), st.lists(st.integers(0, 40), max_size=3))


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.fixed_dictionaries({}, optional={
    "dataset": st.one_of(st.sampled_from(["moons", "circles", "xor", "spirals", "digits"]), anything),
    "noise": anything, "n_samples": anything, "test_fraction": anything, "hidden": anything,
    "activation": st.one_of(st.sampled_from(["tanh", "relu"]), anything),
    "loss": st.one_of(st.sampled_from(["hinge", "mse", "bce", "cross_entropy"]), anything), "lr": anything,
    "batch_size": anything, "alpha": anything, "seed": anything,
}))
def test_settings_take_a_value_or_say_why_never_another_error(values):
    try:
        made = Settings(**values)
    except ValueError as error:
        assert str(error)
        return
    assert Settings(**{name: getattr(made, name) for name in values}) == made  # what it stored, it takes again


@settings(derandomize=True, deadline=None, max_examples=25)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.integers(1, 7), st.integers(0, 30))
def test_layer_outputs_have_one_row_per_point_and_dead_relus_stay_within_the_width(widths, points, seed):
    model = MLP(2, [*widths, 1], activation="relu", seed=seed)
    X = np.random.default_rng(seed).normal(size=(points, 2)).tolist()
    assert [a.shape for a in layer_outputs(model, X)] == [(points, width) for width in [*widths, 1]]
    assert all(0 <= dead <= width for dead, width in zip(dead_relus(model, X), widths))
