"""Notebook 11's exercise: a train/test split by hand, right and in each of its typical wrong forms."""

import random
import time

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from verdicts import assert_rejected, verdict

from micrograd_mlp.exercises.generalisation import check_split


def right(X, y, n_test, seed):
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def with_sample(X, y, n_test, seed):
    test = random.Random(seed).sample(range(len(X)), n_test)
    train = [i for i in range(len(X)) if i not in set(test)]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def with_numpy(X, y, n_test, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    X, y = np.array(X), np.array(y)
    return X[order[n_test:]], X[order[:n_test]], y[order[n_test:]], y[order[:n_test]]


def tuples_of_tuples(X, y, n_test, seed):
    return tuple(tuple(tuple(x) if isinstance(x, list) else x for x in part) for part in right(X, y, n_test, seed))


@pytest.mark.parametrize("split", [right, with_sample, with_numpy, tuples_of_tuples])
def test_a_right_split_passes(split, capsys):
    check_split(split)
    assert verdict(capsys) == "[✓] a train/test split by hand: correct!"


def stub_ellipsis(X, y, n_test, seed):
    ...


def stub_raises(X, y, n_test, seed):
    raise NotImplementedError


@pytest.mark.parametrize("stub", [stub_ellipsis, stub_raises])
def test_a_stub_is_not_answered(stub, capsys):
    check_split(stub)
    assert verdict(capsys).startswith("[ ] a train/test split by hand: not answered yet")


def last_points(X, y, n_test, seed):
    cut = len(X) - n_test
    return X[:cut], X[cut:], y[:cut], y[cut:]


def first_points(X, y, n_test, seed):
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]


def sample_tested_but_all_trained(X, y, n_test, seed):
    # tests on a random sample but trains on every point: the test points leak into training
    chosen = random.Random(seed).sample(range(len(X)), n_test)
    return list(X), [X[i] for i in chosen], list(y), [y[i] for i in chosen]


def shuffled_separately(X, y, n_test, seed):
    rng = random.Random(seed)
    X, y = list(X), list(y)
    rng.shuffle(X)
    rng.shuffle(y)
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]


def with_replacement(X, y, n_test, seed):
    rng = random.Random(seed)
    picks = [rng.randrange(len(X)) for _ in X]
    test, train = picks[:n_test], picks[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def unseeded(X, y, n_test, seed):
    order = list(range(len(X)))
    random.shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def seed_ignored(X, y, n_test, seed):
    return right(X, y, n_test, 0)


def shuffles_the_callers_lists(X, y, n_test, seed):
    random.Random(seed).shuffle(X)
    random.Random(seed).shuffle(y)  # the same order for both: the pairs stay together
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]


def one_too_many(X, y, n_test, seed):
    return right(X, y, n_test + 1, seed)


