"""Checks for notebook 12, many classes.

``check_uninformed_loss`` asks for the first loss of a network that knows
nothing, ln K. ``check_softmax_cross_entropy`` runs the student's softmax cross-entropy on
batches the notebook has not shown (random logits from a fixed seed, up to
twelve classes; ±0 and equal logits; logits of ±1000, one example alone and
then a batch) and compares its value and its gradients with the package's
``losses.cross_entropy``, which it refuses to see called, as it does PyTorch's, scipy's
and scikit-learn's softmax, log-softmax, log-sum-exp and cross-entropy; the logits and labels
must come back unchanged, and a loss whose graph does not reach them (kept from an earlier
call) is named. When the value is wrong it recognises the typical
mistakes by computing them too: the wrong sign, a sum where the mean belongs, a mean over the classes,
the first example's loss alone, the largest logit subtracted and not added back, another class's logit.
"""

import math
import random

from ..engine import Value
from ..losses import cross_entropy
from . import Mistake, call, exercise, expect_close
from ._stubs import returned
from .circles_xor_spirals import library_functions, library_named, watching_library

__all__ = ["check_uninformed_loss", "check_softmax_cross_entropy"]

TEN = 10  # the number of classes in the question (the ten digits)

# Functions that compute the softmax cross-entropy, or its log-sum-exp, for the student (the package's own
# cross_entropy is refused by ``call``).
_WHOLE_JOB = [
    ("numpy", "logaddexp", "numpy's logaddexp"),
    ("torch", "logsumexp", "torch.logsumexp"),
    ("torch", "log_softmax", "torch.log_softmax"),
    ("torch", "softmax", "torch.softmax"),
    ("torch", "nn.functional.cross_entropy", "PyTorch's cross_entropy"),
    ("torch", "nn.functional.log_softmax", "PyTorch's log_softmax"),
    ("torch", "nn.functional.softmax", "PyTorch's softmax"),
    ("torch", "nn.functional.nll_loss", "PyTorch's nll_loss"),
    ("torch", "nn.CrossEntropyLoss", "PyTorch's nn.CrossEntropyLoss"),
    ("scipy.special", "logsumexp", "scipy's logsumexp"),
    ("scipy.special", "log_softmax", "scipy's log_softmax"),
    ("scipy.special", "softmax", "scipy's softmax"),
    ("sklearn.metrics", "log_loss", "scikit-learn's log_loss"),
]
_LIBRARY = ("your code uses {}, which computes the softmax (or the whole loss) for you: the exercise asks you to "
            "write it yourself, with Value operations (exp, log, +, −)")


def _random_cases():
    """Random logits from a fixed seed: batches of 1 to 6 examples, 2 to 12 classes (labels 10 and 11 too)."""
    rng = random.Random(2012)
    cases = []
    for n, k in [(4, 3), (3, 5), (1, 4), (6, 2), (5, 12)]:
        logits = [[round(rng.uniform(-4.0, 4.0), 3) for _ in range(k)] for _ in range(n)]
        labels = [rng.randrange(k) for _ in range(n)]
        if k == 12:
            labels[:2] = [10, 11]
        cases.append((f"a batch of {n} example(s) with {k} classes and random logits", logits, labels))
    return cases


def _cases():
    """The random batches, then ±0 and equal logits, then logits of ±1000: one example alone, then a batch.

    Alone, an example's largest logit is the batch's; in the batch it is not, so subtracting the batch's
    largest logit (not each example's) only fails there, and the message can say so. The first random batch
    comes again at the end: nothing may carry over from one call to the next.
    """
    random_cases = _random_cases()
    return [
        *random_cases,
        ("logits of 0, −0 and equal logits", [[0.0, -0.0, 0.0], [2.5, 2.5, 2.5], [-0.0, 1.5, -1.5]], [1, 2, 0]),
        ("one example with logits of ±1000", [[1000.0, -1000.0, 0.0]], [1]),
        _LARGE,
        random_cases[0],
    ]


# Logits a confident network produces: e^1000 overflows a float, e^-2000 rounds to 0.
_LARGE = (
    "a batch with logits of ±1000",
    [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, -1000.0], [0.0, 1000.0, -1000.0]],
    [1, 0, 2, 1],
)

