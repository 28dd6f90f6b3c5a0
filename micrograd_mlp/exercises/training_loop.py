"""Checks for notebook 07, training on a toy dataset.

``check_mean_squared_error`` and ``check_mse_gradient`` run the student's
functions on predictions and targets of lengths the notebook never uses and
compare with the package's ``mse`` and its gradient from ``backward()``.
``check_training_loop`` runs the student's ``fit_by_hand(model, xs, ys, steps,
learning_rate, alpha)`` on hidden data and hidden networks and compares the
losses it returns, and the weights it leaves, with ``fit`` called with the same
settings. When they differ it says which usual slip it is: gradients never
reset, zeroed between ``backward()`` and the update, a step uphill, the L2
penalty left out (of the training or of the losses returned) or added as a
plain number, the learning rate of the wrong step or used as a number, or the
loss recorded after the update. A function that forgets its ``return`` is told
so (an untouched stub is "not answered yet").
"""

import math
import random

from ..data import toy
from ..engine import Value
from ..losses import l2_penalty, mse
from ..nn import MLP
from ..optim import SGD, Adam, linear_decay
from ..train import Trainer, fit
from . import Mistake, NotAnswered, as_number, call, exercise, expect_close
from ._stubs import returned

__all__ = ["check_mean_squared_error", "check_mse_gradient", "check_best_constant", "check_smallest_constant_loss",
           "check_training_loop"]


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _all_close(values, expected):
    return len(values) == len(expected) and all(_close(a, b) for a, b in zip(values, expected))


def _numbers(result, n, what, per="example"):
    """The student's result as a list of ``n`` floats (one ``per`` example or step), or a Mistake saying what is wrong."""
    if result is None:
        raise NotAnswered
    if isinstance(result, (str, bytes, dict, set, frozenset)) or not hasattr(result, "__len__"):
        raise Mistake(f"{what} should be a list of numbers, but it is {type(result).__name__}")
    if len(result) > n:
        raise Mistake(f"{what} has {len(result)} entries for {n} {per}s: give one per {per} (is the list kept "
                      "between calls, as a default argument or a global? create it inside the function)")
    if len(result) != n:
        raise Mistake(f"{what} has {len(result)} entries for {n} {per}s: give one per {per}")
    return [as_number(result[i], f"entry {i + 1} of {what}") for i in range(n)]


def _batches(seed):
    """Predictions and targets of lengths the notebook never uses (it always has 4)."""
    rng = random.Random(seed)
    for n in (3, 1, 6, 10):
        predictions = [round(rng.uniform(-1.5, 1.5), 2) for _ in range(n)]
        targets = [rng.choice((-1.0, 1.0)) for _ in range(n)]
        yield f"{n} predictions", predictions, targets


# --- exercise 1: the mean squared error, on plain numbers ---------------------------------------

_LISTS_UNCHANGED = {0: "the list of predictions", 1: "the list of targets"}


def _mse_slips(predictions, targets):
    n = len(predictions)
    errors = [p - y for p, y in zip(predictions, targets)]
    total = sum(e * e for e in errors)
    slips = [
        (total, "you added the squared errors but did not divide by the number of examples"),
        (sum(errors) / n, "the errors are not squared: a negative error would cancel a positive one"),
        (sum(abs(e) for e in errors) / n, "you averaged the sizes |ŷ − y| of the errors; square them instead"),
        (math.sqrt(total / n), "you took a square root at the end (that is the RMSE): the MSE stops at the mean"),
        (total / 2 / n, "there is no ½ in the MSE: just the mean of the squared errors"),
    ]
    if n != 4:
        slips.append((total / 4, "you divided by 4 whatever the number of examples: divide by len(predictions)"))
    if n > 1:
        slips.append((total / (n - 1), "you divided by n − 1; the mean divides by n, the number of examples"))
    return slips


