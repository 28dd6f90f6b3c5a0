"""Notebook 10's exercises: the weight → (colour, width) rule, and the step an early stop keeps."""

import time
from decimal import Decimal

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp import playground
from micrograd_mlp.exercises import playground_experiments as checks
from micrograd_mlp.exercises.playground_experiments import check_best_step, check_edge_style
from micrograd_mlp.playground import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, THICKEST, THINNEST


# ---------------------------------------------------------------- edge_style

def right_style(weight, largest):
    colour = NEGATIVE_WEIGHT if weight < 0 else POSITIVE_WEIGHT
    share = abs(weight) / largest if largest > 0 else 0.0
    return colour, THINNEST + (THICKEST - THINNEST) * share


def right_style_numpy(weight, largest):
    share = np.abs(weight) / largest if largest else 0.0
    return (POSITIVE_WEIGHT, NEGATIVE_WEIGHT)[int(weight < 0)], np.float64(np.interp(share, [0, 1], [THINNEST, THICKEST]))


def right_style_decimal(weight, largest):
    colour = NEGATIVE_WEIGHT if weight < 0 else POSITIVE_WEIGHT
    if not largest:
        return [colour, Decimal(THINNEST)]  # a list, and a Decimal width: both fine
    return [colour, Decimal(THINNEST) + Decimal(THICKEST - THINNEST) * Decimal(abs(weight)) / Decimal(largest)]


@pytest.mark.parametrize("style", [right_style, right_style_numpy, right_style_decimal])
def test_a_right_edge_style_passes(style, capsys):
    check_edge_style(style)
    assert verdict(capsys) == "[✓] how the playground draws a weight: correct!"


def style_stub(weight, largest):
    ...


def style_stub_raises(weight, largest):
    raise NotImplementedError


@pytest.mark.parametrize("stub", [style_stub, style_stub_raises])
def test_an_edge_style_stub_is_not_answered(stub, capsys):
    check_edge_style(stub)
    assert verdict(capsys).startswith("[ ] how the playground draws a weight: not answered yet")


def swapped_colours(weight, largest):
    return (POSITIVE_WEIGHT if weight < 0 else NEGATIVE_WEIGHT), right_style(weight, largest)[1]


def zero_is_negative(weight, largest):
    return (NEGATIVE_WEIGHT if weight <= 0 else POSITIVE_WEIGHT), right_style(weight, largest)[1]


def colour_by_name(weight, largest):
    return ("orange" if weight < 0 else "blue"), right_style(weight, largest)[1]


def signed_width(weight, largest):
    share = weight / largest if largest > 0 else 0.0
    return right_style(weight, largest)[0], THINNEST + (THICKEST - THINNEST) * share


def no_thinnest(weight, largest):
    share = abs(weight) / largest if largest > 0 else 0.0
    return right_style(weight, largest)[0], THICKEST * share


def unscaled(weight, largest):
    return right_style(weight, largest)[0], THINNEST + (THICKEST - THINNEST) * abs(weight)


def divides_by_zero(weight, largest):
    return right_style(weight, largest)[0], THINNEST + (THICKEST - THINNEST) * abs(weight) / largest


def squared(weight, largest):
    share = (weight / largest) ** 2 if largest > 0 else 0.0
    return right_style(weight, largest)[0], THINNEST + (THICKEST - THINNEST) * share


def width_only(weight, largest):
    return right_style(weight, largest)[1]


@pytest.mark.parametrize(
    "style, explanation",
    [
        (swapped_colours, "the colours are the wrong way round"),
        (zero_is_negative, "a weight of exactly 0 (or −0.0) is not negative"),
        (colour_by_name, "use the constants POSITIVE_WEIGHT and NEGATIVE_WEIGHT"),
        (signed_width, "the width grows with the size |w| of a weight, whatever its sign"),
        (no_thinnest, "every line is at least THINNEST wide"),
        (unscaled, "the width is not scaled by `largest`"),
        (divides_by_zero, "when every weight is 0 (largest = 0) your code divides by zero"),
        (squared, "it should grow in a straight line with |w|"),
        (width_only, "returned float: return two things, (colour, width)"),
        (lambda w, big: right_style(w, max(big, 1.0)), "also below 1"),  # right only while largest ≥ 1
        (lambda w, big: right_style(w, big) if big else (POSITIVE_WEIGHT, THICKEST), "every line should be the thinnest"),
        (lambda w, big: (NEGATIVE_WEIGHT if str(w).startswith("-") else POSITIVE_WEIGHT, right_style(w, big)[1]),
         "(or −0.0) is not negative"),
        (lambda w, big: playground.edge_style(w, big), "calls the package's edge_style"),
        (lambda w, big: {"colour": POSITIVE_WEIGHT, "width": THINNEST}, "returned dict"),
        (lambda w, big: ([POSITIVE_WEIGHT], THINNEST), "use the constants"),
        (lambda w, big: (right_style(w, big)[0], "thin"), "should be a number"),
    ],
)
def test_each_typical_edge_style_mistake_is_explained(style, explanation, capsys):
    check_edge_style(style)
    assert_rejected(verdict(capsys), "how the playground draws a weight: not yet:", explanation)


def endless_style(weight, largest):
    while True:
        print(weight)


def endless_step(history):
    step = 0
    while history.val_loss[step % len(history.val_loss)] != -1:
        step += 1


@pytest.mark.parametrize("check, endless", [(check_edge_style, endless_style), (check_best_step, endless_step)])
def test_an_endless_loop_times_out(check, endless, monkeypatch):
    monkeypatch.setattr(check, "seconds", 1)
    start = time.perf_counter()
    assert check.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


