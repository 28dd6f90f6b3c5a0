"""A live training playground in the notebook, in the spirit of TensorFlow Playground.

Pick a dataset, a network and the training settings; press play and watch the
decision boundary move, the training and test curves grow and the weights of
the network change colour and thickness, step by step.

It is built in layers, so that everything but the buttons can be tested
and used without a browser:

``Settings``    the controls' values, checked: a bad value raises ValueError saying what to change.
``Experiment``  settings → the data split into training and test points, the MLP and its ``Trainer``;
                ``step(n)`` trains, ``frame()`` draws the current state as PNG bytes, ``animation()``
                a short run as an animated GIF.
``Dashboard``   the picture of an Experiment: boundary and points, network, curves (one matplotlib
                figure, redrawn by blitting only what moves).
``Playground``  the ipywidgets controls and buttons around an Experiment; play trains in a
                background thread, several steps between redraws, so the kernel stays responsive.

    from micrograd_mlp.playground import Playground
    Playground(dataset="spirals", hidden=(16, 16), activation="relu")
"""

import html
import io
import math
import numbers
import struct
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, replace

import contourpy
import ipywidgets as widgets
import matplotlib
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from .data import load as load_dataset
from .losses import LABELS
from .nn import MLP
from .inference import predict
from .plots import CLASS_COLORS
from .stepper import with_picture
from .train import Trainer, TrainingDiverged

__all__ = ["Settings", "Experiment", "Dashboard", "Playground", "edge_style", "parse_hidden", "parse_batch_size"]

DATASETS = ("moons", "circles", "xor", "spirals")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = tuple(name for name, labels in LABELS.items() if labels != "classes")  # one output: two classes
MAX_LAYERS, MAX_WIDTH = 6, 64  # the drawing and the live speed are made for small networks
STEPS_PER_FRAME = 5  # training steps between two redraws while playing: ~85 ms of training, ~20 ms of drawing
PLAY_LIMIT = 1000  # one press of play trains at most this many steps, so a forgotten playground stops using the CPU
GRID = 100  # the boundary is drawn from the scores on a GRID × GRID mesh
FIRST_STEPS_SHOWN = 50  # the curves' step axis starts this long: a new scale redraws the whole figure (~60 ms)

POSITIVE_WEIGHT, NEGATIVE_WEIGHT = "#2166ac", "#e08214"  # blue and orange, as in TensorFlow Playground
THINNEST, THICKEST = 0.2, 3.0  # line widths (points) of a zero weight and of the largest weight
_WEIGHT_RGBA = np.array([to_rgba(POSITIVE_WEIGHT), to_rgba(NEGATIVE_WEIGHT)])
# scores in 20 bands of colour, like the filled contours of plots.plot_decision_boundary (and a GIF of
# flat bands is a fraction of the size of one of smooth gradients)
SCORE_COLOURS = matplotlib.colormaps["RdBu"].resampled(20)


