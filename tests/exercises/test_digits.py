"""Notebook 16's exercise: a confusion matrix written by the student, right and in its typical wrong forms."""

import collections
import sys
import time
import types

import numpy as np
import pytest
from verdicts import assert_rejected, verdict

from micrograd_mlp.exercises import digits
from micrograd_mlp.exercises.digits import check_confusion_matrix

TITLE = "the confusion matrix"


def right(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        matrix[t][p] += 1
    return matrix


def right_with_numpy(true, predicted, classes):
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (np.asarray(true), np.asarray(predicted)), 1)
    return matrix


def right_with_a_counter(true, predicted, classes):
    print("counting", len(true), "examples")  # swallowed by the check
    pairs = collections.Counter(zip(true, predicted))
    return tuple(tuple(pairs[i, j] for j in range(classes)) for i in range(classes))


def right_as_float32(true, predicted, classes):  # an odd but whole-numbered answer: counts in a float32 array
    matrix = np.zeros((classes, classes), dtype=np.float32)
    for t, p in zip(true, predicted):
        matrix[t, p] += 1
    return matrix


def right_with_comprehensions(true, predicted, classes):
    pairs = list(zip(true, predicted))
    return [[pairs.count((i, j)) for j in range(classes)] for i in range(classes)]


def right_with_histogram2d(true, predicted, classes):
    counts, _, _ = np.histogram2d(true, predicted, bins=classes, range=[[-0.5, classes - 0.5]] * 2)
    return counts.astype(int)


@pytest.mark.parametrize("function", [right, right_with_numpy, right_with_a_counter, right_as_float32, right_with_comprehensions,
                                      right_with_histogram2d])
def test_a_right_matrix_passes(function, capsys):
    check_confusion_matrix(function)
    assert verdict(capsys) == f"[✓] {TITLE}: correct!"


def stub_ellipsis(true, predicted, classes):
    ...


def stub_raises(true, predicted, classes):
    raise NotImplementedError


@pytest.mark.parametrize("stub", [stub_ellipsis, stub_raises, ..., None])
def test_a_stub_is_not_answered(stub, capsys):
    check_confusion_matrix(stub)
    assert verdict(capsys).startswith(f"[ ] {TITLE}: not answered yet")


# --- the typical wrong answers ----------------------------------------------------------------------


def transposed(true, predicted, classes):
    return right(predicted, true, classes)


