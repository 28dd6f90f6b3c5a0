"""The playground without a browser: settings and their bad values, training, drawing, the widget's logic."""

import base64
import io
import threading

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PIL import Image

from micrograd_mlp.plots import predict
from micrograd_mlp.playground import (
    NEGATIVE_WEIGHT,
    PLAY_LIMIT,
    POSITIVE_WEIGHT,
    STEPS_PER_FRAME,
    THICKEST,
    THINNEST,
    Dashboard,
    Experiment,
    Playground,
    Settings,
    edge_style,
    parse_batch_size,
    parse_hidden,
)
from micrograd_mlp.playground import widget  # the play loop's module: a test lowers its PLAY_LIMIT
from micrograd_mlp.playground.dashboard import SCORE_COLOURS

SMALL = {"n_samples": 40, "hidden": (4,)}  # quick to train and draw
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# ---------------------------------------------------------------- settings

def test_the_defaults_are_the_benchmarked_ones():
    s = Settings()
    assert (s.dataset, s.n_samples, s.hidden, s.sizes) == ("moons", 200, (16, 16), [16, 16, 1])


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"dataset": "banana"}, "unknown dataset 'banana'; choose one of moons, circles, xor, spirals"),
        ({"noise": -0.1}, "noise must be a number 0 or more, got -0.1"),
        ({"noise": "lots"}, "noise must be a number 0 or more, got 'lots'"),
        ({"n_samples": 0}, "the number of points must be a whole number of at least 4, got 0"),
        ({"n_samples": 50.5}, "the number of points must be a whole number of at least 4, got 50.5"),
        ({"test_fraction": 0.0}, "the test fraction must be a number strictly between 0 and 1, e.g. 0.3, got 0.0"),
        ({"test_fraction": 1}, "the test fraction must be a number strictly between 0 and 1, e.g. 0.3, got 1"),
        ({"test_fraction": 1.5}, "the test fraction must be a number strictly between 0 and 1, e.g. 0.3, got 1.5"),
        ({"n_samples": 10, "test_fraction": 0.1}, "splits 10 points into 9 training and 1 test points; each side needs at least 2"),
        ({"hidden": (16, 0)}, "hidden layer 2 has width 0; a width is a whole number from 1 to 64"),
        ({"hidden": (100,)}, "hidden layer 1 has width 100; a width is a whole number from 1 to 64"),
        ({"hidden": (2.5,)}, "hidden layer 1 has width 2.5"),
        ({"hidden": (4,) * 7}, "at most 6 hidden layers, got 7"),
        ({"hidden": 16}, "hidden lists the width of each hidden layer, e.g. (16, 16); got 16"),
        ({"activation": "softmax"}, "unknown activation 'softmax'; choose one of tanh, relu, sigmoid, linear"),
        ({"loss": "l1"}, "unknown loss 'l1'; choose one of"),
        ({"lr": -0.1}, "the learning rate must be a number more than 0, e.g. 0.1, got -0.1"),
        ({"lr": 0}, "the learning rate must be a number more than 0"),
        ({"lr": float("nan")}, "the learning rate must be a number more than 0, e.g. 0.1, got nan"),
        ({"lr": True}, "the learning rate must be a number more than 0"),
        ({"alpha": -1e-4}, "the L2 weight alpha must be a number 0 or more"),
        ({"batch_size": 0}, "the batch size must be a whole number of at least 1, got 0"),
        ({"batch_size": 141}, "the batch size 141 is larger than the training set (140 points); choose at most 140"),
        ({"seed": -1}, "the seed must be a whole number of at least 0, got -1"),
    ],
)
def test_a_bad_setting_says_what_is_wrong(bad, message):
    with pytest.raises(ValueError) as error:
        Settings(**bad)
    assert message in str(error.value)


def test_a_list_of_widths_becomes_a_tuple():
    assert Settings(hidden=[8, 4]).hidden == (8, 4)
    assert Settings(hidden=()).sizes == [1]  # no hidden layer: a linear model


@pytest.mark.parametrize("text, widths", [("16, 16", (16, 16)), (" 8 ", (8,)), ("", ()), ("4,4;2", (4, 4, 2))])
def test_hidden_layers_typed_in_a_box(text, widths):
    assert parse_hidden(text) == widths


@pytest.mark.parametrize("text", ["abc", "16,", "-4", "1.5"])
def test_hidden_layers_that_are_not_widths(text):
    with pytest.raises(ValueError, match="whole numbers separated by commas, e.g. 16, 16"):
        parse_hidden(text)


@pytest.mark.parametrize("text, size", [("all", None), ("", None), (" ALL ", None), ("32", 32)])
def test_batch_size_typed_in_a_box(text, size):
    assert parse_batch_size(text) == size


