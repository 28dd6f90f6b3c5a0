"""Checks for notebook 08, moons: the hinge loss, its gradients, the L2 penalty and the margin.

``check_hinge_with_l2`` runs the student's ``hinge_with_l2(scores, labels,
parameters, alpha)`` on batches and parameters the notebook never shows and
compares the loss, and the gradients ``backward()`` gives every score and every
parameter, with the package's ``hinge`` plus ``l2_penalty``. When it is wrong
it names the slip: a sum instead of a mean, the labels or the 1 left out of the
margin, no max(0, ·), a penalty that is missing, unsquared, without alpha or
divided by n, or a graph cut by a Python ``max`` or ``.data`` so that no
gradient arrives; a Python ``max``, which cannot compare Values, is told to
use ``.relu()``, and a function that forgets its ``return`` is told so. The
package's ``hinge`` and ``l2_penalty`` are what the student writes, so calling
them is refused; the inputs must come back as they were (data, grad, lists). The
other checks take the numbers the exercises ask for.
"""

import math
import random

from ..engine import Value
from ..losses import hinge, l2_penalty
from . import Mistake, NotAnswered, as_number, call, exercise, expect_close
from ._stubs import returned

__all__ = ["check_hinge_by_hand", "check_hinge_gradients", "check_hinge_with_l2", "check_smallest_margin"]

# The three points of exercises 1 and 2, as the notebook states them.
_SCORES = (1.5, -0.2, 0.4)
_LABELS = (1.0, -1.0, -1.0)


def _mean(values):
    values = list(values)
    return sum(values) / len(values)


@exercise("hinge by hand")
def check_hinge_by_hand(answer):
    """The mean hinge loss of the three points, to 4 decimals."""
    margins = [y * s for s, y in zip(_SCORES, _LABELS)]
    losses = [max(0.0, 1.0 - m) for m in margins]
    expect_close(
        answer,
        hinge([Value(s) for s in _SCORES], list(_LABELS)).data,
        decimals=4,
        mistakes={
            sum(losses): "you added the three point losses; the hinge loss is their mean",
            _mean(max(0.0, 1.0 - s) for s in _SCORES): "you left out the labels: the margin is y·s, not s",
            _mean(max(0.0, -m) for m in margins): "you left out the 1: each point's loss is max(0, 1 − m)",
            _mean(1.0 - m for m in margins): "a point beyond the margin costs 0, not a negative amount: keep the max(0, ·)",
            sum(losses) / sum(1 for loss in losses if loss > 0): "divide by all three points, also the one that costs 0",
        },
        hint="work out each margin m = y·s, then each max(0, 1 − m), then their mean",
    )


