"""Notebook 12's exercise: a stable softmax cross-entropy from Value operations, right and in its typical wrong forms."""

import math
import time

import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import many_classes
from micrograd_mlp.exercises.many_classes import check_softmax_cross_entropy
from micrograd_mlp.losses import cross_entropy

TITLE = "a stable softmax cross-entropy"


def log_sum_exp(row):
    m = max(z.data for z in row)
    return m + Value.sum((z - m).exp() for z in row).log()


def right(logits, labels):
    return Value.sum(log_sum_exp(row) - row[y] for row, y in zip(logits, labels)) / len(logits)


def right_with_a_value_maximum(logits, labels):
    # the maximum kept as a Value: its gradient cancels out, so this is right too
    total = 0.0
    for row, y in zip(logits, labels):
        m = max(row, key=lambda z: z.data)
        total = total + (m + sum((z - m).exp() for z in row).log() - row[y])
    return total * (1.0 / len(logits))


def right_with_a_loop(logits, labels):
    print("a batch of", len(logits))  # swallowed by the check
    total = Value(0.0)
    for i in range(len(logits)):
        m = max(z.data for z in logits[i])
        shifted = [z - m for z in logits[i]]
        total += Value.sum(z.exp() for z in shifted).log() - shifted[labels[i]]  # the m cancels
    return total / len(logits)


@pytest.mark.parametrize("loss_fn", [right, right_with_a_value_maximum, right_with_a_loop])
def test_a_right_loss_passes(loss_fn, capsys):
    check_softmax_cross_entropy(loss_fn)
    assert verdict(capsys) == f"[✓] {TITLE}: correct!"


def stub_ellipsis(logits, labels):
    ...


def stub_raises(logits, labels):
    raise NotImplementedError


@pytest.mark.parametrize("stub", [stub_ellipsis, stub_raises])
def test_a_stub_is_not_answered(stub, capsys):
    check_softmax_cross_entropy(stub)
    assert verdict(capsys).startswith(f"[ ] {TITLE}: not answered yet")


def no_max_subtracted(logits, labels):
    return Value.sum(Value.sum(z.exp() for z in row).log() - row[y] for row, y in zip(logits, labels)) / len(logits)


def log_of_the_probability(logits, labels):
    total = Value(0.0)
    for row, y in zip(logits, labels):
        m = max(z.data for z in row)
        exps = [(z - m).exp() for z in row]
        total = total - (exps[y] / Value.sum(exps)).log()
    return total / len(logits)


def wrong_sign(logits, labels):
    return -right(logits, labels)


def summed(logits, labels):
    return Value.sum(log_sum_exp(row) - row[y] for row, y in zip(logits, labels))


def first_example_only(logits, labels):
    return log_sum_exp(logits[0]) - logits[0][labels[0]]


def max_not_added_back(logits, labels):
    terms = []
    for row, y in zip(logits, labels):
        m = max(z.data for z in row)
        terms.append(Value.sum((z - m).exp() for z in row).log() - row[y])
    return Value.sum(terms) / len(logits)


def next_class(logits, labels):
    return right(logits, [(y + 1) % len(logits[0]) for y in labels])


def largest_logit(logits, labels):
    return Value.sum(log_sum_exp(row) - max(row, key=lambda z: z.data) for row in logits) / len(logits)


def true_logit_as_a_float(logits, labels):
    return Value.sum(log_sum_exp(row) - row[y].data for row, y in zip(logits, labels)) / len(logits)


def on_floats(logits, labels):
    return sum(math.log(sum(math.exp(z.data) for z in row)) - row[y].data for row, y in zip(logits, labels)) / len(logits)


def per_example(logits, labels):
    return [log_sum_exp(row) - row[y] for row, y in zip(logits, labels)]


def squared_error(logits, labels):
    return Value.sum((row[y] - 1.0) ** 2 for row, y in zip(logits, labels)) / len(logits)


def float_labels_as_indices(logits, labels):
    return right(logits, [float(y) for y in labels])


