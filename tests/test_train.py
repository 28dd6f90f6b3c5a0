"""The training loop: it learns, it is reproducible, it stops with a clear message when it diverges."""

import math

import pytest

from micrograd_mlp.data import load
from micrograd_mlp.nn import MLP
from micrograd_mlp.optim import linear_decay
from micrograd_mlp.train import History, TrainingDiverged, fit


@pytest.fixture(scope="module")
def moons():
    return load("moons", n_samples=40, noise=0.1, seed=1)


def weights(model):
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_training_reduces_the_loss(moons, loss):
    X, y = moons
    model = MLP(2, [8, 8, 1], activation="relu")
    history = fit(model, X, y, loss=loss, steps=40, lr=0.1 if loss != "hinge" else None, progress=False)
    assert len(history.loss) == len(history.accuracy) == len(history.lr) == 40
    assert history.loss[-1] < 0.8 * history.loss[0]
    assert history.accuracy[-1] >= 0.8
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_learns_xor_with_a_hidden_layer():
    X, y = load("xor", n_samples=40, noise=0.05, seed=2)
    model = MLP(2, [8, 1], activation="tanh")
    history = fit(model, X, y, loss="hinge", steps=80, progress=False)
    assert history.accuracy[-1] >= 0.9


def test_same_seed_same_history_and_weights(moons):
    X, y = moons
    runs = []
    for _ in range(2):
        model = MLP(2, [6, 6, 1], seed=3)
        history = fit(model, X, y, steps=15, batch_size=10, momentum=0.5, seed=4, progress=False)
        runs.append((history, weights(model)))
    assert runs[0][0] == runs[1][0]  # History is a dataclass: compares every list exactly
    assert runs[0][1] == runs[1][1]


def test_the_batch_seed_matters(moons):
    X, y = moons
    histories = [fit(MLP(2, [6, 1], seed=3), X, y, steps=5, batch_size=10, seed=s, progress=False) for s in (1, 2)]
    assert histories[0].loss != histories[1].loss


def test_the_model_seed_matters(moons):
    X, y = moons
    histories = [fit(MLP(2, [6, 1], seed=s), X, y, steps=3, progress=False) for s in (1, 2)]
    assert histories[0].loss != histories[1].loss


def test_default_learning_rate_decays_linearly_from_one_towards_a_tenth(moons):
    X, y = moons
    history = fit(MLP(2, [4, 1]), X, y, steps=10, progress=False)
    assert history.lr == pytest.approx([1.0 - 0.09 * i for i in range(10)])  # linear_decay(1.0, 0.1, steps)


def test_a_schedule_or_a_number_as_learning_rate(moons):
    X, y = moons
    assert fit(MLP(2, [4, 1]), X, y, steps=3, lr=0.05, progress=False).lr == [0.05] * 3
    history = fit(MLP(2, [4, 1]), X, y, steps=3, lr=linear_decay(0.3, 0.0, 3), progress=False)
    assert history.lr == pytest.approx([0.3, 0.2, 0.1])


def test_the_loss_includes_the_l2_penalty(moons):
    X, y = moons
    plain = fit(MLP(2, [4, 1]), X, y, steps=1, alpha=0.0, progress=False)
    model = MLP(2, [4, 1])
    penalty = 0.5 * sum(p.data**2 for p in model.parameters())
    penalised = fit(model, X, y, steps=1, alpha=0.5, progress=False)
    assert penalised.loss[0] == pytest.approx(plain.loss[0] + penalty, rel=1e-12)


def test_labels_of_either_form_give_the_same_training(moons):
    X, y = moons
    as_01 = fit(MLP(2, [4, 1]), X, y, loss="hinge", steps=3, progress=False)
    as_pm1 = fit(MLP(2, [4, 1]), X, [2 * label - 1 for label in y], loss="hinge", steps=3, progress=False)
    assert as_01 == as_pm1


