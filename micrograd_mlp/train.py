"""The training loop: forward, loss, zero the gradients, backward, update; repeated.

``fit`` shows a tqdm progress bar with the loss and accuracy, returns the
history of both, and gives identical results for the same seed.
"""

import math
import random
from dataclasses import dataclass, field

from tqdm import tqdm

from .engine import gc_paused
from .losses import LABELS, LOSSES, accuracy, convert_labels, l2_penalty
from .optim import SGD, linear_decay

__all__ = ["fit", "History", "TrainingDiverged"]


@dataclass
class History:
    """What happened at each step: the loss, the accuracy on the batch and the learning rate."""

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)


class TrainingDiverged(ArithmeticError):
    """The loss stopped being a finite number; ``history`` holds every step before that."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


def fit(
    model,
    X,
    y,
    loss="hinge",
    steps=100,
    lr=None,
    momentum=0.0,
    alpha=1e-4,
    batch_size=None,
    seed=0,
    progress=True,
    log_every=0,
    on_step=None,
):
    """Train ``model`` on points ``X`` with labels ``y`` and return a ``History``.

    loss: "hinge", "mse" or "bce"; labels are converted to the form it expects.
    lr: a number or a schedule ``lr(step)``; by default 1.0 − 0.9·step/steps, as in micrograd's demo.
    alpha: weight of the L2 penalty (0 for none).
    batch_size: examples per step, drawn with ``seed``; ``None`` uses all of them.
    log_every: also print a line every k steps (0: never).
    on_step: called as ``on_step(step, model, history)`` after each update.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if len(X) != len(y) or not X:
        raise ValueError(f"X and y must be non-empty and equally long, got {len(X)} points and {len(y)} labels")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a whole number of at least 1, got {steps!r}")
    if batch_size is not None and not 1 <= batch_size <= len(X):
        raise ValueError(f"batch_size must be between 1 and {len(X)} (the number of examples), got {batch_size!r}")
    loss_fn = LOSSES[loss]
    labels = convert_labels(y, LABELS[loss])
    optimizer = SGD(model.parameters(), lr=lr if lr is not None else linear_decay(1.0, 0.1, steps), momentum=momentum)
    rng = random.Random(seed)
    history = History()
    bar = tqdm(range(steps), desc=f"training ({loss})", disable=not progress, ascii=True, ncols=90)
    with gc_paused(), bar:
        for step in bar:
            if batch_size is None:
                batch_X, batch_y = X, labels
            else:
                chosen = rng.sample(range(len(X)), batch_size)
                batch_X, batch_y = [X[i] for i in chosen], [labels[i] for i in chosen]
            try:
                scores = [model(x) for x in batch_X]
                total = loss_fn(scores, batch_y)
                if alpha:
                    total = total + l2_penalty(model.parameters(), alpha)
                loss_value = total.data
            except OverflowError:  # e.g. mse squaring a score beyond the largest float
                loss_value = math.inf
            step_lr = optimizer.current_lr()
            if not math.isfinite(loss_value):
                raise TrainingDiverged(
                    f"the loss became {loss_value} at step {step} (learning rate {step_lr:g}), so training stopped; "
                    f"the parameters are those of step {step}. Try a smaller learning rate, e.g. lr={step_lr / 10:g}",
                    history,
                )
            optimizer.zero_grad()
            total.backward()
            optimizer.step()
            history.loss.append(total.data)
            history.accuracy.append(accuracy(scores, batch_y))
            history.lr.append(step_lr)
            bar.set_postfix_str(f"loss={total.data:.4f}, accuracy={history.accuracy[-1]:.0%}", refresh=False)
            if log_every and (step % log_every == 0 or step == steps - 1):
                tqdm.write(f"step {step:4d}  loss {total.data:.4f}  accuracy {history.accuracy[-1]:.0%}")
            if on_step:
                on_step(step, model, history)
    return history
