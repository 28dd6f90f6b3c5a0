"""Self-checks for the notebooks' exercises: they test what the student wrote, and never show the answer.

Each lesson has a module here (``derivatives`` for 01_derivatives, and so on)
whose ``check_…`` functions take the student's answer: a number, or more often
a function or class they completed. A check runs it on cases the notebook has
not shown, compares with what the package computes, and prints one line:

    [✓] name: correct!
    [✗] name: not yet: <what is wrong, and where>
    [ ] name: not answered yet: ...

The expected values are computed here, never written in a notebook, and a
message says what the mistake is (a sign, a missing factor, a node visited
twice), not the number to type. A check returns nothing, so a check cell shows
only its verdict.

Writing a check::

    @exercise("the slope of f at 3")
    def check_slope(answer):
        expect_close(answer, 2 * 3.0, decimals=3, mistakes={-6.0: "the sign is flipped: ..."})
"""

import functools
import math
import numbers

__all__ = ["exercise", "Mistake", "NotAnswered", "as_number", "expect_exact", "expect_close", "call"]


class Mistake(Exception):
    """The answer is wrong; the message says what is wrong without giving the answer."""


class NotAnswered(Exception):
    """The student has not answered yet (a stub still returns ``...`` or None, or raises NotImplementedError)."""


def exercise(title):
    """Turn ``grade(answer, ...)``, which raises ``Mistake`` for a wrong answer, into a check that prints a verdict."""

    def wrap(grade):
        @functools.wraps(grade)
        def check(answer, *args, **kwargs):
            try:
                if answer is None or answer is Ellipsis:
                    raise NotAnswered
                grade(answer, *args, **kwargs)
            except (NotAnswered, NotImplementedError):
                print(f"[ ] {title}: not answered yet: fill in the ... (or the function body) and run the cell again.")
            except Mistake as mistake:
                print(f"[✗] {title}: not yet: {mistake}")
            else:
                print(f"[✓] {title}: correct!")

        return check

    return wrap


def call(function, *args, case=""):
    """``function(*args)``, turning a stub's ``...`` into NotAnswered and a crash into a Mistake that names the case."""
    try:
        result = function(*args)
    except (NotAnswered, NotImplementedError):
        raise NotAnswered from None
    except Mistake:
        raise
    except Exception as error:  # the student's code failed: say where, in words they can act on
        where = f" on {case}" if case else ""
        raise Mistake(f"your code raised {type(error).__name__}{where}: {error}") from None
    if result is Ellipsis:
        raise NotAnswered
    return result


def as_number(answer, what="your answer"):
    """``answer`` as a float: ints, floats, numpy numbers, 0-d arrays and Values (their ``data``) all count."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if hasattr(answer, "data") and not hasattr(answer, "shape"):  # a Value, the package's or a notebook's own
        answer = answer.data
    if hasattr(answer, "shape") and getattr(answer, "shape", None) == ():  # numpy 0-d array
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Mistake(f"{what} should be a number, but it is {type(answer).__name__} {answer!r}")
    return float(answer)


def expect_exact(answer, expected, mistakes=None, hint="", what="your answer"):
    """A whole-number answer: right only if equal.

    ``mistakes`` maps a typical wrong value to what it means; ``hint`` says where to look otherwise.
    """
    value = as_number(answer, what)
    if value != expected:
        _explain(value, expected, 0.0, mistakes, hint, what)


def expect_close(answer, expected, decimals=4, mistakes=None, hint="", what="your answer"):
    """A decimal answer, right to ``decimals`` decimal places (0.333 counts for 1/3 with ``decimals=3``)."""
    value = as_number(answer, what)
    tolerance = 0.5 * 10.0**-decimals + 1e-12 * max(1.0, abs(expected))
    if not abs(value - expected) <= tolerance:
        _explain(value, expected, tolerance, mistakes, hint, what, f" to {decimals} decimals")


def _explain(value, expected, tolerance, mistakes, hint, what, precision=""):
    for wrong, meaning in (mistakes or {}).items():
        if abs(value - wrong) <= tolerance:
            raise Mistake(meaning)
    if not math.isfinite(value):
        raise Mistake(f"{what} is {value}, not a finite number")
    if expected != 0.0 and abs(value + expected) <= tolerance:
        raise Mistake(f"{what} has the right size but the wrong sign")
    raise Mistake(f"{what} is not right{precision}" + (f": {hint}" if hint else ""))
