"""Small 2-D datasets, as plain Python lists of floats.

Every function returns ``(X, y)``: X a list of points ``[x1, x2]``, y a list of
labels 0/1 (the toy set uses ±1 as in the lecture; spirals may have more
classes, labelled 0, 1, …, K−1). ``losses.convert_labels``
turns them into the form a loss expects. The same seed gives the same data on
every machine.
"""

import math
import numbers
import random

__all__ = ["toy", "moons", "circles", "xor", "spirals", "load", "DATASETS"]


def toy():
    """The four-example dataset of the lecture: three inputs, targets ±1."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    return xs, ys


def moons(n_samples=100, noise=0.1, seed=1):
    """Two interleaving half circles (scikit-learn's ``make_moons``)."""
    from sklearn.datasets import make_moons  # imported on first use: scikit-learn takes seconds to import

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.tolist(), [float(label) for label in y]


def circles(n_samples=100, noise=0.1, seed=1, factor=0.5):
    """A small circle inside a large one (scikit-learn's ``make_circles``); label 1 is the inner circle."""
    from sklearn.datasets import make_circles  # imported on first use: scikit-learn takes seconds to import

    X, y = make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X.tolist(), [float(label) for label in y]


def xor(n_samples=100, noise=0.1, seed=1):
    """Points in [−1, 1]²: label 1 where x1 and x2 have different signs, plus Gaussian jitter."""
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n_samples):
        x1, x2 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        y.append(1.0 if (x1 > 0.0) != (x2 > 0.0) else 0.0)
        X.append([x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)])
    return X, y


def spirals(n_samples=100, noise=0.1, seed=1, turns=1.5, classes=2):
    """``classes`` interleaved spirals (the CS231n classic for three), each winding ``turns`` times around the origin.

    Point i belongs to class i mod ``classes``, so the classes take turns and have the
    same number of points when ``n_samples`` is a multiple of ``classes``.
    """
    rng = random.Random(seed)
    X, y = [], []
    per_class = -(-n_samples // classes)  # points per class, rounded up
    for i in range(n_samples):
        label = i % classes
        r = (i // classes + 1) / per_class  # radius from near 0 out to 1
        angle = 2.0 * math.pi * turns * r + 2.0 * math.pi * label / classes
        X.append([r * math.cos(angle) + rng.gauss(0.0, noise * 0.5), r * math.sin(angle) + rng.gauss(0.0, noise * 0.5)])
        y.append(float(label))
    return X, y


DATASETS = {"toy": toy, "moons": moons, "circles": circles, "xor": xor, "spirals": spirals}


def load(name, n_samples=100, noise=0.1, seed=1, classes=2):
    """The dataset called ``name`` (one of ``DATASETS``); the toy set ignores the other arguments.

    ``classes`` may be more than 2 for "spirals" only; the other datasets have two classes.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "toy":
        return toy()
    n_samples = _whole_number(n_samples, "n_samples", at_least=2)
    classes = _whole_number(classes, "classes", at_least=2)
    if not (isinstance(noise, numbers.Real) and noise >= 0.0 and math.isfinite(noise)):
        raise ValueError(f"noise must be 0 or more (a finite number), got {noise!r}")
    if name == "spirals":
        if n_samples < classes:
            raise ValueError(f"{classes} classes need at least {classes} points, got n_samples={n_samples}")
        return spirals(n_samples=n_samples, noise=noise, seed=seed, classes=classes)
    if classes != 2:
        raise ValueError(f"{name!r} has two classes; only 'spirals' can have more (got classes={classes})")
    return DATASETS[name](n_samples=n_samples, noise=noise, seed=seed)


def _whole_number(value, name, at_least):
    # numbers.Integral admits numpy integers; bool is an int in Python but never means a count
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < at_least:
        raise ValueError(f"{name} must be a whole number of at least {at_least}, got {value!r}")
    return int(value)
