"""Losses on cases worked out by hand, their gradients, stability, labels and accuracy."""

import math
import re

import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.losses import (
    LABELS,
    LOSSES,
    accuracy,
    binary_cross_entropy,
    convert_labels,
    cross_entropy,
    hinge,
    l2_penalty,
    mse,
)


def values(*xs):
    return [Value(x) for x in xs]


def test_mse_by_hand():
    scores = values(1.0, -1.0)
    loss = mse(scores, [0.5, 1.0])
    assert loss.data == pytest.approx((0.5**2 + 2.0**2) / 2)  # 2.125
    loss.backward()
    # d/ds (s − y)²/n = 2(s − y)/n
    assert [s.grad for s in scores] == pytest.approx([2 * 0.5 / 2, 2 * -2.0 / 2])


def test_mse_is_zero_on_a_perfect_fit():
    assert mse(values(1.0, -1.0, 0.25), [1.0, -1.0, 0.25]).data == 0.0


def test_hinge_by_hand():
    scores = values(2.0, 0.5, -0.3)
    loss = hinge(scores, [1.0, 1.0, -1.0])
    # max(0, 1 − 2) = 0, max(0, 1 − 0.5) = 0.5, max(0, 1 − 0.3) = 0.7
    assert loss.data == pytest.approx(1.2 / 3)
    loss.backward()
    # no gradient past the margin; −y/n inside it
    assert [s.grad for s in scores] == pytest.approx([0.0, -1 / 3, 1 / 3])


def test_hinge_is_zero_beyond_the_margin():
    assert hinge(values(1.0, 3.0, -2.0), [1.0, 1.0, -1.0]).data == 0.0


def test_bce_by_hand():
    logits = values(0.0, 2.0, -1.0)
    labels = [1.0, 0.0, 0.0]
    loss = binary_cross_entropy(logits, labels)
    sigma = [1 / (1 + math.exp(-z)) for z in (0.0, 2.0, -1.0)]
    naive = -sum(y * math.log(s) + (1 - y) * math.log(1 - s) for y, s in zip(labels, sigma)) / 3
    assert loss.data == pytest.approx(naive, rel=1e-12)
    assert loss.data == pytest.approx((math.log(2) + math.log1p(math.e**2) + math.log1p(math.e**-1)) / 3, rel=1e-12)
    loss.backward()
    # d/dz = (σ(z) − y)/n
    assert [z.grad for z in logits] == pytest.approx([(s - y) / 3 for s, y in zip(sigma, labels)], rel=1e-12)


@pytest.mark.parametrize(
    "labels, expected_loss, expected_grads",
    [([1.0, 0.0], 0.0, [0.0, 0.0]), ([0.0, 1.0], 1000.0, [0.5, -0.5])],
    ids=["right", "confidently wrong"],
)
def test_bce_is_stable_for_huge_logits(labels, expected_loss, expected_grads):
    logits = values(1000.0, -1000.0)
    loss = binary_cross_entropy(logits, labels)
    loss.backward()
    assert math.isfinite(loss.data) and all(math.isfinite(z.grad) for z in logits)
    assert loss.data == pytest.approx(expected_loss, abs=1e-12)
    assert [z.grad for z in logits] == pytest.approx(expected_grads, abs=1e-12)


def test_losses_backpropagate_into_a_model():
    from micrograd_mlp.nn import MLP

    for name, fn in LOSSES.items():
        if LABELS[name] == "classes":
            continue  # needs K outputs: test_cross_entropy_backpropagates_into_a_model
        model = MLP(2, [3, 1])
        labels = convert_labels([1.0, 0.0], LABELS[name])
        fn([model([1.0, 0.5]), model([-1.0, 0.2])], labels).backward()
        assert any(p.grad != 0.0 for p in model.parameters()), name


def test_l2_penalty():
    params = values(1.0, -2.0, 0.5)
    penalty = l2_penalty(params, 0.1)
    assert penalty.data == pytest.approx(0.1 * (1 + 4 + 0.25))
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.2, -0.4, 0.1])


@pytest.mark.parametrize("loss", [mse, hinge, binary_cross_entropy])
def test_losses_refuse_mismatched_or_empty_batches(loss):
    with pytest.raises(ValueError, match="2 scores but 1 labels"):
        loss(values(1.0, 2.0), [1.0])
    with pytest.raises(ValueError, match="empty"):
        loss([], [])


def test_accuracy_with_plus_minus_one_and_zero_one_labels():
    scores = values(0.3, -2.0, 1.5, -0.1)
    assert accuracy(scores, [1.0, -1.0, -1.0, 1.0]) == 0.5
    assert accuracy(scores, [1.0, 0.0, 0.0, 1.0]) == 0.5
    assert accuracy(scores, [1, 0, 1, 0]) == 1.0
    assert accuracy(scores, [-1, 1, -1, 1]) == 0.0
    assert accuracy([0.3, -2.0], [1, -1]) == 1.0  # plain numbers too


