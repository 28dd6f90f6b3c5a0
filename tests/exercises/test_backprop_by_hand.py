"""Notebook 03's exercises: backprop through q = (a + b)·c written by the student, and ∂o/∂w2 with x2 = 0.5."""

import math

import numpy as np
import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.exercises.backprop_by_hand import _hidden_cases, check_backprop_q, check_w2_gradient
from verdicts import assert_rejected, verdict


def right(a, b, c, s, q):
    q.grad = 1.0
    s.grad = c.data * q.grad
    c.grad = s.data * q.grad
    a.grad = 1.0 * s.grad
    b.grad = 1.0 * s.grad


def accumulating(a, b, c, s, q):  # += on fresh nodes is right too
    q.grad += 1.0
    s.grad += c.data * q.grad
    c.grad += s.data * q.grad
    a.grad += s.grad
    b.grad += s.grad


def test_right_answers_pass(capsys):
    for backprop in (right, accumulating):
        check_backprop_q(backprop)
        assert verdict(capsys) == "[✓] backpropagation through q = (a + b)·c: correct!"


def stub(a, b, c, s, q):
    raise NotImplementedError


def does_nothing(a, b, c, s, q):
    pass


@pytest.mark.parametrize("unfinished", [stub, does_nothing])
def test_unfinished_is_not_answered(unfinished, capsys):
    check_backprop_q(unfinished)
    assert verdict(capsys).startswith("[ ] backpropagation through q = (a + b)·c: not answered yet")


def output_zero(a, b, c, s, q):
    s.grad = c.data
    c.grad = s.data
    a.grad = b.grad = s.grad


def inputs_first(a, b, c, s, q):
    a.grad = 1.0 * s.grad
    b.grad = 1.0 * s.grad
    q.grad = 1.0
    s.grad = c.data * q.grad
    c.grad = s.data * q.grad


def own_value(a, b, c, s, q):
    q.grad = 1.0
    s.grad = s.data * q.grad
    c.grad = s.data * q.grad
    a.grad = b.grad = s.grad


def own_value_for_c(a, b, c, s, q):
    q.grad = 1.0
    s.grad = c.data * q.grad
    c.grad = c.data * q.grad
    a.grad = b.grad = s.grad


def plus_like_times(a, b, c, s, q):
    right(a, b, c, s, q)
    a.grad = b.data * s.grad
    b.grad = a.data * s.grad


def local_only(a, b, c, s, q):
    right(a, b, c, s, q)
    a.grad = 1.0
    b.grad = 1.0


def sign(a, b, c, s, q):
    right(a, b, c, s, q)
    c.grad = -c.grad


def typed_in(a, b, c, s, q):
    q.grad, s.grad, c.grad, a.grad, b.grad = 1.0, 10.0, -1.0, 10.0, 10.0


def descends(a, b, c, s, q):
    right(a, b, c, s, q)
    a.data -= 0.01 * a.grad


def crashes(a, b, c, s, q):
    q.gradient = 1.0
    s.grad = c.value


def b_forgotten(a, b, c, s, q):
    right(a, b, c, s, q)
    b.grad = 0.0


def no_start(a, b, c, s, q):  # every step right, but q.grad never set to 1: every product stays 0
    s.grad = c.data * q.grad
    c.grad = s.data * q.grad
    a.grad = 1.0 * s.grad
    b.grad = 1.0 * s.grad


def returns_gradients(a, b, c, s, q):
    return [1.0, c.data, a.data + b.data, c.data, c.data]


@pytest.mark.parametrize(
    "wrong, words",
    [
        (output_zero, "node q: the backward pass starts with q.grad = 1"),
        (inputs_first, "node a: its grad is still 0: was it computed before s.grad was known?"),
        (own_value, "node s: you passed s its own value"),
        (own_value_for_c, "node c: you passed c its own value"),
        (plus_like_times, "node a: s = a + b is an addition"),
        (local_only, "node a: that is only the local derivative of +"),
        (sign, "node c: the right size but the wrong sign"),
        (typed_in, "node s: that is its gradient for the notebook's numbers"),
        (descends, "your code changed a.data"),
        (crashes, "AttributeError on check case 1"),
        (b_forgotten, "node b: its grad is still 0"),
        (no_start, "every .grad is still 0: the backward pass starts with q.grad = 1"),
        (returns_gradients, "store each gradient in its node"),
        ("q.grad = 1", "should be a function"),
    ],
)
def test_typical_mistakes_are_named_node_by_node(wrong, words, capsys):
    check_backprop_q(wrong)
    out = verdict(capsys)
    assert out.startswith("[✗]") and words in out, out


def test_messages_show_no_gradient(capsys):
    for wrong in (own_value, plus_like_times, local_only, sign, typed_in):
        check_backprop_q(wrong)
        out = verdict(capsys)
        for a, b, c in _hidden_cases():
            for gradient in (a + b, c):
                assert f"{gradient:g}" not in out and f"{abs(gradient):g}" not in out, out