@dataclass(frozen=True)
class Settings:
    """The playground's controls. Creating one checks every value.

    dataset        moons, circles, xor or spirals (two classes each)
    noise          standard deviation of the jitter added to the points (0 or more)
    n_samples      number of points, training and test together
    test_fraction  the share of the points held out as test points, strictly between 0 and 1
    hidden         the width of each hidden layer, e.g. (16, 16); () is a linear model
    activation     of the hidden layers: tanh, relu, sigmoid or linear
    loss           hinge, mse or bce
    lr             the learning rate of plain gradient descent (constant, more than 0)
    batch_size     training points per step, or None for all of them
    alpha          the weight of the L2 penalty α·Σw² (0 for none)
    seed           one seed for the data, the split, the initial weights and the batches
    """

    dataset: str = "moons"
    noise: float = 0.1
    n_samples: int = 200
    test_fraction: float = 0.3
    hidden: tuple = (16, 16)
    activation: str = "tanh"
    loss: str = "hinge"
    lr: float = 0.1
    batch_size: int = None
    alpha: float = 1e-4
    seed: int = 0

    def __post_init__(self):
        _choice("dataset", self.dataset, DATASETS)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("loss", self.loss, LOSSES)
        # numpy's numbers count too, stored as Python's: settings then compare, hash and print the same
        self._set("noise", _number("noise", self.noise, "0 or more", lambda v: v >= 0.0))
        self._set("lr", _number("the learning rate", self.lr, "more than 0, e.g. 0.1", lambda v: v > 0.0))
        self._set("alpha", _number("the L2 weight alpha", self.alpha, "0 or more, e.g. 0.0001", lambda v: v >= 0.0))
        self._set("test_fraction", _number("the test fraction", self.test_fraction, "strictly between 0 and 1, e.g. 0.3",
                                           lambda v: 0.0 < v < 1.0))
        self._set("n_samples", _whole("the number of points", self.n_samples, 4))
        self._set("seed", _whole("the seed", self.seed, 0))
        hidden = tuple(self.hidden) if isinstance(self.hidden, (list, tuple)) else self.hidden
        if not isinstance(hidden, tuple):
            raise ValueError(f"hidden lists the width of each hidden layer, e.g. (16, 16); got {self.hidden!r}")
        if len(hidden) > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS} hidden layers, got {len(hidden)}")
        for number, width in enumerate(hidden, start=1):
            if isinstance(width, bool) or not isinstance(width, numbers.Integral) or not 1 <= width <= MAX_WIDTH:
                raise ValueError(
                    f"hidden layer {number} has width {width!r}; a width is a whole number from 1 to {MAX_WIDTH}"
                )
        self._set("hidden", tuple(int(width) for width in hidden))  # a list becomes a tuple, so settings compare and hash
        n_train = self.n_samples - self.n_test
        if self.n_test < 2 or n_train < 2:
            raise ValueError(
                f"a test fraction of {self.test_fraction:g} splits {self.n_samples} points into {n_train} training "
                f"and {self.n_test} test points; each side needs at least 2 (one per class): "
                "use more points or a test fraction nearer 0.5"
            )
        if self.batch_size is not None:
            self._set("batch_size", _whole("the batch size", self.batch_size, 1))
            if self.batch_size > n_train:
                raise ValueError(
                    f"the batch size {self.batch_size} is larger than the training set ({n_train} points); "
                    f"choose at most {n_train}, or all of them (None, or 'all' in the playground)"
                )

    def _set(self, name, value):
        object.__setattr__(self, name, value)  # the dataclass is frozen: its checks are the one place that may

    @property
    def n_test(self):
        """How many points are held out: scikit-learn's train_test_split rounds up."""
        return math.ceil(self.test_fraction * self.n_samples)

    @property
    def sizes(self):
        """The MLP's layer widths after its 2 inputs: the hidden layers, then one output."""
        return [*self.hidden, 1]


def _choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


def _number(name, value, wanted, ok):
    """``value`` as a float, or a ValueError that says what was wanted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be a number {wanted}, got {value!r}")
    return float(value)


def _whole(name, value, at_least):
    """``value`` as an int, or a ValueError that says what was wanted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < at_least:
        raise ValueError(f"{name} must be a whole number of at least {at_least}, got {value!r}")
    return int(value)


def parse_hidden(text):
    """The hidden layers typed in a text box, "16, 16", as a tuple of widths (empty text: no hidden layer)."""
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    if parts == [""]:
        return ()
    if not all(part.isdigit() for part in parts):
        raise ValueError(f"hidden layers are whole numbers separated by commas, e.g. 16, 16; got {text!r}")
    return tuple(int(part) for part in parts)


def parse_batch_size(text):
    """The batch size typed in a text box: a whole number, or "all" (or nothing) for every training point."""
    text = text.strip().lower()
    if text in ("", "all"):
        return None
    if not text.isdigit():
        raise ValueError(f"the batch size is a whole number or 'all', got {text!r}")
    return int(text)


def edge_style(weight, largest):
    """How the network picture draws a weight: (colour, line width in points).

    Blue for a positive weight, orange for a negative one; the width grows with
    the size |w| from THINNEST (w = 0) to THICKEST (|w| = largest, the largest
    size in the network):  width = THINNEST + (THICKEST − THINNEST)·|w|/largest.
    """
    colour = NEGATIVE_WEIGHT if weight < 0 else POSITIVE_WEIGHT
    share = abs(weight) / largest if largest > 0 else 0.0
    return colour, THINNEST + (THICKEST - THINNEST) * share


