"""Notebook 07's checks: the right answers pass, each typical slip is named, no message gives the answer away."""

import math
import re

import pytest

from micrograd_mlp.data import toy
from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import training_loop as checks
from micrograd_mlp.losses import l2_penalty, mse
from micrograd_mlp.train import fit
from verdicts import assert_rejected, verdict


def mentions(message, number):
    """Whether ``number`` appears in ``message`` as a number of its own (1.0 as 1, 1.0, 1.00, …)."""
    written = {f"{number:g}", f"{number:.1f}", f"{number:.2f}", f"{number:.4f}", repr(float(number))}
    return any(re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", message) for text in written)


# --- exercise 1 -----------------------------------------------------------------------------------


def right_mse(predictions, targets):
    return sum((p - y) ** 2 for p, y in zip(predictions, targets)) / len(predictions)


def test_mean_squared_error_right(capsys):
    checks.check_mean_squared_error(right_mse)
    assert verdict(capsys) == "[✓] mean squared error: correct!"


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t)), "did not divide by the number of examples"),
        (lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t)) / 4, "divided by 4 whatever the number"),
        (lambda p, t: sum(a - b for a, b in zip(p, t)) / len(p), "not squared"),
        (lambda p, t: sum(abs(a - b) for a, b in zip(p, t)) / len(p), "averaged the sizes"),
        (lambda p, t: math.sqrt(right_mse(p, t)), "square root"),
        (lambda p, t: right_mse(p, t) / 2, "no ½"),
        (lambda p, t: right_mse(p, t) + 0.1, "not the mean of the squared errors"),
        (lambda p, t: "0.5", "should be a number"),
    ],
)
def test_mean_squared_error_slips(wrong, fragment, capsys):
    checks.check_mean_squared_error(wrong)
    assert_rejected(verdict(capsys), fragment)


def test_mean_squared_error_stub_and_crash(capsys):
    def stub(predictions, targets): ...

    checks.check_mean_squared_error(stub)
    assert verdict(capsys).startswith("[ ] mean squared error: not answered yet")
    checks.check_mean_squared_error(lambda p, t: p[3] - t[3])
    assert_rejected(verdict(capsys), "IndexError on a case with 3 predictions")


# --- exercise 2 -----------------------------------------------------------------------------------


def test_mse_gradient_right(capsys):
    checks.check_mse_gradient(lambda p, t: [2 / len(p) * (a - b) for a, b in zip(p, t)])
    assert verdict(capsys) == "[✓] gradient of the MSE: correct!"


@pytest.mark.parametrize(
    "wrong, fragment",
    [
        (lambda p, t: [(a - b) / len(p) for a, b in zip(p, t)], "missing the factor 2"),
        (lambda p, t: [2 * (a - b) for a, b in zip(p, t)], "missing the factor 1/n"),
        (lambda p, t: [2 / len(p) * (b - a) for a, b in zip(p, t)], "signs are flipped"),
        (lambda p, t: [(a - b) ** 2 / len(p) for a, b in zip(p, t)], "share of the loss"),
        (lambda p, t: [2 / 4 * (a - b) for a, b in zip(p, t)], "divided by 4"),
        (lambda p, t: [2 / len(p) * (a - b) for a, b in zip(p, t)][:-1], "give one per example"),
        (lambda p, t: 2 / len(p) * (p[0] - t[0]), "should be a list of numbers"),
    ],
)
def test_mse_gradient_slips(wrong, fragment, capsys):
    checks.check_mse_gradient(wrong)
    assert_rejected(verdict(capsys), fragment)


# --- exercise 3 -----------------------------------------------------------------------------------


def test_best_constant(capsys):
    _, targets = toy()
    best = sum(targets) / len(targets)
    checks.check_best_constant(best)
    assert verdict(capsys) == "[✓] the best constant prediction: correct!"
    for wrong in (1, -1, 0.5):
        checks.check_best_constant(wrong)
        out = verdict(capsys)
        assert_rejected(out)
        assert not mentions(out, best)
    checks.check_best_constant(...)
    assert verdict(capsys).startswith("[ ]")


def test_smallest_constant_loss(capsys):
    _, targets = toy()
    smallest = sum(t * t for t in targets) / len(targets) - (sum(targets) / len(targets)) ** 2
    checks.check_smallest_constant_loss(smallest)
    assert verdict(capsys) == "[✓] the smallest loss of a constant: correct!"
    for wrong, fragment in [(4, "divide by the number"), (2, "stuck network"), (0, "cannot be right"), (1.5, "")]:
        checks.check_smallest_constant_loss(wrong)
        out = verdict(capsys)
        assert_rejected(out, fragment)
        assert not mentions(out, smallest)


# --- exercise 4: the training loop ----------------------------------------------------------------


