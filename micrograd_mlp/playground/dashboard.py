"""The playground's picture: one matplotlib figure of an Experiment, redrawn by blitting only what moves.

``Dashboard`` draws the boundary and points, the network and the curves; ``edge_style`` is the rule by which
it draws a weight. The helpers after it make a frame fast: ``_bilinear`` and ``_one_blas_thread`` for the
scores' colours, ``_png`` for the PNG bytes, ``_round_up`` for axes that rarely change.
"""

import io
import math
import struct
import zlib

import contourpy
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from ..inference import predict
from ..plots import CLASS_COLORS

GRID = 100  # the boundary is drawn from the scores on a GRID × GRID mesh
FIRST_STEPS_SHOWN = 50  # the curves' step axis starts this long: a new scale redraws the whole figure (~60 ms)

POSITIVE_WEIGHT, NEGATIVE_WEIGHT = "#2166ac", "#e08214"  # blue and orange, as in TensorFlow Playground
THINNEST, THICKEST = 0.2, 3.0  # line widths (points) of a zero weight and of the largest weight
_WEIGHT_RGBA = np.array([to_rgba(POSITIVE_WEIGHT), to_rgba(NEGATIVE_WEIGHT)])
# scores in 20 bands of colour, like the filled contours of plots.plot_decision_boundary (and a GIF of
# flat bands is a fraction of the size of one of smooth gradients)
SCORE_COLOURS = matplotlib.colormaps["RdBu"].resampled(20)


def edge_style(weight, largest):
    """How the network picture draws a weight: (colour, line width in points).

    Blue for a positive weight, orange for a negative one; the width grows with
    the size |w| from THINNEST (w = 0) to THICKEST (|w| = largest, the largest
    size in the network):  width = THINNEST + (THICKEST − THINNEST)·|w|/largest.
    """
    colour = NEGATIVE_WEIGHT if weight < 0 else POSITIVE_WEIGHT
    share = abs(weight) / largest if largest > 0 else 0.0
    return colour, THINNEST + (THICKEST - THINNEST) * share


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

    A frame costs ~15 ms on a quiet 2-core machine (~33 ms before issue 18): the scores' colours
    are painted straight into the canvas by two matrix products, over the background blended once
    (``_paint_scores``, as imshow showed them); a title's words are part of the background and only its
    number is drawn (matplotlib draws text a letter at a time); the grid's scores take numpy's matrix
    products on one thread (two threads stall on a busy machine); the PNG's rows go unfiltered to zlib
    (``_png``); the step axis starts at FIRST_STEPS_SHOWN steps, so the first ten frames of play share
    one background; points and neurons are markers stamped along undrawn lines (a scatter plot draws
    each point, ~5× slower). What is left: the weights (~3 ms), the scores (~2 ms to compute, ~2 to
    paint), the PNG (~4 ms) and the two numbers.
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
        for X, y, marker, area in ((e.X_train, e.y_train, "o", 18), (e.X_test, e.y_test, "^", 26)):
            X, positive = np.array(X), np.array(y) > 0
            for colour, chosen in ((CLASS_COLORS[0], ~positive), (CLASS_COLORS[1], positive)):
                # the points of one colour as markers on a line that is not drawn: matplotlib draws one marker and
                # stamps it at every point, several times faster than a scatter plot (which draws each point)
                (points,) = ax.plot(X[chosen, 0], X[chosen, 1], linestyle="none", marker=marker, markersize=math.sqrt(area),
                                    markerfacecolor=colour, markeredgecolor="black", markeredgewidth=0.5)
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
        for layer_places in places:  # the neurons, over the weights: a layer's markers at a time, as the points
            xs, ys = zip(*layer_places)
            (neurons,) = ax.plot(xs, ys, linestyle="none", marker="o", markersize=math.sqrt(max(12, 160 / len(xs))),
                                 markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.8)
            self._move(ax, neurons)
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
