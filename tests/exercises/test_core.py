"""The exercise-check core: verdicts, numbers in any form, exact and decimal answers, student code that crashes."""

import io
import sys
import time
from fractions import Fraction

import numpy as np
import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import Mistake, NotAnswered, as_number, call, exercise, expect_close, expect_exact
from verdicts import verdict


@exercise("the answer")
def check_three(answer):
    expect_exact(answer, 3, mistakes={2: "you left out one of the three"}, hint="count again")


@exercise("a third")
def check_third(answer):
    expect_close(answer, 1 / 3, decimals=3)


@pytest.mark.parametrize("answer", [3, 3.0, np.int64(3), np.float32(3.0), np.array(3), Value(3.0), Fraction(3)])
def test_any_kind_of_number_counts(answer, capsys):
    check_three(answer)
    assert verdict(capsys) == "[✓] the answer: correct!"


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered(answer, capsys):
    check_three(answer)
    assert verdict(capsys).startswith("[ ] the answer: not answered yet")


def test_whole_numbers_compare_exactly(capsys):
    check_three(3.0001)
    assert verdict(capsys) == "[✗] the answer: not yet: your answer is not right: count again"


def test_a_typical_mistake_is_named_and_the_answer_never_shown(capsys):
    check_three(2)
    out = verdict(capsys)
    assert out == "[✗] the answer: not yet: you left out one of the three"
    check_three(-3)
    assert verdict(capsys) == "[✗] the answer: not yet: your answer has the right size but the wrong sign"


@pytest.mark.parametrize("answer, right", [(0.333, True), (0.3334, True), (0.33, False), (0.334, False), (1 / 3, True)])
def test_decimals_to_the_stated_precision(answer, right, capsys):
    check_third(answer)
    assert verdict(capsys).startswith("[✓]" if right else "[✗]")


@pytest.mark.parametrize("answer", ["3", [3], True, float("nan")])
def test_non_numbers_are_refused_with_what_they_are(answer, capsys):
    check_three(answer)
    out = verdict(capsys)
    assert out.startswith("[✗] the answer: not yet:")
    assert "3" not in out.split("not yet:")[1] or repr(answer) in out


def test_student_code_crash_is_reported_with_the_case():
    def broken(x):
        return 1 / x

    with pytest.raises(Mistake, match="ZeroDivisionError on x = 0"):
        call(broken, 0, case="x = 0")


@pytest.mark.parametrize("stub_body", ["...", "raise NotImplementedError"])
def test_a_stub_counts_as_not_answered(stub_body):
    namespace = {}
    exec(f"def stub(x):\n    {stub_body}\n", namespace)
    with pytest.raises(NotAnswered):
        as_number(call(namespace["stub"], 1))


def test_a_check_returns_nothing(capsys):
    assert check_three(3) is None
    assert check_three(4) is None
    assert check_three(None) is None


def test_code_that_exits_or_raises_a_base_exception_gets_a_verdict():
    class Escape(BaseException):
        pass

    @exercise("stops")
    def check_stops(function):
        call(function, case="the first case")

    def exits():
        raise SystemExit(3)

    def escapes():
        raise Escape("out")

    for function, name in [(exits, "SystemExit"), (escapes, "Escape")]:
        verdict = check_stops.grade(function)
        assert verdict.result == "error" and name in verdict.message and "the first case" in verdict.message


def test_an_answer_that_breaks_the_check_itself_gets_a_verdict():
    class Hostile:
        def __float__(self):
            raise SystemExit("no")

    @exercise("a number")
    def check_number(answer):
        float(answer)

    assert check_number.grade(Hostile()).result == "wrong"


@exercise("loops", seconds=0.2)
def check_loops(function):
    """A check with a short time limit, for the students' endless loops below."""
    call(function, case="a case")


def busy(seconds):
    """Python code that runs for ``seconds``: where the alarm can land."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_an_endless_loop_is_stopped_even_when_it_swallows_the_first_alarm():
    def stubborn():  # a bare except around the loop: the alarm fires again, outside it
        try:
            while True:
                pass
        except BaseException:
            pass
        while True:
            pass

    verdict = check_loops.grade(stubborn)
    assert verdict.result == "timeout" and "a case" in verdict.message


def test_an_alarm_that_lands_in_a_weakref_callback_is_not_printed(monkeypatch):
    # Python calls a weakref's callback from C: an exception raised there is printed as "Exception ignored" and
    # lost; the alarm fires again 0.1 s later, so the verdict is a time-out all the same, and nothing is printed
    import weakref

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    class Watched:
        pass

    def slow_callback(reference):  # busy while the alarm first fires
        busy(0.4)

    def drops_a_watched_object():
        watched = Watched()
        reference = weakref.ref(watched, slow_callback)
        del watched  # the callback runs now, for 0.4 s
        while reference is not None:
            pass

    assert check_loops.grade(drops_a_watched_object).result == "timeout"
    assert not unraisable, [u.exc_type for u in unraisable]
    assert sys.unraisablehook == unraisable.append  # put back


@pytest.mark.parametrize("ends", ["in a loop that never ends", "by returning"])
def test_a_check_leaves_the_modes_of_the_process_as_they_were(ends):
    # switched off by the student's code and never switched back, or by a time-out that lands between a with
    # block's switch and its exit (in CI, a time-out inside torch.no_grad().__enter__ left PyTorch's gradients off
    # for the tests that came after): after the check, gradients, the collector and the output are back
    import gc

    from micrograd_mlp import engine

    torch = pytest.importorskip("torch")

    def switches_everything_off():
        torch.set_grad_enabled(False)
        engine.no_grad().__enter__()
        gc.disable()
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        while ends == "in a loop that never ends":
            pass

    stdout, stderr = sys.stdout, sys.stderr
    verdict = check_loops.grade(switches_everything_off)
    assert verdict.result == ("timeout" if ends == "in a loop that never ends" else "right")
    assert torch.is_grad_enabled() and engine.is_grad_enabled() and gc.isenabled()
    assert (sys.stdout, sys.stderr) == (stdout, stderr)


def test_the_alarm_waits_until_it_is_out_of_a_garbage_collector_callback():
    import gc

    calls = []

    def slow_callback(phase, info):  # busy, once, when the alarm first fires: the alarm must not land here
        if phase == "start" and not calls:
            calls.append(phase)
            busy(0.4)

    def allocating_loop():
        while True:
            [[] for _ in range(1000)]  # containers: the collector runs, and with it the slow callback

    gc.callbacks.append(slow_callback)
    try:
        verdict = check_loops.grade(allocating_loop)
    finally:
        gc.callbacks.remove(slow_callback)
    assert calls and verdict.result == "timeout"