def make_train(zero_grad="before", sign=-1.0, penalty="all", lr_shift=0, rate_called=True, clip=None, record="total"):
    """A training loop with one slip switched on; the defaults give the right one.

    ``penalty``: "all" (l2_penalty of every parameter), None (left out), "weights" (the biases left out) or
    "number" (a float from p.data, so no gradient); ``rate_called=False`` multiplies by learning_rate itself, not
    learning_rate(k); ``clip`` bounds each gradient to ±clip before the update.
    """

    def train(model, xs, ys, steps, learning_rate, alpha):
        losses = []
        for k in range(steps):
            data_loss = mse([model(x) for x in xs], ys)
            if penalty == "all":
                loss = data_loss + l2_penalty(model.parameters(), alpha)
            elif penalty == "weights":
                loss = data_loss + l2_penalty([w for layer in model.layers for n in layer.neurons for w in n.w], alpha)
            elif penalty == "number":
                loss = data_loss + alpha * sum(p.data**2 for p in model.parameters())
            else:
                loss = data_loss
            if zero_grad == "before":
                model.zero_grad()
            loss.backward()
            if zero_grad == "after":
                model.zero_grad()
            rate = learning_rate(k + lr_shift) if rate_called else learning_rate
            for p in model.parameters():
                grad = max(-clip, min(clip, p.grad)) if clip else p.grad
                p.data += sign * rate * grad
            if record == "total":
                losses.append(loss.data)
            elif record == "data":
                losses.append(data_loss.data)
            else:  # after the update
                losses.append((mse([model(x) for x in xs], ys) + l2_penalty(model.parameters(), alpha)).data)
        return losses

    return train


def test_training_loop_right(capsys):
    checks.check_training_loop(make_train())
    assert verdict(capsys) == "[✓] the training loop: correct!"


def constant_rate(model, xs, ys, steps, learning_rate, alpha):
    return make_train()(model, xs, ys, steps, lambda k: 0.1, alpha)


def one_step_short(model, xs, ys, steps, learning_rate, alpha):
    return make_train()(model, xs, ys, steps - 1, learning_rate, alpha)


@pytest.mark.parametrize(
    "train, fragment",
    [
        (make_train(zero_grad="never"), "never resets the gradients"),
        (make_train(zero_grad="after"), "zero the gradients before backward()"),
        (make_train(sign=+1.0), "go uphill"),
        (make_train(penalty=None), "leaves out the L2 penalty: add l2_penalty"),
        (make_train(record="data"), "the losses you return leave out the L2 penalty"),
        (make_train(record="after"), "the one after the update"),
        (make_train(lr_shift=1), "steps count from 0"),
        (constant_rate, "never calls learning_rate"),
        (one_step_short, "give one per step"),
        (lambda *args: 1.0, "should be a list of numbers"),
    ],
)
def test_training_loop_slips(train, fragment, capsys):
    checks.check_training_loop(train)
    out = verdict(capsys)
    assert_rejected(out, fragment)
    assert "on a hidden network" in out or "list of numbers" in out


def test_training_loop_stub_and_crash(capsys):
    def stub(model, xs, ys, steps, learning_rate, alpha): ...

    checks.check_training_loop(stub)
    assert verdict(capsys).startswith("[ ] the training loop: not answered yet")

    def crash(model, xs, ys, steps, learning_rate, alpha):
        return [model(x).data for x in xs[100]]

    checks.check_training_loop(crash)
    assert_rejected(verdict(capsys), "IndexError on a hidden network")


def test_a_function_that_forgets_return_is_told_so(capsys):
    def mse_without_return(predictions, targets):
        squared_errors = [(p - y) ** 2 for p, y in zip(predictions, targets)]
        sum(squared_errors) / len(squared_errors)

    def gradient_without_return(predictions, targets):
        [2 / len(predictions) * (p - y) for p, y in zip(predictions, targets)]

    def loop_without_return(model, xs, ys, steps, learning_rate, alpha):
        make_train()(model, xs, ys, steps, learning_rate, alpha)

    for check, function in [(checks.check_mean_squared_error, mse_without_return),
                             (checks.check_mse_gradient, gradient_without_return),
                             (checks.check_training_loop, loop_without_return)]:
        check(function)
        assert_rejected(verdict(capsys), "returned None", "`return` missing")


def test_mse_gradient_that_returns_the_predictions_is_pointed_to_grad(capsys):
    def values_instead_of_gradients(predictions, targets):
        values = [Value(p) for p in predictions]
        mse(values, targets).backward()
        return values  # their .data, the predictions, not their .grad

    checks.check_mse_gradient(values_instead_of_gradients)
    assert_rejected(verdict(capsys), "the predictions themselves", ".grad")