@exercise("mean squared error")
def check_mean_squared_error(mean_squared_error):
    """``mean_squared_error(predictions, targets)`` on plain floats against the package's ``mse``."""
    if not callable(mean_squared_error):
        raise Mistake(f"mean_squared_error should be a function, but it is {type(mean_squared_error).__name__}")
    for case, predictions, targets in _batches(seed=707):
        result = call(mean_squared_error, list(predictions), list(targets), case=f"a case with {case}", forbid=(mse,),
                      unchanged=_LISTS_UNCHANGED)
        result = returned(mean_squared_error, result, "the mean squared error", f"a case with {case}")
        result = as_number(result, f"your result for {case}")
        expected = mse([Value(p) for p in predictions], targets).data
        if _close(result, expected):
            continue
        for wrong, meaning in _mse_slips(predictions, targets):
            if _close(result, wrong):
                raise Mistake(f"on a case with {case}: {meaning}")
        raise Mistake(f"on a case with {case}: that is not the mean of the squared errors (ŷᵢ − yᵢ)²")


# --- exercise 2: its gradient with respect to the predictions -----------------------------------


def _gradient_slips(predictions, targets):
    n = len(predictions)
    errors = [p - y for p, y in zip(predictions, targets)]
    slips = [
        (list(predictions), "those are the predictions themselves (the data of your Values?): after backward(), "
                            "each derivative is in a Value's .grad"),
        ([e / n for e in errors], "each derivative is missing the factor 2 that comes down from the square"),
        ([2 * e for e in errors], "each derivative is missing the factor 1/n of the mean"),
        ([-2 * e / n for e in errors], "the signs are flipped: the derivative of (ŷ − y)² with respect to ŷ is 2(ŷ − y)"),
        ([e * e / n for e in errors], "those are each example's share of the loss, (ŷᵢ − yᵢ)²/n, not its derivative"),
    ]
    if n != 4:
        slips.append(([2 * e / 4 for e in errors], "you divided by 4 whatever the number of examples: use len(predictions)"))
    return slips


@exercise("gradient of the MSE")
def check_mse_gradient(mse_gradient):
    """``mse_gradient(predictions, targets)`` against the gradients ``backward()`` gives each prediction."""
    if not callable(mse_gradient):
        raise Mistake(f"mse_gradient should be a function, but it is {type(mse_gradient).__name__}")
    for case, predictions, targets in _batches(seed=708):
        result = call(mse_gradient, list(predictions), list(targets), case=f"a case with {case}",
                      unchanged=_LISTS_UNCHANGED)
        result = returned(mse_gradient, result, "the list of derivatives", f"a case with {case}")
        result = _numbers(result, len(predictions), f"your list for {case}")
        values = [Value(p) for p in predictions]
        mse(values, targets).backward()
        if _all_close(result, [v.grad for v in values]):
            continue
        for wrong, meaning in _gradient_slips(predictions, targets):
            if _all_close(result, wrong):
                raise Mistake(f"on a case with {case}: {meaning}")
        raise Mistake(f"on a case with {case}: that is not ∂L/∂ŷᵢ for every i; differentiate one term of the mean")


# --- exercise 3: a network stuck at one output --------------------------------------------------


def _constant_loss(c):
    _, targets = toy()
    return mse([Value(c) for _ in targets], targets).data


@exercise("the best constant prediction")
def check_best_constant(answer):
    """The constant c that minimises the MSE on the toy targets: their mean (a whole number here)."""
    _, targets = toy()
    expect_close(  # to 6 decimals, not exactly: a grid search lands on 0 within rounding (−2.2e-16)
        answer,
        sum(targets) / len(targets),
        decimals=6,
        mistakes={
            1.0: "+1 is what the stuck network answers, and it costs a loss of 2: a constant between the targets does better",
            -1.0: "−1 costs the same loss of 2 as +1, by symmetry: try a constant between the targets",
        },
        hint="the loss of a constant c is the mean of (c − yᵢ)²: where is its derivative with respect to c zero?",
    )


@exercise("the smallest loss of a constant")
def check_smallest_constant_loss(answer):
    """The MSE of the best constant on the toy targets (a whole number)."""
    _, targets = toy()
    best = sum(targets) / len(targets)
    expect_close(
        answer,
        _constant_loss(best),
        decimals=6,
        mistakes={
            _constant_loss(best) * len(targets): "you added the four squared errors; divide by the number of examples",
            _constant_loss(1.0): "that is the loss of the stuck network of this section: compute it for the best constant instead",
            0.0: "a constant cannot be right for targets that differ: each example still has an error",
        },
        hint="put the best constant into the mean of (c − yᵢ)²",
    )


