"""Checks for notebook 10, the playground.

``check_edge_style`` tests the student's ``edge_style(weight, largest)``, the
rule by which the playground draws a weight, on weights the notebook never
shows (in networks whose largest |w| is below 1, near 2, far above, or 0),
against ``playground.edge_style``, which it refuses to see called.
``check_best_step`` tests ``best_step(history)``, the step an early stop would
keep, on hidden training histories whose test loss falls and then rises again
(and on one step, a tie, a loss that never rises), and the history must come
back unchanged.
"""

import numbers
import random
from types import SimpleNamespace

from ..playground import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, THICKEST, THINNEST, edge_style
from . import Mistake, as_number, call, exercise
from ._stubs import returned

__all__ = ["check_edge_style", "check_best_step"]

_COLOUR_NAMES = {POSITIVE_WEIGHT: "blue", NEGATIVE_WEIGHT: "orange"}


def _style(function, weight, largest):
    case = f"weight {weight:g} in a network whose largest |w| is {largest:g}"
    result = call(function, weight, largest, case=case, forbid=(edge_style,))
    result = returned(function, result, "two things: (colour, width)", case)
    if isinstance(result, (str, bytes, dict, set)) or not hasattr(result, "__len__") or len(result) != 2:
        raise Mistake(f"on a {case} your function returned {type(result).__name__}: return two things, (colour, width)")
    colour, width = result
    if isinstance(colour, numbers.Number) and isinstance(width, str):
        raise Mistake(f"on a {case} your function returned (width, colour): return them the other way round, "
                      "(colour, width)")
    if width is None:  # as_number would take None for an untouched stub
        raise Mistake(f"the width for a {case} is None: return a number")
    return colour, as_number(width, f"the width for a {case}"), case


def _style_cases(seed=10):
    """(weight, largest) pairs: networks whose largest |w| is below 1, between 1 and 3 and far above, then an all-zero one.

    Each network has weights of both signs, its largest |w| with either sign, and 0 (also −0.0, which is not negative).
    """
    rng = random.Random(seed)
    cases = []
    for largest in (round(rng.uniform(1.5, 3.0), 3), round(rng.uniform(0.2, 0.8), 3), round(rng.uniform(5.0, 9.0), 3),
                    0.05):
        weights = [round(rng.uniform(-largest, largest), 4) for _ in range(4)] + [largest, -largest, 0.0, -0.0]
        cases += [(w, largest) for w in weights]
    return cases + [(0.0, 0.0)]  # a network whose weights are all 0 (largest 0)


@exercise("how the playground draws a weight")
def check_edge_style(student_edge_style):
    """(colour, width) must match the package's for hidden weights: any sign, zero, the largest, an all-zero network."""
    for weight, big in _style_cases():
        try:
            colour, width, case = _style(student_edge_style, weight, big)
        except Mistake as mistake:
            if big == 0.0 and "ZeroDivisionError" in str(mistake):
                raise Mistake("when every weight is 0 (largest = 0) your code divides by zero: "
                              "then every line should be the thinnest") from None
            raise
        right_colour, right_width = edge_style(weight, big)
        if colour != right_colour:
            if weight == 0.0 and colour == NEGATIVE_WEIGHT:
                raise Mistake("a weight of exactly 0 (or −0.0) is not negative: it takes the colour of the positive "
                              "weights")
            if colour in (POSITIVE_WEIGHT, NEGATIVE_WEIGHT):
                raise Mistake(f"a {case} came out {_COLOUR_NAMES[colour]}: the colours are the wrong way round (or the "
                              "sign test is)")
            raise Mistake(f"the colour for a {case} is {colour!r}: use the constants POSITIVE_WEIGHT and "
                          "NEGATIVE_WEIGHT")
        if abs(width - right_width) <= 1e-6:
            continue
        if big == 0.0:
            raise Mistake("when every weight is 0 (largest = 0) every line should be the thinnest, THINNEST")
        _explain_width(weight, big, width, case)


