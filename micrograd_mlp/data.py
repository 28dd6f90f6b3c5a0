"""Small datasets, as plain Python lists of floats.

Every function returns ``(X, y)``: X a list of points ``[x1, x2]``, y a list of
labels 0/1 (the toy set uses ±1 as in the lecture; spirals may have more
classes, labelled 0, 1, …, K−1). ``losses.convert_labels``
turns them into the form a loss expects. The same seed gives the same data on
every machine. One dataset is not made up: ``digits``, 1,797 handwritten digits
of 8×8 pixels (64 inputs, 10 classes), from scikit-learn.
"""

import math
import numbers
import random

__all__ = ["toy", "moons", "circles", "xor", "spirals", "digits", "load", "DATASETS"]


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


DIGITS = 1797  # images in scikit-learn's digits dataset
DIGIT_CLASSES = 10


def digits(n_samples=None, seed=1):
    """Handwritten digits: 8×8 images as 64 floats in [0, 1], labels 0.0 … 9.0 (the digit drawn).

    This is scikit-learn's ``load_digits`` (shipped inside scikit-learn, nothing is downloaded): 1,797
    images from the UCI "Optical Recognition of Handwritten Digits" data, each pixel an ink count from 0
    to 16, divided here by 16. Each image is a list of 64 floats, row by row (pixel (r, c) is ``x[8*r + c]``).
    ``n_samples=None`` gives all 1,797 in scikit-learn's order; a number n gives n of them chosen at random
    with ``seed`` (the same seed, the same images, in their original order). Nothing is generated, so there
    is no noise.
    """
    from sklearn.datasets import load_digits  # imported on first use: scikit-learn takes seconds to import

    images = load_digits()
    chosen = range(DIGITS) if n_samples is None else sorted(random.Random(seed).sample(range(DIGITS), n_samples))
    X = [[pixel / 16.0 for pixel in images.data[i].tolist()] for i in chosen]
    return X, [float(images.target[i]) for i in chosen]


DATASETS = {"toy": toy, "moons": moons, "circles": circles, "xor": xor, "spirals": spirals, "digits": digits}


def load(name, n_samples=None, noise=None, seed=1, classes=None):
    """The dataset called ``name`` (one of ``DATASETS``); the toy set ignores the other arguments.

    For the 2-D sets, ``n_samples`` defaults to 100 and ``noise`` to 0.1; ``classes`` may be more than 2
    for "spirals" only, the others have two classes. "digits" (64 inputs, 10 classes, from scikit-learn)
    gives all 1,797 images unless ``n_samples`` asks for fewer (chosen with ``seed``); it refuses a noise
    other than 0 (its images are real, nothing is added) and a number of classes other than 10.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "toy":
        return toy()
    if name == "digits":
        return _load_digits(n_samples, noise, seed, classes)
    n_samples = _whole_number(100 if n_samples is None else n_samples, "n_samples", at_least=2)
    classes = _whole_number(2 if classes is None else classes, "classes", at_least=2)
    noise = 0.1 if noise is None else noise
    if not (isinstance(noise, numbers.Real) and noise >= 0.0 and math.isfinite(noise)):
        raise ValueError(f"noise must be 0 or more (a finite number), got {noise!r}")
    if name == "spirals":
        if n_samples < classes:
            raise ValueError(f"{classes} classes need at least {classes} points, got n_samples={n_samples}")
        return spirals(n_samples=n_samples, noise=noise, seed=seed, classes=classes)
    if classes != 2:
        raise ValueError(f"{name!r} has two classes; only 'spirals' can have more (got classes={classes})")
    return DATASETS[name](n_samples=n_samples, noise=noise, seed=seed)


def _load_digits(n_samples, noise, seed, classes):
    if n_samples is not None:
        n_samples = _whole_number(n_samples, "n_samples", at_least=1)
        if n_samples > DIGITS:
            raise ValueError(f"'digits' has {DIGITS:,} images, so n_samples must be at most {DIGITS}, got {n_samples}")
    if noise is not None and not (isinstance(noise, numbers.Real) and not isinstance(noise, bool) and noise == 0):
        raise ValueError(f"'digits' are real images with no noise to set: leave noise out (or 0), got noise={noise!r}")
    if classes is not None and (isinstance(classes, bool) or classes != DIGIT_CLASSES):
        raise ValueError(f"'digits' has {DIGIT_CLASSES} classes (the digits 0 … 9): leave classes out (or 10), "
                         f"got classes={classes!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    return digits(n_samples=n_samples, seed=int(seed))


def _whole_number(value, name, at_least):
    # numbers.Integral admits numpy integers; bool is an int in Python but never means a count
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < at_least:
        raise ValueError(f"{name} must be a whole number of at least {at_least}, got {value!r}")
    return int(value)