def batch_maximum(logits, labels):
    m = max(z.data for row in logits for z in row)  # the batch's largest logit, not each example's
    return Value.sum(m + Value.sum((z - m).exp() for z in row).log() - row[y] for row, y in zip(logits, labels)) / len(
        logits
    )


def package_loss(logits, labels):
    return cross_entropy(logits, labels)


def wrapped_package_loss(logits, labels):
    return Value.sum(cross_entropy([row], [y]) for row, y in zip(logits, labels)) / len(logits)


def empties_the_labels(logits, labels):
    loss = right(logits, labels)
    labels.clear()
    return loss


def overwrites_a_logit(logits, labels):
    for row in logits:
        row[0].data = 0.0
    return right(logits, labels)


def replaces_a_row(logits, labels):
    logits[0] = [Value(z.data) for z in logits[0]]
    return right(logits, labels)


def backward_inside(logits, labels):
    loss = right(logits, labels)
    loss.backward()
    return loss


def remembers_the_first_batch(logits, labels, seen={}):  # noqa: B006 - the mistake under test
    n = seen.setdefault("n", len(logits))  # the first batch's size, kept for every later batch
    return Value.sum(log_sum_exp(row) - row[y] for row, y in zip(logits, labels)) / n


def labels_by_first_digit(logits, labels):  # right for classes 0 to 9, wrong for 10 and 11
    return right(logits, [int(str(y)[0]) for y in labels])


def forgets_to_return(logits, labels):
    right(logits, labels)


@pytest.mark.parametrize(
    "loss_fn, message",
    [
        (no_max_subtracted, "e^z overflowed at one example with logits of ±1000: subtract each example's largest logit"),
        (log_of_the_probability, "your code took the log of 0 at one example with logits of ±1000: a probability"),
        (batch_maximum, "Subtract each example's own largest logit"),
        (package_loss, "calls the package's cross_entropy"),
        (wrapped_package_loss, "calls the package's cross_entropy"),
        (empties_the_labels, "changed the list of labels"),
        (overwrites_a_logit, "changed the logits"),
        (replaces_a_row, "changed the logits"),
        (backward_inside, "backward() inside it?"),
        (remembers_the_first_batch, "on a batch of 3 example(s) with 5 classes"),
        (labels_by_first_digit, "on a batch of 5 example(s) with 12 classes"),
        (forgets_to_return, "returned None"),
        (lambda logits, labels: {right(logits, labels)}, "not a plain set"),
        (lambda logits, labels: right(logits, labels).data, "not a plain float"),
        (wrong_sign, "your loss has the wrong sign"),
        (summed, "your loss is the sum over the batch: divide by the number of examples to get the mean"),
        (first_example_only, "your loss is that of the first example only: loop over every example"),
        (max_not_added_back, "after subtracting the largest logit m inside the exp, add it back"),
        (next_class, "you took the logit of another class"),
        (largest_logit, "you took the logit of another class: the true class of example i is labels[i], so its logit is logits[i][labels[i]] (not the largest logit)"),
        (true_logit_as_a_float, "the loss is right but its gradient with respect to logits[0][1] is not: keep every step a Value operation"),
        (on_floats, "return a Value built from Value operations (not a plain float)"),
        (per_example, "return one Value, the mean loss of the batch, not one loss per example"),
        (squared_error, "the loss is not right (to 9 significant digits)"),
        (float_labels_as_indices, "your code raised TypeError on a batch of 4 example(s) with 3 classes and random logits"),
    ],
    ids=lambda value: getattr(value, "__name__", "message"),
)
def test_each_typical_mistake_is_named(loss_fn, message, capsys):
    check_softmax_cross_entropy(loss_fn)
    assert_rejected(verdict(capsys), f"{TITLE}: not yet:", message)


def test_an_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(check_softmax_cross_entropy, "seconds", 1)

    def endless(logits, labels):
        total = Value(0.0)
        while total.data >= 0:
            total = total + 0.0
        return total

    start = time.perf_counter()
    assert check_softmax_cross_entropy.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize("loss_fn", [wrong_sign, summed, first_example_only, max_not_added_back, next_class, squared_error])