@exercise("hinge gradients")
def check_hinge_gradients(answer):
    """[∂L/∂s₁, ∂L/∂s₂, ∂L/∂s₃] for the three points, each to 4 decimals."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 3:
        raise Mistake("give a list of three numbers: [∂L/∂s₁, ∂L/∂s₂, ∂L/∂s₃]")
    scores = [Value(s) for s in _SCORES]
    hinge(scores, list(_LABELS)).backward()
    n = len(scores)
    pulling = sum(1 for s, y in zip(scores, _LABELS) if y * s.data < 1.0)
    for i, (entry, s, y) in enumerate(zip(answer, scores, _LABELS), start=1):
        if y * s.data < 1.0:  # the point pulls: its term is 1 − y·s, with slope −y, times the 1/n of the mean
            mistakes = {-s.grad: f"∂L/∂s{i}: the sign is flipped: the slope of 1 − y·s in s is −y",
                        -y: f"∂L/∂s{i}: the 1/n of the mean is missing"}
            if pulling < n:
                mistakes[-y / pulling] = (f"∂L/∂s{i}: the mean divides by all n points, also those beyond the margin, "
                                          "not by the number of points that pull")
        else:
            flat = f"∂L/∂s{i}: this point's margin is at least 1, so its hinge term is flat there and its gradient is 0"
            mistakes = {-y / n: flat, -y: flat}
        expect_close(entry, s.grad, decimals=4, mistakes=mistakes, what=f"∂L/∂s{i}",
                     hint="0 if the margin y·s is at least 1, else −y/n")


# --- the build-it exercise: hinge loss plus L2 penalty as Value operations -----------------------


def _cases(seed=808):
    """Batches of scores and labels, parameters and alphas the notebook never shows.

    Sizes from 1 (one point, one parameter: the mean and the sum agree there, the other cases tell them apart)
    to 12, labels as floats or as ints, and the first case again at the end, for a function that keeps
    something from one call to the next.
    """
    rng = random.Random(seed)
    cases = []
    for n, m, alpha, label_type in ((5, 4, 0.05, float), (8, 7, 0.1, int), (1, 1, 0.3, float), (3, 2, 0.2, float),
                                    (12, 10, 0.01, int)):
        scores, labels = [], []
        while len(scores) < n:
            s, y = round(rng.uniform(-2.5, 2.5), 2), rng.choice((-1, 1))
            if abs(y * s - 1.0) > 0.05:  # no margin at the kink, where max(0, ·) has no slope to agree on
                scores.append(s)
                labels.append(label_type(y))
        if n == 1 and labels[0] * scores[0] >= 1.0:  # the one point must pull, or its loss says nothing
            scores[0] = -scores[0]
        parameters = [round(rng.uniform(-2.0, 2.0), 2) for _ in range(m)]
        cases.append((f"a batch of {n} score(s) with {m} parameter(s) and alpha = {alpha}", scores, labels, parameters,
                      alpha))
    return cases + cases[:1]


def _value_slips(scores, labels, parameters, alpha):
    """What typical wrong versions of the loss give, with what each slip means."""
    n = len(scores)
    margins = [y * s for s, y in zip(scores, labels)]
    points = [max(0.0, 1.0 - m) for m in margins]
    data = sum(points) / n
    squares = sum(p * p for p in parameters)
    penalty = alpha * squares
    pulling = sum(1 for loss in points if loss > 0)
    slips = [
        (sum(points) + penalty, "you added the point losses; the data loss is their mean (divide by n)"),
        (_mean(max(0.0, 1.0 - s) for s in scores) + penalty, "you left out the labels: the margin is y·s, not s"),
        (_mean(max(0.0, -m) for m in margins) + penalty, "you left out the 1: each point costs max(0, 1 − y·s)"),
        (_mean(1.0 - m for m in margins) + penalty, "points beyond the margin must cost 0, not a negative amount: "
                                                    "take max(0, 1 − y·s), e.g. with .relu()"),
        (data, "the L2 penalty is missing: add alpha times the sum of the squared parameters"),
        (data + squares, "the penalty is not multiplied by alpha"),
        (data + alpha * sum(abs(p) for p in parameters), "the penalty adds |p|; L2 adds the squares p²"),
        (data + alpha * sum(parameters), "the penalty adds the parameters themselves; L2 adds their squares p²"),
        (data + penalty / n, "the penalty is divided by n: it is a sum over the parameters, not part of the mean"),
        (data + penalty / len(parameters), "the penalty is divided by the number of parameters: L2 is alpha times "
                                           "their sum of squares, not the mean"),
        (_mean(max(0.0, m - 1.0) for m in margins) + penalty, "inside the max the order is flipped: a point costs "
                                                              "max(0, 1 − y·s), positive when its margin is below 1"),
        (data + 2 * penalty, "the penalty is twice too large: alpha·Σp², with no factor 2 (the 2 appears in its gradient)"),
        (data + penalty / 2, "the penalty is half too small: alpha·Σp², with no ½"),
    ]
    if 0 < pulling < n:
        slips.append((sum(points) / pulling + penalty, "divide by all n points, also those that cost 0"))
    return slips


@exercise("hinge loss with L2")
def check_hinge_with_l2(hinge_with_l2):
    """``hinge_with_l2(scores, labels, parameters, alpha)`` against ``hinge + l2_penalty``: value and gradients."""
    if not callable(hinge_with_l2):
        raise Mistake(f"hinge_with_l2 should be a function, but it is {type(hinge_with_l2).__name__}")
    for case, scores, labels, parameters, alpha in _cases():
        expected_scores, expected_parameters = [Value(s) for s in scores], [Value(p) for p in parameters]
        expected = hinge(expected_scores, labels) + l2_penalty(expected_parameters, alpha)
        expected.backward()

        score_values, parameter_values = [Value(s) for s in scores], [Value(p) for p in parameters]
        given = (list(score_values), list(parameter_values))
        try:
            result = call(hinge_with_l2, score_values, list(labels), parameter_values, alpha, case=case,
                          forbid=(hinge, l2_penalty), unchanged={1: "the list of labels"})
        except Mistake as mistake:
            if "not supported between instances of 'Value'" in str(mistake):
                raise Mistake(f"on {case}: Values cannot be compared with < or >, so Python's max() does not work "
                              "on them: write max(0, ·) with .relu()") from None
            raise
        _inputs_untouched(case, "score", score_values, given[0], scores)
        _inputs_untouched(case, "parameter", parameter_values, given[1], parameters)
        result = returned(hinge_with_l2, result, "the loss, as one Value", case)
        value = as_number(result, f"your loss on {case}")
        if not math.isclose(value, expected.data, rel_tol=1e-9, abs_tol=1e-12):
            for wrong, meaning in _value_slips(scores, labels, parameters, alpha):
                if math.isclose(value, wrong, rel_tol=1e-9, abs_tol=1e-12):
                    raise Mistake(f"on {case}: {meaning}")
            raise Mistake(f"on {case}: that is not the mean of max(0, 1 − y·s) plus alpha·Σp²")
        if not isinstance(result, Value):
            raise Mistake(f"on {case}: the value is right, but you returned a plain {type(result).__name__}: "
                          "return the Value itself, so that backward() can reach the scores and the parameters")
        result.backward()
        _compare_gradients(case, "score", score_values, expected_scores,
                           "a Python max(), an if on .data or float() cut the graph between the scores and the loss: "
                           "use .relu() on Values")
        _compare_gradients(case, "parameter", parameter_values, expected_parameters,
                           "build the penalty from the parameter Values (p * p or p ** 2), not from p.data")


def _inputs_untouched(case, kind, values, given, numbers):
    """The student's function must only read the Values it is given: no new .data, no backward() of its own."""
    if len(values) != len(given) or any(v is not g for v, g in zip(values, given)):
        raise Mistake(f"on {case}: your function changed the list of {kind}s it was given: it should only read it")
    if any(v.data != x for v, x in zip(values, numbers)):
        raise Mistake(f"on {case}: your function changed the .data of a {kind}: it should only read its inputs")
    if any(v.grad != 0.0 for v in values):
        raise Mistake(f"on {case}: a {kind}'s .grad changed while your function ran (a backward() inside it?): "
                      "return the loss and leave backward() to the caller")


