"""The playground's settings: the controls' values, checked, and the text boxes read as values.

``Settings`` checks every value as it is created: a bad one raises ValueError saying what to change.
``parse_hidden`` and ``parse_batch_size`` turn what is typed in the two text boxes into settings' values.
"""

import math
import numbers
from dataclasses import dataclass

from ..losses import LABELS

DATASETS = ("moons", "circles", "xor", "spirals")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = tuple(name for name, labels in LABELS.items() if labels != "classes")  # one output: two classes
MAX_LAYERS, MAX_WIDTH = 6, 64  # the drawing and the live speed are made for small networks


@dataclass(frozen=True)
class Settings:
    """The playground's controls. Creating one checks every value.

    dataset        moons, circles, xor or spirals (two classes each)
    noise          standard deviation of the jitter added to the points (0 or more)
    n_samples      number of points, training and test together
    test_fraction  the share of the points held out as test points, strictly between 0 and 1
    hidden         the width of each hidden layer, e.g. (16, 16); () is a linear model
    activation     of the hidden layers: tanh, relu, sigmoid or linear
    loss           hinge, mse or bce
    lr             the learning rate of plain gradient descent (constant, more than 0)
    batch_size     training points per step, or None for all of them
    alpha          the weight of the L2 penalty α·Σw² (0 for none)
    seed           one seed for the data, the split, the initial weights and the batches
    """

    dataset: str = "moons"
    noise: float = 0.1
    n_samples: int = 200
    test_fraction: float = 0.3
    hidden: tuple = (16, 16)
    activation: str = "tanh"
    loss: str = "hinge"
    lr: float = 0.1
    batch_size: int = None
    alpha: float = 1e-4
    seed: int = 0

    def __post_init__(self):
        _choice("dataset", self.dataset, DATASETS)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("loss", self.loss, LOSSES)
        # numpy's numbers count too, stored as Python's: settings then compare, hash and print the same
        self._set("noise", _number("noise", self.noise, "0 or more", lambda v: v >= 0.0))
        self._set("lr", _number("the learning rate", self.lr, "more than 0, e.g. 0.1", lambda v: v > 0.0))
        self._set("alpha", _number("the L2 weight alpha", self.alpha, "0 or more, e.g. 0.0001", lambda v: v >= 0.0))
        self._set("test_fraction", _number("the test fraction", self.test_fraction, "strictly between 0 and 1, e.g. 0.3",
                                           lambda v: 0.0 < v < 1.0))
        self._set("n_samples", _whole("the number of points", self.n_samples, 4))
        self._set("seed", _whole("the seed", self.seed, 0))
        hidden = tuple(self.hidden) if isinstance(self.hidden, (list, tuple)) else self.hidden
        if not isinstance(hidden, tuple):
            raise ValueError(f"hidden lists the width of each hidden layer, e.g. (16, 16); got {self.hidden!r}")
        if len(hidden) > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS} hidden layers, got {len(hidden)}")
        for number, width in enumerate(hidden, start=1):
            if isinstance(width, bool) or not isinstance(width, numbers.Integral) or not 1 <= width <= MAX_WIDTH:
                raise ValueError(
                    f"hidden layer {number} has width {width!r}; a width is a whole number from 1 to {MAX_WIDTH}"
                )
        self._set("hidden", tuple(int(width) for width in hidden))  # a list becomes a tuple, so settings compare and hash
        n_train = self.n_samples - self.n_test
        if self.n_test < 2 or n_train < 2:
            raise ValueError(
                f"a test fraction of {self.test_fraction:g} splits {self.n_samples} points into {n_train} training "
                f"and {self.n_test} test points; each side needs at least 2 (one per class): "
                "use more points or a test fraction nearer 0.5"
            )
        if self.batch_size is not None:
            self._set("batch_size", _whole("the batch size", self.batch_size, 1))
            if self.batch_size > n_train:
                raise ValueError(
                    f"the batch size {self.batch_size} is larger than the training set ({n_train} points); "
                    f"choose at most {n_train}, or all of them (None, or 'all' in the playground)"
                )

    def _set(self, name, value):
        object.__setattr__(self, name, value)  # the dataclass is frozen: its checks are the one place that may

    @property
    def n_test(self):
        """How many points are held out: scikit-learn's train_test_split rounds up."""
        return math.ceil(self.test_fraction * self.n_samples)

    @property
    def sizes(self):
        """The MLP's layer widths after its 2 inputs: the hidden layers, then one output."""
        return [*self.hidden, 1]


def _choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


def _number(name, value, wanted, ok):
    """``value`` as a float, or a ValueError that says what was wanted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be a number {wanted}, got {value!r}")
    return float(value)


def _whole(name, value, at_least):
    """``value`` as an int, or a ValueError that says what was wanted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < at_least:
        raise ValueError(f"{name} must be a whole number of at least {at_least}, got {value!r}")
    return int(value)


def parse_hidden(text):
    """The hidden layers typed in a text box, "16, 16", as a tuple of widths (empty text: no hidden layer)."""
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    if parts == [""]:
        return ()
    if not all(part.isdigit() for part in parts):
        raise ValueError(f"hidden layers are whole numbers separated by commas, e.g. 16, 16; got {text!r}")
    return tuple(int(part) for part in parts)


def parse_batch_size(text):
    """The batch size typed in a text box: a whole number, or "all" (or nothing) for every training point."""
    text = text.strip().lower()
    if text in ("", "all"):
        return None
    if not text.isdigit():
        raise ValueError(f"the batch size is a whole number or 'all', got {text!r}")
    return int(text)
