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

The verdict comes from ``check.grade(answer)``, a ``Verdict`` whose ``result``
is one of ``right``, ``wrong``, ``blank``, ``error`` (the student's code
crashed) or ``timeout``; calling the check prints ``verdict.line``. The grader
(``micrograd_mlp.grade``) calls ``grade`` itself and never reads printed text.
No answer makes a check crash or hang: the student's code runs under a time
limit, its printing is swallowed, and anything odd it returns gets a verdict.

Writing a check::

    @exercise("the slope of f at 3")
    def check_slope(answer):
        expect_close(answer, 2 * 3.0, decimals=3, mistakes={-6.0: "the sign is flipped: ..."})
"""

import contextlib
import decimal
import functools
import gc
import math
import numbers
import signal
import sys
import threading
from dataclasses import dataclass

from .. import engine

__all__ = [
    "exercise", "Check", "Verdict", "Mistake", "NotAnswered", "StudentError",
    "as_number", "expect_exact", "expect_close", "call", "fingerprint",
]

SECONDS = 10  # a check's time limit: far above what any right answer needs, short enough to be no hang


class Mistake(Exception):
    """The answer is wrong; the message says what is wrong without giving the answer."""


class StudentError(Mistake):
    """The student's code raised an exception; the message names it and the case."""


class NotAnswered(Exception):
    """The student has not answered yet (a stub still returns ``...`` or None, or raises NotImplementedError)."""


class _OutOfTime(BaseException):
    """Raised by the alarm inside the student's code; a BaseException so that ``except Exception`` lets it pass."""


@dataclass(frozen=True)
class Verdict:
    """What a check found: ``result`` is right, wrong, blank, error or timeout; ``message`` says why."""

    title: str
    result: str
    message: str = ""

    @property
    def line(self):
        """The line a notebook shows: ``[✓]``, ``[✗]`` or ``[ ]``, the title, and the message."""
        if self.result == "right":
            return f"[✓] {self.title}: correct!"
        if self.result == "blank":
            return f"[ ] {self.title}: {self.message}"
        return f"[✗] {self.title}: not yet: {self.message}"


_NOT_ANSWERED = "not answered yet: fill in the ... (or the function body) and run the cell again."
_case = threading.local()  # the case the student's code is running on, for a time-out message


class Check:
    """A check of one exercise: ``check(answer)`` prints the verdict, ``check.grade(answer)`` returns it."""

    def __init__(self, grade, title, seconds):
        functools.update_wrapper(self, grade)
        self.title, self.seconds, self._grade = title, seconds, grade

    def __call__(self, *args, **kwargs):
        print(self.grade(*args, **kwargs).line)

    def grade(self, *args, **kwargs):
        """Run the check on the answer and return its ``Verdict``; never raises, never hangs."""
        _case.name = ""
        try:
            with _modes_kept(), _time_limit(self.seconds):
                if args and (args[0] is None or args[0] is Ellipsis):
                    raise NotAnswered
                self._grade(*args, **kwargs)
        except _OutOfTime:
            where = f" on {_case.name}" if _case.name else ""
            return Verdict(self.title, "timeout", f"your code ran for more than {self.seconds} s{where} and was "
                           "stopped: is there a loop that never ends, or a walk that visits values again and again?")
        except KeyboardInterrupt:
            return Verdict(self.title, "blank", "interrupted before a verdict: run the cell again to check.")
        except (NotAnswered, NotImplementedError):
            return Verdict(self.title, "blank", _NOT_ANSWERED)
        except StudentError as error:
            return Verdict(self.title, "error", str(error))
        except Mistake as mistake:
            return Verdict(self.title, "wrong", str(mistake))
        except RecursionError:
            return Verdict(self.title, "error", "your answer made Python recurse too deeply (RecursionError): "
                           "does something refer to itself?")
        except BaseException as error:  # the answer is of a kind the check could not work with: say so, not a traceback
            return Verdict(self.title, "wrong", f"the check could not use your answer ({type(error).__name__}: "
                           f"{error}): is it the kind of thing the exercise asks for?")
        return Verdict(self.title, "right")


def exercise(title, seconds=SECONDS):
    """Turn ``grade(answer, ...)``, which raises ``Mistake`` for a wrong answer, into a ``Check``."""
    return lambda grade: Check(grade, title, seconds)


@contextlib.contextmanager
def _modes_kept():
    """Afterwards, the process-wide modes as they were before: gradients on or off (ours and PyTorch's), the garbage
    collector, the output streams and the profile hook. The student's code may switch one and not switch it back,
    and a time-out can land between a ``with`` block's switch and the point where its exit is sure to run
    (``no_grad().__enter__``): the rest of the notebook must not train without gradients because of a check."""
    torch = sys.modules.get("torch")
    torch_grad = torch.is_grad_enabled() if torch is not None else None
    ours, collecting, streams, profile = engine._grad_enabled, gc.isenabled(), (sys.stdout, sys.stderr), sys.getprofile()
    try:
        yield
    finally:
        engine._grad_enabled = ours
        (gc.enable if collecting else gc.disable)()
        sys.stdout, sys.stderr = streams
        sys.setprofile(profile)
        if torch_grad is not None:
            torch.set_grad_enabled(torch_grad)


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the code inside after ``seconds`` (where Python has SIGALRM and this is the main thread)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True

    def expire(signum, frame):
        # not inside a garbage-collector callback: raised there it would be printed and lost, not reach the check;
        # the alarm fires again 0.1 s later, in the student's code
        if armed and not _inside_gc_callback(frame):
            raise _OutOfTime

    def unless_a_lost_alarm(unraisable):
        # an alarm that lands in a callback Python runs from C (a weakref's, a finaliser) cannot be raised there:
        # Python would print it as "Exception ignored"; it fires again 0.1 s later, so it is not lost, only early
        if not isinstance(unraisable.exc_value, _OutOfTime):
            unraisable_hook(unraisable)

    previous, unraisable_hook = signal.signal(signal.SIGALRM, expire), sys.unraisablehook
    sys.unraisablehook = unless_a_lost_alarm
    # it fires again every 0.1 s: code that catches the first one (a bare except) is stopped by the next
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = unraisable_hook


