"""Datasets: shapes, labels, determinism, errors."""

import math

import pytest

from micrograd_mlp import data

GENERATED = ["moons", "circles", "xor", "spirals"]


def test_toy_is_the_lecture_dataset():
    X, y = data.toy()
    assert X == [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    assert y == [1.0, -1.0, -1.0, 1.0]
    assert data.load("toy", n_samples=999) == (X, y)


@pytest.mark.parametrize("name", GENERATED)
def test_shapes_and_labels(name):
    X, y = data.load(name, n_samples=50)
    assert type(X) is list and type(y) is list
    assert len(X) == len(y) == 50
    assert all(type(p) is list and len(p) == 2 and all(type(c) is float and math.isfinite(c) for c in p) for p in X)
    assert all(type(label) is float for label in y)
    assert set(y) == {0.0, 1.0}
    assert 15 <= sum(y) <= 35  # both classes well represented


@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_same_data_other_seed_other_data(name):
    assert data.load(name, seed=3) == data.load(name, seed=3)
    assert data.load(name, seed=3)[0] != data.load(name, seed=4)[0]
    assert data.load(name, noise=0.0)[0] != data.load(name, noise=0.3)[0]


def test_pinned_first_points():
    # The notebooks print results computed on these points: catch a change of the generators.
    assert data.xor(n_samples=1, noise=0.0, seed=1) == ([[-0.7312715117751976, 0.6948674738744653]], [1.0])
    X, y = data.moons(n_samples=4, noise=0.0, seed=1)
    points = sorted(zip(map(tuple, X), y))
    expected = [((-1.0, 0.0), 0.0), ((0.0, 0.5), 1.0), ((1.0, 0.0), 0.0), ((2.0, 0.5), 1.0)]  # outer 0, inner 1
    assert [label for _, label in points] == [label for _, label in expected]
    assert [c for p, _ in points for c in p] == pytest.approx([c for p, _ in expected for c in p], abs=1e-12)


def test_xor_labels_follow_the_signs_without_noise():
    X, y = data.xor(n_samples=200, noise=0.0)
    assert y == [1.0 if (x1 > 0) != (x2 > 0) else 0.0 for x1, x2 in X]


def test_circles_inner_circle_is_label_one():
    X, y = data.circles(n_samples=100, noise=0.0)
    for (x1, x2), label in zip(X, y):
        assert math.hypot(x1, x2) == pytest.approx(0.5 if label == 1.0 else 1.0)


def test_spirals_alternate_and_grow_outwards():
    X, y = data.spirals(n_samples=40, noise=0.0)
    assert y == [float(i % 2) for i in range(40)]
    radii = [math.hypot(*p) for p in X]
    assert radii[0::2] == sorted(radii[0::2])
    assert max(radii) == pytest.approx(1.0)


def test_unknown_dataset_lists_the_choices():
    with pytest.raises(ValueError, match="unknown dataset 'nope'; choose one of toy, moons, circles, xor, spirals, digits"):
        data.load("nope")


@pytest.mark.parametrize("n_samples", [1, 0, -5, 2.5])
def test_bad_sample_counts(n_samples):
    with pytest.raises(ValueError, match="n_samples must be a whole number of at least 2"):
        data.load("moons", n_samples=n_samples)


@pytest.mark.parametrize("noise", [-0.1, float("nan")])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match="noise must be 0 or more"):
        data.load("xor", noise=noise)


def test_package_exports_load():
    import micrograd_mlp

    assert micrograd_mlp.load_dataset is data.load


def test_spirals_with_three_classes_have_equal_counts_and_learnable_defaults_are_documented():
    X, y = data.load("spirals", n_samples=300, classes=3, seed=0)
    assert len(X) == 300
    assert [y.count(float(k)) for k in range(3)] == [100, 100, 100]
    assert y[:6] == [0.0, 1.0, 2.0, 0.0, 1.0, 2.0]


def test_spirals_with_two_classes_are_unchanged_by_the_classes_argument():
    assert data.load("spirals", n_samples=50, seed=3) == data.load("spirals", n_samples=50, seed=3, classes=2)


