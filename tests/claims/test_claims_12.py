"""Notebook 12's claims, re-run with a numpy mirror of fit (the same steps, checked against the engine below), and
its quoted numbers compared with the outputs they quote (nbval keeps those outputs equal to a re-execution).

Claims tested: 10, one per test (the two test_the_mirror_... tests check the mirror itself). None was too slow
with the mirror.
"""

import inspect
import math
import re

import numpy as np
import pytest
from notebook_text import printed, prose, says
from numpy_mirror import accuracy_of, data_loss_and_delta, mirror_fit
from sklearn.model_selection import train_test_split

from micrograd_mlp import MLP, data, fit, load_dataset
from micrograd_mlp.optim import Adam

NB = "12"
X, Y = load_dataset("spirals", n_samples=300, classes=3, seed=0)
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = train_test_split(X, Y, test_size=100, random_state=0, stratify=Y)




def test_the_mirror_takes_fits_steps_for_three_classes():
    model = MLP(2, [5, 3], activation="relu", seed=4)
    history = fit(model, X_TRAIN[:40], Y_TRAIN[:40], loss="cross_entropy", optimizer="sgd", lr=0.05, momentum=0.9,
                  batch_size=10, steps=5, seed=2, progress=False)
    run = mirror_fit([5, 3], X_TRAIN[:40], Y_TRAIN[:40], seed=4, loss="cross_entropy", lr=0.05, momentum=0.9,
                     batch_size=10, batch_seed=2, steps=5)
    assert run.loss == pytest.approx(history.loss, rel=1e-9)


def test_adam_beats_sgd_with_momentum_on_each_of_the_five_seeds_its_worst_above_sgds_best():
    settings = {"sgd": dict(optimizer="sgd", lr=0.05, momentum=0.9), "adam": dict(optimizer="adam", lr=0.02)}
    accuracy = {name: [accuracy_of(mirror_fit([16, 16, 3], X_TRAIN, Y_TRAIN, seed=s, loss="cross_entropy", batch_size=20,
                                              steps=500, batch_seed=s, **options).scores(X_TEST), Y_TEST) for s in range(5)]
                for name, options in settings.items()}
    assert all(a > s for a, s in zip(accuracy["adam"], accuracy["sgd"]))
    assert min(accuracy["adam"]) > max(accuracy["sgd"])
    assert np.std(accuracy["adam"]) < np.std(accuracy["sgd"]) / 2
    out = printed(NB, "test_accuracy = {name: [] for name in settings}")
    assert "44% 58% 68% 58% 49%   mean 55.4% ± 8.3%" in out and "84% 78% 78% 80% 76%   mean 79.2% ± 2.7%" in out
    says(NB, "Adam wins on each of the five seeds: its worst run beats SGD's best", "Wilson et al.")


