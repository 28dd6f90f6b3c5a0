"""Notebook 03's claims, re-measured; its quoted numbers compared with its outputs."""

import math
import time

from notebook_text import printed, says

from micrograd_mlp import Value


def L_after_step(eta):
    a, b, c, g = 2.0 - eta * 6.0, -3.0 - eta * -4.0, 10.0 - eta * -2.0, -2.0 - eta * 4.0
    return (a * b + c) * g


def test_one_step_lowers_L_to_the_quoted_value():
    says("03", "$L$ went down from $-8$ to $-8.7263$, close to the predicted $-8.72$")
    assert "L after the step:  -8.7263   (predicted from the gradients: -8.7200)" in printed("03", "learning_rate = 0.01")


def test_L_falls_faster_than_predicted_on_the_whole_plotted_range():
    says("03", "Here $L$ happens to fall even faster than predicted")
    assert all(L_after_step(eta) < -8.0 - 72.0 * eta for eta in [k / 1000 for k in range(1, 101)])


def test_the_neuron_output_and_tanh_slope_are_the_quoted_ones():
    says("03", "$o = \\tanh(0.8814) = 0.7071$", "$1 - 0.7071^2 = 0.5$")
    assert "n = 0.8814, o = tanh(n) = 0.7071" in printed("03", 'print(f"n = {n.data:.4f}, o = tanh(n)')


def test_with_x2_on_the_w2_gradient_is_much_smaller_than_half():
    says("03", "Redo the neuron with $x_2 = 0.5$ instead of $0$", "its gradient is much smaller than the $0.5$ that reached",
         "moves the sum $n$\nhalf a unit further out, where $\\tanh$ is flatter", "times $x_2 = 0.5$")
    x2, w2 = 0.5, 1.0
    n = 2.0 * -3.0 + x2 * w2 + 6.8813735870195432
    slope = 1 - math.tanh(n) ** 2
    assert math.isclose(n - 0.8813735870195432, 0.5)  # half a unit further out than section 4's n
    assert slope < 0.5  # flatter than the 0.5 of section 4
    assert x2 * slope < 0.5 / 4  # much smaller: under a quarter
    assert x2 != w2  # passing w2 its own value gives another number, which the check refuses


def test_backward_is_cheaper_than_forward_on_this_engine():
    says("03", "On this course's engine it is even cheaper than\nthe forward pass", "Griewank & Walther")
    best = []
    for _ in range(2):
        start = time.perf_counter()
        total = Value(0.0)
        for i in range(3000):
            x1, x2, w1, w2, b = (Value(v) for v in (0.001 * i, 1.0, -3.0, 1.0, 0.5))
            total = total + (x1 * w1 + x2 * w2 + b).tanh()
        middle = time.perf_counter()
        total.backward()
        best.append(((middle - start), time.perf_counter() - middle))
    forward, backward = min(f for f, _ in best), min(b for _, b in best)
    assert backward < forward