def _compare_gradients(case, kind, values, expected_values, cut):
    if all(v.grad == 0.0 for v in values) and any(e.grad != 0.0 for e in expected_values):
        raise Mistake(f"on {case}: the value is right, but no gradient reaches the {kind}s: {cut}")
    for i, (v, e) in enumerate(zip(values, expected_values), start=1):
        if not math.isclose(v.grad, e.grad, rel_tol=1e-9, abs_tol=1e-12):
            raise Mistake(f"on {case}: the value is right, but the gradient of {kind} {i} is not; "
                          "build the whole loss from Value operations")


# --- exercise 4: the smallest margin of the trained network ---------------------------------------


@exercise("smallest margin")
def check_smallest_margin(answer, model, X, labels):
    """min over the training points of y·s(x), for the notebook's trained ``model``, to 4 decimals."""
    scores = [model(x).data for x in X]
    margins = [y * s for s, y in zip(scores, labels)]
    mistakes = {  # when two slips give the same number, the later message wins
        # equal to the right answer when every point is on its right side, as for the notebook's network
        min(abs(s) for s in scores): "that is the smallest |score|: a margin is y·s, negative for a point on the "
                                     "wrong side, so multiply each score by its label ±1",
        max(margins): "that is the largest margin; the question asks for the smallest",
        min((1.0 if y > 0 else 0.0) * s for s, y in zip(scores, labels)):
            "with labels 0/1 every class-0 point gets a margin of 0: use the labels ±1 (y_pm)",
        min(scores): "that is the smallest score: multiply each score by its label ±1 first",
    }
    expect_close(
        answer,
        min(margins),
        decimals=4,
        mistakes=mistakes,
        hint="a margin is label × score, y·s(x), for one training point; take the smallest over all of them",
    )