def test_on_step_is_called_after_each_update(moons):
    X, y = moons
    calls = []
    model = MLP(2, [4, 1])
    fit(model, X, y, steps=4, progress=False, on_step=lambda step, m, h: calls.append((step, m is model, len(h.loss))))
    assert calls == [(0, True, 1), (1, True, 2), (2, True, 3), (3, True, 4)]


def test_log_every_prints_lines(moons, capsys):
    X, y = moons
    fit(MLP(2, [4, 1]), X, y, steps=5, log_every=2, progress=False)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["0", "2", "4"]
    assert all("loss" in line and "accuracy" in line for line in lines)


def test_progress_bar_shows_loss_and_accuracy(moons, capsys):
    X, y = moons
    fit(MLP(2, [4, 1]), X, y, steps=3, progress=True)
    err = capsys.readouterr().err
    assert "training (hinge)" in err and "3/3" in err


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_a_huge_learning_rate_stops_with_a_clear_message(moons, loss):
    X, y = moons
    model = MLP(2, [8, 8, 1], activation="relu")
    with pytest.raises(TrainingDiverged) as caught:
        fit(model, X, y, loss=loss, lr=1e100, steps=50, progress=False)
    error = caught.value
    message = str(error)
    history = error.history
    assert isinstance(history, History)
    assert 1 <= len(history.loss) < 50  # the steps before it went wrong are kept
    step = len(history.loss)
    assert f"at step {step}" in message
    assert "smaller learning rate" in message and "lr=1e+99" in message
    assert all(math.isfinite(v) for v in history.loss)
    assert isinstance(error, ArithmeticError)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(loss="cross-entropy"), "unknown loss 'cross-entropy'; choose one of hinge, mse, bce, cross_entropy"),
        (dict(steps=0), "steps must be a whole number of at least 1"),
        (dict(steps=2.5), "steps must be a whole number"),
        (dict(batch_size=0), "batch_size must be between 1 and 40"),
        (dict(batch_size=41), "batch_size must be between 1 and 40"),
        (dict(momentum=1.0), "momentum"),
        (dict(lr=-1.0), "learning rate must be positive"),
    ],
)
def test_bad_arguments(moons, kwargs, message):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        fit(MLP(2, [4, 1]), X, y, progress=False, **kwargs)


def test_data_and_labels_must_pair_up(moons):
    X, y = moons
    with pytest.raises(ValueError, match="40 points and 39 labels"):
        fit(MLP(2, [4, 1]), X, y[:-1], progress=False)
    with pytest.raises(ValueError, match="non-empty"):
        fit(MLP(2, [4, 1]), [], [], progress=False)


@pytest.fixture(scope="module")
def three_spirals():
    return load("spirals", n_samples=60, classes=3, seed=0)


def test_cross_entropy_with_adam_learns_three_classes_and_reports_argmax_accuracy(three_spirals):
    X, y = three_spirals
    model = MLP(2, [16, 16, 3], activation="relu")
    history = fit(model, X, y, loss="cross_entropy", optimizer="adam", lr=0.05, steps=100, progress=False)
    assert history.loss[-1] < 0.3 * history.loss[0]
    assert history.accuracy[-1] >= 0.9
    assert fit(model, X, y, loss="cross_entropy", optimizer="adam", steps=2, progress=False).lr == [0.01, 0.01]
    predictions = [max(range(3), key=lambda k: model(x)[k].data) for x in X]
    assert history.accuracy[-1] == pytest.approx(sum(p == label for p, label in zip(predictions, y)) / len(y), abs=0.05)


