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
    with pytest.raises(ValueError, match="unknown dataset 'nope'; choose one of toy, moons, circles, xor, spirals"):
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
