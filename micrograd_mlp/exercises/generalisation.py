"""Checks for notebook 11, generalisation and evidence.

``check_split`` tests a train/test split written by hand on hidden data: the
data are sorted by class (as real files often are), so a split that forgets
to shuffle gives a test set of one class, and every point carries its own
index, so a point used twice (leakage) or a label separated from its point
is found and named. The caller's X and y must come back unchanged, ten seeds
must give forty different splits (seeds below 2**32, which numpy's legacy
RandomState takes too; 1000 and 65536 among them, so a seed cut to its last digits
shows), every quarter of the data must turn up in some test part (a shuffle of part of
the list does not), and scikit-learn's ``train_test_split``, the function the exercise
rebuilds, is refused, as are its other splitters (ShuffleSplit, ...) and sklearn.utils'
shuffle and resample.
"""

import inspect
import math
import random
import sys

from . import Mistake, as_number, call, exercise
from ._stubs import returned

__all__ = ["check_split"]

# (number of points, number of test points, number of classes, seed): sizes and seeds the notebook never uses,
# down to a test part of one point and a training part of one point, and twelve classes (labels 10 and 11).
_CASES = [(60, 15, 2, 3), (41, 10, 3, 11), (30, 21, 2, 5), (7, 1, 2, 8), (9, 8, 2, 13), (48, 12, 12, 21)]