def test_adam_in_fit_follows_the_optimizer_step_by_step(moons):
    from micrograd_mlp.losses import hinge, l2_penalty
    from micrograd_mlp.optim import Adam

    X, y = moons
    fitted = MLP(2, [4, 1], seed=2)
    fit(fitted, X, y, optimizer="adam", lr=0.05, steps=5, progress=False)
    by_hand = MLP(2, [4, 1], seed=2)
    optimizer = Adam(by_hand.parameters(), lr=0.05)
    labels = [1.0 if label > 0 else -1.0 for label in y]
    for _ in range(5):
        loss = hinge([by_hand(x) for x in X], labels) + l2_penalty(by_hand.parameters(), 1e-4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert weights(fitted) == pytest.approx(weights(by_hand), abs=1e-12)


def test_validation_is_measured_with_the_weights_of_each_step_and_builds_no_graph(moons):
    from micrograd_mlp.losses import accuracy as accuracy_of, hinge, l2_penalty

    X, y = moons
    X_val, y_val = load("moons", n_samples=20, seed=9)
    model = MLP(2, [4, 1], seed=1)
    seen = []

    def record(step, m, history):  # the weights after step k are the ones step k + 1 measures
        labels = [1.0 if label > 0 else -1.0 for label in y_val]
        scores = [m(x) for x in X_val]
        seen.append((hinge(scores, labels).data + l2_penalty(m.parameters(), 1e-4).data, accuracy_of(scores, labels)))

    history = fit(model, X, y, steps=4, validation=(X_val, y_val), progress=False, on_step=record)
    assert len(history.val_loss) == len(history.val_accuracy) == 4
    assert history.val_loss[1:] == pytest.approx([loss for loss, _ in seen[:3]], rel=1e-12)
    assert history.val_accuracy[1:] == [acc for _, acc in seen[:3]]
    assert fit(MLP(2, [4, 1]), X, y, steps=2, progress=False).val_loss == []


def test_val_data_loss_is_the_validation_loss_without_the_penalty(moons):
    from micrograd_mlp.losses import binary_cross_entropy, l2_penalty

    X, y = moons
    X_val, y_val = load("moons", n_samples=20, seed=9)
    model = MLP(2, [4, 1], seed=1)
    alpha = 0.05  # large, so that the penalty is far from negligible
    seen = []

    def record(step, m, history):  # the weights after step k are the ones step k + 1 measures
        data = binary_cross_entropy([m(x) for x in X_val], list(y_val)).data
        seen.append((data, data + l2_penalty(m.parameters(), alpha).data))

    history = fit(model, X, y, loss="bce", steps=4, lr=0.1, alpha=alpha, validation=(X_val, y_val),
                  progress=False, on_step=record)
    assert len(history.val_data_loss) == len(history.val_loss) == 4
    assert history.val_data_loss[1:] == pytest.approx([data for data, _ in seen[:3]], rel=1e-12)
    assert history.val_loss[1:] == pytest.approx([total for _, total in seen[:3]], rel=1e-12)
    assert all(total - data > 0.01 for total, data in zip(history.val_loss, history.val_data_loss))
    unpenalised = fit(MLP(2, [4, 1], seed=1), X, y, loss="bce", steps=3, alpha=0.0, validation=(X_val, y_val), progress=False)
    assert unpenalised.val_data_loss == unpenalised.val_loss  # no penalty: the two are the same numbers
    assert fit(MLP(2, [4, 1]), X, y, steps=2, progress=False).val_data_loss == []


def test_the_trainer_steps_one_at_a_time_exactly_like_fit(moons):
    from micrograd_mlp.train import Trainer

    X, y = moons
    model = MLP(2, [4, 1], seed=5)
    trainer = Trainer(model, X, y, loss="bce", lr=0.2, batch_size=8, seed=3)
    for _ in range(6):
        trainer.step()
    other = MLP(2, [4, 1], seed=5)
    history = fit(other, X, y, loss="bce", lr=0.2, batch_size=8, seed=3, steps=6, progress=False)
    assert trainer.history == history
    assert weights(model) == weights(other)


def test_numpy_arrays_and_tuples_train_like_lists(moons):
    import numpy as np

    X, y = moons
    as_lists = fit(MLP(2, [4, 1]), X, y, steps=3, progress=False)
    as_arrays = fit(MLP(2, [4, 1]), np.array(X), np.array(y), steps=np.int64(3), batch_size=None, progress=False)
    as_tuples = fit(MLP(2, [4, 1]), [tuple(x) for x in X], tuple(y), steps=3, progress=False)
    assert as_lists == as_arrays == as_tuples


def test_fit_refuses_to_train_inside_no_grad(moons):
    from micrograd_mlp.engine import no_grad

    X, y = moons
    model = MLP(2, [4, 1])
    before = weights(model)
    with no_grad(), pytest.raises(RuntimeError, match="cannot train inside `with no_grad\\(\\):`"):
        fit(model, X, y, steps=3, progress=False)
    assert weights(model) == before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(alpha=-1.0), "alpha .* must be a finite number, 0 or more, got -1.0"),
        (dict(alpha=float("nan")), "alpha .* got nan"),
        (dict(alpha=float("inf")), "alpha .* got inf"),
        (dict(batch_size=2.5), "batch_size must be a whole number"),
        (dict(optimizer="rmsprop"), "unknown optimizer 'rmsprop'; choose one of sgd, adam"),
        (dict(validation=([[0.0, 1.0]], [1.0, 0.0])), "validation must be non-empty and equally long"),
        (dict(validation=[[0.0, 1.0]]), "validation must be a pair"),
    ],
)
def test_more_bad_arguments_are_refused_before_training(moons, kwargs, message):
    X, y = moons
    model = MLP(2, [4, 1])
    before = weights(model)
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, progress=False, **kwargs)
    assert weights(model) == before


