"""Self-check for the exercises in the notebooks: says whether an answer is right, and why not."""

import math

from .engine import Value

__all__ = ["check"]


def check(name, answer, expected, tol=1e-4, hint=""):
    """Print whether ``answer`` matches ``expected`` (numbers, Values or lists of them, within ``tol``).

    ``...`` or ``None`` means "not answered yet". ``hint`` is printed along
    with a wrong answer. Returns nothing, so a check cell shows only its verdict.
    """
    if answer is None or answer is Ellipsis:
        print(f"[ ] {name}: not answered yet: replace the ... (or None) with your answer and run the cell again.")
        return
    problem = _difference(_plain(answer), _plain(expected), tol)
    if problem is None:
        print(f"[✓] {name}: correct!")
    else:
        print(f"[✗] {name}: not yet: {problem}." + (f" Hint: {hint}" if hint else ""))


def _plain(x):
    if isinstance(x, Value) or type(x).__name__ == "Value":  # also the Value classes the notebooks build
        return x.data
    if isinstance(x, (list, tuple)):
        return [_plain(item) for item in x]
    return x


def _difference(answer, expected, tol):
    if isinstance(expected, list):
        if not isinstance(answer, list):
            return f"expected a list of {len(expected)} items, got {type(answer).__name__}"
        if len(answer) != len(expected):
            return f"expected {len(expected)} items, got {len(answer)}"
        for i, (a, e) in enumerate(zip(answer, expected)):
            problem = _difference(a, e, tol)
            if problem:
                return f"item {i}: {problem}"
        return None
    if isinstance(expected, bool) or not isinstance(expected, (int, float)):
        return None if answer == expected else f"expected {expected!r}, got {answer!r}"
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return f"expected a number, got {type(answer).__name__} {answer!r}"
    if math.isclose(answer, expected, rel_tol=tol, abs_tol=tol):
        return None
    return f"got {answer:.6g}, which is off by {answer - expected:+.3g}"