@pytest.mark.parametrize("text", ["half", "-3", "2.5"])
def test_a_batch_size_that_is_not_a_number(text):
    with pytest.raises(ValueError, match="the batch size is a whole number or 'all'"):
        parse_batch_size(text)


# ---------------------------------------------------------------- the experiment

def test_the_split_is_seeded_stratified_and_complete():
    e = Experiment(n_samples=60, test_fraction=0.25, seed=3)
    assert (len(e.X_train), len(e.X_test)) == (45, 15)
    points = [tuple(x) for x in e.X_train + e.X_test]
    assert len(set(points)) == 60  # every point in exactly one part
    assert sum(e.y_test) in (7.0, 8.0)  # both classes, in proportion
    again = Experiment(n_samples=60, test_fraction=0.25, seed=3)
    assert again.X_test == e.X_test
    assert Experiment(n_samples=60, test_fraction=0.25, seed=4).X_test != e.X_test


def test_steps_fill_the_training_and_test_history():
    e = Experiment(**SMALL)
    e.step(3)
    e.step()
    h = e.history
    assert e.steps == 4
    assert len(h.loss) == len(h.accuracy) == len(h.val_loss) == len(h.val_accuracy) == 4


def test_it_learns_moons_and_generalises():
    e = Experiment(n_samples=100, hidden=(8, 8), lr=0.3)
    e.step(60)
    h = e.history
    assert h.loss[-1] < 0.5 * h.loss[0]
    assert h.val_loss[-1] < 0.5 * h.val_loss[0]
    assert h.val_accuracy[-1] >= 0.85


def test_the_same_settings_give_the_same_run():
    first, second = Experiment(**SMALL, batch_size=8), Experiment(**SMALL, batch_size=8)
    first.step(5)
    second.step(5)
    assert first.history == second.history


def test_a_diverging_run_stops_and_says_why():
    e = Experiment(**SMALL, loss="mse", lr=1e6)
    e.step(50)
    assert e.diverged and "Try a smaller learning rate" in e.diverged
    assert e.steps < 50
    steps = e.steps
    e.step(5)
    assert e.steps == steps  # nothing more once diverged
    assert "Stopped: the loss became" in e.summary()


def test_summary_and_repr_are_plain_text():
    e = Experiment(**SMALL)
    assert e.summary() == "step 0: press play or step to train"
    e.step()
    assert e.summary().startswith("step 1: training loss ")
    assert repr(e) == "Experiment(moons, 28 training + 12 test points, MLP(2 → 4 → 1) tanh, hinge loss, lr 0.1; 1 step)"


# ---------------------------------------------------------------- drawing

