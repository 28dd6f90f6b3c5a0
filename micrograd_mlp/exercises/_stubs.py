"""Telling an untouched stub from student code that forgot to ``return``.

A stub whose body is ``...`` returns None, and so does a finished function
without its ``return`` line. The first is "not answered yet"; the second is a
mistake worth naming.
"""

import dis

from . import Mistake, NotAnswered

__all__ = ["is_stub", "returned"]


def is_stub(function):
    """True for a function whose body does nothing yet (a docstring, ``...`` or ``pass``)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    steps = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def returned(function, result, what, case=""):
    """``result``, or NotAnswered for an untouched stub, or a Mistake for a function that forgot to return."""
    if result is None:
        if is_stub(function):
            raise NotAnswered
        where = f"on {case}: " if case else ""
        raise Mistake(f"{where}your function returned None: it should return {what} (is a `return` missing?)")
    return result
