"""A scalar that remembers how it was computed, and reverse-mode autodiff over it.

Every operation below computes its result *and* its local derivatives
(d result / d input, one per input) in the same few lines. ``backward()`` then
applies the chain rule: walking from the output back to the inputs, each value
passes ``local derivative * its own gradient`` on to each of its children.

Unlike a closure per operation (as in micrograd), the local derivatives are
stored as plain numbers, so a graph holds no reference cycles and is freed by
reference counting as soon as the last name for its output goes away.

Bad numbers: NaN and inf pass through every operation as in IEEE floats and
PyTorch (an overflowing product is inf, inf − inf is nan, relu(nan) is nan,
and ``Value.sum`` follows the same rules as ``+``), while functions with no
real answer raise a clear error (log of 0 or less, exp overflow, division by
zero, a negative base to a fractional power). A gradient that does not exist
is an error too (the slope of √x at 0), except inside ``no_grad()``, where no
gradient is computed. ``fit`` stops with a message once the loss is not finite.
"""

import functools
import gc
import math
import numbers
import operator
from contextlib import contextmanager

__all__ = ["Value", "no_grad", "is_grad_enabled", "gc_paused", "ACTIVATIONS"]

_grad_enabled = True


def is_grad_enabled():
    """True unless inside ``with no_grad():``."""
    return _grad_enabled


