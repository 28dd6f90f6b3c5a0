"""Plots with matplotlib: datasets, decision boundaries and training curves.

The decision boundary needs the model's score at every point of a fine grid
(40,000 points for 200×200): ``predict`` (in ``inference.py``) computes them as
numpy matrix products. pyplot is imported by the functions that draw, so that
training (which measures with ``predict``) does not pull it in.
"""

import numpy as np
from matplotlib.colors import ListedColormap

from .inference import predict

__all__ = ["predict", "plot_dataset", "plot_decision_boundary", "plot_history"]

CLASS_COLORS = ("#d6604d", "#4393c3", "#5aae61", "#9970ab", "#f1a340", "#8c510a")  # class 0 (or negative) red, 1 blue, …


def plot_dataset(X, y, ax=None, title=None, marker="o", label=""):
    """Scatter the points, coloured by class.

    Two classes (labels ±1 or 0/1): label > 0 is the positive class, blue. More classes
    (labels 0 … K−1): one colour each. ``marker`` and ``label`` tell sets apart, e.g. test points.
    """
    ax = ax if ax is not None else _pyplot().subplots(figsize=(5, 4.5))[1]
    X = np.asarray(X, dtype=float)
    labels = np.asarray(y, dtype=float)
    classes = _classes(labels)
    if classes > len(CLASS_COLORS):
        raise ValueError(f"plot_dataset has colours for {len(CLASS_COLORS)} classes, got labels up to {classes - 1:g}")
    groups = labels > 0 if classes == 2 else labels
    names = ("negative", "positive") if classes == 2 else [f"class {k}" for k in range(classes)]
    for k in range(classes):
        mask = groups == k
        name = f"{label} {names[k]}".strip()
        ax.scatter(X[mask, 0], X[mask, 1], c=CLASS_COLORS[k], s=22, marker=marker, edgecolors="black", linewidths=0.5, label=name)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def _classes(labels):
    """2 for labels ±1 or 0/1; K for labels 0 … K−1."""
    return max(2, int(labels.max()) + 1) if labels.size else 2


def plot_decision_boundary(model, X, y, ax=None, resolution=200, padding=0.5, title=None):
    """What the model predicts over a ``resolution``² grid, with the data on top.

    One output: the score as a filled contour, blue where positive and red where
    negative; the black line is the decision boundary, score = 0. K outputs: each
    point of the grid takes the colour of the class with the largest score (the
    argmax), and black lines separate the regions.
    """
    if model.nin != 2:
        raise ValueError(f"a decision boundary can be drawn for 2 inputs; this model takes {model.nin}")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution!r}")
    ax = ax if ax is not None else _pyplot().subplots(figsize=(5, 4.5))[1]
    X = np.asarray(X, dtype=float)
    x1 = np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution)
    x2 = np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution)
    grid1, grid2 = np.meshgrid(x1, x2)
    scores = predict(model, np.column_stack([grid1.ravel(), grid2.ravel()]))
    if scores.shape[1] == 1:
        _draw_scores(ax, grid1, grid2, scores[:, 0].reshape(grid1.shape), predict(model, X)[:, 0])
    else:
        _draw_regions(ax, grid1, grid2, scores.argmax(axis=1).reshape(grid1.shape), scores.shape[1])
    plot_dataset(X, y, ax=ax, title=title)
    return ax


def _draw_scores(ax, grid1, grid2, scores, scores_at_data):
    # The colour scale spans the scores at the data, not in the far corners of the grid,
    # where they grow large and would leave the region of interest pale.
    limit = max(float(np.abs(scores_at_data).max()), 1e-9)
    ax.contourf(grid1, grid2, scores, levels=np.linspace(-limit, limit, 21), cmap="RdBu", alpha=0.55, extend="both")
    if scores.min() < 0.0 < scores.max():
        ax.contour(grid1, grid2, scores, levels=[0.0], colors="black", linewidths=1.2)


def _draw_regions(ax, grid1, grid2, predicted, classes):
    if classes > len(CLASS_COLORS):
        raise ValueError(f"decision regions have colours for {len(CLASS_COLORS)} classes, this model has {classes}")
    colors = ListedColormap(CLASS_COLORS[:classes])
    levels = np.arange(classes + 1) - 0.5  # one band per class index
    ax.contourf(grid1, grid2, predicted, levels=levels, cmap=colors, alpha=0.35)
    if predicted.min() != predicted.max():
        ax.contour(grid1, grid2, predicted, levels=levels[1:-1], colors="black", linewidths=0.8)


def plot_history(history, axes=None, title=None):
    """Loss (left) and accuracy (right) at each training step; validation curves dashed, when there are any."""
    if axes is None:
        fig, axes = _pyplot().subplots(1, 2, figsize=(9, 3.2))
    loss_ax, accuracy_ax = axes
    steps = range(len(history.loss))
    loss_ax.plot(steps, history.loss, color="#2166ac", label="training")
    accuracy_ax.plot(steps, [100 * a for a in history.accuracy], color="#1b7837", label="training")
    if history.val_loss:
        loss_ax.plot(steps, history.val_loss, color="#b2182b", linestyle="--", label="validation")
        accuracy_ax.plot(steps, [100 * a for a in history.val_accuracy], color="#b2182b", linestyle="--", label="validation")
        for ax in axes:
            ax.legend()
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("loss")
    losses = history.loss + history.val_loss
    loss_ax.set_yscale("log" if min(losses, default=1.0) > 0 else "linear")
    accuracy_ax.set_xlabel("step")
    accuracy_ax.set_ylabel("accuracy (%)")
    accuracy_ax.set_ylim(0, 102)
    for ax in axes:
        ax.grid(alpha=0.3)
    if title:
        loss_ax.figure.suptitle(title)
    loss_ax.figure.tight_layout()
    return axes


def _pyplot():
    import matplotlib.pyplot  # here, not at the top: importing pyplot takes most of a second

    return matplotlib.pyplot