def test_accuracy_score_zero_predicts_the_negative_class():
    assert accuracy([0.0], [0.0]) == 1.0
    assert accuracy([0.0], [1.0]) == 0.0


def test_accuracy_refuses_mismatched_batches():
    with pytest.raises(ValueError, match="pair up"):
        accuracy([1.0], [1.0, 0.0])


def test_convert_labels_both_ways():
    assert convert_labels([0.0, 1.0, 1, 0], "pm1") == [-1.0, 1.0, 1.0, -1.0]
    assert convert_labels([-1.0, 1.0, 1, -1], "01") == [0.0, 1.0, 1.0, 0.0]
    assert convert_labels([-1.0, 1.0], "pm1") == [-1.0, 1.0]
    assert convert_labels([0.0, 1.0], "01") == [0.0, 1.0]
    assert convert_labels(convert_labels([0, 1, 1], "pm1"), "01") == [0.0, 1.0, 1.0]


def test_convert_labels_refuses_an_unknown_form():
    with pytest.raises(ValueError, match="'pm1'.*'01'.*got 'binary'"):
        convert_labels([1.0], "binary")


def test_every_loss_says_which_labels_it_wants():
    assert set(LOSSES) == set(LABELS) == {"mse", "hinge", "bce", "cross_entropy"}
    assert LABELS == {"mse": "pm1", "hinge": "pm1", "bce": "01", "cross_entropy": "classes"}


def softmax_cross_entropy_by_hand(row, label):
    m = max(row)
    return m + math.log(sum(math.exp(z - m) for z in row)) - row[label]


def test_cross_entropy_by_hand_and_its_gradient_is_softmax_minus_one_hot():
    rows = [[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]]
    labels = [1, 0]
    logits = [values(*row) for row in rows]
    loss = cross_entropy(logits, labels)
    loss.backward()
    expected = sum(softmax_cross_entropy_by_hand(r, y) for r, y in zip(rows, labels)) / 2
    assert loss.data == pytest.approx(expected, abs=1e-12)
    for row, y, row_values in zip(rows, labels, logits):
        exps = [math.exp(z) for z in row]
        softmax = [e / sum(exps) for e in exps]
        one_hot = [1.0 if j == y else 0.0 for j in range(3)]
        assert [v.grad for v in row_values] == pytest.approx([(s - t) / 2 for s, t in zip(softmax, one_hot)], abs=1e-12)


@pytest.mark.parametrize("big", [1000.0, -1000.0, 1e6])
def test_cross_entropy_is_finite_and_exact_for_huge_logits(big):
    logits = [values(big, -big, 0.0), values(big, big - 1.0, -big)]
    loss = cross_entropy(logits, [0, 1])
    loss.backward()
    expected = (softmax_cross_entropy_by_hand([big, -big, 0.0], 0) + softmax_cross_entropy_by_hand([big, big - 1, -big], 1)) / 2
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert all(math.isfinite(v.grad) for row in logits for v in row)


def test_cross_entropy_accepts_float_and_numpy_class_labels():
    import numpy as np

    a = cross_entropy([values(0.1, 0.2, 0.3)], [2]).data
    assert cross_entropy([values(0.1, 0.2, 0.3)], [2.0]).data == a
    assert cross_entropy([values(0.1, 0.2, 0.3)], [np.int64(2)]).data == a


@pytest.mark.parametrize(
    "logits, labels, message",
    [
        ([values(1.0, 2.0)], [2], "label 0 is 2, but with 2 classes each label must be one of 0 … 1"),
        ([values(1.0, 2.0)], [0.5], "label 0 is 0.5"),
        ([values(1.0, 2.0)], [-1], "label 0 is -1"),
        ([values(1.0, 2.0), values(1.0)], [0, 0], "example 1 has 1 scores but example 0 has 2"),
        ([Value(1.0)], [0], "needs K scores per example"),
        ([values(1.0)], [0], "at least 2 scores"),
        ([], [], "the batch is empty"),
    ],
)
def test_cross_entropy_refuses_bad_input_with_a_reason(logits, labels, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cross_entropy(logits, labels)


def test_cross_entropy_backpropagates_into_a_model():
    from micrograd_mlp.nn import MLP

    model = MLP(2, [4, 3])
    cross_entropy([model([1.0, 0.5]), model([-1.0, 0.2])], [2, 0]).backward()
    assert all(math.isfinite(p.grad) for p in model.parameters())
    assert any(p.grad != 0.0 for p in model.parameters())


def test_accuracy_takes_the_argmax_for_several_scores():
    scores = [values(0.1, 0.9, 0.0), values(2.0, -1.0, 1.0), [0.0, 0.0, 5.0]]
    assert accuracy(scores, [1, 0, 2]) == 1.0
    assert accuracy(scores, [1.0, 2.0, 2.0]) == pytest.approx(2 / 3)