# --- exercise 4: the training loop of fit, written by hand --------------------------------------


class _RecordingSchedule:
    """A learning-rate schedule that remembers which step numbers it was asked for."""

    def __init__(self, schedule):
        self.schedule = schedule
        self.asked = []

    def __call__(self, k):
        self.asked.append(k)
        return self.schedule(k)

    def _used_as_a_number(self, *_):
        raise Mistake("learning_rate is a function of the step number, not a number: call learning_rate(k) to get "
                      "the rate of step k")

    __mul__ = __rmul__ = __neg__ = __float__ = _used_as_a_number


class _Case:
    """A hidden training problem: points, ±1 labels, a network, and fit's settings."""

    def __init__(self, name, seed, nin, hidden, n_points, steps, schedule, alpha, spread=2.0):
        rng = random.Random(seed)
        self.name, self.steps, self.schedule, self.alpha = name, steps, schedule, alpha
        self.nin, self.hidden, self.seed = nin, hidden, seed
        direction = [rng.gauss(0.0, 1.0) for _ in range(nin)]
        self.xs = [[round(rng.uniform(-spread, spread), 2) for _ in range(nin)] for _ in range(n_points)]
        self.ys = [1.0 if sum(d * x for d, x in zip(direction, point)) > 0 else -1.0 for point in self.xs]

    def model(self):
        return MLP(self.nin, [*self.hidden, 1], activation="tanh", output_activation="tanh", seed=self.seed)


_CASES = [
    _Case("a hidden network MLP(3, [5, 1]) on 16 hidden points, 12 steps, learning rate 0.5 → 0.05, alpha = 0.01",
          seed=71, nin=3, hidden=[5], n_points=16, steps=12, schedule=linear_decay(0.5, 0.05, 12), alpha=0.01),
    _Case("a hidden network MLP(2, [3, 3, 1]) on 10 hidden points, 8 steps, learning rate 0.3, alpha = 0",
          seed=72, nin=2, hidden=[3, 3], n_points=10, steps=8, schedule=lambda k: 0.3, alpha=0.0),
    # inputs up to ±8 give gradients above 1: a loop that clips them shows
    _Case("a hidden network MLP(2, [4, 1]) on 6 hidden points up to ±8, 4 steps, learning rate 0.05, alpha = 0.1",
          seed=73, nin=2, hidden=[4], n_points=6, steps=4, schedule=lambda k: 0.05, alpha=0.1, spread=8.0),
]


def _reference(case, zero_grad=True, descend=True, penalty="Value", lr_step=lambda k: k):
    """fit's loop written out, with one slip switched on: the totals, the data losses and the final weights.

    ``penalty`` is "Value" (right), None (left out) or "number" (added as a plain float: no gradient).
    """
    model = case.model()
    totals, data_losses = [], []
    for k in range(case.steps):
        data_loss = mse([model(x) for x in case.xs], case.ys)
        if penalty == "Value" and case.alpha:
            total = data_loss + l2_penalty(model.parameters(), case.alpha)
        elif penalty == "weights" and case.alpha:
            total = data_loss + l2_penalty([w for layer in model.layers for n in layer.neurons for w in n.w], case.alpha)
        elif penalty == "number":
            total = data_loss + case.alpha * sum(p.data**2 for p in model.parameters())
        else:
            total = data_loss
        if zero_grad:
            model.zero_grad()
        total.backward()
        rate = case.schedule(lr_step(k))
        for p in model.parameters():
            p.data += -rate * p.grad if descend else rate * p.grad
        totals.append(total.data)
        data_losses.append(data_loss.data)
    return totals, data_losses, [p.data for p in model.parameters()]


