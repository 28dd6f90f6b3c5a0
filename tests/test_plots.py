"""Plots: the numpy forward pass equals the scalar one; the pictures are drawn from the right numbers."""

import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from micrograd_mlp.data import load  # noqa: E402
from micrograd_mlp.engine import Value  # noqa: E402
from micrograd_mlp.nn import MLP, Layer  # noqa: E402
from micrograd_mlp.plots import plot_dataset, plot_decision_boundary, plot_history, predict  # noqa: E402
from micrograd_mlp.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "seed, nin, widths, activation, output_activation",
    [
        (0, 2, [16, 16, 1], "tanh", "linear"),
        (1, 2, [8, 8, 1], "relu", "linear"),
        (2, 3, [5, 2], "sigmoid", "sigmoid"),
        (3, 1, [4, 4, 3], "linear", "tanh"),
        (4, 2, [6, 1], "relu", "relu"),
    ],
)
def test_predict_agrees_with_the_scalar_forward_pass(seed, nin, widths, activation, output_activation):
    model = MLP(nin, widths, activation, output_activation, seed=seed)
    rng = random.Random(seed)
    for p in model.parameters():  # non-zero biases too
        p.data += rng.gauss(0.0, 0.5)
    points = [[rng.uniform(-3.0, 3.0) for _ in range(nin)] for _ in range(25)]
    scores = predict(model, points)
    assert scores.shape == (25, widths[-1])
    for point, row in zip(points, scores):
        out = model(point)
        expected = [out.data] if isinstance(out, Value) else [o.data for o in out]
        assert row.tolist() == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_predict_sigmoid_does_not_overflow():
    model = MLP(1, [1], output_activation="sigmoid")
    model.layers[0].neurons[0].w[0].data = 1.0
    with np.errstate(all="raise"):
        scores = predict(model, [[-1000.0], [1000.0]])
    assert scores[:, 0].tolist() == pytest.approx([0.0, 1.0])


def test_predict_refuses_what_it_cannot_do():
    with pytest.raises(TypeError, match="MLP, got Layer"):
        predict(Layer(2, 1), [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"shape \(n, 2\), got shape \(3, 3\)"):
        predict(MLP(2, [1]), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        predict(MLP(2, [1]), [0.0, 0.0])


@pytest.fixture
def contourf_calls(monkeypatch):
    """Record the arguments of every filled-contour call, still drawing it."""
    calls = []
    original = Axes.contourf

    def spy(self, *args, **kwargs):
        calls.append((args, kwargs))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "contourf", spy)
    return calls


def test_decision_boundary_uses_a_fine_mesh_of_the_model_scores(contourf_calls):
    X, y = load("moons", n_samples=60)
    model = MLP(2, [8, 1], seed=1)
    ax = plot_decision_boundary(model, X, y, title="moons")
    [(args, kwargs)] = contourf_calls
    grid1, grid2, scores = args
    assert scores.shape[0] >= 200 and scores.shape[1] >= 200
    # the mesh covers the data with some padding, and the colours are the model's scores there
    X = np.asarray(X)
    assert grid1.min() < X[:, 0].min() and grid1.max() > X[:, 0].max()
    assert grid2.min() < X[:, 1].min() and grid2.max() > X[:, 1].max()
    i, j = 37, 151
    assert scores[i, j] == pytest.approx(model([grid1[i, j], grid2[i, j]]).data, rel=1e-9, abs=1e-12)
    # drawn: filled regions, the boundary line at 0, both classes of points
    ax.figure.canvas.draw()
    contour_sets = [c for c in ax.collections if isinstance(c, matplotlib.contour.ContourSet)]
    assert len(contour_sets) == 2 and all(c.get_paths() for c in contour_sets)
    assert list(contour_sets[1].levels) == [0.0]
    scatters = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    assert sum(len(s.get_offsets()) for s in scatters) == 60
    assert ax.get_title() == "moons"


def test_decision_boundary_resolution(contourf_calls):
    X, y = load("xor", n_samples=20)
    plot_decision_boundary(MLP(2, [4, 1]), X, y, resolution=300)
    assert contourf_calls[0][0][2].shape == (300, 300)


def test_decision_boundary_without_a_boundary_draws_no_line():
    model = MLP(2, [1], output_activation="sigmoid")  # scores all positive: no zero crossing
    X, y = load("xor", n_samples=20)
    ax = plot_decision_boundary(model, X, y)
    contour_sets = [c for c in ax.collections if isinstance(c, matplotlib.contour.ContourSet)]
    assert len(contour_sets) == 1
    ax.figure.canvas.draw()


def test_decision_boundary_on_given_axes_and_errors():
    X, y = load("moons", n_samples=20)
    fig, ax = plt.subplots()
    assert plot_decision_boundary(MLP(2, [4, 1]), X, y, ax=ax, resolution=20) is ax
    with pytest.raises(ValueError, match="2 inputs; this model takes 3"):
        plot_decision_boundary(MLP(3, [1]), X, y)
    with pytest.raises(ValueError, match="resolution must be at least 2"):
        plot_decision_boundary(MLP(2, [1]), X, y, resolution=1)


def test_plot_history_draws_loss_and_accuracy():
    history = History(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0], lr=[0.1] * 3)
    loss_ax, accuracy_ax = plot_history(history, title="training")
    loss_ax.figure.canvas.draw()
    assert loss_ax.lines[0].get_ydata().tolist() == [1.0, 0.5, 0.25]
    assert accuracy_ax.lines[0].get_ydata().tolist() == [50.0, 75.0, 100.0]
    assert list(loss_ax.lines[0].get_xdata()) == [0, 1, 2]
    assert loss_ax.get_yscale() == "log"
    assert loss_ax.figure._suptitle.get_text() == "training"