def test_training_loop_with_learning_rate_used_as_a_number(capsys):
    checks.check_training_loop(make_train(rate_called=False))  # section 6's number, but here learning_rate is a function
    out = verdict(capsys)
    assert_rejected(out, "learning_rate is a function", "learning_rate(k)")
    assert "_RecordingSchedule" not in out


def test_training_loop_with_the_penalty_as_a_plain_number(capsys):
    checks.check_training_loop(make_train(penalty="number"))
    assert_rejected(verdict(capsys), "on a hidden network", "plain number", "no gradient")


# --- the package's mse and fit are not the exercise, inputs left alone, right answers in odd forms ------------


def empties_the_lists(predictions, targets):
    result = right_mse(predictions, targets)
    predictions.clear()
    targets.clear()
    return result


def writes_into_predictions(predictions, targets):
    for i, (p, y) in enumerate(zip(predictions, targets)):
        predictions[i] = 2 / len(targets) * (p - y)
    return predictions


@pytest.mark.parametrize(
    "check, wrong, fragments",
    [
        (checks.check_mean_squared_error, lambda p, t: mse([Value(x) for x in p], t).data,
         ["calls the package's mse", "write that part yourself"]),
        (checks.check_mean_squared_error, empties_the_lists, ["changed the list of predictions"]),
        (checks.check_mse_gradient, writes_into_predictions, ["changed the list of predictions"]),
    ],
)
def test_answers_that_fooled_the_old_mse_checks(check, wrong, fragments, capsys):
    check(wrong)
    assert_rejected(verdict(capsys), *fragments)


def test_a_grid_search_rounding_error_counts(capsys):
    checks.check_best_constant(-2.220446049250313e-16)
    assert verdict(capsys) == "[✓] the best constant prediction: correct!"
    checks.check_smallest_constant_loss(1.0000000000000002)
    assert verdict(capsys) == "[✓] the smallest loss of a constant: correct!"


def wraps_fit(model, xs, ys, steps, learning_rate, alpha):
    return fit(model, xs, ys, loss="mse", steps=steps, lr=learning_rate, alpha=alpha, progress=False).loss


def clipped(model, xs, ys, steps, learning_rate, alpha):
    return make_train(clip=1.0)(model, xs, ys, steps, learning_rate, alpha)


def shuffles_the_points(model, xs, ys, steps, learning_rate, alpha):
    xs.reverse()
    ys.reverse()
    return make_train()(model, xs, ys, steps, learning_rate, alpha)


def kept_between_calls(model, xs, ys, steps, learning_rate, alpha, losses=[]):
    losses.extend(make_train()(model, xs, ys, steps, learning_rate, alpha))
    return losses


@pytest.mark.parametrize(
    "wrong, fragments",
    [
        (wraps_fit, ["calls the package's fit", "write that part yourself"]),
        (clipped, ["up to ±8", "the update is not"]),
        (shuffles_the_points, ["changed the points xs"]),
        (kept_between_calls, ["kept between calls"]),
    ],
)
def test_loops_that_fooled_the_old_check(wrong, fragments, capsys):
    checks.check_training_loop(wrong)
    assert_rejected(verdict(capsys), *fragments)


def test_the_clipping_case_has_gradients_above_one():
    case = checks._CASES[-1]
    model = case.model()
    (mse([model(x) for x in case.xs], case.ys) + l2_penalty(model.parameters(), case.alpha)).backward()
    assert max(abs(p.grad) for p in model.parameters()) > 1.0


def test_an_endless_loop_times_out(monkeypatch):
    def endless(model, xs, ys, steps, learning_rate, alpha):
        while True:
            steps += 1

    monkeypatch.setattr(checks.check_training_loop, "seconds", 1)
    assert checks.check_training_loop.grade(endless).result == "timeout"


def test_a_gradient_as_a_dict_gets_a_verdict(capsys):
    checks.check_mse_gradient(lambda p, t: {i: 2 * (a - b) / len(p) for i, (a, b) in enumerate(zip(p, t))})
    assert_rejected(verdict(capsys), "should be a list of numbers, but it is dict")


def test_the_package_optimizer_and_a_penalty_without_biases_are_named(capsys):
    from micrograd_mlp.optim import SGD

    def with_sgd(model, xs, ys, steps, learning_rate, alpha):
        losses, optimizer = [], SGD(model.parameters(), lr=learning_rate)
        for _ in range(steps):
            loss = mse([model(x) for x in xs], ys) + l2_penalty(model.parameters(), alpha)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.data)
        return losses

    checks.check_training_loop(with_sgd)
    assert_rejected(verdict(capsys), "package's SGD.step", "yourself")

    checks.check_training_loop(make_train(penalty="weights"))
    assert_rejected(verdict(capsys), "leaves out the biases")