def test_hidden_cases_are_not_the_notebooks_and_hide_nothing():
    cases = _hidden_cases()
    assert (2.0, -3.0, 10.0) not in cases and len(set(cases)) == len(cases) == 3
    for a, b, c in cases:
        assert len({abs(a), abs(b), abs(c), abs(a + b), 1.0}) == 5


# --- exercise 2: the neuron with x2 = 0.5 ----------------------------------------------------------------

X2 = 0.5
N = 2.0 * -3.0 + X2 * 1.0 + 6.8813735870195432
O = math.tanh(N)
SLOPE = 1 - O**2  # the tanh's local derivative at the new n


@pytest.mark.parametrize("answer", [X2 * SLOPE, round(X2 * SLOPE, 4), 0.1117])
def test_w2_gradient_right(answer, capsys):
    check_w2_gradient(answer)
    assert verdict(capsys) == "[✓] ∂o/∂w2 with x2 = 0.5: correct!"


def test_x2_differs_from_w2_so_passing_w2_its_own_value_is_wrong():
    # with x2 = 1 = w2 the rule "multiply by your own value" gave the right number; with x2 = 0.5 it is twice it
    assert abs(1.0 * SLOPE - X2 * SLOPE) > 0.1


@pytest.mark.parametrize(
    "answer, words",
    [
        (1.0 * SLOPE, "you passed w2 its own value"),  # w2 · (1 − o²): the own value, w2 = 1, instead of x2
        (SLOPE, "the * of x2·w2 passes w2 the *other* input's value, x2"),  # the tanh slope alone, the same number
        (0.25, "tanh slope of the old neuron: redo the forward pass with x2 = 0.5"),
        (0.5, "what reached x2·w2 in the old neuron"),
        (1 - math.tanh(N + 0.5) ** 2, "that is ∂o/∂w2 for x2 = 1"),  # the answer of the exercise as it was
        (0.0887, "for x2 = 1"),
        (2.0 * SLOPE, "that is ∂o/∂w1"),
        (0.0, "no longer 0"),
        (O, "that is o"),
        (X2 * (1 - N**2), "1 − n² is not the local derivative"),
        (X2 * (1 - O), "missing a square"),
        (X2 * O * (1 - O), "the sigmoid"),
        (-X2 * SLOPE, "wrong sign"),
        (0.11, "not right to 4 decimals"),
    ],
)
def test_w2_gradient_mistakes(answer, words, capsys):
    check_w2_gradient(answer)
    out = verdict(capsys)
    assert out.startswith("[✗]") and words in out, out
    assert "0.111" not in out and "0.112" not in out and "0.223" not in out


# --- the package's backward is not the exercise, odd gradients, code that never ends ----------------------


def package_backward(a, b, c, s, q):
    q.backward()


def float32_grads(a, b, c, s, q):
    q.grad = np.float32(1.0)
    s.grad = c.data * 1.0
    c.grad = s.data * 1.0
    a.grad = b.grad = np.float64(s.grad)


def value_grads(a, b, c, s, q):
    right(a, b, c, s, q)
    a.grad = Value(a.grad)


def test_calling_backward_is_refused(capsys):
    check_backprop_q(package_backward)
    assert_rejected(verdict(capsys), "calls the package's Value.backward: the exercise asks you to write that part yourself")


def test_gradients_in_another_numeric_type_count(capsys):
    check_backprop_q(float32_grads)
    assert verdict(capsys).startswith("[✓]")


def test_a_gradient_that_is_a_value_gets_a_verdict(capsys):
    check_backprop_q(value_grads)
    assert_rejected(verdict(capsys), "a.grad is Value", "it should be a number")


def test_endless_backprop_times_out(monkeypatch):
    def endless(a, b, c, s, q):
        while True:
            q.grad = 1.0

    monkeypatch.setattr(check_backprop_q, "seconds", 1)
    assert check_backprop_q.grade(endless).result == "timeout"


def test_the_package_gradient_walk_is_refused(capsys):
    def package_walk(a, b, c, s, q):
        for v in reversed(q._gradient_order()):
            q.grad = 1.0
            for child, local in zip(v.children, v.local_grads):
                child.grad += local * v.grad

    check_backprop_q(package_walk)
    assert_rejected(verdict(capsys), "package's Value._gradient_order", "yourself")


def test_a_backprop_that_changes_the_graph_is_refused(capsys):
    def cuts_children(a, b, c, s, q):
        right(a, b, c, s, q)
        s.children = ()

    check_backprop_q(cuts_children)
    out = verdict(capsys)
    assert_rejected(out, "changed s's label, op, children or local_grads")
    assert "10" not in out.split("not yet:")[1]