_OVERFLOW = (
    "e^z overflowed at {case}: subtract each example's largest logit m before taking exp "
    "(ln Σ e^z = m + ln Σ e^(z − m), and every e^(z − m) is at most 1)"
)
_LOG_OF_ZERO = (
    "your code took the log of 0 at {case}: a probability such as e^-2000 rounds to 0. Do not form the probability "
    "and then take its log; use ln p_y = z_y − ln Σ e^z, with the largest logit subtracted inside the exp"
)
# Reached only once the example alone has passed: its own largest logit works, the batch's does not.
_SUM_OF_ZEROS = (
    "your code took the log of 0 at {case}: in the example whose logits are all −1000, every e^(z − m) rounded to 0. "
    "Is m the largest logit of the whole batch? Subtract each example's own largest logit, so that its e^(z − m) "
    "includes e^0 = 1"
)


def _log_sum_exp(row):
    m = max(row)
    return m + math.log(sum(math.exp(z - m) for z in row))


def _mean(values):
    return sum(values) / len(values)


def _typical_mistakes(logits, labels):
    """(value, what it means) for the wrong losses students typically write."""
    n, k = len(logits), len(logits[0])
    right = [_log_sum_exp(row) - row[y] for row, y in zip(logits, labels)]
    mistakes = [
        (-_mean(right), "your loss has the wrong sign: it is −ln p_y, the negative log of the true class's probability, so it is never negative"),
        (
            _mean([_log_sum_exp(row) - max(row) - row[y] for row, y in zip(logits, labels)]),
            "after subtracting the largest logit m inside the exp, add it back: ln Σ e^z = m + ln Σ e^(z − m)",
        ),
    ]
    if n != k:
        mistakes.append((sum(right) / k, "you divided by the number of classes: the mean is over the examples, so "
                                         "divide by how many there are (len(logits))"))
    if n > 1:
        mistakes.append((sum(right), "your loss is the sum over the batch: divide by the number of examples to get the mean"))
        mistakes.append(
            (right[0], "your loss is that of the first example only: loop over every example (zip(logits, labels)) and take the mean")
        )
    wrong_class = "you took the logit of another class: the true class of example i is labels[i], so its logit is logits[i][labels[i]]"
    for shift in range(1, k):
        mistakes.append((_mean([_log_sum_exp(row) - row[(y + shift) % k] for row, y in zip(logits, labels)]), wrong_class))
    mistakes.append((_mean([_log_sum_exp(row) - max(row) for row in logits]), wrong_class + " (not the largest logit)"))
    return mistakes