def _explain_width(weight, largest, width, case):
    """What is wrong with a width that differs from the package's (largest > 0)."""
    share = abs(weight) / largest
    if weight < 0 and width < THINNEST:
        raise Mistake(f"a {case} got a line thinner than a weight of 0 would: the width grows with the size |w| "
                      "of a weight, whatever its sign")
    if min(abs(width - THICKEST * share), abs(width - (THICKEST - THINNEST) * share)) <= 1e-6:
        raise Mistake("your widths start at 0, so a weight of 0 would get a line of width 0 and vanish: "
                      "every line is at least THINNEST wide")
    if abs(width - (THINNEST + (THICKEST - THINNEST) * abs(weight))) <= 1e-6:
        raise Mistake(f"for a {case} the width is not scaled by `largest`: the largest weight of every network "
                      "should get the thickest line, so divide |w| by largest (whatever its size, also below 1)")
    raise Mistake(f"the width for a {case} is not right: it should grow in a straight line with |w|, "
                  "from THINNEST at w = 0 to THICKEST at |w| = largest, for any largest")


def _hidden_history(rng, steps):
    """A history whose training loss keeps falling while the test loss falls to a minimum, then rises."""
    turn = rng.randrange(steps // 4, 3 * steps // 4)
    loss, val_loss = [], []
    for step in range(1, steps + 1):
        loss.append(round(1.0 / (1.0 + 0.2 * step) + rng.uniform(0.0, 0.005), 6))
        val_loss.append(round(0.3 + 0.002 * (step - turn) ** 2 / steps + rng.uniform(0.0, 0.004), 6))
    return SimpleNamespace(loss=loss, val_loss=val_loss, accuracy=[], val_accuracy=[], lr=[])


def _history(val_loss):
    """A history with these test losses, and a training loss that keeps falling."""
    steps = len(val_loss)
    return SimpleNamespace(loss=[round(1.0 / (1.0 + 0.2 * k), 6) for k in range(1, steps + 1)], val_loss=list(val_loss),
                           accuracy=[], val_accuracy=[], lr=[])


def _histories():
    """Hidden histories: falling then rising (with 10 to 150 steps), a tie, one step, still falling at the end."""
    rng = random.Random(2026)
    histories = [(_hidden_history(rng, steps), f"a hidden history of {steps} steps") for steps in (37, 80, 150)]
    histories += [
        (_history([0.8, 0.6, 0.45, 0.5, 0.45, 0.55]), "a hidden history of 6 steps whose lowest test loss comes twice"),
        (_history([0.7]), "a hidden history of 1 step"),
        (_history([0.9 - 0.05 * k for k in range(12)]), "a hidden history of 12 steps whose test loss never rises"),
        (_history([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]),
         "a hidden history of 11 steps whose test loss only rises"),
    ]
    return histories + histories[:1]  # the first again: nothing may carry over from one call to the next


def _right(history):
    lowest = min(history.val_loss)
    return history.val_loss.index(lowest) + 1  # val_loss[0] is the test loss measured at step 1


def _answer(best_step, history, case):
    answer = call(best_step, history, case=case, unchanged={0: "the history"})
    answer = as_number(returned(best_step, answer, "a step number", case), f"the step you returned on {case}")
    if not answer.is_integer() and (answer in history.val_loss or answer in history.loss):
        raise Mistake(f"on {case} you returned a loss, not a step: return a whole number of steps, the step at "
                      "which the test loss was lowest (1 for the first step)")
    if not answer.is_integer():
        raise Mistake(f"return a whole number of steps, but on {case} you returned {answer:g}")
    return int(answer)


@exercise("the step to stop at")
def check_best_step(best_step):
    """The step, counted from 1 as the curves do, at which the test loss was lowest (the earliest, on a tie)."""
    for history, case in _histories():
        right = _right(history)  # before the call, from the history as it was given
        answer = _answer(best_step, history, case)
        if answer == right:
            continue
        if answer == right - 1:
            raise Mistake(
                f"on {case} you are off by one: val_loss[0] is the test loss at step 1, so index i is step i + 1"
            )
        if answer in (len(history.loss), history.loss.index(min(history.loss)) + 1):
            raise Mistake(
                f"on {case} you chose the last step (where the test loss is highest) or the one with the lowest training "
                "loss; the training loss keeps falling while the model overfits, but the test loss was lower earlier: "
                "keep the step where the test loss is lowest"
            )
        lowest = min(history.val_loss)
        if 0 < answer <= len(history.val_loss) and history.val_loss[answer - 1] == lowest:
            raise Mistake(f"on {case} the lowest test loss is reached twice: keep the earlier step (as good, and fewer steps)")
        raise Mistake(f"on {case} the test loss was lower after another step than after the one you chose")
