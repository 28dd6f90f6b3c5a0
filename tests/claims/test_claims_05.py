"""Notebook 05's claims, re-measured; its quoted numbers compared with its outputs."""

import math
import re
import warnings

from notebook_text import load, printed, says

import micrograd_mlp


def test_log_is_the_natural_logarithm_and_written_log():
    text = says("05", "in this course $\\log$ is the natural logarithm, base $e$")
    assert "\\ln" not in text


def test_math_exp_drops_the_graph_of_a_package_value_and_of_a_torch_tensor():
    says("05", "`math.exp(v)` quietly converts `v` and returns a\nplain `float`", "A one-element PyTorch\ntensor does the same")
    assert type(math.exp(micrograd_mlp.Value(1.0))) is float
    out = printed("05", "math.exp(Value(1.0))")
    assert "math.exp(v) gives float" in out and "our Value: math.exp fails with TypeError" in out
    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert type(math.exp(torch.tensor([1.0], requires_grad=True))) is float


def test_the_class_lacks_exactly_softplus_abs_and_rpow_of_the_packages_operations():
    says("05", "except three: `softplus`", "`abs(v)` (`__abs__`)", "`2 ** v` (`__rpow__`)")
    code = "\n".join(c.source for c in load("05").cells if c.cell_type == "code")
    defined = set(re.findall(r"^Value\.(\w+) = ", code, re.M)) | set(re.findall(r"^    def (\w+)\(self", code, re.M))
    operations = {"__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
                  "__pow__", "__rpow__", "__neg__", "__abs__", "exp", "log", "tanh", "relu", "sigmoid", "softplus"}
    assert all(hasattr(micrograd_mlp.Value, name) for name in operations)
    assert operations - defined == {"softplus", "__abs__", "__rpow__"}


def test_one_operation_tanh_has_a_smaller_graph_and_composed_overflows():
    says("05", "only the number of values in the graph differs, 10 against 17", "as soon as $2x > 709.78$")
    out = printed("05", "for o, leaves, name in [(o_one")
    assert "10 values" in out and "17 values" in out
    assert "OverflowError" in printed("05", "tanh_composed(Value(400.0))")
    assert math.log(1.7976931348623157e308) / 2 > 354.89 and round(math.log(1.7976931348623157e308), 2) == 709.78


def test_gradient_check_passes_all_and_catches_the_wrong_sigmoid():
    says("05", "the largest disagreement, printed last, is below $10^{-9}$")
    out = printed("05", "results = [gradient_check(name, f, xs)")
    assert "7 of 7 expressions pass" in out and "below 1e-9" in out
    assert "MISMATCH" in printed("05", "def sigmoid_wrong(self):")


def test_step_size_plot_minima_are_the_quoted_ones():
    says("05", "with errors near $10^{-11}$", "the forward difference never gets better than a few times $10^{-9}$")
    out = printed("05", "best_forward, best_central = min(forward_errors)")
    central, forward = map(float, re.search(r"central difference (\S+) .*forward difference (\S+) ", out).groups())
    assert central < 1e-11 and 1e-9 < forward < 1e-8
    x0, exact = 0.5, 1 - math.tanh(0.5) ** 2
    hs = [10 ** (-k / 4) for k in range(4, 53)]
    best = min(hs, key=lambda h: abs((math.tanh(x0 + h) - math.tanh(x0 - h)) / (2 * h) - exact))
    assert 1e-6 <= best <= 1e-5  # "at its best around h = 1e-5 to 1e-6"


def test_sigmoid_slope_is_at_most_a_quarter():
    says("05", "its slope is at most $\\sigma(0)(1 - \\sigma(0)) = \\frac14$")
    s = [1 / (1 + math.exp(-x / 10)) for x in range(-60, 61)]
    assert max(v * (1 - v) for v in s) == 0.25


def test_math_prod_keeps_the_value_and_relu_has_slope_0_at_its_kink_in_pytorch():
    says("05", "`math.prod`, which only multiplies, is the exception: it keeps\nthe `Value`",
         "like PyTorch (`torch.relu`'s gradient at 0 is 0)")
    v = micrograd_mlp.Value(2.0)
    assert isinstance(math.prod([v, v]), micrograd_mlp.Value)
    assert type(math.fsum([v, v])) is float and type(math.sqrt(v)) is float
    import torch
    x = torch.tensor(0.0, requires_grad=True)
    torch.relu(x).backward()
    assert x.grad.item() == 0.0
    assert micrograd_mlp.Value(0.0).relu().local_grads == (0.0,)