def test_the_arms_of_three_spirals_are_a_third_of_a_turn_apart():
    X, y = data.load("spirals", n_samples=30, noise=0.0, classes=3)
    angles = [math.atan2(x2, x1) for x1, x2 in X[:3]]
    for a, b in zip(angles, angles[1:]):
        assert (b - a) % (2 * math.pi) == pytest.approx(2 * math.pi / 3)


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("moons", {"classes": 3}, "'moons' has two classes; only 'spirals' can have more"),
        ("spirals", {"classes": 1}, "classes must be a whole number of at least 2"),
        ("spirals", {"classes": 2.5}, "classes must be a whole number of at least 2"),
        ("spirals", {"n_samples": 4, "classes": 5}, "5 classes need at least 5 points"),
    ],
)
def test_bad_class_counts(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load(name, **kwargs)


def test_numpy_integers_count_as_whole_numbers():
    import numpy as np

    assert data.load("xor", n_samples=np.int64(10)) == data.load("xor", n_samples=10)
    assert data.load("spirals", n_samples=np.int32(9), classes=np.int64(3)) == data.load("spirals", n_samples=9, classes=3)


# --- digits: scikit-learn's 8×8 handwritten digits (notebook 16) ---------------------------------


def test_digits_are_1797_images_of_64_pixels_in_0_1_with_labels_0_to_9():
    X, y = data.load("digits")
    assert type(X) is list and type(y) is list
    assert len(X) == len(y) == 1797
    assert all(type(x) is list and len(x) == 64 and all(type(p) is float and 0.0 <= p <= 1.0 for p in x) for x in X)
    assert min(map(min, X)) == 0.0 and max(map(max, X)) == 1.0  # pixel / 16 reaches both ends
    assert all(type(label) is float for label in y)
    assert sorted(set(y)) == [float(k) for k in range(10)]
    assert all(174 <= y.count(float(k)) <= 183 for k in range(10))  # nearly balanced: 174 to 183 of each


def test_digits_are_scikit_learns_divided_by_16():
    from sklearn.datasets import load_digits

    reference = load_digits()
    X, y = data.digits()
    assert X[0] == [p / 16 for p in reference.data[0].tolist()] and X[-1] == [p / 16 for p in reference.data[-1].tolist()]
    assert y == [float(t) for t in reference.target.tolist()]
    # the first image is a 0: ink around an empty middle
    assert y[0] == 0.0 and X[0][8 * 4 + 3] == X[0][8 * 4 + 4] == 0.0 and X[0][8 * 4 + 2] > 0.4 and X[0][8 * 4 + 5] > 0.4


def test_digits_are_the_same_on_every_call_and_a_subset_depends_on_the_seed():
    assert data.load("digits") == data.load("digits", seed=7)  # all of them: the seed picks nothing
    assert data.load("digits", n_samples=50, seed=3) == data.load("digits", n_samples=50, seed=3)
    assert data.load("digits", n_samples=50, seed=3) != data.load("digits", n_samples=50, seed=4)
    X_all, y_all = data.load("digits")
    X, y = data.load("digits", n_samples=50, seed=3)
    assert len(X) == len(y) == 50
    indices = [X_all.index(x) for x in X]  # each a real image, kept in the original order, none twice
    assert indices == sorted(set(indices)) and y == [y_all[i] for i in indices]
    assert data.load("digits", n_samples=1797, noise=0, classes=10) == (X_all, y_all)
    assert data.load("digits", n_samples=1) == data.load("digits", n_samples=1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_samples": 0}, "n_samples must be a whole number of at least 1, got 0"),
        ({"n_samples": 2.5}, "n_samples must be a whole number of at least 1"),
        ({"n_samples": 1798}, "'digits' has 1,797 images, so n_samples must be at most 1797, got 1798"),
        ({"noise": 0.1}, "'digits' are real images with no noise to set"),
        ({"noise": float("nan")}, "'digits' are real images with no noise to set"),
        ({"classes": 2}, r"'digits' has 10 classes \(the digits 0 … 9\): leave classes out \(or 10\), got classes=2"),
        ({"classes": 3}, "'digits' has 10 classes"),
        ({"seed": 1.5}, "seed must be a whole number, got 1.5"),
        ({"seed": None}, "seed must be a whole number, got None"),
    ],
)
def test_digits_refuse_what_does_not_apply_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load("digits", **kwargs)


def test_the_2d_sets_keep_their_defaults_when_arguments_are_left_out():
    # load's defaults became None (each dataset's own); for the 2-D sets that still means 100 points and noise 0.1
    assert data.load("moons") == data.moons(n_samples=100, noise=0.1, seed=1)
    assert data.load("spirals") == data.load("spirals", n_samples=100, noise=0.1, classes=2)


def test_the_package_trains_on_digits_with_cross_entropy():
    from micrograd_mlp import MLP, fit

    X, y = data.load("digits", n_samples=40, seed=0)
    model = MLP(64, [8, 10], activation="relu", init="he", seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer="adam", steps=3, batch_size=8, alpha=0.0, progress=False)
    assert len(history.loss) == 3 and all(math.isfinite(loss) for loss in history.loss)