def test_no_message_shows_the_expected_loss(loss_fn, capsys):
    check_softmax_cross_entropy(loss_fn)
    out = verdict(capsys)
    for _, logits, labels in many_classes._random_cases():
        expected = right([[Value(z) for z in row] for row in logits], labels).data
        for decimals in (2, 3, 4):
            assert f"{expected:.{decimals}f}" not in out



UNINFORMED = "the loss of a network that knows nothing, for ten classes"


@pytest.mark.parametrize("answer", [math.log(10), -math.log(1 / 10), 2.303, cross_entropy([[Value(0.0)] * 10], [3])])
def test_the_uninformed_loss_right(answer, capsys):
    many_classes.check_uninformed_loss(answer)
    assert verdict(capsys) == f"[✓] {UNINFORMED}: correct!"


@pytest.mark.parametrize(
    "answer, message",
    [
        (1.0, "that is the base-10 logarithm"),
        (math.log2(10), "that is the base-2 logarithm"),
        (0.1, "that is the probability each class gets"),
        (math.log(3), "that is the value for three classes"),
        (-math.log(10), "your answer has the right size but the wrong sign"),
        (2.31, "your answer is not right to 3 decimals: with K classes and no idea"),
        (2.3, "close, but not right to 3 decimals: your number looks cut off, or rounded to fewer decimals"),
        (math.floor(1000 * math.log(10)) / 1000, "close, but not right to 3 decimals: your number looks cut off"),
    ],
)
def test_the_uninformed_loss_wrong(answer, message, capsys):
    many_classes.check_uninformed_loss(answer)
    out = verdict(capsys)
    assert out.startswith(f"[✗] {UNINFORMED}: not yet: {message}")
    assert "2.30" not in out


def test_the_uninformed_loss_not_answered(capsys):
    many_classes.check_uninformed_loss(...)
    assert verdict(capsys).startswith(f"[ ] {UNINFORMED}: not answered yet")


# --- issue 16, second adversarial round ---------------------------------------------------------------


def divided_by_classes(logits, labels):
    return Value.sum(log_sum_exp(row) - row[y] for row, y in zip(logits, labels)) / len(logits[0])


_kept = {}


def kept_between_calls(logits, labels):  # a loss remembered by the logits' numbers: its graph holds older Values
    key = tuple(tuple(z.data for z in row) for row in logits)
    return _kept.setdefault(key, right(logits, labels))


def with_torch_and_a_surrogate(logits, labels):
    """PyTorch's cross_entropy for the number, and a linear Value with the right slopes for the gradient."""
    torch = pytest.importorskip("torch")
    scores = torch.tensor([[z.data for z in row] for row in logits], dtype=torch.float64)
    value = float(torch.nn.functional.cross_entropy(scores, torch.tensor(labels)))
    surrogate = Value(0.0)
    for row, y in zip(logits, labels):
        m = max(z.data for z in row)
        e = [math.exp(z.data - m) for z in row]
        for k, z in enumerate(row):
            surrogate = surrogate + z * ((e[k] / sum(e) - (k == y)) / len(labels))
    return surrogate + (value - surrogate.data)


@pytest.mark.parametrize(
    "loss_fn, words",
    [
        (divided_by_classes, ["number of classes"]),
        (kept_between_calls, ["cannot reach", "earlier call"]),
        (with_torch_and_a_surrogate, ["PyTorch's cross_entropy", "yourself"]),
    ],
)
def test_second_round_wrong_losses_are_named(loss_fn, words, capsys):
    _kept.clear()
    check_softmax_cross_entropy(loss_fn)
    out = verdict(capsys)
    assert_rejected(out, *words)


def wrong_on_negative_zero(logits, labels):  # right on the random batches, off where a logit is −0.0
    if any(z.data == 0.0 and math.copysign(1.0, z.data) < 0 for row in logits for z in row):
        return right(logits, labels) + 0.5
    return right(logits, labels)


def test_a_mistake_on_a_later_batch_is_not_named_as_a_typical_slip(capsys):
    check_softmax_cross_entropy(wrong_on_negative_zero)
    out = verdict(capsys)
    assert_rejected(out, "logits of 0, −0 and equal logits", "batches before")
    assert "another class" not in out