def test_the_loss_must_fit_the_number_of_outputs(moons, three_spirals):
    X, y = moons
    with pytest.raises(ValueError, match="loss 'hinge' needs a model with one output, this model has 3: .*cross_entropy"):
        fit(MLP(2, [4, 3]), X, y, progress=False)
    with pytest.raises(ValueError, match="'cross_entropy' needs a model with one output per class"):
        fit(MLP(2, [4, 1]), X, y, loss="cross_entropy", progress=False)
    X3, y3 = three_spirals
    with pytest.raises(ValueError, match="label 2 is 2.0, but with 2 classes"):
        fit(MLP(2, [4, 2]), X3, y3, loss="cross_entropy", progress=False)


@pytest.mark.parametrize(
    "X, y, message",
    [
        ([[0.0, float("nan")], [1.0, 1.0]], [0.0, 1.0], r"point 0 is \[0.0, nan\]: every coordinate must be a finite number"),
        ([[0.0, 1.0], [1.0, 1.0]], [float("nan"), 1.0], "label 0 is nan; labels must be finite numbers"),
        ([[0.0, 1.0], [1.0, 1.0]], ["a", "b"], "label 0 is 'a'; labels must be finite numbers"),
    ],
)
def test_bad_points_and_labels_are_refused_before_training(X, y, message):
    with pytest.raises(ValueError, match=message):
        fit(MLP(2, [4, 1]), X, y, progress=False)


def test_a_numpy_seed_makes_the_same_network():
    import numpy as np

    assert weights(MLP(2, [3, 1], seed=np.int64(5))) == weights(MLP(2, [3, 1], seed=5))


def test_validation_of_a_model_that_is_not_an_mlp_runs_it_point_by_point(moons):
    from micrograd_mlp.losses import accuracy as accuracy_of, hinge
    from micrograd_mlp.nn import Neuron

    X, y = moons
    neuron = Neuron(2, activation="linear")
    before = [[p.data for p in neuron.parameters()]]
    history = fit(neuron, X, y, steps=1, alpha=0.0, validation=(X[:10], y[:10]), progress=False)
    neuron_at_start = Neuron(2, activation="linear")
    labels = [1.0 if label > 0 else -1.0 for label in y[:10]]
    scores = [neuron_at_start(x) for x in X[:10]]
    assert [p.data for p in neuron_at_start.parameters()] == before[0]
    assert history.val_loss == [hinge(scores, labels).data]
    assert history.val_accuracy == [accuracy_of(scores, labels)]