def test_batch_sizes_seed_0_full_batch_best_per_step_batch_10_best_per_pass():
    measured = {}
    for batch_size in (200, 50, 10):
        at = {}

        def measure(step, run, batch_size=batch_size, at=at):
            if (step + 1) * batch_size in (50 * batch_size, 10_000):
                at[(step + 1) * batch_size] = data_loss_and_delta(run.scores(X_TRAIN), Y_TRAIN, "cross_entropy")[0]

        mirror_fit([16, 16, 3], X_TRAIN, Y_TRAIN, seed=0, loss="cross_entropy", lr=0.05, momentum=0.9,
                   batch_size=batch_size, steps=10_000 // batch_size, batch_seed=0, on_step=measure)
        measured[batch_size] = (at[50 * batch_size], at[10_000])
    assert measured[200][0] < measured[50][0] < measured[10][0]  # after 50 steps each
    assert measured[10][1] < measured[50][1] < measured[200][1]  # after the same 10,000 passes
    out = printed(NB, "BUDGET, EVERY = 10_000, 500")
    for batch_size, (after_50, end) in measured.items():
        assert f"after 50 steps {after_50:.4f}, at the end {end:.4f}" in out
    text = says(NB, "(a loss of 0.7452 on all training points against 1.0300)", "This is one run per\nbatch size, all from seed 0")
    assert "on a GPU a batch\nof 200 costs little more" not in text and "costs little more time" not in text


def test_the_first_loss_is_a_little_above_log_3_and_training_ends_at_97_and_87_percent():
    out = printed(NB, 'history = fit(model, X_train, y_train, loss="cross_entropy", optimizer="adam", lr=0.02, steps=150')
    first = float(re.search(r"step 0 ([\d.]+)", out).group(1))
    assert math.log(3) < first < math.log(3) + 0.2
    assert "accuracy: training points 97%, test points 87%" in out
    run = mirror_fit([16, 16, 3], X_TRAIN, Y_TRAIN, seed=0, loss="cross_entropy", optimizer="adam", lr=0.02, steps=150)
    assert run.loss[0] == pytest.approx(first, abs=1e-4)
    says(NB, "Ours starts a little\nabove that")


def test_the_plateau_then_the_drop():
    out = printed(NB, 'history = fit(model, X_train, y_train, loss="cross_entropy", optimizer="adam", lr=0.02, steps=150')
    loss = {int(k): float(v) for k, v in re.findall(r"(\d+): ([\d.]+)", out.split("loss at steps")[1].split("\n")[0])}
    accuracy = {int(k): int(v) for k, v in re.findall(r"(\d+): (\d+)%", out.split("accuracy at steps")[1])}
    last = float(re.search(r"last step ([\d.]+)", out).group(1))
    assert abs(loss[10] - loss[50]) < 0.2 * loss[10]  # hardly moves until step 50 or so
    assert all(35 <= accuracy[k] <= 55 for k in (10, 30, 50))
    assert 4 < loss[50] / last < 7  # then falls by a factor of about five
    says(NB, "the loss hardly moves until step 50 or so", "the loss falls by a factor of five")


def test_no_pointer_to_a_notebook_that_does_not_follow_it_up():
    text = prose(NB)
    assert "notebook 13 returns to this" not in text


def test_adam_is_a_class_of_29_lines_whose_step_is_10():
    assert len(inspect.getsource(Adam).rstrip().splitlines()) == 29
    assert len(inspect.getsource(Adam.step).rstrip().splitlines()) == 10
    text = says(NB, "a class of 29 lines, whose update, the method `step`, is 10 lines long")
    assert "a dozen lines" not in text


def test_softmax_and_cross_entropy_numbers_are_the_printed_ones():
    assert "[0.7054, 0.2595, 0.0351]" in printed(NB, "probabilities = softmax([Value(2.0), Value(1.0), Value(-1.0)])")
    assert "loss at (1000, 0, -1000), class 2: 2000.0" in printed(NB, "loss at (1000, 0, -1000), class 2")
    says(NB, "gives 71% to the first class", "although the true loss is an ordinary number, 2000")
    text = prose(NB)
    assert "\\ln" not in text and "\\epsilon" not in text


def test_the_notebooks_numpy_contest_takes_fits_steps_and_each_optimiser_has_one_untuned_rate():
    out = printed(NB, "def numpy_fit(seed, optimizer, lr")
    assert "sgd: 20 steps of fit and of numpy_fit end with the same weights to 1e-10: True" in out
    assert "adam: 20 steps of fit and of numpy_fit end with the same weights to 1e-10: True" in out
    text = says(NB, "one learning rate, not tuned for this contest", "with one untuned learning rate\n  each, it beat SGD",
                "the step is approximately bounded by $\\eta$")
    assert "a learning rate that works well for it" not in text


def test_the_spiral_is_like_cs231ns_but_wound_more_tightly():
    assert inspect.signature(data.spirals).parameters["turns"].default == 1.5
    assert 4 / (2 * math.pi) < 0.7  # CS231n's case study: each arm spans 4 radians of angle, about 0.64 of a turn
    text = says(NB, "a three-armed spiral like the one in the case study of Stanford's",
                "course, wound more tightly (one and a half turns per\narm)", "Each arm makes one and a half turns")
    assert "the classic three-armed spiral" not in text


def test_sgd_same_multiple_of_the_gradient_qualified_for_momentum():
    text = says(NB, "SGD moves every parameter by the same multiple of its gradient (with momentum, as in section 6, of a decaying\nsum of its recent gradients)",
                "We use SGD with momentum 0.9")
    assert "## 6. Mini-batches" in text
