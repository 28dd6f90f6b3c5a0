"""One run of the playground: settings → training and test points, an MLP and its Trainer, trained step by step.

``Experiment`` holds the run and its history; its pictures, a frame or an animated GIF, are drawn by a ``Dashboard``.
"""

import io
from collections import Counter
from dataclasses import replace

from PIL import Image

from ..data import load as load_dataset
from ..nn import MLP
from ..train import Trainer, TrainingDiverged
from .dashboard import Dashboard
from .settings import Settings

STEPS_PER_FRAME = 5  # training steps between two redraws while playing: ~60 ms of training, ~17 ms of drawing


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
