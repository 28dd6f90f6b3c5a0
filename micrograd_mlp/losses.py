"""Loss functions: how wrong a batch of predictions is, as one Value to backpropagate.

Each loss takes the model's scores (one Value per example) and the labels in
the form it expects: ``mse`` and ``hinge`` want labels ±1, ``binary_cross_entropy``
wants 0/1. ``convert_labels`` turns one form into the other, and ``LABELS``
says which form each loss wants. ``cross_entropy`` is for K classes: K scores
(logits) per example and labels 0, 1, …, K−1.
"""

import math
import numbers

from .engine import Value

__all__ = [
    "mse", "hinge", "binary_cross_entropy", "cross_entropy", "l2_penalty", "accuracy", "convert_labels",
    "class_indices", "LOSSES", "LABELS",
]


def _check_batch(scores, labels):
    # len(), not truth: scores may be the numpy array that predict() returns
    if len(scores) != len(labels):
        raise ValueError(f"got {len(scores)} scores but {len(labels)} labels; they must pair up one to one")
    if len(scores) == 0:
        raise ValueError("the batch is empty: a loss needs at least one example")


def mse(scores, targets):
    """Mean squared error: (1/n) Σ (sᵢ − yᵢ)²."""
    _check_batch(scores, targets)
    return Value.sum((s - y) ** 2 for s, y in zip(scores, targets)) * (1.0 / len(scores))


def hinge(scores, labels):
    """Max-margin (SVM) loss for labels ±1: (1/n) Σ max(0, 1 − yᵢ·sᵢ).

    Zero once every example is on the right side with a margin of at least 1.
    """
    _check_batch(scores, labels)
    return Value.sum((1.0 - y * s).relu() for s, y in zip(scores, labels)) * (1.0 / len(scores))


def binary_cross_entropy(logits, labels):
    """Cross-entropy for labels 0/1 on logits z (scores before the sigmoid).

    −[y·ln σ(z) + (1 − y)·ln(1 − σ(z))] simplifies to softplus(z) − y·z, which
    stays finite for any z; its gradient is σ(z) − y.
    """
    _check_batch(logits, labels)
    return Value.sum(z.softplus() - y * z for z, y in zip(logits, labels)) * (1.0 / len(logits))


def cross_entropy(logits, labels):
    """Mean softmax cross-entropy for K classes: (1/n) Σ −ln softmax(zᵢ)[yᵢ].

    ``logits`` holds one list of K Values per example, ``labels`` the class of each
    (0 … K−1). For one example, −ln softmax(z)[y] = ln Σⱼ e^zⱼ − z_y. Subtracting the
    largest logit m first, ln Σⱼ e^zⱼ = m + ln Σⱼ e^(zⱼ − m), keeps every e^… ≤ 1, so
    logits of ±1000 give an exact, finite loss (this is "log-sum-exp"). The gradient
    with respect to zⱼ is softmax(z)ⱼ − [j = y].
    """
    _check_batch(logits, labels)
    classes = class_indices(labels, _class_count(logits))
    per_example = []
    for row, y in zip(logits, classes):
        row = [z if isinstance(z, Value) else Value(z) for z in row]  # plain numbers work too (no gradient to keep)
        m = max(z.data for z in row)  # a constant: log-sum-exp does not depend on it, so it needs no gradient
        log_sum_exp = Value.sum((z - m).exp() for z in row).log() + m
        per_example.append(log_sum_exp - row[y])
    return Value.sum(per_example) * (1.0 / len(logits))


def _class_count(logits):
    first = logits[0]
    if isinstance(first, Value) or not hasattr(first, "__len__"):
        raise ValueError(
            "cross_entropy needs K scores per example (a model with K outputs), got one score per example; "
            "for two classes and one output use loss 'bce' or 'hinge'"
        )
    count = len(first)
    for i, row in enumerate(logits):
        if len(row) != count:
            raise ValueError(f"example {i} has {len(row)} scores but example 0 has {count}: every example needs K")
    if count < 2:
        raise ValueError("cross_entropy needs at least 2 scores (classes) per example")
    return count


def class_indices(labels, classes):
    """Labels as ints 0 … classes−1 (2.0 counts as 2); anything else is refused with the offending label."""
    indices = []
    for i, y in enumerate(labels):
        if isinstance(y, bool) or not isinstance(y, numbers.Real) or not math.isfinite(y) or y != int(y) or not 0 <= y < classes:
            raise ValueError(f"label {i} is {y!r}, but with {classes} classes each label must be one of 0 … {classes - 1}")
        indices.append(int(y))
    return indices


def l2_penalty(parameters, alpha):
    """alpha · Σ p²: added to a loss, it pulls weights towards zero (weight decay)."""
    return alpha * Value.sum(p * p for p in parameters)


def accuracy(scores, labels):
    """Fraction of examples classified right.

    One score per example (or a row of one, as ``predict`` gives): score > 0 predicts the
    positive class (labels ±1 and 0/1 alike, positive meaning label > 0). K scores per example: the class with the
    largest score (the argmax) is the prediction, compared with labels 0 … K−1.
    """
    _check_batch(scores, labels)
    first = scores[0]
    if hasattr(first, "__len__") and len(first) == 1:  # one output per example, as rows: predict() for one output
        scores, first = [row[0] for row in scores], first[0]
    if isinstance(first, Value) or not hasattr(first, "__len__"):
        for i, y in enumerate(labels):
            if isinstance(y, bool) or not isinstance(y, numbers.Real) or not math.isfinite(y):
                raise ValueError(f"label {i} is {y!r}: a label must be a finite number (±1 or 0/1)")
        hits = sum((_data(s) > 0.0) == (y > 0) for s, y in zip(scores, labels))
    else:
        hits = sum(_argmax(row) == y for row, y in zip(scores, class_indices(labels, len(first))))
    return hits / len(scores)


def _argmax(row):
    values = [_data(s) for s in row]
    return values.index(max(values))


def _data(score):
    return score.data if isinstance(score, Value) else score


def convert_labels(labels, to):
    """Labels as ±1 (``to="pm1"``) or as 0/1 (``to="01"``), from either form.

    Any label > 0 is the positive class; anything else (0 or −1) the negative.
    """
    if to == "pm1":
        return [1.0 if y > 0 else -1.0 for y in labels]
    if to == "01":
        return [1.0 if y > 0 else 0.0 for y in labels]
    raise ValueError(f"to must be 'pm1' (labels ±1) or '01' (labels 0/1), got {to!r}")


LOSSES = {"hinge": hinge, "mse": mse, "bce": binary_cross_entropy, "cross_entropy": cross_entropy}
LABELS = {"hinge": "pm1", "mse": "pm1", "bce": "01", "cross_entropy": "classes"}
