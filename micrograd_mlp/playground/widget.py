"""The playground as a notebook widget: ipywidgets controls and buttons around an Experiment.

``Playground`` makes Settings of its controls and an Experiment of the settings; play trains in a background
thread, STEPS_PER_FRAME steps between redraws, so the kernel stays responsive.
"""

import html
import threading

import ipywidgets as widgets
from IPython.display import display

from ..stepper import with_picture
from .experiment import STEPS_PER_FRAME, Experiment
from .settings import ACTIVATIONS, DATASETS, LOSSES, Settings, parse_batch_size, parse_hidden

PLAY_LIMIT = 1000  # one press of play trains at most this many steps, so a forgotten playground stops using the CPU


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
