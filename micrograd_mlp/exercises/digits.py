"""Checks for notebook 16, handwritten digits.

``check_confusion_matrix`` runs the student's ``confusion_matrix(true, predicted, classes)`` on labels the
notebook has not shown: ten classes with one that never occurs as a true label, twelve classes (labels 10
and 11), one example alone, a last class that occurs nowhere, and a small lopsided case; then the first case
again; two calls in a row have ten classes, so that nothing may carry over from one call to the next. It compares every count with a matrix
counted here, refuses scikit-learn's ``confusion_matrix`` and pandas' ``crosstab`` (the exercise asks for it to be written), and
requires the labels to come back unchanged. A wrong matrix is recognised in its typical forms, computed
here too: rows and columns swapped, only the diagonal counted, every row the same list
(``[[0] * k] * k``), fractions instead of counts, one row per class seen instead of per class, counts that
keep growing from call to call. No message shows a count.
"""

import inspect
import numbers
import random

from . import Mistake, call, exercise
from ._stubs import returned
from .circles_xor_spirals import library_functions

__all__ = ["check_confusion_matrix"]


def _counted(true, predicted, classes):
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted):
        matrix[t][p] += 1
    return matrix


def _mostly_right(rng, n, classes, missing=(), error_rate=0.3):
    """n true labels (none from ``missing``) and predictions that are right about 70% of the time."""
    allowed = [k for k in range(classes) if k not in missing]
    true = [rng.choice(allowed) for _ in range(n)]
    predicted = [t if rng.random() > error_rate else rng.randrange(classes) for t in true]
    return true, predicted


def _cases():
    """(what, true, predicted, classes): cases the notebook has not shown."""
    rng = random.Random(1916)
    ten_true, ten_predicted = _mostly_right(rng, 60, 10, missing=(7,))
    ten_predicted[:2] = [7, 7]  # class 7 is predicted but never true: its row is all 0, its column is not
    twelve_true, twelve_predicted = _mostly_right(rng, 50, 12)
    twelve_true[:3], twelve_predicted[:3] = [10, 11, 11], [11, 11, 3]
    last_true, last_predicted = _mostly_right(rng, 20, 5, missing=(4,))
    last_predicted = [p if p != 4 else 0 for p in last_predicted]  # class 4 occurs nowhere
    ten = ("60 labels of 10 classes, class 7 never a true label", ten_true, ten_predicted, 10)
    return [
        ten,
        ("one example alone, 10 classes", [3], [5], 10),  # right after another 10-class call: nothing may carry over
        ("50 labels of 12 classes (10 and 11 among them)", twelve_true, twelve_predicted, 12),
        ("20 labels of 5 classes, class 4 nowhere", last_true, last_predicted, 5),
        ("6 labels of 3 classes", [0, 0, 0, 1, 2, 2], [1, 1, 0, 1, 2, 0], 3),
        ten,  # again: a second call must give the same matrix
    ]


def _rows(answer, classes, case):
    """The answer as a list of lists of numbers, or a Mistake saying what shape it should have."""
    if hasattr(answer, "tolist") and hasattr(answer, "shape"):  # a numpy array
        answer = answer.tolist()
    if isinstance(answer, (str, bytes, dict, set, frozenset)) or not isinstance(answer, (list, tuple)):
        raise Mistake(f"on {case}: return a list of lists (one row per true class), not a {type(answer).__name__}")
    rows = []
    for row in answer:
        if hasattr(row, "tolist") and hasattr(row, "shape"):
            row = row.tolist()
        if not isinstance(row, (list, tuple)):
            raise Mistake(f"on {case}: each row should be a list of counts (one per predicted class), "
                          f"but a row is a {type(row).__name__}")
        rows.append(list(row))
    if len(rows) != classes or any(len(row) != classes for row in rows):
        raise Mistake(f"on {case}: the matrix should have `classes` rows of `classes` counts each, one row and one "
                      "column for every class, even a class that never occurs in the labels (here it has "
                      f"{len(rows)} rows): size it from `classes`, not from the labels")
    for row in rows:
        for count in row:
            if isinstance(count, bool) or not isinstance(count, numbers.Real):
                raise Mistake(f"on {case}: every entry should be a count (a whole number), "
                              f"but one is {type(count).__name__} {count!r}")
    return rows


def _explain(rows, expected, true, classes, case):
    """A Mistake naming the typical mistake that ``rows`` shows, or a general one."""
    transposed = [list(column) for column in zip(*expected)]
    if rows == transposed:
        raise Mistake(f"on {case}: rows and columns are swapped: row i is the true class i and column j the "
                      "predicted class j, so an example adds 1 to matrix[true][predicted]")
    if rows == [[expected[i][j] if i == j else 0 for j in range(classes)] for i in range(classes)]:
        raise Mistake(f"on {case}: only the right predictions are counted: a wrong one counts too, in the row "
                      "of its true class and the column of its predicted class")
    column_totals = [sum(column) for column in transposed]
    if all(row == column_totals for row in rows) or all(row == [sum(r) for r in expected] for row in rows):
        raise Mistake(f"on {case}: every row holds the same counts: are all the rows one list? "
                      "[[0] * classes] * classes repeats the same row; build a new list for each row")
    if any(isinstance(count, float) and count != int(count) for row in rows for count in row):
        raise Mistake(f"on {case}: the entries should be counts of examples (whole numbers), not fractions")
    total = sum(sum(row) for row in rows)
    if total > len(true) and all(rows[i][j] >= expected[i][j] for i in range(classes) for j in range(classes)):
        raise Mistake(f"on {case}: the counts are too large: does the matrix keep counts from an earlier call? "
                      "Make a new matrix of zeros inside the function, on every call")
    if total != len(true):
        raise Mistake(f"on {case}: the counts should add up to the number of examples: each example adds 1, once")
    raise Mistake(f"on {case}: some counts are not right: entry [i][j] is the number of examples whose true "
                  "class is i and whose predicted class is j")


def _counting_functions():
    """scikit-learn's confusion_matrix (unwrapped from its argument checker, whose code all its functions share)
    and, if the student's code has imported pandas (Colab has it), pandas' crosstab, which counts the same table."""
    from sklearn.metrics import confusion_matrix

    found = {inspect.unwrap(confusion_matrix): "scikit-learn's confusion_matrix"}
    found.update({inspect.unwrap(f): name for f, name in library_functions([("pandas", "crosstab", "pandas' crosstab")]).items()})
    return found


@exercise("the confusion matrix")
def check_confusion_matrix(confusion_matrix):
    """``confusion_matrix(true, predicted, classes)``: entry [i][j] counts the examples of true class i predicted j."""
    if not callable(confusion_matrix):
        raise Mistake(f"confusion_matrix should be a function, but it is {type(confusion_matrix).__name__}")
    forbidden = _counting_functions()
    for case, true, predicted, classes in _cases():
        true, predicted = list(true), list(predicted)
        answer = call(confusion_matrix, true, predicted, classes, case=case, forbid=forbidden,
                      unchanged={0: "the list of true labels", 1: "the list of predicted labels"})
        answer = returned(confusion_matrix, answer, "the matrix, a list of `classes` lists", case)
        rows = _rows(answer, classes, case)
        expected = _counted(true, predicted, classes)
        if rows != expected:
            _explain(rows, expected, true, classes, case)