def test_plot_history_with_a_zero_loss_uses_a_linear_scale():
    fig, axes = plt.subplots(1, 2)
    returned = plot_history(History(loss=[1.0, 0.0], accuracy=[0.5, 1.0], lr=[0.1, 0.1]), axes=axes)
    assert list(returned) == list(axes)
    assert axes[0].get_yscale() == "linear"
    fig.canvas.draw()


def test_plot_dataset_colours_the_two_classes():
    ax = plot_dataset([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]], [0.0, 1.0, 1.0], title="three points")
    negative, positive = ax.collections
    assert negative.get_offsets().tolist() == [[0.0, 0.0]]
    assert positive.get_offsets().tolist() == [[1.0, 1.0], [2.0, 0.5]]
    assert ax.get_title() == "three points"
    ax.figure.canvas.draw()


def test_decision_regions_for_three_classes_are_the_argmax_in_three_colours(contourf_calls):
    X, y = load("spirals", n_samples=30, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=2)
    ax = plot_decision_boundary(model, X, y)
    [(args, kwargs)] = contourf_calls
    grid1, grid2, predicted = args
    i, j = 120, 45
    scores = [v.data for v in model([grid1[i, j], grid2[i, j]])]
    assert predicted[i, j] == scores.index(max(scores))
    assert list(kwargs["levels"]) == [-0.5, 0.5, 1.5, 2.5]
    assert kwargs["cmap"].N == 3
    scatters = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    assert [len(s.get_offsets()) for s in scatters] == [10, 10, 10]
    assert [t.get_text() for t in ax.legend().get_texts()] == ["class 0", "class 1", "class 2"]


def test_plot_dataset_marks_a_second_set_apart():
    X, y = load("moons", n_samples=10)
    ax = plot_dataset(X, y, label="train")
    plot_dataset(X, y, ax=ax, marker="^", label="test")
    assert [t.get_text() for t in ax.legend().get_texts()] == [
        "train negative", "train positive", "test negative", "test positive"
    ]


def test_plot_history_draws_validation_curves_dashed():
    from micrograd_mlp.train import History

    history = History(loss=[1.0, 0.5], accuracy=[0.5, 0.8], lr=[0.1, 0.1], val_loss=[1.1, 0.7], val_accuracy=[0.4, 0.7])
    loss_ax, accuracy_ax = plot_history(history)
    assert [line.get_linestyle() for line in loss_ax.get_lines()] == ["-", "--"]
    assert list(accuracy_ax.get_lines()[1].get_ydata()) == [40.0, 70.0]
