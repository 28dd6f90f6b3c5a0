"""Notebook 10's exercises: the weight → (colour, width) rule, and the step an early stop keeps."""

import numpy as np
import pytest

from micrograd_mlp.exercises.playground_experiments import check_best_step, check_edge_style
from micrograd_mlp.playground import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, THICKEST, THINNEST


def verdict(capsys):
    return capsys.readouterr().out.strip()


# ---------------------------------------------------------------- edge_style

def right_style(weight, largest):
    colour = NEGATIVE_WEIGHT if weight < 0 else POSITIVE_WEIGHT
    share = abs(weight) / largest if largest > 0 else 0.0
    return colour, THINNEST + (THICKEST - THINNEST) * share


def right_style_numpy(weight, largest):
    share = np.abs(weight) / largest if largest else 0.0
    return (POSITIVE_WEIGHT, NEGATIVE_WEIGHT)[int(weight < 0)], np.float64(np.interp(share, [0, 1], [THINNEST, THICKEST]))


@pytest.mark.parametrize("style", [right_style, right_style_numpy])
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
        (zero_is_negative, "a weight of exactly 0 is not negative"),
        (colour_by_name, "use the constants POSITIVE_WEIGHT and NEGATIVE_WEIGHT"),
        (signed_width, "the width grows with the size |w| of a weight, whatever its sign"),
        (no_thinnest, "every line is at least THINNEST wide"),
        (unscaled, "the width is not scaled by `largest`"),
        (divides_by_zero, "when every weight is 0 (largest = 0) your code divides by zero"),
        (squared, "it should grow in a straight line with |w|"),
        (width_only, "return two things: (colour, width)"),
    ],
)
def test_each_typical_edge_style_mistake_is_explained(style, explanation, capsys):
    check_edge_style(style)
    out = verdict(capsys)
    assert out.startswith("[✗] how the playground draws a weight: not yet:")
    assert explanation in out


def test_edge_style_messages_never_show_a_right_width(capsys):
    import random

    rng = random.Random(10)  # the check's hidden cases, drawn as it draws them
    largest = round(rng.uniform(1.5, 3.0), 3)
    weights = [round(rng.uniform(-largest, largest), 3) for _ in range(6)] + [largest, -largest, 0.0]
    widths = {right_style(w, largest)[1] for w in weights}
    for style in (signed_width, no_thinnest, unscaled, squared, swapped_colours):
        check_edge_style(style)
        out = verdict(capsys)
        numbers = [float(word) for word in out.replace(":", " ").replace(",", " ").split() if _is_number(word)]
        shown = [n for n in numbers if n not in weights and n != largest]  # the case's own inputs may be named
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


@pytest.mark.parametrize("best_step", [right_step, right_step_plain, lambda h: np.argmin(h.val_loss) + 1])
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
    out = verdict(capsys)
    assert out.startswith("[✗] the step to stop at: not yet:")
    assert explanation in out


def test_best_step_messages_never_show_the_right_step(capsys):
    from micrograd_mlp.exercises import playground_experiments as checks

    import random

    rng = random.Random(2026)
    right_steps = {right_step(checks._hidden_history(rng, steps)) for steps in (37, 80, 150)} | {3}
    for best_step in (index_not_step, lowest_training_loss, last_of_ties, highest_test_loss):
        check_best_step(best_step)
        out = verdict(capsys)
        words = {int(word) for word in out.replace(",", " ").replace(":", " ").split() if word.isdigit()}
        assert not words & right_steps - {1}, out