class Experiment:
    """One run of the playground: settings → training and test points, an MLP and its Trainer.

    ``Experiment(dataset="xor", hidden=(4,))`` takes the settings as keywords
    (see ``Settings``); ``step(n)`` trains n steps, ``history`` holds the
    training and test loss and accuracy after each step, ``frame()`` draws the
    current state as PNG bytes.
    """

    def __init__(self, settings=None, **changes):
        from sklearn.model_selection import train_test_split  # imported on first use: scikit-learn is slow to import

        self.settings = s = replace(settings or Settings(), **changes)  # replace() checks the changed values too
        X, y = load_dataset(s.dataset, n_samples=s.n_samples, noise=s.noise, seed=s.seed)
        rarest, count = min(Counter(y).items(), key=lambda item: item[1])
        if count < 2:  # found here, by name: scikit-learn's own message speaks of 'members' and 'stratify'
            raise ValueError(
                f"with seed {s.seed}, the {s.n_samples} {s.dataset} points hold only {count} point of class {rarest:g}: "
                "each class needs at least 2, one for training and one for testing; use more points or another seed"
            )
        # stratified, so that both classes are in the training and in the test points in their proportions
        self.X_train, self.X_test, self.y_train, self.y_test = train_test_split(
            X, y, test_size=s.n_test, random_state=s.seed, stratify=y
        )
        self.model = MLP(2, s.sizes, activation=s.activation, seed=s.seed)
        self.trainer = Trainer(
            self.model, self.X_train, self.y_train, loss=s.loss, optimizer="sgd", lr=s.lr, alpha=s.alpha,
            batch_size=s.batch_size, seed=s.seed, validation=(self.X_test, self.y_test),
        )
        self.diverged = None  # the message of TrainingDiverged, once the loss stops being finite
        self._dashboard = None

    @property
    def history(self):
        """At each step: ``loss`` and ``accuracy`` on the batch, ``val_loss`` and ``val_accuracy`` on the test points,
        measured with the weights the step starts from (before its update)."""
        return self.trainer.history

    @property
    def steps(self):
        return len(self.history.loss)

    def step(self, n=1):
        """Train ``n`` steps (fewer if the loss diverges: then ``diverged`` says why and training stops)."""
        for _ in range(n):
            if self.diverged:
                return
            try:
                self.trainer.step()
            except TrainingDiverged as error:
                self.diverged = str(error)

    def summary(self):
        """One line on where training stands: the step, training and test loss, and accuracies."""
        if not self.steps:
            return "step 0: press play or step to train"
        h = self.history
        line = (
            f"step {self.steps}: training loss {h.loss[-1]:.4f}, test loss {h.val_loss[-1]:.4f}, "
            f"training accuracy {h.accuracy[-1]:.0%}, test accuracy {h.val_accuracy[-1]:.0%}"
        )
        return f"{line}. Stopped: {self.diverged}" if self.diverged else line

    def frame(self, compact=False):
        """The current state drawn as PNG bytes: boundary, curves and network (the figure is reused)."""
        if self._dashboard is None:
            self._dashboard = Dashboard(self)
        return self._dashboard.png(compact)

    def animation(self, frames=20, steps_per_frame=STEPS_PER_FRAME, ms_per_frame=150, dpi=70):
        """An animated GIF (bytes) of a fresh run with these settings: ``frames`` pictures, ``steps_per_frame`` apart."""
        run = Experiment(self.settings)
        dashboard = Dashboard(run, dpi=dpi)
        pictures = []
        for index in range(frames):
            if index:
                run.step(steps_per_frame)
            pictures.append(dashboard.image())
        # one palette for every frame (that of the last), so that pixels that do not change keep their
        # index and the GIF stores only what moves: a third of the size of a palette per frame
        palette = pictures[-1].quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        pictures = [picture.quantize(palette=palette, dither=Image.Dither.NONE) for picture in pictures]
        durations = [ms_per_frame] * (frames - 1) + [ms_per_frame * 10]  # the end stays on screen a while
        buffer = io.BytesIO()
        pictures[0].save(
            buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=durations, loop=0, optimize=True
        )
        return buffer.getvalue()

    def __repr__(self):
        s = self.settings
        network = " → ".join(str(width) for width in [2, *s.sizes])
        return (
            f"Experiment({s.dataset}, {s.n_samples - s.n_test} training + {s.n_test} test points, "
            f"MLP({network}) {s.activation}, {s.loss} loss, lr {s.lr:g}; {self.steps} step{'s' * (self.steps != 1)})"
        )