def _close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _check_case(loss_fn, case, logits_data, labels, earlier=False):
    """One batch; ``earlier`` is True once a batch has passed, when a typical mistake (which would have shown on it
    already) matching this batch's loss is a coincidence, not an explanation."""
    def guarded(logits, labels):
        used = []
        try:
            with watching_library(library_functions(_WHOLE_JOB), used):
                result = loss_fn(logits, labels)
            if used:
                raise Mistake(_LIBRARY.format(used[0]))
            return result
        except OverflowError:
            raise Mistake(_OVERFLOW.format(case=case)) from None
        except ValueError as error:
            if "log" in str(error) or "domain" in str(error):
                raise Mistake((_SUM_OF_ZEROS if case == _LARGE[0] else _LOG_OF_ZERO).format(case=case)) from None
            raise

    logits = [[Value(z) for z in row] for row in logits_data]
    given = [list(row) for row in logits]
    loss = call(guarded, logits, list(labels), case=case, forbid=(cross_entropy,),
                unchanged={1: "the list of labels"})
    rows_kept = len(logits) == len(given) and all(
        len(row) == len(old) and all(z is o for z, o in zip(row, old)) for row, old in zip(logits, given))
    if not rows_kept or any(z.data != x for row, xs in zip(logits, logits_data) for z, x in zip(row, xs)):
        raise Mistake(f"on {case}: your function changed the logits it was given: it should only read them")
    if any(z.grad != 0.0 for row in logits for z in row):
        raise Mistake(f"on {case}: a logit's .grad changed while your function ran (a backward() inside it?): "
                      "return the loss and leave backward() to the caller")
    loss = returned(loss_fn, loss, "the mean loss, as one Value", case)
    if isinstance(loss, (list, tuple)):
        raise Mistake(f"on {case}: return one Value, the mean loss of the batch, not one loss per example")
    if not isinstance(loss, Value):
        raise Mistake(
            f"on {case}: return a Value built from Value operations (not a plain {type(loss).__name__}), so that "
            "backward() can reach the logits"
        )
    reference_logits = [[Value(z) for z in row] for row in logits_data]
    reference = cross_entropy(reference_logits, list(labels))
    if not math.isfinite(loss.data):
        raise Mistake(_OVERFLOW.format(case=case))
    if not _close(loss.data, reference.data):
        for value, meaning in [] if earlier else _typical_mistakes(logits_data, labels):
            if _close(loss.data, value):
                raise Mistake(f"on {case}: {meaning}")
        if earlier:
            raise Mistake(
                f"on {case}: the loss is not right (to 9 significant digits), though it was on the batches before: "
                "does your code treat these logits differently (a special case, a tie, a −0), or keep something "
                "from one call to the next? It should be the mean over the examples of ln Σ_k e^(z_k) − z_y"
            )
        raise Mistake(
            f"on {case}: the loss is not right (to 9 significant digits); it should be the mean over the examples of "
            "ln Σ_k e^(z_k) − z_y"
        )
    loss.backward()
    reference.backward()
    reached = {id(node) for node in loss.topological_order()}
    for i, (row, reference_row) in enumerate(zip(logits, reference_logits)):
        for k, (z, reference_z) in enumerate(zip(row, reference_row)):
            if not _close(z.grad, reference_z.grad) and id(z) not in reached:
                raise Mistake(
                    f"on {case}: the loss is right, but backward() cannot reach logits[{i}][{k}] from it: build the "
                    "loss from the logits you were given with Value operations (a .data, math.exp on a number, or a "
                    "loss kept from an earlier call leaves them out of its graph)"
                )
            if not _close(z.grad, reference_z.grad):
                raise Mistake(
                    f"on {case}: the loss is right but its gradient with respect to logits[{i}][{k}] is not: keep every "
                    "step a Value operation on the logits (a .data, or math.exp on a number, hides the path from backward)"
                )


@exercise("a stable softmax cross-entropy")
def check_softmax_cross_entropy(loss_fn):
    """``loss_fn(logits, labels)``: the mean of ln Σ e^z − z_y, as Values, equal to the package's loss and gradients."""
    if not callable(loss_fn):
        raise Mistake(f"softmax_cross_entropy should be a function, but it is {type(loss_fn).__name__}")
    first = _cases()[0][0]
    for case, logits, labels in _cases():
        used = library_named(loss_fn, library_functions(_WHOLE_JOB))  # functions in C, which no hook sees called
        if used:
            raise Mistake(_LIBRARY.format(used))
        _check_case(loss_fn, case, logits, labels, earlier=case != first)


_TOO_SHORT = (
    "close, but not right to 3 decimals: your number looks cut off, or rounded to fewer decimals; "
    "round it to 3 decimals (or give the full value your calculation returns)"
)


@exercise("the loss of a network that knows nothing, for ten classes")
def check_uninformed_loss(answer):
    """Every class gets probability 1/10, so the loss is −ln(1/10) = ln 10; right to 3 decimals."""
    expect_close(
        answer,
        math.log(TEN),
        decimals=3,
        mistakes={
            math.log10(TEN): "that is the base-10 logarithm; the cross-entropy uses the natural logarithm ln (math.log)",
            1.0 / TEN: "that is the probability each class gets; the loss is minus its natural logarithm",
            math.log(3): "that is the value for three classes, as in the spirals; the question has ten",
            math.log2(TEN): "that is the base-2 logarithm; the cross-entropy uses the natural logarithm ln (math.log)",
            # the right number written too short: cut off after 3 decimals, or rounded to 2
            math.floor(math.log(TEN) * 1000) / 1000: _TOO_SHORT,
            round(math.log(TEN), 2): _TOO_SHORT,
        },
        hint="with K classes and no idea, each class gets probability 1/K, and the loss is −ln of the true class's probability",
    )