def swapped(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_test, X_train, y_test, y_train


def sklearn_order_confused(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train, y_train, X_test, y_test


def forgets_to_return(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)  # computed, but never returned


def drops_a_point(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train[1:], X_test, y_train[1:], y_test


def three_things(X, y, n_test, seed):
    return right(X, y, n_test, seed)[:3]


def rescaled(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return [[2 * v for v in x] for x in X_train], X_test, y_train, y_test


def with_scikit_learn(X, y, n_test, seed):
    return train_test_split(X, y, test_size=n_test, random_state=seed)


def sorts_the_callers_labels(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    y.sort(reverse=True)
    return X_train, X_test, y_train, y_test


def labels_as_text(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train, X_test, [[label] for label in y_train], y_test


def labels_as_strings(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train, X_test, [str(label) for label in y_train], [str(label) for label in y_test]


def labels_by_first_digit(X, y, n_test, seed):  # right for labels 0 to 9, wrong for 10 and 11
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train, X_test, [int(str(label)[0]) for label in y_train], [int(str(label)[0]) for label in y_test]


_shared = random.Random(0)


def keeps_a_generator(X, y, n_test, seed):  # seeds one generator once, then keeps drawing from it
    order = list(range(len(X)))
    _shared.shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def at_least_two_test_points(X, y, n_test, seed):
    return right(X, y, max(n_test, 2), seed)


def crashes(X, y, n_test, seed):
    return X[n_test + len(X)]


@pytest.mark.parametrize(
    "split, message",
    [
        (last_points, "your test part is the first or the last n_test points, not a random choice"),
        (first_points, "Shuffle before you cut"),
        (sample_tested_but_all_trained, "that is leakage, the model would be tested on points it trained on"),
        (shuffled_separately, "labels got separated from their points"),
        (with_replacement, "appears twice in your training part: draw without replacement"),
        (unseeded, "two calls with the same seed (3) gave different splits: draw with random.Random(seed)"),
        (seed_ignored, "some gave the same test points"),
        (lambda X, y, n_test, seed: right(X, y, n_test, seed % 2), "some gave the same test points"),
        (lambda X, y, n_test, seed: right(X, y, n_test, seed & 0xFFFF), "using the whole seed"),
        (shuffles_the_callers_lists, "your function changed the caller's X on 60 points"),
        (sorts_the_callers_labels, "your function changed the caller's y on 60 points"),
        (with_scikit_learn, "calls scikit-learn's train_test_split"),
        (lambda X, y, n_test, seed: dict(enumerate(right(X, y, n_test, seed))), "returned a dict: return four things"),
        (lambda X, y, n_test, seed: set(map(id, right(X, y, n_test, seed))), "returned a set: return four things"),
        (labels_as_text, "a label in y_train or y_test should be a number, but it is list"),
        (labels_as_strings, "a label in y_train or y_test should be a number, but it is str"),
        (labels_by_first_digit, "labels got separated from their points"),
        (keeps_a_generator, "gave different splits"),
        (at_least_two_test_points, "the test part should hold n_test points"),
        (one_too_many, "the test part should hold n_test points (the number you were given)"),
        (swapped, "the training and test parts are swapped"),
        (sklearn_order_confused, "the second thing you return holds labels, not points: return in scikit-learn's order"),
        (forgets_to_return, "your function returned None: it should return X_train, X_test, y_train, y_test (is a `return` missing?)"),
        (drops_a_point, "some points are in neither part"),
        (three_things, "return four things, in scikit-learn's order: X_train, X_test, y_train, y_test"),
        (rescaled, "a point that is not one of the input points"),
        (crashes, "your code raised IndexError on 60 points with n_test=15, seed=3"),
    ],
    ids=lambda value: getattr(value, "__name__", "message"),
)
def test_each_typical_mistake_is_named(split, message, capsys):
    check_split(split)
    assert_rejected(verdict(capsys), "a train/test split by hand: not yet:", message)


def test_an_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(check_split, "seconds", 1)

    def endless(X, y, n_test, seed):
        order = list(range(len(X)))
        while len(set(order[:n_test])) <= n_test:  # never false
            random.Random(seed).shuffle(order)

    start = time.perf_counter()
    assert check_split.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


# --- issue 16, second adversarial round ---------------------------------------------------------------


def with_numpy_legacy(X, y, n_test, seed):  # np.random.RandomState takes seeds below 2**32 only
    order = np.random.RandomState(seed).permutation(len(X))
    return [X[i] for i in order[n_test:]], [X[i] for i in order[:n_test]], [y[i] for i in order[n_test:]], \
        [y[i] for i in order[:n_test]]


def test_numpy_legacy_random_state_is_right(capsys):
    check_split(with_numpy_legacy)
    assert verdict(capsys) == "[✓] a train/test split by hand: correct!"


def seed_cut_short(X, y, n_test, seed):
    return right(X, y, n_test, seed % 1000)


def part_shuffled(X, y, n_test, seed):  # shuffles only the first three quarters of the indices
    n = len(X)
    head = list(range(max(n_test, 3 * n // 4)))
    random.Random(seed).shuffle(head)
    test = head[:n_test]
    train = [i for i in range(n) if i not in test]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def shuffle_split(X, y, n_test, seed):
    from sklearn.model_selection import ShuffleSplit

    train, test = next(ShuffleSplit(n_splits=1, test_size=n_test, random_state=seed).split(X))
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def sklearn_shuffle(X, y, n_test, seed):
    from sklearn.utils import shuffle

    X, y = shuffle(X, y, random_state=seed)
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]


def none_labels(X, y, n_test, seed):
    X_train, X_test, y_train, y_test = right(X, y, n_test, seed)
    return X_train, X_test, y_train, [None] * len(y_test)


@pytest.mark.parametrize(
    "split, words",
    [
        (seed_cut_short, ["the whole seed"]),
        (part_shuffled, ["shuffle the whole list"]),
        (shuffle_split, ["scikit-learn's ShuffleSplit", "yourself"]),
        (sklearn_shuffle, ["scikit-learn's shuffle", "yourself"]),
        (none_labels, ["is None"]),
    ],
)
def test_second_round_wrong_splits_are_named(split, words, capsys):
    check_split(split)
    out = verdict(capsys)
    assert_rejected(out, *words)
    assert "not answered" not in out
