"""Loss functions: how wrong a batch of predictions is, as one Value to backpropagate.

Each loss takes the model's scores (one Value per example) and the labels in
the form it expects: ``mse`` and ``hinge`` want labels ±1, ``binary_cross_entropy``
wants 0/1. ``convert_labels`` turns one form into the other, and ``LABELS``
says which form each loss wants.
"""

from .engine import Value

__all__ = ["mse", "hinge", "binary_cross_entropy", "l2_penalty", "accuracy", "convert_labels", "LOSSES", "LABELS"]


def _check_batch(scores, labels):
    if len(scores) != len(labels):
        raise ValueError(f"got {len(scores)} scores but {len(labels)} labels; they must pair up one to one")
    if not scores:
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


def l2_penalty(parameters, alpha):
    """alpha · Σ p²: added to a loss, it pulls weights towards zero (weight decay)."""
    return alpha * Value.sum(p * p for p in parameters)


def accuracy(scores, labels):
    """Fraction of examples on the right side of 0: score > 0 predicts the positive class.

    Works with labels ±1 and 0/1 alike (positive means label > 0).
    """
    _check_batch(scores, labels)
    hits = sum((_data(s) > 0.0) == (y > 0) for s, y in zip(scores, labels))
    return hits / len(scores)


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


LOSSES = {"hinge": hinge, "mse": mse, "bce": binary_cross_entropy}
LABELS = {"hinge": "pm1", "mse": "pm1", "bce": "01"}
