"""The training loop: forward, loss, zero the gradients, backward, update; repeated.

``Trainer`` holds everything one step needs and takes one step at a time
(the playground steps it between redraws). ``fit`` runs it for a number of
steps with a tqdm progress bar and returns the history. The same seed gives
identical results.
"""

import math
import numbers
import random
from dataclasses import dataclass, field

from tqdm import tqdm

from .engine import Value, gc_paused, is_grad_enabled, no_grad
from .losses import LABELS, LOSSES, accuracy, class_indices, convert_labels, l2_penalty
from .nn import MLP
from .optim import SGD, Adam, linear_decay
from .inference import predict

__all__ = ["fit", "Trainer", "History", "TrainingDiverged", "OPTIMIZERS"]

OPTIMIZERS = {"sgd": SGD, "adam": Adam}
DEFAULT_LR = {"sgd": 0.1, "adam": 0.01}


@dataclass
class History:
    """What happened at each step.

    ``loss`` is what the step minimised (the data loss plus the L2 penalty), ``accuracy`` the
    accuracy on the step's batch, ``lr`` the learning rate used. With validation data,
    ``val_loss`` (the same loss and penalty), ``val_data_loss`` (the data loss alone, without
    the L2 penalty: what to compare across penalties, e.g. to choose ``alpha``) and
    ``val_accuracy`` are measured on it with the same weights, before the update; without,
    they stay empty.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    val_data_loss: list = field(default_factory=list)


class TrainingDiverged(ArithmeticError):
    """The loss stopped being a finite number; ``history`` holds every step before that."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


class Trainer:
    """Everything a training step needs, checked once; ``step()`` takes one step.

    loss: "hinge", "mse" or "bce" for a model with one output (labels are converted to
    the form the loss expects), "cross_entropy" for a model with K outputs (labels 0 … K−1).
    optimizer: "sgd" (with ``momentum``) or "adam". lr: a number or a schedule ``lr(step)``;
    by default 0.1 for SGD and 0.01 for Adam. alpha: weight of the L2 penalty (0 for none).
    batch_size: examples per step, drawn with ``seed``; ``None`` uses all of them.
    validation: ``(X_val, y_val)`` to measure at each step, with the weights the step starts from
    (before its update; no graph is built for it).
    """

    def __init__(
        self,
        model,
        X,
        y,
        loss="hinge",
        optimizer="sgd",
        lr=None,
        momentum=0.0,
        alpha=1e-4,
        batch_size=None,
        seed=0,
        validation=None,
    ):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0.0 <= alpha < math.inf:
            raise ValueError(f"alpha (the L2 penalty's weight) must be a finite number, 0 or more, got {alpha!r}")
        if optimizer != "sgd" and not (isinstance(momentum, numbers.Real) and momentum == 0):
            raise ValueError(f"momentum is an option of SGD; {optimizer!r} keeps its own running averages "
                             f"(Adam's betas), so leave momentum out, got momentum={momentum!r}")
        self.model = model
        self.loss = loss
        self.loss_fn = LOSSES[loss]
        self.X, self.labels = self._examples(X, y, "X and y")
        self.validation = None if validation is None else self._examples(*_pair(validation), "validation")
        if batch_size is not None:
            if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
                raise ValueError(f"batch_size must be a whole number (or None for all examples), got {batch_size!r}")
            if not 1 <= batch_size <= len(self.X):
                raise ValueError(f"batch_size must be between 1 and {len(self.X)} (the number of examples), got {batch_size}")
            batch_size = int(batch_size)
        self.batch_size = batch_size
        self.alpha = float(alpha)
        options = {"momentum": momentum} if optimizer == "sgd" else {}
        self.optimizer = OPTIMIZERS[optimizer](model.parameters(), lr=DEFAULT_LR[optimizer] if lr is None else lr, **options)
        self.rng = random.Random(seed)
        self.history = History()

    def _examples(self, X, y, what):
        """The points as lists of floats and the labels in the form the loss wants; numpy arrays welcome."""
        points = [_point(x, i, what) for i, x in enumerate(X)]
        labels = [_label(label, i, what) for i, label in enumerate(y)]
        if not points or len(points) != len(labels):
            raise ValueError(f"{what} must be non-empty and equally long, got {len(points)} points and {len(labels)} labels")
        # every point checked here, once: a mini-batch would find a wrong one only when it draws it, after updates
        training = getattr(self, "X", None)
        size, whose = (len(training[0]), "the training points have") if training else (len(points[0]), "point 0 has")
        for i, point in enumerate(points):
            if len(point) != size:
                raise ValueError(f"{what}: point {i} has {_coordinates(len(point))}, but {whose} {size}")
        outputs, listed = _outputs(self.model, points[0])
        self._one_output_in_a_list = outputs == 1 and listed
        if LABELS[self.loss] == "classes":
            if outputs < 2:
                raise ValueError(
                    "loss 'cross_entropy' needs a model with one output per class (e.g. MLP(2, [16, 3]) for 3 classes); "
                    "this model has 1 output: for two classes use loss 'bce' or 'hinge'"
                )
            return points, class_indices(labels, outputs)
        if outputs != 1:
            raise ValueError(
                f"loss {self.loss!r} needs a model with one output, this model has {outputs}: "
                "for several classes use loss='cross_entropy'"
            )
        return points, convert_labels(labels, LABELS[self.loss])

    def step(self):
        """One step: forward on a batch, loss, zero the gradients, backward, update; returns the loss."""
        if not is_grad_enabled():
            raise RuntimeError(
                "cannot train inside `with no_grad():`, which builds no graph, so there are no gradients "
                "to learn from: call fit (or step) outside that block"
            )
        step = len(self.history.loss)
        if self.batch_size is None:
            batch_X, batch_y = self.X, self.labels
        else:
            chosen = self.rng.sample(range(len(self.X)), self.batch_size)
            batch_X, batch_y = [self.X[i] for i in chosen], [self.labels[i] for i in chosen]
        step_lr = self.optimizer.current_lr()
        with gc_paused():
            try:
                scores = self.model.outputs(batch_X) if isinstance(self.model, MLP) else [self._forward(x) for x in batch_X]
                total = self.loss_fn(scores, batch_y)
                penalty = l2_penalty(self.model.parameters(), self.alpha) if self.alpha else Value(0.0)
                if self.alpha:
                    total = total + penalty
            except OverflowError:  # e.g. mse squaring a score beyond the largest float
                total = Value(math.inf)
            if not math.isfinite(total.data):
                raise TrainingDiverged(
                    f"the loss became {total.data} at step {step} (learning rate {step_lr:g}), so training stopped; "
                    f"the parameters are those of step {step}. Try a smaller learning rate, e.g. lr={step_lr / 10:g}",
                    self.history,
                )
            if self.validation is not None:
                self._measure_validation(penalty.data)
            self.optimizer.zero_grad()
            total.backward()
            self.optimizer.step()
            loss_value, batch_accuracy = total.data, accuracy(scores, batch_y)
            del scores, total, penalty  # free the graph now, before the collector is back and would scan it
        self.history.loss.append(loss_value)
        self.history.accuracy.append(batch_accuracy)
        self.history.lr.append(step_lr)
        return loss_value

    def _forward(self, x):
        """The model's output for one point: one Value for a one-output model, even one (a Layer) that lists it."""
        out = self.model(x)
        return out[0] if self._one_output_in_a_list else out

    def _measure_validation(self, penalty):
        """Loss and accuracy on the validation points, building no graph. An MLP's scores come from
        ``predict`` (numpy, the same weights; a test checks it against the scalar forward pass), so the
        measurement costs little next to the training step; any other model is run point by point."""
        X_val, y_val = self.validation
        with no_grad():
            if isinstance(self.model, MLP):
                rows = predict(self.model, X_val).tolist()
                scores = [Value(row[0]) for row in rows] if len(rows[0]) == 1 else [list(map(Value, row)) for row in rows]
            else:
                scores = [self._forward(x) for x in X_val]
            data_loss = self.loss_fn(scores, y_val).data
            self.history.val_data_loss.append(data_loss)
            self.history.val_loss.append(data_loss + penalty)
            self.history.val_accuracy.append(accuracy(scores, y_val))


