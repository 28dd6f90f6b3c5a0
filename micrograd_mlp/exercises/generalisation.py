"""Checks for notebook 11, generalisation and evidence.

``check_split`` tests a train/test split written by hand on hidden data: the
data are sorted by class (as real files often are), so a split that forgets
to shuffle gives a test set of one class, and every point carries its own
index, so a point used twice (leakage) or a label separated from its point
is found and named.
"""

import random

from . import Mistake, call, exercise
from ._stubs import returned

__all__ = ["check_split"]

# (number of points, number of test points, seed): sizes and seeds the notebook never uses. Each test part is
# big enough that a random one is practically never the first or last n_test points, which would look unshuffled.
_CASES = [(60, 15, 3), (41, 10, 11), (30, 21, 5)]


def _hidden_data(n, seed):
    """n points [i, noise] sorted by class: the first half class 0, the rest class 1."""
    rng = random.Random(1000 + seed)
    X = [[float(i), round(rng.uniform(-1.0, 1.0), 6)] for i in range(n)]
    y = [0.0 if i < n // 2 else 1.0 for i in range(n)]
    return X, y


def _point(x, where):
    try:
        return tuple(float(v) for v in x)
    except (TypeError, ValueError):
        raise Mistake(f"{where} should be a list of points (each a list of numbers), but holds {x!r}") from None


def _as_list(part, name):
    if isinstance(part, (str, bytes)) or not hasattr(part, "__len__"):
        raise Mistake(f"{name} should be a list (or array), but it is {type(part).__name__}")
    return list(part)


def _split_once(split, n, n_test, seed):
    """Run the student's split on fresh hidden data; return the parts as indices into that data."""
    X, y = _hidden_data(n, seed)
    X_before, y_before = [list(x) for x in X], list(y)
    case = f"{n} points with n_test={n_test}, seed={seed}"
    result = returned(split, call(split, X, y, n_test, seed, case=case), "X_train, X_test, y_train, y_test", case)
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__") or len(result) != 4:
        raise Mistake("return four things, in scikit-learn's order: X_train, X_test, y_train, y_test")
    second = list(result[1]) if hasattr(result[1], "__len__") else []
    if second and not hasattr(second[0], "__len__"):  # labels (numbers) where the test points should be
        raise Mistake(
            "the second thing you return holds labels, not points: return in scikit-learn's order "
            "X_train, X_test, y_train, y_test (the points of both parts first, then their labels)"
        )
    X_train, X_test, y_train, y_test = (_as_list(part, name) for part, name in zip(result, ("X_train", "X_test", "y_train", "y_test")))
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise Mistake(f"on {case}: each part needs one label per point, but X and y of a part have different lengths")
    if len(X_train) == n_test and len(X_test) == n - n_test and n_test != n - n_test:
        raise Mistake(f"on {case}: the training and test parts are swapped; the order is X_train, X_test, y_train, y_test")
    if len(X_test) != n_test:
        raise Mistake(f"on {case}: the test part should hold n_test points (the number you were given), yours holds a different number")

    index_of = {tuple(x): i for i, x in enumerate(X_before)}
    parts = {}
    for name, points, labels in (("training", X_train, y_train), ("test", X_test, y_test)):
        indices = []
        for x, label in zip(points, labels):
            i = index_of.get(_point(x, f"X_{'train' if name == 'training' else 'test'}"))
            if i is None:
                raise Mistake(f"on {case}: your {name} part holds a point that is not one of the input points: return the points themselves, unchanged")
            if float(label) != y_before[i]:
                raise Mistake(
                    f"on {case}: labels got separated from their points (a point of class {y_before[i]:g} came back with "
                    "another label): shuffle one list of indices and take X and y with the same indices"
                )
            indices.append(i)
        if len(set(indices)) != len(indices):
            raise Mistake(f"on {case}: a point appears twice in your {name} part: draw without replacement (shuffle the indices, then cut)")
        parts[name] = indices
    shared = set(parts["training"]) & set(parts["test"])
    if shared:
        raise Mistake(
            f"on {case}: {len(shared)} point(s) are in both the training and the test part: that is leakage, the model "
            "would be tested on points it trained on. Every point must go to exactly one part"
        )
    if len(parts["training"]) + len(parts["test"]) != n:
        raise Mistake(f"on {case}: some points are in neither part: every point must go to exactly one of them")
    if X != X_before or y != y_before:
        raise Mistake(f"on {case}: your function reordered or changed the caller's X or y: shuffle a copy (e.g. of the indices) instead")
    if set(parts["test"]) in (set(range(n_test)), set(range(n - n_test, n))):
        raise Mistake(
            f"on {case}: your test part is the first or the last n_test points, not a random choice; on data sorted by "
            "class (like the hidden data here) its points are nearly all of one class. Shuffle before you cut"
        )
    return parts["training"], parts["test"]


@exercise("a train/test split by hand")
def check_split(split):
    """``split(X, y, n_test, seed)`` returns X_train, X_test, y_train, y_test: every point in one part, shuffled with ``seed``."""
    for n, n_test, seed in _CASES:
        first = _split_once(split, n, n_test, seed)
        if _split_once(split, n, n_test, seed) != first:
            raise Mistake(
                f"two calls with the same seed ({seed}) gave different splits: draw with random.Random(seed), "
                "so that a split can be reproduced"
            )
    n, n_test, _ = _CASES[0]
    if len({tuple(_split_once(split, n, n_test, seed)[1]) for seed in range(4)}) == 1:
        raise Mistake("the seed does not change the split: every seed gave the same test points; shuffle with random.Random(seed)")