def _hidden_data(n, classes, seed):
    """n points [i, noise] sorted by class: class 0 first, then class 1, and so on (labels are ints 0, 1, ...)."""
    rng = random.Random(1000 + seed)
    X = [[float(i), round(rng.uniform(-1.0, 1.0), 6)] for i in range(n)]
    y = [i * classes // n for i in range(n)]
    return X, y


def _scikit_learn_split():
    """scikit-learn's splitters and shufflers, if the student's code has imported them (then calling one is refused).

    train_test_split, and every function and method of sklearn.model_selection._split (ShuffleSplit, KFold, ...),
    and sklearn.utils' shuffle and resample: {function: its name}.
    """
    found = {}
    module = sys.modules.get("sklearn.model_selection")
    if module is not None:
        found[inspect.unwrap(module.train_test_split)] = "train_test_split"
    splitters = sys.modules.get("sklearn.model_selection._split")
    for name, thing in vars(splitters).items() if splitters is not None else ():
        if inspect.isclass(thing) and thing.__module__ == splitters.__name__:
            for attribute in vars(thing).values():
                if inspect.isfunction(attribute):
                    found.setdefault(attribute, name)
        elif inspect.isfunction(thing) and thing.__module__ == splitters.__name__:
            found.setdefault(inspect.unwrap(thing), name)
    utils = sys.modules.get("sklearn.utils")
    for name in ("shuffle", "resample"):
        if utils is not None and hasattr(utils, name):
            found.setdefault(inspect.unwrap(getattr(utils, name)), name)
    return found


def _point(x, where):
    try:
        return tuple(float(v) for v in x)
    except (TypeError, ValueError):
        raise Mistake(f"{where} should be a list of points (each a list of numbers), but holds {x!r}") from None


def _as_list(part, name, case):
    if isinstance(part, (str, bytes, dict, set, frozenset)) or not hasattr(part, "__len__"):
        raise Mistake(f"on {case}: {name} should be a list (or array), but it is {type(part).__name__}")
    return list(part)


def _split_once(split, n, n_test, classes, seed):
    """Run the student's split on fresh hidden data; return the parts as indices into that data."""
    X, y = _hidden_data(n, classes, seed)
    case = f"{n} points with n_test={n_test}, seed={seed}"
    scikit_learn = _scikit_learn_split()
    try:
        result = call(split, X, y, n_test, seed, case=case,
                      forbid={function: f"scikit-learn's {name}" for function, name in scikit_learn.items()},
                      unchanged={0: "the caller's X", 1: "the caller's y"})
    except Mistake as mistake:
        if str(mistake).startswith("your code calls scikit-learn's"):  # with the way to write it yourself
            raise Mistake(f"{str(mistake).split(': ')[0]}: the exercise asks you to write the split yourself "
                          "(shuffle a list of indices, then cut)") from None
        raise
    result = returned(split, result, "X_train, X_test, y_train, y_test", case)
    if isinstance(result, (str, bytes, dict, set, frozenset)) or not hasattr(result, "__len__") or len(result) != 4:
        raise Mistake(f"on {case} your function returned a {type(result).__name__}: return four things, in "
                      "scikit-learn's order: X_train, X_test, y_train, y_test")
    X_train, X_test, y_train, y_test = (_as_list(part, name, case) for part, name in
                                        zip(result, ("X_train", "X_test", "y_train", "y_test")))
    if X_test and not _is_point(X_test[0]):  # labels (numbers) where the test points should be
        raise Mistake(
            "the second thing you return holds labels, not points: return in scikit-learn's order "
            "X_train, X_test, y_train, y_test (the points of both parts first, then their labels)"
        )
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise Mistake(f"on {case}: each part needs one label per point, but X and y of a part have different lengths")
    if len(X_train) == n_test and len(X_test) == n - n_test and n_test != n - n_test:
        raise Mistake(f"on {case}: the training and test parts are swapped; the order is X_train, X_test, y_train, y_test")
    if len(X_test) != n_test:
        raise Mistake(f"on {case}: the test part should hold n_test points (the number you were given), yours holds a different number")

    index_of = {tuple(x): i for i, x in enumerate(X)}
    parts = {}
    for name, points, labels in (("training", X_train, y_train), ("test", X_test, y_test)):
        indices = []
        for x, label in zip(points, labels):
            i = index_of.get(_point(x, f"X_{'train' if name == 'training' else 'test'}"))
            if i is None:
                raise Mistake(f"on {case}: your {name} part holds a point that is not one of the input points: return the points themselves, unchanged")
            if label is None:  # as_number would take None for an untouched stub
                raise Mistake(f"on {case}: a label in y_train or y_test is None: return each point's label, a number")
            if as_number(label, f"on {case}, a label in y_train or y_test") != y[i]:
                raise Mistake(
                    f"on {case}: labels got separated from their points (a point of class {y[i]} came back with "
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
    # Only where a shuffled split is practically never one of the two ends (1 chance in a million or less).
    if math.comb(n, n_test) >= 2_000_000 and set(parts["test"]) in (set(range(n_test)), set(range(n - n_test, n))):
        raise Mistake(
            f"on {case}: your test part is the first or the last n_test points, not a random choice; on data sorted by "
            "class (like the hidden data here) its points are nearly all of one class. Shuffle before you cut"
        )
    return parts["training"], parts["test"]


def _is_point(thing):
    return hasattr(thing, "__len__") and not isinstance(thing, (str, bytes))


@exercise("a train/test split by hand")
def check_split(split):
    """``split(X, y, n_test, seed)`` returns X_train, X_test, y_train, y_test: every point in one part, shuffled with ``seed``."""
    for n, n_test, classes, seed in _CASES:
        first = _split_once(split, n, n_test, classes, seed)
        if _split_once(split, n, n_test, classes, seed) != first:
            raise Mistake(
                f"two calls with the same seed ({seed}) gave different splits: draw with random.Random(seed), "
                "so that a split can be reproduced"
            )
    n, n_test, classes, _ = _CASES[0]
    # 1000 and 65536 catch a seed cut to its last digits (seed % 1000, seed % 2**16); all below 2**32, which is
    # as far as numpy's legacy np.random.RandomState(seed) goes, a fair way to shuffle too
    seeds = [0, 1, 2, 3, 4, 5, 17, 100, 1000, 12345, 65536, 4_000_000_007] + list(range(200, 228))
    test_parts = [tuple(sorted(_split_once(split, n, n_test, classes, seed)[1])) for seed in seeds]
    if len(set(test_parts)) < len(seeds):
        raise Mistake(f"of {len(seeds)} different seeds, some gave the same test points: every seed should give its "
                      "own split; shuffle with random.Random(seed), using the whole seed")
    # Forty seeds: a seed squeezed into fewer than a few thousand values (seed % 97) gives two of them one split.
    # Every quarter of the data must turn up in some test part: a shuffle of the whole list misses a quarter of
    # 15 points in all forty draws with a chance below 1 in 10^80; a shuffle of part of the list always does.
    drawn = {i for part in test_parts for i in part}
    for start in range(0, n, n // 4):
        if not drawn & set(range(start, start + n // 4)):
            raise Mistake(
                f"on {n} points with n_test={n_test}: over {len(seeds)} seeds your test parts never hold any of the "
                f"points number {start + 1} to {start + n // 4} of the data: shuffle the whole list of indices, "
                "not part of it, before you cut"
            )
