"""Small 2-D datasets, as plain Python lists of floats.

Every function returns ``(X, y)``: X a list of points ``[x1, x2]``, y a list of
labels 0/1 (the toy set uses ±1 as in the lecture). ``losses.convert_labels``
turns them into the form a loss expects. The same seed gives the same data on
every machine.
"""

import math
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


def spirals(n_samples=100, noise=0.1, seed=1, turns=1.5):
    """Two interleaved spirals, one per class, each winding ``turns`` times around the origin."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n_samples):
        label = i % 2
        r = (i // 2 + 1) / ((n_samples + 1) // 2)  # radius from near 0 out to 1
        angle = 2.0 * math.pi * turns * r + math.pi * label
        X.append([r * math.cos(angle) + rng.gauss(0.0, noise * 0.5), r * math.sin(angle) + rng.gauss(0.0, noise * 0.5)])
        y.append(float(label))
    return X, y


DATASETS = {"toy": toy, "moons": moons, "circles": circles, "xor": xor, "spirals": spirals}


def load(name, n_samples=100, noise=0.1, seed=1):
    """The dataset called ``name`` (one of ``DATASETS``); the toy set ignores the other arguments."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "toy":
        return toy()
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be a whole number of at least 2, got {n_samples!r}")
    if not noise >= 0.0:
        raise ValueError(f"noise must be 0 or more, got {noise!r}")
    return DATASETS[name](n_samples=n_samples, noise=noise, seed=seed)