def _diagnose(case, losses, weights, start_weights, asked):
    """Why the student's losses differ from fit's: a Mistake naming the slip."""
    where = f"on {case.name}"
    totals, data_losses, fit_weights = _reference(case)
    if not asked:
        raise Mistake(f"{where}: your loop never calls learning_rate: step k moves by learning_rate(k) times the gradient")
    if sorted(set(asked)) != list(range(case.steps)):
        first = min(asked)
        if first != 0:
            raise Mistake(f"{where}: your first step asked for learning_rate({first}); steps count from 0, "
                          "so step k uses learning_rate(k)")
        raise Mistake(f"{where}: step k should use learning_rate(k), for k = 0, 1, … up to steps − 1")
    if _all_close(weights, start_weights):
        raise Mistake(f"{where}: the weights never change; update p.data, and zero the gradients before "
                      "backward(), not between backward() and the update")
    if _all_close(weights, fit_weights):
        if _all_close(losses, data_losses):
            raise Mistake(f"{where}: you train like fit, but the losses you return leave out the L2 penalty: "
                          "return the total that you backpropagate")
        if _all_close(losses[:-1], totals[1:]):
            raise Mistake(f"{where}: each loss you return is the one after the update; record the loss of the "
                          "forward pass, before the update, as fit does")
        raise Mistake(f"{where}: your weights end where fit's do, but the losses you return are not the ones "
                      "computed before each update")
    slips = [
        (dict(zero_grad=False), "your loop never resets the gradients, so each update uses the sum of all "
                                "gradients so far: zero them at every step, before backward()"),
        (dict(descend=False), "your steps go uphill: subtract learning_rate(k) times the gradient, do not add it"),
        (dict(penalty=None), "your loop leaves out the L2 penalty: add l2_penalty(model.parameters(), alpha) to "
                             "the loss before backward()"),
        (dict(penalty="weights"), "your penalty leaves out the biases: l2_penalty(model.parameters(), alpha) takes "
                                  "every parameter, biases included (they start at 0, so only step 0 agrees)"),
        (dict(penalty="number"), "your penalty is in the loss, but as a plain number (from p.data), so backward() "
                                 "gives it no gradient: build it from the parameter Values, e.g. with l2_penalty"),
    ]
    for options, meaning in slips:
        if _all_close(losses, _reference(case, **options)[0]):
            raise Mistake(f"{where}: {meaning}")
    first = next(k for k, (a, b) in enumerate(zip(losses, totals)) if not _close(a, b))
    raise Mistake(f"{where}: your losses agree with fit's up to step {first - 1} and differ from step {first} on, "
                  "so the first loss is right and the update is not (or the penalty misses parameters that start at 0): "
                  "look at the gradient you follow, the rate you use, and the penalty (every parameter, biases included)"
                  if first else f"{where}: your loss at step 0 already differs from fit's: the loss is mse of the "
                  "predictions plus the L2 penalty")


@exercise("the training loop")
def check_training_loop(fit_by_hand):
    """``fit_by_hand(model, xs, ys, steps, learning_rate, alpha)`` against ``fit`` with the same settings."""
    if not callable(fit_by_hand):
        raise Mistake(f"fit_by_hand should be a function, but it is {type(fit_by_hand).__name__}")
    for case in _CASES:
        fitted = case.model()
        expected = fit(fitted, case.xs, case.ys, loss="mse", steps=case.steps, lr=case.schedule, alpha=case.alpha,
                       progress=False)
        model = case.model()
        start_weights = [p.data for p in model.parameters()]
        schedule = _RecordingSchedule(case.schedule)
        result = call(fit_by_hand, model, [list(x) for x in case.xs], list(case.ys), case.steps, schedule, case.alpha,
                      case=case.name, forbid=(fit, Trainer.step, SGD.step, Adam.step), unchanged={1: "the points xs", 2: "the labels ys"})
        result = returned(fit_by_hand, result, "the list of losses, one per step", case.name)
        losses = _numbers(result, case.steps, f"the list of losses returned on {case.name}", per="step")
        weights = [p.data for p in model.parameters()]
        if _all_close(losses, expected.loss) and _all_close(weights, [p.data for p in fitted.parameters()]):
            continue
        _diagnose(case, losses, weights, start_weights, schedule.asked)