class Dashboard:
    """A matplotlib figure of an Experiment, built once; ``png()`` brings it up to date and renders it.

    Left: the scores on a grid (blue positive, red negative) with the decision
    boundary (score = 0), training points (circles) and test points (triangles).
    Middle: the network, each weight a line coloured by its sign, as thick as its size.
    Right: training and test loss (top) and accuracy (bottom) at each step.

    Redrawing a whole figure takes matplotlib ~150 ms, mostly axes, ticks and
    text that never change. So the figure is drawn once without its moving
    parts (the boundary, points, weights, curves and the titles' numbers are
    "animated" artists), that background is kept, and each frame pastes it back
    and draws only the moving parts on top (blitting). The background is drawn
    again only when the curves outgrow their axes.

    A frame costs ~20 ms (it was ~33 ms; on a busy machine ~29 against ~77 ms,
    issue 18): the scores' colours are painted straight into the canvas by two
    matrix products (``_paint_scores``, as imshow showed them); a title's words are part of the background and only its number is
    drawn (matplotlib draws text a letter at a time); the grid's scores take numpy's
    matrix products on one thread (two threads stall on a busy machine); the PNG's
    rows go unfiltered to zlib (``_png``). What is left: the weights (~3 ms), the
    points, the PNG (~4 ms) and the grid's scores.
    """

    def __init__(self, experiment, dpi=80):
        self.experiment = experiment
        self.figure = Figure(figsize=(12, 3.8), dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        grid = self.figure.add_gridspec(2, 3, width_ratios=[1, 1.1, 1.2])
        self._moving = []  # (axes, artist) in drawing order: what each frame draws over the background
        self._titles = []  # (axes, its title's words, a sample number, the number's Text)
        self._draw_boundary_panel(self.figure.add_subplot(grid[:, 0]))
        self._draw_network_panel(self.figure.add_subplot(grid[:, 1]))
        self._draw_curve_panels(self.figure.add_subplot(grid[0, 2]), self.figure.add_subplot(grid[1, 2]))
        # lay the panels out once, with room for the titles and the widest step numbers, then keep
        # them in place: constrained layout costs more than drawing
        self.update()
        for ax in (self._loss_ax, self._accuracy_ax):
            ax.set_xlim(0, 1000)
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self._place_titles()
        self._place_scores()
        self._background, self._background_limits = None, None

    def _move(self, ax, artist):
        artist.set_animated(True)
        self._moving.append((ax, artist))
        return artist

    def _title(self, ax, words, sample, fontsize):
        """A title of fixed words and a number that changes: the words are drawn with the background and
        only the number each frame (text costs matplotlib ~0.1 ms a letter). Returns the number's Text."""
        ax.set_title(words + sample, fontsize=fontsize)  # laid out with its number, then split by _place_titles
        number = self._move(ax, ax.text(0, 0, "", fontsize=fontsize, ha="left"))
        self._titles.append((ax, words, sample, number))
        return number

    def _place_titles(self):
        """Once laid out: each title's words, then its number just after them, the two centred as the title was
        (exactly when the number is as wide as the sample it was laid out with, within a few pixels otherwise)."""
        renderer = self.figure.canvas.get_renderer()
        for ax, words, sample, number in self._titles:
            title = ax.title
            font = title.get_fontproperties()
            full = renderer.get_text_width_height_descent(words + sample, font, ismath=False)[0]
            tail = renderer.get_text_width_height_descent(sample, font, ismath=False)[0]
            left = 0.5 - full / 2 / ax.bbox.width  # in the axes' width, as the title's x
            title.set_text(words)
            title.set_horizontalalignment("left")
            title.set_x(left)
            number.set_transform(title.get_transform())
            number.set_verticalalignment(title.get_verticalalignment())
            number.set_position((left + (full - tail) / ax.bbox.width, title.get_position()[1]))

    def _draw_boundary_panel(self, ax):
        e = self.experiment
        points = np.array(e.X_train + e.X_test)
        low, high = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
        x1, x2 = np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID))
        self._grid_axes = (x1, x2)
        self._grid_points = np.column_stack([x1.ravel(), x2.ravel()])
        self._scores_ax = ax  # the scores are painted over its whole box by _paint_scores, before the moving artists
        self._scores = np.zeros(x1.shape), 1.0  # the scores on the grid, and the colour scale's end ±limit
        # the decision boundary, score = 0: contour lines computed by contourpy (as matplotlib's contour
        # does), kept in one LineCollection whose segments change each frame
        self._boundary = self._move(ax, LineCollection([], colors="black", linewidths=1.2))
        ax.add_collection(self._boundary)
        for X, y, marker, size in ((e.X_train, e.y_train, "o", 18), (e.X_test, e.y_test, "^", 26)):
            X, positive = np.array(X), np.array(y) > 0
            colours = np.where(positive, CLASS_COLORS[1], CLASS_COLORS[0])
            points = ax.scatter(X[:, 0], X[:, 1], c=colours, marker=marker, s=size, edgecolors="black", linewidths=0.5)
            self._move(ax, points)
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("● training points   ▲ test points", fontsize=8)
        self._step_title = self._title(ax, f"{e.settings.dataset}, step ", "100", fontsize=9)

    def _draw_network_panel(self, ax):
        widths = [2, *self.experiment.settings.sizes]
        # neuron j of a layer of n sits at height (j − (n−1)/2)/max width: every layer centred
        tallest = max(widths)
        places = [[(layer, (j - (n - 1) / 2) / tallest) for j in range(n)] for layer, n in enumerate(widths)]
        segments = [
            [start, end]
            for inputs, outputs in zip(places, places[1:])
            for end in outputs  # in parameters() order: neuron by neuron, its weights in input order
            for start in inputs
        ]
        self._edges = self._move(ax, LineCollection(segments, capstyle="round"))
        ax.add_collection(self._edges)
        xs, ys = zip(*(place for layer_places in places for place in layer_places))
        sizes = [max(12, 160 / len(layer_places)) for layer_places in places for _ in layer_places]
        self._move(ax, ax.scatter(xs, ys, s=sizes, c="white", edgecolors="black", linewidths=0.8))  # over the weights
        ax.text(0, 0.58, "$x_1, x_2$", ha="center", fontsize=8)
        ax.text(len(widths) - 1, 0.58, "score", ha="center", fontsize=8)
        ax.set_xlim(-0.3, len(widths) - 0.7)
        ax.set_ylim(-0.55, 0.65)
        ax.axis("off")
        self._weights_title = self._title(ax, "weights: blue > 0, orange < 0; thickest |w| = ", "1.00", fontsize=8)

    def _draw_curve_panels(self, loss_ax, accuracy_ax):
        self._curves = {}
        for ax, name, label in ((loss_ax, "loss", "loss"), (accuracy_ax, "accuracy", "accuracy (%)")):
            (line,) = ax.plot([], [], color="#2166ac", label="training")
            self._curves[name] = self._move(ax, line)
            (line,) = ax.plot([], [], color="#b2182b", linestyle="--", label="test")
            self._curves[f"val_{name}"] = self._move(ax, line)
            ax.set_ylabel(label, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        loss_ax.legend(fontsize=7, loc="upper right")
        loss_ax.tick_params(labelbottom=False)
        accuracy_ax.set_xlabel("step", fontsize=8)
        accuracy_ax.set_ylim(0, 102)
        self._loss_ax, self._accuracy_ax = loss_ax, accuracy_ax

    def update(self):
        """Bring every moving part up to the experiment's current weights and history."""
        e = self.experiment
        with _one_blas_thread():
            scores = predict(e.model, self._grid_points)[:, 0].reshape(self._grid_axes[0].shape)
            # the colour scale spans the scores at the data, as in plots.plot_decision_boundary
            limit = max(float(np.abs(predict(e.model, e.X_train)[:, 0]).max()), 1e-9)
        self._scores = scores, limit
        boundary = contourpy.contour_generator(*self._grid_axes, scores, line_type="Separate").lines(0.0)
        self._boundary.set_segments(boundary)
        self._step_title.set_text(f"{e.steps}")

        # edge_style for every weight at once
        weights = np.array([w.data for layer in e.model.layers for neuron in layer.neurons for w in neuron.w])
        sizes = np.abs(weights)
        largest = float(sizes.max())
        share = sizes / largest if largest > 0 else np.zeros_like(sizes)
        self._edges.set_colors(_WEIGHT_RGBA[(weights < 0).astype(int)])
        self._edges.set_linewidths(THINNEST + (THICKEST - THINNEST) * share)
        self._weights_title.set_text(f"{largest:.2f}")

        h = e.history
        steps = np.arange(1, e.steps + 1)
        for name, line in self._curves.items():
            values = np.array(getattr(h, name), dtype=float)
            line.set_data(steps, 100 * values if name.endswith("accuracy") else values)

    def _place_scores(self):
        """Once laid out: the pixels of the boundary panel, and how each pixel's score is read off the grid.

        This is what ``imshow(scores, origin="lower", interpolation="bilinear", interpolation_stage="data",
        alpha=0.6)`` over the panel did, by matrix products instead of matplotlib's resampling and colour
        mapping (~5 ms a frame): the grid is GRID × GRID cells over the panel; each pixel's score is the
        bilinear interpolation of the four cells around its centre (nearest cell at the edges); its colour
        the band of SCORE_COLOURS its score falls in, laid at 60% over what is underneath."""
        box, height = self._scores_ax.bbox, self.figure.canvas.get_renderer().height
        left, right = round(box.x0), round(box.x1)
        top, bottom = round(height - box.y1), round(height - box.y0)  # rows of the canvas count from the top
        self._scores_box = np.s_[top:bottom, left:right, :3]
        # weights of the GRID cells for each pixel column, and each pixel row (bottom row = cell 0)
        self._columns = _bilinear(right - left, GRID).T
        self._rows = _bilinear(bottom - top, GRID)[::-1]
        self._score_colours = (0.6 * 255 * SCORE_COLOURS(np.arange(SCORE_COLOURS.N))[:, :3]).astype(np.float32)

    def _paint_scores(self, pixels):
        """Paint the scores' colours over the boundary panel's box of ``pixels`` (the canvas, RGBA rows)."""
        scores, limit = self._scores
        with _one_blas_thread():
            smooth = self._rows @ scores @ self._columns
        bands = np.clip(((smooth + limit) * (SCORE_COLOURS.N / (2 * limit))).astype(int), 0, SCORE_COLOURS.N - 1)
        np.add(self._score_colours[bands], self._under_scores, out=pixels[self._scores_box], casting="unsafe")

    def _limits(self):
        """The curves' axes limits, rounded up to 1, 2 or 5 × a power of ten so that they rarely change
        (the steps' at least FIRST_STEPS_SHOWN: the first ten frames share one background)."""
        h = self.experiment.history
        finite = [v for v in h.loss + h.val_loss if math.isfinite(v)]
        return _round_up(max(self.experiment.steps, FIRST_STEPS_SHOWN)), _round_up(max(finite, default=1.0))

    def image(self):
        """The figure, brought up to date, as a PIL image."""
        return Image.fromarray(self._render()).convert("RGB")

    def _render(self):
        """Bring the figure up to date and draw it: its pixels, an RGBA array (a view of the canvas)."""
        self.update()
        canvas = self.figure.canvas
        limits = self._limits()
        if limits != self._background_limits:
            steps, loss = limits
            for ax in (self._loss_ax, self._accuracy_ax):
                ax.set_xlim(0, steps)
            self._loss_ax.set_ylim(0, loss)
            canvas.draw()  # everything that does not move
            self._background, self._background_limits = canvas.copy_from_bbox(self.figure.bbox), limits
            # what shows through the scores' colours, 40% of the background (+0.5: rounded to the nearest level)
            self._under_scores = (0.4 * np.asarray(canvas.buffer_rgba())[self._scores_box] + 0.5).astype(np.float32)
        canvas.restore_region(self._background)
        pixels = np.asarray(canvas.buffer_rgba())
        self._paint_scores(pixels)
        for ax, artist in self._moving:
            ax.draw_artist(artist)
        return pixels

    def png(self, compact=False):
        """The figure, brought up to date, as PNG bytes.

        Fast to write by default, for the frames of a playground that plays; ``compact`` reduces it
        to 256 colours, a third of the size, for a picture stored in a notebook.
        """
        if not compact:
            return _png(self._render()[:, :, :3])
        buffer = io.BytesIO()
        self.image().quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
            buffer, format="PNG", optimize=True
        )
        return buffer.getvalue()

    def _repr_png_(self):
        return self.png(compact=True)

    def __repr__(self):
        return f"Dashboard of {self.experiment!r}"


