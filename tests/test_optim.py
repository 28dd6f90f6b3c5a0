"""Optimisers: each update against its formula, learning-rate schedules, errors."""

import math

import pytest

from micrograd_mlp.engine import Value
from micrograd_mlp.optim import SGD, Adam, linear_decay


def parameters(data, grads):
    ps = [Value(d) for d in data]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_sgd_step_is_p_minus_lr_g():
    ps = parameters([1.0, -2.0, 0.5], [0.3, -1.0, 0.0])
    SGD(ps, lr=0.1).step()
    assert [p.data for p in ps] == [1.0 - 0.1 * 0.3, -2.0 - 0.1 * -1.0, 0.5]


def test_sgd_with_momentum():
    ps = parameters([1.0], [2.0])
    opt = SGD(ps, lr=0.1, momentum=0.9)
    opt.step()
    v1 = -0.1 * 2.0
    assert ps[0].data == pytest.approx(1.0 + v1)
    ps[0].grad = -1.0
    opt.step()
    v2 = 0.9 * v1 - 0.1 * -1.0
    assert ps[0].data == pytest.approx(1.0 + v1 + v2)
    assert opt.velocity == pytest.approx([v2])


def test_momentum_keeps_moving_without_gradient():
    ps = parameters([0.0], [1.0])
    opt = SGD(ps, lr=1.0, momentum=0.5)
    opt.step()
    ps[0].grad = 0.0
    opt.step()
    assert ps[0].data == pytest.approx(-1.0 - 0.5)


def test_linear_decay():
    schedule = linear_decay(1.0, 0.1, 10)
    assert schedule(0) == 1.0
    assert schedule(5) == pytest.approx(0.55)
    assert schedule(10) == pytest.approx(0.1)
    assert schedule(25) == pytest.approx(0.1)  # stays at the end value


def test_sgd_follows_a_schedule():
    ps = parameters([0.0], [1.0])
    opt = SGD(ps, lr=linear_decay(1.0, 0.0, 4))
    rates = []
    for _ in range(5):
        rates.append(opt.current_lr())
        opt.step()
    assert rates == pytest.approx([1.0, 0.75, 0.5, 0.25, 0.0])
    assert ps[0].data == pytest.approx(-sum(rates))
    assert opt.steps_taken == 5


def test_sgd_accepts_any_schedule_function():
    ps = parameters([0.0], [1.0])
    opt = SGD(ps, lr=lambda step: 0.5**step)
    opt.step()
    opt.step()
    assert ps[0].data == pytest.approx(-1.5)


def test_adam_first_step_moves_each_parameter_by_about_lr():
    # After bias correction m̂ = g and v̂ = g², so the first step is lr·g/(|g| + ε).
    grads = [0.5, -3.0, 1e-3, 0.0]
    ps = parameters([1.0, 1.0, 1.0, 1.0], grads)
    Adam(ps, lr=0.01).step()
    expected = [1.0 - 0.01 * g / (abs(g) + 1e-8) for g in grads]
    assert [p.data for p in ps] == pytest.approx(expected, rel=1e-12)
    assert ps[3].data == 1.0


def test_adam_second_step():
    ps = parameters([0.0], [1.0])
    opt = Adam(ps, lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    opt.step()
    ps[0].grad = -2.0
    opt.step()
    m = 0.9 * (0.1 * 1.0) + 0.1 * -2.0
    v = 0.99 * (0.01 * 1.0) + 0.01 * 4.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.99**2)
    expected = -0.1 * 1.0 / (1.0 + 1e-8) - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert ps[0].data == pytest.approx(expected, rel=1e-12)


def test_adam_trains_a_quadratic_to_its_minimum():
    x = Value(5.0)
    opt = Adam([x], lr=0.1)
    for _ in range(500):
        opt.zero_grad()
        loss = (x - 2.0) ** 2
        loss.backward()
        opt.step()
    assert x.data == pytest.approx(2.0, abs=1e-2)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_zero_grad(optimizer):
    ps = parameters([1.0, 2.0], [3.0, 4.0])
    optimizer(ps, lr=0.1).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_parameters_may_be_a_generator(optimizer):
    ps = parameters([1.0], [1.0])
    opt = optimizer((p for p in ps), lr=0.1)
    opt.step()
    assert ps[0].data < 1.0


@pytest.mark.parametrize("optimizer", [SGD, Adam])
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan")])
def test_the_learning_rate_must_be_positive(optimizer, lr):
    with pytest.raises(ValueError, match="learning rate must be positive"):
        optimizer(parameters([1.0], [0.0]), lr=lr)


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_no_parameters(optimizer):
    with pytest.raises(ValueError, match="no parameters"):
        optimizer([], lr=0.1)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5])
def test_momentum_must_be_in_zero_one(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGD(parameters([1.0], [0.0]), lr=0.1, momentum=momentum)


@pytest.mark.parametrize("lr", [float("inf"), float("nan"), "0.1", True, 0.0, -1.0])
def test_a_learning_rate_that_is_not_a_positive_finite_number_is_refused_up_front(lr):
    with pytest.raises(ValueError, match="the learning rate must be positive and finite"):
        SGD(parameters([0.0], [1.0]), lr=lr)


def test_a_schedule_that_goes_negative_is_refused_at_that_step():
    opt = SGD(parameters([0.0], [1.0]), lr=linear_decay(0.1, -0.1, 2))
    opt.step()
    opt.step()
    with pytest.raises(ValueError, match="the schedule gave the learning rate -0.1 at step 2"):
        opt.step()


def test_parameters_must_be_values():
    with pytest.raises(TypeError, match="parameter 0 is float 1.0, not a Value"):
        SGD([1.0])
