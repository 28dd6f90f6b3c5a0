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
them is refused, and so is a ``backward()`` inside the function (even one whose
gradients are set back to 0); the inputs must come back as they were (data,
grad, lists).

``check_smallest_margin`` runs the student's ``smallest_margin(model, X,
labels)`` on networks and points the notebook never shows: untrained networks
that put some points on the wrong side (where the smallest margin and the
smallest |score| differ), one that puts every point on its right side, one
point alone, labels as ints and as floats, and the first case again at the end.
It names the smallest |score|, the largest margin, the labels left out or taken
as 0/1, a flipped sign, a lost sign, the mean, the sum, one point only, the
position of the smallest, and a function that uses another network or other
points than it is given; the network's weights and gradients, the points and
the labels must come back as they were. Exercises 1 and 2 take numbers.
"""

import contextlib
import io
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
        (_mean(abs(1.0 - m) for m in margins) + penalty, "|1 − y·s| charges the points beyond the margin too: a point "
                                                         "costs max(0, 1 − y·s), 0 once its margin is 1 or more"),
        (_mean(loss * loss for loss in points) + penalty, "each point's loss is squared: the hinge is max(0, 1 − y·s) "
                                                          "itself, not its square"),
        (data + 1e-4 * squares, "the penalty uses alpha = 0.0001, the notebook's, not the alpha your function is given"),
        (data + alpha * math.sqrt(squares), "the penalty is alpha times the length √(Σp²) of the parameters: L2 here is "
                                            "alpha times Σp², with no square root"),
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
                          forbid=(hinge, l2_penalty, Value.backward), unchanged={1: "the list of labels"})
        except Mistake as mistake:
            if "Value.backward" in str(mistake):  # even with every .grad set back to 0 afterwards
                raise Mistake(f"on {case}: your function calls backward(): return the loss and leave backward() to "
                              "the caller") from None
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


# --- exercise 4 (build it): the smallest margin of a network on labelled points ----------------------


def _margin_cases(seed=809):
    """Networks and points the notebook never shows: (description, model, X, labels).

    Untrained networks, so that some points are on the wrong side (a negative margin, where the smallest margin and
    the smallest |score| differ); one network whose labels all agree with its scores (every margin positive, as for
    the notebook's trained network); one point alone; labels as floats and as ints; the same points under two
    networks and the same network on two sets of points, so that a function using the notebook's ``fitted`` or ``X``
    instead of its arguments shows; and the first case again at the end, for a function that remembers a call.
    """
    from ..nn import MLP  # here, not at the top: the check module stays light to import

    rng = random.Random(seed)

    relu, tanh = MLP(2, [4, 1], activation="relu", seed=3), MLP(2, [5, 5, 1], activation="tanh", seed=7)

    def points(n):  # no point on or next to either boundary, where the side of a point would be a matter of rounding
        chosen = []
        while len(chosen) < n:
            x = [round(rng.uniform(-1.5, 2.5), 3), round(rng.uniform(-1.0, 1.5), 3)]
            if abs(relu(x).data) > 0.05 and abs(tanh(x).data) > 0.05:
                chosen.append(x)
        return chosen

    def labels(n, kind):
        return [kind(rng.choice((-1, 1))) for _ in range(n)]

    X12, X9, X1 = points(12), points(9), points(1)
    y12, y9 = labels(12, float), labels(9, int)
    X9_tuples = [tuple(x) for x in X9]
    right_side = [1 if relu(x).data > 0 else -1 for x in X12]  # every point on its right side
    alone = [-1.0 if tanh(X1[0]).data > 0 else 1.0]  # one point, on the wrong side
    cases = [
        ("a ReLU network on 12 points (labels as floats)", relu, X12, y12),
        ("a tanh network on the same 12 points", tanh, X12, y12),
        ("the ReLU network on 9 other points (labels as ints, points as tuples)", relu, X9_tuples, y9),
        ("a network that puts every one of 12 points on its right side", relu, X12, right_side),
        ("one point alone, on the wrong side", tanh, X1, alone),
    ]
    return cases + cases[:1]


def _margin_slips(scores, labels):
    """What typical wrong versions give on these scores and labels ±1, with what each slip means."""
    margins = [y * s for s, y in zip(scores, labels)]
    smallest = min(margins)
    return [
        (min(abs(s) for s in scores), "that is the smallest |score|: a point on the wrong side has a negative margin, "
                                      "so multiply each score by its label ±1 instead of taking |s|"),
        (max(margins), "that is the largest margin; the exercise asks for the smallest (min, not max)"),
        (min(scores), "that is the smallest score: the labels are left out; multiply each score by its label ±1 first"),
        (min((1.0 if y > 0 else 0.0) * s for s, y in zip(scores, labels)),
         "that is the margin with labels 0/1, which gives every point of class −1 a margin of 0: use the labels ±1 "
         "the function is given"),
        (-max(margins), "the sign is flipped: a margin is +label × score, positive on the right side"),
        (abs(smallest), "that is the size of the smallest margin without its sign: a point on the wrong side has a "
                        "negative margin, keep it"),
        (_mean(margins), "that is the mean margin; the exercise asks for the smallest"),
        (margins[0], "that is the margin of the first point only: take the smallest over all the points"),
        (margins[-1], "that is the margin of the last point only: take the smallest over all the points"),
        (1.0 - smallest, "that is 1 − the smallest margin, the largest hinge term: the margin itself is y·s"),
        (sum(margins), "that is the sum of the margins; the exercise asks for the smallest one"),
    ]


_FOUR_DECIMALS = 0.5e-4 + 1e-12  # a margin rounded to 4 decimals still counts; every slip is further off


def _weights_and_grads(model):
    return [(p.data, p.grad) for p in model.parameters()]


@exercise("smallest margin")
def check_smallest_margin(smallest_margin):
    """``smallest_margin(model, X, labels)``: min over the points of label × score, on networks the notebook never shows."""
    if not callable(smallest_margin):
        raise Mistake(f"smallest_margin should be a function, but it is {type(smallest_margin).__name__}: "
                      "write def smallest_margin(model, X, labels): ...")
    cases = _margin_cases()
    for case, model, X, labels in cases:
        before = _weights_and_grads(model)
        try:
            result = call(smallest_margin, model, X, labels, case=case,
                          unchanged={1: "the list of points", 2: "the list of labels"})
        except Mistake as mistake:
            if "not supported between instances of 'Value'" in str(mistake):
                raise Mistake(f"on {case}: Values cannot be compared with < or >, so min() does not work on them: "
                              "take each score as a plain number, model(x).data") from None
            raise
        after = _weights_and_grads(model)
        if [d for d, _ in after] != [d for d, _ in before]:
            raise Mistake(f"on {case}: your function changed the network's weights: it should only read its scores")
        if after != before:
            raise Mistake(f"on {case}: the network's gradients changed while your function ran (a backward() inside "
                          "it?): the margin needs only the scores, model(x).data")
        result = returned(smallest_margin, result, "the smallest margin, one number", case)
        if isinstance(result, (list, tuple, set, dict)) or getattr(result, "shape", ()) != ():
            raise Mistake(f"on {case}: your function returned a collection: return one number, the smallest margin")
        value = as_number(result, f"your smallest margin on {case}")
        scores = [model(x).data for x in X]
        if not abs(value - min(y * s for s, y in zip(scores, labels))) <= _FOUR_DECIMALS:
            _explain_margin(smallest_margin, value, case, model, X, labels, scores, cases)


def _explain_margin(smallest_margin, value, case, model, X, labels, scores, cases):
    """Name the slip behind a wrong smallest margin, without giving the right one."""
    for wrong, meaning in _margin_slips(scores, labels):
        if abs(value - wrong) <= _FOUR_DECIMALS:
            raise Mistake(f"on {case}: {meaning}")
    if not math.isfinite(value):
        raise Mistake(f"on {case}: your smallest margin is {value}, not a finite number")
    margins = [y * s for s, y in zip(scores, labels)]
    if len(X) > 1 and value in (margins.index(min(margins)), margins.index(min(margins)) + 1):
        raise Mistake(f"on {case}: that looks like the position of a point, not a margin: return the smallest margin "
                      "itself")
    same = set()  # "network", "points": where the function gave this same answer although the right one differs
    for _, other_model, other_X, other_labels in cases:
        if other_X is X and other_labels is labels and other_model is not model:
            kind = "network"
        elif other_model is model and other_X is not X:
            kind = "points"
        else:
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                other = as_number(smallest_margin(other_model, other_X, other_labels))
        except Exception:  # noqa: BLE001 - only a hint: a crash here changes nothing
            continue
        if abs(value - other) <= 1e-12:
            same.add(kind)
    if same == {"network", "points"}:
        raise Mistake(f"on {case}: your function gives this same number for other networks and other points: it "
                      "should compute the margin from the model, the points and the labels it is given")
    if same == {"network"}:
        raise Mistake(f"on {case}: your function gives the same answer for another network on the same points: "
                      "does it use the model it is given (not fitted)?")
    if same == {"points"}:
        raise Mistake(f"on {case}: your function gives the same answer on other points: does it use the points and "
                      "the labels it is given (not the notebook's X and y_pm)?")
    raise Mistake(f"on {case}: that is not the smallest of label × score over the points: compute "
                  "labels[i] * model(X[i]).data for every point i and take the min")