def _inside_gc_callback(frame):
    """True if ``frame`` runs inside one of the functions in ``gc.callbacks`` (called by the collector, from C)."""
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks:
            return True
        frame = frame.f_back
    return False


class _Discard:
    """Where the student's printing goes during a check: the verdict is the one line that counts."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass


def call(function, *args, case="", forbid=(), unchanged=()):
    """``function(*args)``, run as the student's code.

    A stub's ``...`` becomes NotAnswered and a crash a ``StudentError`` that names the case.
    ``forbid`` lists the package's functions the exercise asks the student to write themselves, or maps
    functions to how a message names them (``{confusion_matrix: "scikit-learn's confusion_matrix"}``, as
    ``library_functions`` gives them): calling one is a Mistake. ``unchanged`` names the arguments, by position, that the function must leave as they were:
    ``{0: "the list of predictions"}``.
    """
    before = {i: fingerprint(args[i]) for i in unchanged}
    named = forbid if isinstance(forbid, dict) else {f: f"the package's {getattr(f, '__qualname__', '')}" for f in forbid}
    forbidden = {getattr(f, "__code__", None): name for f, name in named.items()}
    used = []
    _case.name = case
    try:
        with contextlib.redirect_stdout(_Discard()), _watching(forbidden, used):
            result = function(*args)
    except (_OutOfTime, KeyboardInterrupt):
        raise
    except (NotAnswered, NotImplementedError):
        raise NotAnswered from None
    except Mistake:
        raise
    except RecursionError:
        where = f" on {case}" if case else ""
        raise StudentError(f"your code raised RecursionError{where}: it calls itself too deeply") from None
    except BaseException as error:  # the student's code failed (SystemExit too): say where, in words they can act on
        if type(error).__module__.startswith(__name__):  # a check's own signal, raised by its hook inside the call
            raise
        where = f" on {case}" if case else ""
        raise StudentError(f"your code raised {type(error).__name__}{where}: {error}") from None
    _case.name = ""  # only once it has returned: a time-out inside names the case
    if used:
        raise Mistake(f"your code calls {used[0]}: the exercise asks you to write that part yourself")
    for i, what in (unchanged.items() if isinstance(unchanged, dict) else ((i, f"argument {i + 1}") for i in unchanged)):
        if fingerprint(args[i]) != before[i]:
            where = f" on {case}" if case else ""
            raise Mistake(f"your function changed {what}{where}: it should leave its inputs as they were "
                          "(work on a copy, or build new lists)")
    if result is Ellipsis:
        raise NotAnswered
    return result


@contextlib.contextmanager
def _watching(forbidden, used):
    """Note in ``used`` each forbidden function the code inside calls (a profile hook, only while there are any)."""
    if not forbidden:
        yield
        return

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in forbidden and not used:
            used.append(forbidden[frame.f_code])

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)


def fingerprint(thing, depth=4):
    """A comparable copy of ``thing``'s contents (lists, dicts, arrays, Values), to see whether code changed it."""
    if depth < 0:
        return id(thing)
    if thing is None or isinstance(thing, (bool, numbers.Number, str, bytes)):
        return (type(thing).__name__, repr(thing))
    if isinstance(thing, (list, tuple)):
        return (type(thing).__name__, len(thing), tuple(fingerprint(item, depth - 1) for item in thing[:10_000]))
    if isinstance(thing, dict):
        return ("dict", tuple((repr(key), fingerprint(value, depth - 1)) for key, value in list(thing.items())[:10_000]))
    if isinstance(thing, (set, frozenset)):
        return (type(thing).__name__, len(thing), frozenset(id(item) for item in thing))
    if hasattr(thing, "tobytes") and hasattr(thing, "shape"):  # a numpy array
        return ("array", thing.shape, str(thing.dtype), thing.tobytes())
    fields = getattr(thing, "__dict__", None)
    if fields is None:
        slots = [name for cls in type(thing).__mro__ for name in getattr(cls, "__slots__", ())]
        fields = {name: getattr(thing, name) for name in slots if hasattr(thing, name) and not name.startswith("__")}
    return (type(thing).__name__, id(thing), tuple((k, fingerprint(v, depth - 1)) for k, v in sorted(fields.items())
                                                   if not callable(v)))


def as_number(answer, what="your answer"):
    """``answer`` as a float: ints, floats, numpy numbers, 0-d arrays and Values (their ``data``) all count."""
    if answer is None or answer is Ellipsis:
        raise NotAnswered
    if hasattr(answer, "data") and not hasattr(answer, "shape"):  # a Value, the package's or a notebook's own
        answer = answer.data
    if hasattr(answer, "shape") and getattr(answer, "shape", None) == ():  # numpy 0-d array
        answer = answer.item()
    if isinstance(answer, decimal.Decimal):
        answer = float(answer)
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