def fit(
    model,
    X,
    y,
    loss="hinge",
    steps=100,
    lr=None,
    optimizer="sgd",
    momentum=0.0,
    alpha=1e-4,
    batch_size=None,
    seed=0,
    validation=None,
    progress=True,
    log_every=0,
    on_step=None,
):
    """Train ``model`` on points ``X`` with labels ``y`` for ``steps`` steps and return a ``History``.

    The arguments are those of ``Trainer``, except the default learning rate: for SGD,
    1.0 − 0.9·step/steps (from 1.0 down towards 0.1), as in micrograd's demo; for Adam, 0.01.
    log_every: also print a line every k steps (0: never).
    on_step: called as ``on_step(step, model, history)`` after each update. Note that the step's
    entries in ``history`` (``val_loss`` included) were measured before that update, with the weights
    the step started from: to keep the weights of the best validation step (early stopping), copy
    ``model.state_dict()`` before each step, with ``Trainer``, as notebook 11 does.
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be a whole number of at least 1, got {steps!r}")
    if lr is None and optimizer == "sgd":
        lr = linear_decay(1.0, 0.1, int(steps))
    trainer = Trainer(model, X, y, loss, optimizer, lr, momentum, alpha, batch_size, seed, validation)
    history = trainer.history
    bar = tqdm(range(steps), desc=f"training ({loss})", disable=not progress, ascii=True, ncols=90)
    with bar:
        for step in bar:
            loss_value = trainer.step()
            bar.set_postfix_str(f"loss={loss_value:.4f}, accuracy={history.accuracy[-1]:.0%}", refresh=False)
            if log_every and (step % log_every == 0 or step == steps - 1):
                tqdm.write(f"step {step:4d}  loss {loss_value:.4f}  accuracy {history.accuracy[-1]:.0%}")
            if on_step:
                on_step(step, model, history)
    return history


def _pair(validation):
    if isinstance(validation, (str, bytes)) or not hasattr(validation, "__len__") or len(validation) != 2:
        raise ValueError("validation must be a pair (X_val, y_val)")
    return validation


def _point(x, index, what):
    try:
        point = [float(coordinate) for coordinate in x]
    except (TypeError, ValueError):
        raise ValueError(f"{what}: point {index} must be a sequence of numbers, got {x!r}") from None
    if not all(map(math.isfinite, point)):
        raise ValueError(f"{what}: point {index} is {point}: every coordinate must be a finite number (no nan or inf)")
    return point


def _label(label, index, what):
    if isinstance(label, bool) or not isinstance(label, numbers.Real) or not math.isfinite(label):
        raise ValueError(f"{what}: label {index} is {label!r}; labels must be finite numbers (0/1, ±1 or 0 … K−1)")
    return float(label)


def _coordinates(count):
    return f"{count} coordinate" + ("" if count == 1 else "s")


def _outputs(model, point):
    """How many outputs the model gives, and whether it gives them as a list (a Layer does, even for one)."""
    with no_grad():
        out = model(point)
    listed = isinstance(out, (list, tuple))
    return (len(out) if listed else 1), listed