def diagonal_only(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        if t == p:
            matrix[t][t] += 1
    return matrix


def one_shared_row(true, predicted, classes):
    matrix = [[0] * classes] * classes  # the same list, classes times
    for t, p in zip(true, predicted):
        matrix[t][p] += 1
    return matrix


def sized_from_the_labels(true, predicted, classes):
    size = max(max(true), max(predicted)) + 1
    return right(true, predicted, size)


def sized_from_the_true_labels(true, predicted, classes):
    size = len(set(true))
    matrix = [[0] * max(size, max(predicted) + 1, max(true) + 1) for _ in range(size)]
    for t, p in zip(true, predicted):
        if t < size:
            matrix[t][p] += 1
    return matrix


def fractions_per_row(true, predicted, classes):
    matrix = right(true, predicted, classes)
    return [[count / sum(row) if sum(row) else 0.0 for count in row] for row in matrix]


def keeps_counting(true, predicted, classes, _kept={}):  # noqa: B006 - the mistake under test
    matrix = _kept.setdefault(classes, [[0] * classes for _ in range(classes)])
    for t, p in zip(true, predicted):
        matrix[t][p] += 1
    return [list(row) for row in matrix]


_last = {}


def resets_when_classes_change(true, predicted, classes):
    if _last.get("classes") != classes:  # a matrix kept between calls, new only for another number of classes
        _last.update(classes=classes, matrix=[[0] * classes for _ in range(classes)])
    for t, p in zip(true, predicted):
        _last["matrix"][t][p] += 1
    return [list(row) for row in _last["matrix"]]


def sets_instead_of_adding(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        matrix[t][p] = 1
    return matrix


def with_histogram2d_wrong_bins(true, predicted, classes):
    counts, _, _ = np.histogram2d(true, predicted, bins=classes)  # bins spread over the labels' range, not 0 … K
    return counts.astype(int)



def skips_the_last_example(true, predicted, classes):
    return right(true[:-1], predicted[:-1], classes)


def counts_each_example_twice(true, predicted, classes):
    matrix = right(true, predicted, classes)
    return [[2 * count for count in row] for row in matrix]


def off_by_one(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        matrix[t - 1][p - 1] += 1  # labels taken as 1 … K
    return matrix


def first_digit_of_the_label(true, predicted, classes):  # right for 0 … 9, wrong for 10 and 11
    return right([int(str(t)[0]) for t in true], [int(str(p)[0]) for p in predicted], classes)


def uses_sklearn(true, predicted, classes):
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(true, predicted, labels=list(range(classes)))


def uses_sklearn_display(true, predicted, classes):
    from sklearn.metrics import ConfusionMatrixDisplay

    return ConfusionMatrixDisplay.from_predictions(true, predicted, labels=list(range(classes))).confusion_matrix


def sorts_the_labels(true, predicted, classes):
    matrix = right(true, predicted, classes)
    true.sort()
    return matrix


def pops_the_predictions(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t in true:
        matrix[t][predicted.pop(0)] += 1
    return matrix


def forgets_to_return(true, predicted, classes):
    right(true, predicted, classes)


def hard_coded_for_ten(true, predicted, classes):
    return right(true, predicted, 10)


def test_pandas_crosstab_is_refused_once_the_student_has_imported_pandas(monkeypatch, capsys):
    # pandas is not a dependency of the course, but Colab has it: a stand-in module with a crosstab that counts
    pandas = types.ModuleType("pandas")

    def crosstab(true, predicted):
        return right(list(true), list(predicted), 1 + max(*true, *predicted))

    crosstab.__module__, crosstab.__qualname__ = "pandas.core.reshape.pivot", "crosstab"
    pandas.crosstab = crosstab
    monkeypatch.setitem(sys.modules, "pandas", pandas)

    def uses_crosstab(true, predicted, classes):
        import pandas

        counted = pandas.crosstab(true + list(range(classes)), predicted + list(range(classes)))
        return [[count - (i == j) for j, count in enumerate(row)] for i, row in enumerate(counted)]

    check_confusion_matrix(uses_crosstab)
    assert_rejected(verdict(capsys), "calls pandas' crosstab: the exercise asks you to write that part yourself")


@pytest.mark.parametrize(
    "function, message",
    [
        (transposed, "rows and columns are swapped"),
        (diagonal_only, "only the right predictions are counted"),
        (one_shared_row, "every row holds the same counts: are all the rows one list?"),
        (sized_from_the_labels, "the matrix should have `classes` rows of `classes` counts each"),
        (sized_from_the_true_labels, "size it from `classes`, not from the labels"),
        (fractions_per_row, "counts of examples (whole numbers), not fractions"),
        (keeps_counting, "does the matrix keep counts from an earlier call?"),
        (resets_when_classes_change, "on one example alone, 10 classes: the counts are too large: does the matrix keep counts"),
        (sets_instead_of_adding, "the counts should add up to the number of examples"),
        (with_histogram2d_wrong_bins, "some counts are not right"),
        (skips_the_last_example, "the counts should add up to the number of examples"),
        (counts_each_example_twice, "the counts are too large"),
        (off_by_one, "some counts are not right"),
        (first_digit_of_the_label, "on 50 labels of 12 classes (10 and 11 among them): some counts are not right"),
        (uses_sklearn, "calls scikit-learn's confusion_matrix: the exercise asks you to write that part yourself"),
        (uses_sklearn_display, "calls scikit-learn's confusion_matrix"),
        (sorts_the_labels, "changed the list of true labels"),
        (pops_the_predictions, "changed the list of predicted labels"),
        (forgets_to_return, "returned None"),
        (hard_coded_for_ten, "on 50 labels of 12 classes"),
        (lambda true, predicted, classes: set(true), "return a list of lists (one row per true class), not a set"),
        (lambda true, predicted, classes: {t: p for t, p in zip(true, predicted)}, "not a dict"),
        (lambda true, predicted, classes: 0.97, "not a float"),
        (lambda true, predicted, classes: "matrix", "not a str"),
        (lambda true, predicted, classes: [1] * classes, "each row should be a list of counts"),
        (lambda true, predicted, classes: [["0"] * classes for _ in range(classes)], "every entry should be a count"),
        (lambda true, predicted, classes: [[None] * classes for _ in range(classes)], "every entry should be a count"),
        (lambda true, predicted, classes: np.zeros((classes, classes, 1)), "every entry should be a count (a whole number), but one is list"),
        (lambda true, predicted, classes: 1 / 0, "your code raised ZeroDivisionError on 60 labels of 10 classes"),
    ],
    ids=lambda value: getattr(value, "__name__", "message"),
)
def test_each_typical_mistake_is_named(function, message, capsys):
    check_confusion_matrix(function)
    assert_rejected(verdict(capsys), f"{TITLE}: not yet:", message)


def test_an_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(check_confusion_matrix, "seconds", 1)

    def endless(true, predicted, classes):
        matrix = right(true, predicted, classes)
        while matrix:
            pass
        return matrix

    start = time.perf_counter()
    assert check_confusion_matrix.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize("function", [transposed, diagonal_only, one_shared_row, fractions_per_row, off_by_one,
                                      skips_the_last_example, keeps_counting])
def test_no_message_shows_a_count(function, capsys):
    check_confusion_matrix(function)
    out = verdict(capsys)
    case = next(what for what, *_ in digits._cases() if f"on {what}: " in out)
    message = out.split(f"on {case}: ", 1)[1].replace("[[0] * classes] * classes", "").replace("adds 1", "")
    assert not any(character.isdigit() for character in message), out  # the case's sizes are all it names


def test_the_hidden_cases_cover_what_the_notebook_uses():
    cases = digits._cases()
    sizes = {classes for _, _, _, classes in cases}
    assert 10 in sizes and max(sizes) > 10  # the digits' ten classes, and labels of 10 and more
    assert any(len(true) == 1 for _, true, _, _ in cases)  # one example
    assert any(set(range(classes)) - set(true) for _, true, _, classes in cases)  # a class with no examples
    assert any(right(t, p, k) != right(p, t, k) for _, t, p, k in cases)  # swapping rows and columns shows
    assert cases[0] == cases[-1]  # called twice on the same case
    assert cases[0][3] == cases[1][3]  # two calls in a row with the same number of classes
    assert digits._cases() == cases  # the same cases on every run
