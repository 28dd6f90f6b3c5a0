"""check(): the notebooks' self-check says right, wrong (and why) or not answered."""

import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.exercises import check


@pytest.mark.parametrize(
    "answer, expected",
    [(0.5, 0.5), (0.50001, 0.5), (Value(2.0), 2.0), ([1.0, Value(2.0)], [1, 2]), ("tanh", "tanh"), (True, True)],
)
def test_right_answers(answer, expected, capsys):
    check("q", answer, expected)
    assert capsys.readouterr().out == "[✓] q: correct!\n"


@pytest.mark.parametrize(
    "answer, expected, reason",
    [
        (0.6, 0.5, "got 0.6, which is off by +0.1"),
        ([1.0], [1.0, 2.0], "expected 2 items, got 1"),
        (1.0, [1.0], "expected a list of 1 items, got float"),
        ([1.0, 3.0], [1.0, 2.0], "item 1: got 3, which is off by +1"),
        ("2", 2.0, "expected a number, got str '2'"),
        ("relu", "tanh", "expected 'tanh', got 'relu'"),
    ],
)
def test_wrong_answers_say_why(answer, expected, reason, capsys):
    check("q", answer, expected, hint="look again")
    assert capsys.readouterr().out == f"[✗] q: not yet: {reason}. Hint: look again\n"


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered(answer, capsys):
    check("q", answer, 1.0)
    assert capsys.readouterr().out.startswith("[ ] q: not answered yet")


def test_tolerance(capsys):
    check("q", 1.01, 1.0, tol=0.1)
    check("q", 1.01, 1.0, tol=1e-3)
    assert capsys.readouterr().out.splitlines() == ["[✓] q: correct!", "[✗] q: not yet: got 1.01, which is off by +0.01."]


def test_returns_nothing_so_a_cell_shows_only_the_verdict(capsys):
    assert check("q", 1.0, 1.0) is None
    assert check("q", 2.0, 1.0) is None
    assert check("q", None, 1.0) is None


def test_accepts_the_value_class_a_notebook_builds(capsys):
    class Value:  # a notebook's own, simpler Value
        def __init__(self, data):
            self.data = data

    check("q", [Value(3.0)], [3.0])
    assert capsys.readouterr().out == "[✓] q: correct!\n"