def _bilinear(pixels, cells):
    """A (pixels × cells) matrix that reads a row of ``cells`` values at the centres of ``pixels`` pixels spanning
    the same width, linearly between the two nearest cell centres (the nearest cell beyond the outer centres)."""
    where = np.clip((np.arange(pixels) + 0.5) * cells / pixels - 0.5, 0, cells - 1)
    below = np.minimum(where.astype(int), cells - 2)
    weights = np.zeros((pixels, cells))
    weights[np.arange(pixels), below] = below + 1 - where
    weights[np.arange(pixels), below + 1] = where - below
    return weights


_blas = None


def _one_blas_thread():
    """A context in which numpy's matrix products run on one thread. The grid's scores are products of
    10,000 × 16 by 16 × 16: a thread of OpenBLAS does one in ~0.2 ms, but with two threads on cores other
    programs are using, one thread waits for the other, 5–10 ms a product."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController  # scikit-learn's own dependency

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def _png(rgb, level=1):
    """An RGB array (height × width × 3, uint8) as PNG bytes, its rows unfiltered and compressed by zlib at
    ``level``. For a figure of flat colours this is smaller than Pillow's filtered rows at compress_level=1,
    and takes a third of the time (~4 ms for a frame, against ~13 ms)."""
    height, width, _ = rgb.shape
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type of each row: none
    rows[:, 1:] = rgb.reshape(height, 3 * width)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB, not interlaced
    return b"".join((
        b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(rows.data, level)), chunk(b"IEND", b""),
    ))


def _round_up(value):
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``value`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


class Playground(widgets.VBox):
    """The playground: controls, play/pause/step/reset, and the picture of an Experiment training live.

    ``Playground(dataset="xor", hidden=(4,))``: the keywords set the initial controls (see ``Settings``).
    Changing a control starts a new experiment from the new settings; a bad value is shown in red
    under the controls, and training waits until it is fixed. Play trains in a background thread,
    STEPS_PER_FRAME steps between redraws, for at most PLAY_LIMIT steps per press.
    ``experiment`` is the Experiment on screen; ``save(path)`` writes an animated GIF of a short run.
    """

    def __init__(self, **settings):
        initial = Settings(**settings)  # bad keywords raise here, with the reason
        self._lock = threading.Lock()  # one thread at a time trains or draws the experiment
        self._stop = threading.Event()
        self._player = None
        hidden, batch = ", ".join(map(str, initial.hidden)), "all" if initial.batch_size is None else str(initial.batch_size)
        self._controls = {
            "dataset": _control(widgets.Dropdown, "dataset", initial.dataset, 150, options=DATASETS),
            "noise": _control(widgets.FloatText, "noise", initial.noise, 110, step=0.05),
            "n_samples": _control(widgets.IntText, "points", initial.n_samples, 110),
            "test_fraction": _control(widgets.FloatText, "test fraction", initial.test_fraction, 150, step=0.1),
            "hidden": _control(widgets.Text, "hidden layers", hidden, 190, placeholder="16, 16"),
            "activation": _control(widgets.Dropdown, "activation", initial.activation, 160, options=ACTIVATIONS),
            "loss": _control(widgets.Dropdown, "loss", initial.loss, 120, options=LOSSES),
            "lr": _control(widgets.FloatText, "learning rate", initial.lr, 160, step=0.01),
            "batch_size": _control(widgets.Text, "batch size", batch, 140, placeholder="all"),
            "alpha": _control(widgets.FloatText, "L2", initial.alpha, 130, step=1e-4),
            "seed": _control(widgets.IntText, "seed", initial.seed, 100),
        }
        self._buttons = {
            name: widgets.Button(description=label, tooltip=tip, layout=widgets.Layout(width="80px"))
            for name, label, tip in (
                ("play", "▶ play", f"train, redrawing every {STEPS_PER_FRAME} steps"),
                ("pause", "‖ pause", "stop training"),
                ("step", "step", "one training step"),
                ("reset", "⟲ reset", "start again from new weights"),
            )
        }
        self._status = widgets.Label()
        self._error = widgets.HTML()
        self._picture = widgets.Image(format="png", layout=widgets.Layout(width="960px", max_width="100%"))
        for control in self._controls.values():
            control.observe(self._settings_changed, names="value")
        self._buttons["play"].on_click(lambda _: self.play())
        self._buttons["pause"].on_click(lambda _: self.pause())
        self._buttons["step"].on_click(lambda _: self.step())
        self._buttons["reset"].on_click(lambda _: self.reset())
        c = self._controls
        super().__init__([
            widgets.HBox([c["dataset"], c["noise"], c["n_samples"], c["test_fraction"], c["seed"]]),
            widgets.HBox([c["hidden"], c["activation"], c["loss"], c["lr"], c["batch_size"], c["alpha"]]),
            widgets.HBox([*self._buttons.values(), self._status]),
            self._error,
            self._picture,
        ])
        self.add_class("micrograd-playground")  # so that a browser test can find it, and its parts:
        self._status.add_class("micrograd-playground-status")
        self._error.add_class("micrograd-playground-error")
        self._picture.add_class("micrograd-playground-picture")
        self.experiment = None
        self._start(initial)

    # ---- the controls

    def settings(self):
        """The Settings the controls hold now (ValueError, with the reason, if one of them is bad)."""
        values = {name: control.value for name, control in self._controls.items()}
        values["hidden"] = parse_hidden(values["hidden"])
        values["batch_size"] = parse_batch_size(values["batch_size"])
        return Settings(**values)

    def _settings_changed(self, _change):
        self.pause()
        try:
            settings = self.settings()
        except ValueError as error:
            self._show_error(str(error))
            return
        self._start(settings)

    def _start(self, settings):
        with self._lock:
            try:
                self.experiment = Experiment(settings)
            except ValueError as error:  # settings that pass their checks and still make no experiment (the data)
                self._show_error(str(error))
                return
            self._show_error("")
            self._redraw(compact=True)  # the first frame is the one a saved notebook keeps: make it small

    def _show_error(self, message):
        """A bad control: its reason in red, and nothing to train until it is fixed."""
        self._error.value = f'<span style="color:#b2182b">⚠ {html.escape(message)}</span>' if message else ""
        for name in ("play", "step"):
            self._buttons[name].disabled = bool(message)

    def _redraw(self, compact=False):
        self._picture.value = self.experiment.frame(compact)
        self._status.value = self.experiment.summary()

    # ---- the buttons

    def play(self):
        """Train in a background thread, redrawing every STEPS_PER_FRAME steps, until paused or PLAY_LIMIT steps."""
        if self.playing or self._buttons["play"].disabled:
            return
        self._stop.clear()
        self._player = threading.Thread(target=self._play, name="playground", daemon=True)
        self._player.start()

    def _play(self):
        self._buttons["play"].disabled = True
        try:
            for _ in range(PLAY_LIMIT // STEPS_PER_FRAME):
                if self._stop.is_set() or self.experiment.diverged:
                    break
                with self._lock:
                    self.experiment.step(STEPS_PER_FRAME)
                    self._redraw()
        except Exception as error:  # in a background thread a traceback would go unseen: show it in the widget
            self._show_error(f"training stopped: {type(error).__name__}: {error}; press reset to start again")
        finally:
            self._buttons["play"].disabled = bool(self._error.value)

    @property
    def playing(self):
        return self._player is not None and self._player.is_alive()

    def pause(self):
        """Stop playing, once the frame being drawn is on screen."""
        self._stop.set()
        if self.playing and threading.current_thread() is not self._player:
            self._player.join()

    def step(self):
        """One training step, then redraw."""
        if self.playing or self._buttons["step"].disabled:
            return
        with self._lock:
            self.experiment.step(1)
            self._redraw()

    def reset(self):
        """Start again from the controls' settings: new weights, an empty history."""
        self._settings_changed(None)

    # ---- pictures outside the kernel

    def save(self, path):
        """Write an animated GIF of a short run with the current settings to ``path``."""
        with open(path, "wb") as file:
            file.write(self.experiment.animation())

    def _ipython_display_(self):
        # A stored widget shows only its text without a kernel (a fresh clone, the website); with an
        # animated GIF beside the widget view, a front end shows the animation there and the live
        # widget once the cell is run.
        display(with_picture(self, "image/gif", self.experiment.animation()), raw=True)

    def __repr__(self):
        return f"Playground: {self.experiment!r}"


def _control(kind, description, value, pixels, **options):
    """A labelled control ``pixels`` wide; a typed value counts once Enter is pressed or the box is left."""
    if kind is not widgets.Dropdown:
        options["continuous_update"] = False
    layout = widgets.Layout(width=f"{pixels}px")
    return kind(value=value, description=description, layout=layout, style={"description_width": "initial"}, **options)