def png_image(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.mark.parametrize("edge, colour, width", [(2.0, POSITIVE_WEIGHT, THICKEST), (-2.0, NEGATIVE_WEIGHT, THICKEST), (0.0, POSITIVE_WEIGHT, THINNEST)])
def test_edge_style_ends(edge, colour, width):
    assert edge_style(edge, 2.0) == (colour, width)


def test_edge_style_grows_with_the_size_not_the_sign():
    assert edge_style(-1.0, 4.0)[1] == edge_style(1.0, 4.0)[1] == pytest.approx(THINNEST + (THICKEST - THINNEST) / 4)
    assert edge_style(0.0, 0.0) == (POSITIVE_WEIGHT, THINNEST)  # a network of zeros: no division by zero


def test_a_frame_is_a_png_that_changes_as_it_trains():
    e = Experiment(**SMALL)
    before = png_image(e.frame())
    e.step(10)
    after = png_image(e.frame())
    assert before.shape == after.shape == (304, 960, 3)
    assert (before != after).any(axis=2).mean() > 0.01


def test_blitted_frames_equal_a_figure_drawn_from_scratch():
    e = Experiment(**SMALL)
    dashboard = Dashboard(e)
    for steps in (3, 9, 30):  # the curves outgrow their axes at 10 and 20 steps: the background is redrawn
        e.step(steps)
        blitted = np.asarray(dashboard.image())
        fresh = np.asarray(Dashboard(e).image())
        assert (blitted == fresh).all(), f"after {e.steps} steps"


def test_a_fast_frame_is_the_figure_as_a_png():
    e = Experiment(**SMALL)
    e.step(5)
    dashboard = Dashboard(e)
    picture = Image.open(io.BytesIO(dashboard.png()))
    assert picture.format == "PNG" and picture.mode == "RGB"
    assert (np.asarray(picture) == np.asarray(dashboard.image())).all()


def test_the_scores_are_painted_as_matplotlib_would_show_them():
    """The boundary panel's colours, painted by matrix products, against imshow's (bilinear on the data, 60%)."""
    e = Experiment(**SMALL)
    e.step(20)
    dashboard = Dashboard(e)
    dashboard.image()
    canvas = dashboard.figure.canvas
    canvas.restore_region(dashboard._background)
    dashboard._paint_scores(np.asarray(canvas.buffer_rgba()))
    painted = np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)
    scores, limit = dashboard._scores
    ax = dashboard._scores_ax
    image = ax.imshow(scores, origin="lower", extent=(*ax.get_xlim(), *ax.get_ylim()), cmap=SCORE_COLOURS,
                      alpha=0.6, aspect="auto", interpolation="bilinear", interpolation_stage="data",
                      vmin=-limit, vmax=limit, animated=True)
    canvas.restore_region(dashboard._background)
    ax.draw_artist(image)
    shown = np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)
    rows, columns, _ = dashboard._scores_box

    def near(dy, dx):  # each painted pixel against imshow's pixel (dy, dx) away
        return np.abs(painted[rows, columns] - shown[rows.start + dy:rows.stop + dy, columns.start + dx:columns.stop + dx]).max(axis=2) <= 2

    assert near(0, 0).mean() > 0.95  # equal but for rounding
    # the rest where one band of colour meets the next: the border a pixel away
    assert np.logical_or.reduce([near(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]).all()


def test_a_title_number_follows_its_words():
    e = Experiment(**SMALL)
    e.step(12)
    dashboard = Dashboard(e)
    dashboard.image()
    renderer = dashboard.figure.canvas.get_renderer()
    for ax, words, _, number in dashboard._titles:
        title = ax.title.get_window_extent(renderer)
        assert ax.title.get_text() == words and number.get_text()
        digits = number.get_window_extent(renderer)
        assert abs(digits.y0 - title.y0) < 1 and 0 <= digits.x0 - title.x1 < 8
        assert abs((title.x0 + digits.x1) / 2 - (ax.bbox.x0 + ax.bbox.x1) / 2) < 12  # about centred
    assert dashboard._step_title.get_text() == "12"


def test_the_network_picture_follows_the_weights():
    e = Experiment(**SMALL)
    e.step(5)
    dashboard = Dashboard(e)
    dashboard.update()
    weights = [w.data for layer in e.model.layers for neuron in layer.neurons for w in neuron.w]
    largest = max(abs(w) for w in weights)
    styles = [edge_style(w, largest) for w in weights]
    assert len(weights) == 2 * 4 + 4
    assert [tuple(c) for c in dashboard._edges.get_colors()] == [to_rgba(colour) for colour, _ in styles]
    assert list(dashboard._edges.get_linewidths()) == pytest.approx([width for _, width in styles])


def test_the_boundary_line_is_where_the_score_changes_sign():
    e = Experiment(**SMALL)
    e.step(20)
    dashboard = Dashboard(e)
    dashboard.update()
    segments = dashboard._boundary.get_segments()
    assert segments
    on_line = np.concatenate(segments)
    scores = predict(e.model, on_line)[:, 0]
    spread = np.ptp(predict(e.model, dashboard._grid_points)[:, 0])
    assert np.abs(scores).max() < 0.02 * spread


def test_the_curves_hold_every_step():
    e = Experiment(**SMALL)
    e.step(7)
    dashboard = Dashboard(e)
    dashboard.update()
    xs, ys = dashboard._curves["val_accuracy"].get_data()
    assert list(xs) == list(range(1, 8))
    assert list(ys) == [100 * a for a in e.history.val_accuracy]


def test_an_animation_is_a_gif_of_a_fresh_run():
    e = Experiment(**SMALL)
    e.step(3)
    data = e.animation(frames=4, steps_per_frame=2)
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == 4
    assert e.steps == 3  # the experiment itself did not train
    assert e.animation(frames=4, steps_per_frame=2) == data  # deterministic


# ---------------------------------------------------------------- the widget

def test_the_widget_starts_from_its_keywords():
    p = Playground(**SMALL, dataset="xor")
    assert p.experiment.settings == Settings(**SMALL, dataset="xor")
    assert p._picture.value[:4] == b"\x89PNG"
    assert p._status.value == "step 0: press play or step to train"


def test_bad_keywords_raise_with_the_reason():
    with pytest.raises(ValueError, match="unknown dataset 'spiral'"):
        Playground(dataset="spiral")


@pytest.mark.parametrize(
    "control, value, message",
    [
        ("n_samples", 0, "the number of points must be a whole number of at least 4"),
        ("hidden", "4, 0", "hidden layer 2 has width 0"),
        ("hidden", "four", "hidden layers are whole numbers separated by commas"),
        ("lr", -1.0, "the learning rate must be a number more than 0"),
        ("test_fraction", 1.5, "the test fraction must be a number strictly between 0 and 1"),
        ("batch_size", "500", "the batch size 500 is larger than the training set (28 points)"),
        ("batch_size", "some", "the batch size is a whole number or 'all'"),
        ("noise", -0.5, "noise must be a number 0 or more"),
    ],
)
def test_a_bad_control_shows_its_error_and_blocks_training(control, value, message):
    p = Playground(**SMALL)
    p._controls[control].value = value
    assert message.replace("'", "&#x27;") in p._error.value
    assert p._buttons["play"].disabled and p._buttons["step"].disabled
    p.step()
    assert p.experiment.steps == 0
    p._controls[control].value = {"hidden": "4", "batch_size": "all"}.get(control, getattr(Settings(**SMALL), control))
    assert p._error.value == ""
    assert not p._buttons["play"].disabled


def test_a_new_setting_starts_a_new_experiment():
    p = Playground(**SMALL)
    p.step()
    p._controls["activation"].value = "relu"
    assert p.experiment.settings.activation == "relu"
    assert p.experiment.steps == 0


def test_step_and_reset():
    p = Playground(**SMALL)
    p.step()
    p.step()
    assert p.experiment.steps == 2
    assert p._status.value.startswith("step 2: ")
    first = p._picture.value
    p.reset()
    assert p.experiment.steps == 0
    assert p._picture.value != first


def test_play_trains_in_the_background_until_paused():
    p = Playground(**SMALL)
    drawn = threading.Event()
    p._picture.observe(lambda change: drawn.set(), names="value")
    p.play()
    assert drawn.wait(timeout=60), "play drew no frame"
    p.pause()
    assert not p.playing
    steps = p.experiment.steps
    assert steps >= STEPS_PER_FRAME and steps % STEPS_PER_FRAME == 0
    assert p._status.value.startswith(f"step {steps}: ")
    assert not p._buttons["play"].disabled


def test_play_stops_by_itself_after_its_limit(monkeypatch):
    assert PLAY_LIMIT % STEPS_PER_FRAME == 0
    monkeypatch.setattr(widget, "PLAY_LIMIT", 4 * STEPS_PER_FRAME)  # the same rule, sooner
    p = Playground(**SMALL)
    p.play()
    p._player.join(timeout=600)
    assert not p.playing
    assert p.experiment.steps == 4 * STEPS_PER_FRAME


def test_displayed_it_is_the_live_widget_beside_an_animation_and_plain_text(notebook_cell):
    p = Playground(**SMALL)
    [bundle] = notebook_cell(p)
    assert bundle[WIDGET_VIEW] == {"version_major": 2, "version_minor": 0, "model_id": p.model_id}
    assert bundle["text/plain"] == f"Playground: {p.experiment!r}"
    gif = Image.open(io.BytesIO(base64.b64decode(bundle["image/gif"])))
    assert gif.format == "GIF" and gif.n_frames > 1


def test_save_writes_the_animation(tmp_path):
    p = Playground(**SMALL)
    p.save(tmp_path / "playground.gif")
    assert (tmp_path / "playground.gif").read_bytes() == p.experiment.animation()


def test_a_compact_picture_is_a_smaller_png_of_256_colours():
    e = Experiment(**SMALL)
    e.step(5)
    fast, compact = e.frame(), e.frame(compact=True)
    picture = Image.open(io.BytesIO(compact))
    assert picture.format == "PNG" and picture.mode == "P"
    assert len(compact) < len(fast) / 2
    assert Dashboard(e)._repr_png_() == compact  # what a notebook stores


def test_the_widget_keeps_a_compact_first_frame_and_fast_frames_while_it_trains():
    p = Playground(**SMALL)
    assert Image.open(io.BytesIO(p._picture.value)).mode == "P"  # the frame a saved notebook keeps
    p.step()
    assert Image.open(io.BytesIO(p._picture.value)).mode == "RGB"


def test_a_diverging_run_stops_playing_and_says_why():
    p = Playground(**SMALL, loss="mse", lr=1e6)
    p.play()
    p._player.join(timeout=600)
    assert not p.playing
    assert p.experiment.diverged
    assert "Stopped: the loss became" in p._status.value


def test_an_unexpected_error_while_playing_is_shown_in_the_widget(monkeypatch):
    p = Playground(**SMALL)

    def broken(n=1):
        raise RuntimeError("something broke")

    monkeypatch.setattr(p.experiment, "step", broken)
    p.play()
    p._player.join(timeout=600)
    assert "training stopped: RuntimeError: something broke; press reset to start again" in p._error.value
    p.reset()
    assert p._error.value == "" and not p._buttons["play"].disabled