def test_edge_style_messages_never_show_a_right_width(capsys):
    cases = checks._style_cases()
    inputs = {number for case in cases for number in case}
    widths = {right_style(*case)[1] for case in cases}
    for style in (signed_width, no_thinnest, unscaled, squared, swapped_colours):
        check_edge_style(style)
        out = verdict(capsys)
        numbers = [float(word) for word in out.replace(":", " ").replace(",", " ").split() if _is_number(word)]
        shown = [n for n in numbers if n not in inputs]  # the case's own inputs may be named
        assert not [n for n in shown if any(abs(n - width) < 5e-3 for width in widths)], out


def _is_number(word):
    try:
        float(word)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- best_step

def right_step(history):
    return int(np.argmin(history.val_loss)) + 1  # argmin returns the first of equal minima


def right_step_plain(history):
    best = min(history.val_loss)
    return next(i for i, value in enumerate(history.val_loss, start=1) if value == best)


@pytest.mark.parametrize(
    "best_step",
    [
        right_step,
        right_step_plain,
        lambda h: np.argmin(h.val_loss) + 1,
        lambda h: float(np.argmin(h.val_loss) + 1),  # a whole number as a float counts
        lambda h: sorted(range(1, len(h.val_loss) + 1), key=lambda k: h.val_loss[k - 1])[0],
    ],
)
def test_a_right_best_step_passes(best_step, capsys):
    check_best_step(best_step)
    assert verdict(capsys) == "[✓] the step to stop at: correct!"


def step_stub(history):
    ...


def test_a_best_step_stub_is_not_answered(capsys):
    check_best_step(step_stub)
    assert verdict(capsys).startswith("[ ] the step to stop at: not answered yet")


def index_not_step(history):
    return int(np.argmin(history.val_loss))


def lowest_training_loss(history):
    return int(np.argmin(history.loss)) + 1


def last_step(history):
    return len(history.loss)


def last_of_ties(history):
    best = min(history.val_loss)
    return max(i for i, value in enumerate(history.val_loss, start=1) if value == best)


def highest_test_loss(history):
    return int(np.argmax(history.val_loss)) + 1


def the_loss_itself(history):
    return min(history.val_loss)


@pytest.mark.parametrize(
    "best_step, explanation",
    [
        (index_not_step, "off by one"),
        (lowest_training_loss, "the test loss was lower earlier"),
        (last_step, "the test loss was lower earlier"),
        (last_of_ties, "keep the earlier step"),
        (highest_test_loss, "where the test loss is highest"),
        (the_loss_itself, "return a whole number of steps"),
    ],
)
def test_each_typical_best_step_mistake_is_explained(best_step, explanation, capsys):
    check_best_step(best_step)
    assert_rejected(verdict(capsys), "the step to stop at: not yet:", explanation)


def sorts_in_place(history):
    history.val_loss.sort()  # the smallest first: then step 1 looks best
    return right_step(history)


def empties(history):
    lowest = right_step(history)
    history.val_loss.clear()
    return lowest


def remembers(history, seen={}):  # noqa: B006 - the mistake under test: a default argument keeps a value
    return seen.setdefault("step", right_step(history))


def forgets_to_return(history):
    right_step(history)


def skips_the_first(history):
    return int(np.argmin(history.val_loss[1:])) + 2  # "step 1 is before training": wrong on a 1-step history


@pytest.mark.parametrize(
    "best_step, explanation",
    [
        (sorts_in_place, "changed the history"),
        (empties, "changed the history"),
        (remembers, "on a hidden history of 80 steps"),
        (skips_the_first, "ValueError on a hidden history of 1 step"),
        (forgets_to_return, "returned None"),
        (lambda h: {right_step(h)}, "should be a number"),
        (lambda h: 2.5, "a whole number of steps"),
        (lambda h: "3", "should be a number"),
    ],
)
def test_odd_or_changing_best_steps_get_a_verdict(best_step, explanation, capsys):
    check_best_step(best_step)
    assert_rejected(verdict(capsys), "the step to stop at: not yet:", explanation)


def test_best_step_messages_never_show_the_right_step(capsys):
    right_steps = {right_step(history) for history, _ in checks._histories()}
    for best_step in (index_not_step, lowest_training_loss, last_of_ties, highest_test_loss):
        check_best_step(best_step)
        out = verdict(capsys)
        words = {int(word) for word in out.replace(",", " ").replace(":", " ").split() if word.isdigit()}
        assert not words & right_steps - {1}, out


# ---------------------------------------------------------------- issue 16, second adversarial round


@pytest.mark.parametrize(
    "style, explanation",
    [
        (lambda weight, largest: (right_style(weight, largest)[0], None), "is None"),
        (lambda weight, largest: right_style(weight, largest)[::-1], "(colour, width)"),
    ],
)
def test_edge_style_none_width_and_swapped_pair_are_named(style, explanation, capsys):
    check_edge_style(style)
    out = verdict(capsys)
    assert_rejected(out, explanation)
    assert "not answered" not in out
    cases = checks._style_cases()
    inputs = {number for case in cases for number in case}  # the case's own inputs may be named, no width
    widths = {right_style(*case)[1] for case in cases}
    shown = [float(word) for word in out.replace(":", " ").replace(",", " ").split() if _is_number(word)]
    assert not [n for n in shown if n not in inputs and any(abs(n - width) < 5e-3 for width in widths)], out
