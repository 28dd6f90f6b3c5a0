"""Optimisers: turn gradients into parameter updates.

An optimiser holds the parameters; ``step()`` moves each one against its
gradient and ``zero_grad()`` clears the gradients for the next backward pass.
The learning rate may be a number or a schedule: a function of the step number.
"""

import math
import numbers

from .engine import Value

__all__ = ["SGD", "Adam", "linear_decay"]


def linear_decay(start, end, steps):
    """A schedule going in a straight line from ``start`` (step 0) to ``end`` (step ``steps``), then staying there."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be a whole number of at least 1 (the length of the decay), got {steps!r}")

    def schedule(step):
        return start + (end - start) * min(step, steps) / steps

    return schedule


class _Optimizer:
    def __init__(self, parameters, lr):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimiser got no parameters: pass model.parameters()")
        for i, p in enumerate(self.parameters):
            if not isinstance(p, Value):
                raise TypeError(f"parameter {i} is {type(p).__name__} {p!r}, not a Value: pass model.parameters()")
        if not callable(lr):
            _check_learning_rate(lr)
        self.lr = lr
        self.steps_taken = 0

    def current_lr(self):
        """The learning rate for the next step (a schedule may reach 0, never less)."""
        if callable(self.lr):
            rate = self.lr(self.steps_taken)
            if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0.0 <= rate < math.inf:
                raise ValueError(f"the schedule gave the learning rate {rate!r} at step {self.steps_taken}: it must be 0 or more, and finite")
            return rate
        return self.lr

    def zero_grad(self):
        for p in self.parameters:
            p.grad = 0.0


def _check_learning_rate(lr):
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0.0 < lr < math.inf:
        raise ValueError(f"the learning rate must be positive and finite (or a schedule lr(step)), got {lr!r}")


class SGD(_Optimizer):
    """Stochastic gradient descent with momentum: v ← μ·v − lr·g, then p ← p + v.

    With ``momentum=0`` this is the plain update p ← p − lr·g.
    """

    def __init__(self, parameters, lr=0.1, momentum=0.0):
        super().__init__(parameters, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum
        self.velocity = [0.0] * len(self.parameters)

    def step(self):
        lr, mu, velocity = self.current_lr(), self.momentum, self.velocity
        for i, p in enumerate(self.parameters):
            velocity[i] = mu * velocity[i] - lr * p.grad
            p.data += velocity[i]
        self.steps_taken += 1


class Adam(_Optimizer):
    """Adam: SGD with per-parameter step sizes from running averages of g and g².

    m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m̂/(√v̂ + ε), with m̂, v̂ bias-corrected.
    """

    def __init__(self, parameters, lr=0.01, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(parameters, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), e.g. (0.9, 0.999); got {betas!r}")
        if not all(0.0 <= beta < 1.0 for beta in betas):  # β = 1 would never forget, and divide by 1 − βᵗ = 0
            raise ValueError(f"betas must each be in [0, 1), got {betas!r}")
        if not eps > 0.0:  # ε keeps the step finite where a gradient has always been 0
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self):
        lr, b1, b2 = self.current_lr(), self.beta1, self.beta2
        t = self.steps_taken + 1
        correction1, correction2 = 1.0 - b1**t, 1.0 - b2**t
        for i, p in enumerate(self.parameters):
            g = p.grad
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data -= lr * (self.m[i] / correction1) / (math.sqrt(self.v[i] / correction2) + self.eps)
        self.steps_taken += 1