@contextmanager
def no_grad():
    """Inside this block operations compute values but build no graph (inference mode)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


@contextmanager
def gc_paused():
    """Pause CPython's cyclic garbage collector inside this block.

    Our graphs hold no reference cycles, so reference counting alone frees
    them; the cyclic collector would only rescan their nodes, again and again,
    while a large graph is built (for a million-node graph, most of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _as_float(data):
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        kind = type(data).__name__
        hint = " (use the Value itself)" if isinstance(data, Value) else ", e.g. Value(float(x))"
        raise TypeError(f"Value needs a real number (int or float), got {kind} {data!r}; convert it first{hint}")
    return float(data)


def _as_value(other):
    if isinstance(other, Value):
        return other
    if type(other) is float or type(other) is int:
        return Value(other)
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(f"cannot combine a Value with {type(other).__name__} {other!r}: only Values, ints and floats")
    return Value(other)


def _too_large(expression, detail=""):
    return OverflowError(
        f"{expression} is too large for a float{detail}; inputs this large usually mean the learning rate is too high"
    )


def _result(data, op, children, local_grads):
    """The Value produced by an operation: ``local_grads[i]`` is d(data)/d(children[i])."""
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out.op, out.children, out.local_grads = op, children, local_grads
    else:
        out.op, out.children, out.local_grads = "", (), ()
    return out


_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_MINUS_ONE = (-1.0,)


class Value:
    """A float in a computation graph: ``data`` is its value, ``grad`` is d(output)/d(this value).

    ``children`` are the values it was computed from (in argument order),
    ``op`` names the operation and ``local_grads`` holds d(this)/d(child) for each child.
    """

    __slots__ = ("data", "grad", "label", "op", "children", "local_grads")

    def __init__(self, data, label=""):
        self.data = data if type(data) is float else _as_float(data)
        if not isinstance(label, str):  # refused here: a number or None would only fail later, when drawn
            raise TypeError(f"label must be a string, got {type(label).__name__} {label!r}: convert it, e.g. str(...)")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.children = ()
        self.local_grads = ()

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        """``float(v)`` is ``v.data``: the number alone, with no graph (== and hashing stay by identity)."""
        return self.data

    # --- arithmetic: d(a+b)/da = 1, d(a*b)/da = b, and so on -------------------------

    def __add__(self, other):
        other = _as_value(other)
        return _result(self.data + other.data, "+", (self, other), _ONE_ONE)

    def __sub__(self, other):
        other = _as_value(other)
        return _result(self.data - other.data, "-", (self, other), _ONE_MINUS_ONE)

    def __mul__(self, other):
        other = _as_value(other)
        return _result(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __truediv__(self, other):
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b²
        other = _as_value(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: dividing {self.data!r} by a Value whose data is 0.0")
        quotient = self.data / other.data
        return _result(quotient, "/", (self, other), (1.0 / other.data, -quotient / other.data))

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"the exponent must be an int, a float or a Value, got {type(exponent).__name__}")
        k, x = float(exponent), self.data
        try:
            data = x**k
        except ZeroDivisionError:
            raise ZeroDivisionError(f"{x!r} ** {k!r}: zero cannot be raised to a negative power") from None
        except OverflowError:
            raise _too_large(f"{x!r} ** {k!r}") from None
        if isinstance(data, complex):
            raise ValueError(f"{x!r} ** {k!r} is not a real number: a negative base needs a whole-number exponent")
        # d(x^k)/dx = k·x^(k−1), computed only when a graph is built: it may not exist where x^k does (√x at 0)
        local = _power_slope(x, k) if _grad_enabled else 0.0
        return _result(data, f"**{k:g}", (self,), (local,))

    def _pow_value(self, exponent):
        # d(a^w)/da = w·a^(w-1), d(a^w)/dw = a^w·ln(a): the second needs a > 0.
        if not _grad_enabled:  # no gradient wanted, so any base whose power is a real number will do
            return self ** exponent.data
        if self.data <= 0.0:
            raise ValueError(
                f"{self.data!r} ** Value: a Value exponent needs a positive base (its gradient uses ln(base)); "
                "for a fixed power use a plain number, e.g. x ** 2"
            )
        try:
            data = self.data**exponent.data
        except OverflowError:
            raise _too_large(f"{self.data!r} ** {exponent.data!r}") from None
        local_base = _power_slope(self.data, exponent.data)
        return _result(data, "**", (self, exponent), (local_base, data * math.log(self.data)))

    def __neg__(self):
        return _result(-self.data, "neg", (self,), _MINUS_ONE)

    def __abs__(self):
        """|x|; its derivative is the sign of x: 1 or −1, and 0 at 0 (and at NaN), as in PyTorch."""
        x = self.data
        slope = 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0
        return _result(abs(x), "abs", (self,), (slope,))

    def __radd__(self, other):
        return _as_value(other) + self

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __rpow__(self, other):
        return _as_value(other) ** self

    # --- functions of one value -------------------------------------------------------

    def exp(self):
        """e^x; its derivative is e^x itself."""
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise _too_large(f"exp({self.data!r})", " (the limit is about exp(709.78))") from None
        return _result(data, "exp", (self,), (data,))

    def log(self):
        """Natural logarithm ln(x), for x > 0; its derivative is 1/x."""
        if self.data <= 0.0:
            raise ValueError(f"log is defined only for positive numbers, got {self.data!r}")
        return _result(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def tanh(self):
        """tanh(x) = (e^2x − 1)/(e^2x + 1); its derivative is 1 − tanh(x)²."""
        out, slope = _tanh(self.data)
        return _result(out, "tanh", (self,), (slope,))

    def relu(self):
        """max(0, x), where NaN stays NaN (as in PyTorch); its derivative is 1 where x > 0 (and at NaN), else 0."""
        out, slope = _relu(self.data)
        return _result(out, "relu", (self,), (slope,))

    def sigmoid(self):
        """σ(x) = 1/(1 + e^−x); its derivative is σ(x)(1 − σ(x))."""
        out, slope = _sigmoid(self.data)
        return _result(out, "sigmoid", (self,), (slope,))

    def softplus(self):
        """ln(1 + e^x), computed without overflow; its derivative is σ(x)."""
        x = self.data
        data = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        return _result(data, "softplus", (self,), (_sigmoid(x)[0],))

    # --- many values at once: one node instead of a long chain ------------------------

    @staticmethod
    def sum(values):
        """Σ values as one node; each input's local derivative is 1.

        ``math.fsum`` adds exactly and rounds once (a chain of ``+`` rounds at every step),
        but raises where floats give inf or nan; there the sum is taken as ``+`` would.
        """
        children = tuple(map(_as_value, values))
        numbers = [v.data for v in children]
        try:
            total = math.fsum(numbers)
        except (ValueError, OverflowError):  # inf + (−inf), or a partial sum beyond the largest float
            total = sum(numbers)
        return _result(total, "sum", children, (1.0,) * len(children))

    @staticmethod
    def neuron(weights, inputs, bias, activation="linear"):
        """act(z) with z = Σ wᵢ·xᵢ + b, as one node: a whole neuron.

        By the chain rule d/dwᵢ = act'(z)·xᵢ, d/dxᵢ = act'(z)·wᵢ and d/db = act'(z).
        ``weights`` and ``bias`` are Values; ``inputs`` are all Values or all plain
        numbers (constants, which get no gradient). Gives the same numbers as the
        explicit graph of ``*``, ``+`` and the activation, with a small fraction of its nodes.
        """
        return Value.neurons([weights], [bias], [inputs], activation)[0][0]

    @staticmethod
    def neurons(weights, biases, points, activation="linear"):
        """A layer of neurons at many points: ``out[p][j]`` is ``neuron(weights[j], points[p], biases[j], activation)``.

        The same nodes as a ``neuron`` call per neuron and point, but each weight's number
        is read once for all the points (a training batch), not once per point.
        """
        try:
            act = ACTIVATIONS[activation]
        except (KeyError, TypeError):  # TypeError: not even a possible name, e.g. a list
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}") from None
        op = f"{activation}(w·x+b)"
        rows = _weight_rows(weights, biases)  # per neuron: its weights, its bias, and their numbers
        n_weights = len(rows[0][2])
        outputs = []
        for inputs in points:
            n = len(inputs)
            if n != n_weights:
                raise ValueError(f"a neuron needs one input per weight: got {n_weights} weights and {n} inputs")
            values_in = n and isinstance(inputs[0], Value)
            try:
                x = [xi.data for xi in inputs] if values_in else inputs
                zs = [sum(map(operator.mul, w, x), b_number) for _, _, w, b_number in rows]
            except (AttributeError, TypeError):  # e.g. a mix of Values and numbers
                zs = None
            if zs is None or any(type(z) is not float for z in zs):
                # not all Values and floats: _neuron_inputs says what is wrong, or turns numpy numbers into floats
                for ws, b in zip(weights, biases):
                    checked = _neuron_inputs(ws, inputs, b)
                outputs += Value.neurons(weights, biases, [checked], activation)
                continue
            if not _grad_enabled:  # no graph is kept, so the local derivatives need not be computed
                outputs.append([_result(act(z)[0], op, (), ()) for z in zs])
                continue
            layer = []
            inputs_t, x_t = tuple(inputs), tuple(x)
            for (w_values, bias, w, _), z in zip(rows, zs):
                out, slope = act(z)
                # z's slope along each child: dz/dwᵢ = xᵢ, dz/dxᵢ = wᵢ (inputs that are Values), dz/db = 1
                if values_in:
                    children, z_slopes = w_values + inputs_t + (bias,), x_t + w + (1.0,)
                else:
                    children, z_slopes = w_values + (bias,), x_t + (1.0,)
                # the chain rule: d act(z)/d child = act'(z) · dz/d child
                if slope == 0.0:  # a ReLU that is off: it keeps its children, and passes none of them any gradient
                    local_grads = _zeros(len(children))
                elif slope == 1.0:  # a ReLU that is on, or no activation: z's slopes themselves (no new floats)
                    local_grads = z_slopes
                else:
                    local_grads = tuple([g * slope for g in z_slopes])
                layer.append(_result(out, op, children, local_grads))
            outputs.append(layer)
        return outputs

    # --- backpropagation ----------------------------------------------------------------

    def backward(self):
        """Fill in ``grad`` = d(self)/d(v) for every value v this one was computed from.

        Gradients of leaves (values with no children: parameters and inputs)
        accumulate across calls, as in PyTorch, so call ``zero_grad()`` (or
        ``Module.zero_grad()``) before each new backward pass. Gradients of
        intermediate values are recomputed from scratch on every call. A value
        whose local derivatives are all 0 (a ReLU that is off) passes no gradient
        on, not even NaN or inf, as in PyTorch; values that only it leads to are not
        visited, so their ``grad`` stays as it was (0, unless an earlier ``backward()``
        from another output set it).
        """
        if not self.children:  # a lone leaf: d(self)/d(self) = 1
            self.grad += 1.0
            return
        with gc_paused():
            order = self._gradient_order()
            self.grad = 1.0
            for node in reversed(order):
                grad = node.grad
                for child, local in zip(node.children, node.local_grads):
                    child.grad += local * grad

    def _gradient_order(self):
        """The values ``backward`` passes a gradient through, each after its children, with their ``grad`` set to 0.

        Like ``topological_order(leaves=False)``, with one shortcut: a value whose local
        derivatives are all 0 (a ReLU that is off) passes nothing on, so it has its
        gradient reset but is not listed, and the values below it are not visited through it.
        The shortcut is why this walk is separate: with a hinge loss, every point past the
        margin hangs below an off ReLU. On the moons demo (MLP(2, [16, 16, 1])) it visits 830
        of 3,602 values at the first step and 146 after 100 steps of training, and ``backward()``
        takes a quarter, then a twentieth, of the time it takes after a full walk.
        """
        order = []
        visited = set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            node.grad = 0.0
            stack.append((node, True))
            for child in node.children:
                if child.children and child not in visited:
                    if any(child.local_grads):
                        stack.append((child, False))
                    else:
                        visited.add(child)
                        child.grad = 0.0
        return order

    def topological_order(self, leaves=True):
        """Every value this one depends on, each listed after all the values it was computed from.

        An explicit stack instead of recursion, so graphs a million operations deep
        work (a recursive walk stops at Python's recursion limit, about 1,000).
        ``leaves=False`` leaves out the values computed from nothing (parameters,
        inputs and constants).
        """
        order = []
        visited = set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for child in node.children:
                if child.children:
                    if child not in visited:
                        stack.append((child, False))
                elif leaves and child not in visited:  # a leaf depends on nothing: it can take its place at once
                    visited.add(child)
                    order.append(child)
        return order

    def zero_grad(self):
        """Set ``grad`` to 0 for this value and every value it was computed from."""
        for node in self.topological_order():
            node.grad = 0.0


@functools.cache
def _zeros(n):
    """(0.0, 0.0, …), n times: one shared tuple per length, so the many off ReLUs of a graph cost no memory for it."""
    return (0.0,) * n


def _power_slope(x, k):
    """d(x^k)/dx = k·x^(k−1), for the constant exponent k (0 when k = 0)."""
    if k == 0.0:
        return 0.0
    try:
        return k * x ** (k - 1.0)
    except ZeroDivisionError:
        raise ZeroDivisionError(
            f"{x!r} ** {k!r}: the slope of x ** {k:g} at 0 is infinite, so there is no gradient there "
            "(inside no_grad() the value alone is computed)"
        ) from None
    except OverflowError:
        raise _too_large(f"the slope of x ** {k!r} at {x!r}") from None


def _weight_rows(weights, biases):
    """For each neuron: (its weights as a tuple, its bias, the weights' numbers, the bias's number), or a clear error."""
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"a layer needs one bias per row of weights, and at least one neuron: "
                         f"got {len(weights)} rows of weights and {len(biases)} biases")
    try:
        rows = [(tuple(ws), b, tuple([wi.data for wi in ws]), b.data) for ws, b in zip(weights, biases)]
    except (AttributeError, TypeError):  # e.g. a weight that is a plain number
        for ws, b in zip(weights, biases):
            _neuron_inputs(ws, [], b)  # raises, naming the weight that is not a Value holding a float
        raise TypeError(f"a neuron's weights must be a list of Values, got {weights!r}") from None
    if any(len(row[2]) != len(rows[0][2]) for row in rows):
        raise ValueError(f"the neurons of a layer need as many weights each: got {[len(row[2]) for row in rows]}")
    return rows


def _neuron_inputs(weights, inputs, bias):
    """``Value.neuron``'s inputs as it needs them (all Values, or all floats), or a clear error saying what is wrong.

    Called only when the fast path met something other than Values and floats.
    """
    for name, parameter in [*((f"weight {i}", w) for i, w in enumerate(weights, 1)), ("bias", bias)]:
        _check_holds_a_float(name, parameter)
    is_value = [isinstance(xi, Value) for xi in inputs]
    if all(is_value):
        for i, xi in enumerate(inputs, 1):
            _check_holds_a_float(f"input {i}", xi)
        return inputs
    if any(is_value):
        raise TypeError(
            "a neuron's inputs must be all Values or all plain numbers, not a mix: "
            "make them all Values, e.g. [x if isinstance(x, Value) else Value(x) for x in inputs]"
        )
    for i, xi in enumerate(inputs, 1):
        if isinstance(xi, bool) or not isinstance(xi, numbers.Real):
            raise TypeError(f"a neuron's inputs must be numbers or Values; input {i} is {type(xi).__name__} {xi!r}")
    return [float(xi) for xi in inputs]  # numpy numbers become floats, so gradients stay floats


def _check_holds_a_float(name, v):
    if not isinstance(v, Value):
        raise TypeError(f"the neuron's {name} must be a Value, got {type(v).__name__} {v!r}")
    if type(v.data) is not float:
        raise TypeError(
            f"the neuron's {name} holds {type(v.data).__name__} data {v.data!r}; a Value's data must be a float: "
            "assign float(...) to it"
        )


# Activation functions as (value, slope) pairs: f(z) and f'(z) computed together.


def _identity(z):
    return z, 1.0


def _relu(z):
    # Tested as "z <= 0" so that NaN, for which every comparison is false, passes through (as in PyTorch).
    return (0.0, 0.0) if z <= 0.0 else (z, 1.0)


def _tanh(z):
    t = math.tanh(z)
    return t, 1.0 - t * t


def _sigmoid(z):
    # Two forms so that exp never overflows: for z < 0, σ(z) = eᶻ/(1 + eᶻ).
    if z >= 0.0:
        s = 1.0 / (1.0 + math.exp(-z))
    else:
        e = math.exp(z)
        s = e / (1.0 + e)
    return s, s * (1.0 - s)


ACTIVATIONS = {"linear": _identity, "relu": _relu, "tanh": _tanh, "sigmoid": _sigmoid}
