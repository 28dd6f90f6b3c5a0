"""Notebook 14's check: a right copy passes; the typical wrong copies are rejected with a message that shows no weight."""

import pytest

torch = pytest.importorskip("torch")

from micrograd_mlp.exercises import pytorch_bridge as checks  # noqa: E402
from micrograd_mlp.torch_bridge import load_into_torch  # noqa: E402


def verdict(capsys):
    return capsys.readouterr().out.strip()


def linears(network):
    return [module for module in network.modules() if isinstance(module, torch.nn.Linear)]


def test_the_package_answer_passes(capsys):
    checks.check_load_into_torch(load_into_torch)
    assert verdict(capsys) == "[✓] our state_dict copied into torch.nn: correct!"


def test_a_loop_over_the_labels_passes(capsys):
    def copy(state, network):
        with torch.no_grad():
            for k, linear in enumerate(linears(network), start=1):
                for j in range(linear.weight.shape[0]):
                    row = [state[f"L{k}n{j + 1} w{i + 1}"] for i in range(linear.weight.shape[1])]
                    linear.weight[j] = torch.tensor(row, dtype=torch.float64)
                    linear.bias[j] = state[f"L{k}n{j + 1} b"]

    checks.check_load_into_torch(copy)
    assert verdict(capsys).startswith("[✓]")


def test_a_stub_is_not_answered(capsys):
    def stub(state, network):
        raise NotImplementedError

    checks.check_load_into_torch(stub)
    assert verdict(capsys).startswith("[ ]")


def rows(state, k, n_out, n_in, transpose=False):
    if transpose:
        return [[state[f"L{k}n{i + 1} w{j + 1}"] for i in range(n_in)] for j in range(n_out)]
    return [[state[f"L{k}n{j + 1} w{i + 1}"] for i in range(n_in)] for j in range(n_out)]


def wrong_copy(transpose=False, biases=True, dtype=torch.float64, replace=False, skip_last=False):
    def copy(state, network):
        layers = linears(network)
        with torch.no_grad():
            for k, linear in enumerate(layers[:-1] if skip_last else layers, start=1):
                n_out, n_in = linear.weight.shape
                if transpose and n_out != n_in:
                    weight = torch.tensor(rows(state, k, n_in, n_out), dtype=dtype).T  # the same mistake, made to fit
                else:
                    weight = torch.tensor(rows(state, k, n_out, n_in, transpose), dtype=dtype)
                if replace:
                    linear.weight = torch.nn.Parameter(weight)
                else:
                    linear.weight.copy_(weight)
                if biases:
                    linear.bias.copy_(torch.tensor([state[f"L{k}n{j + 1} b"] for j in range(n_out)], dtype=dtype))
    return copy


def rejected(capsys, *words):
    out = verdict(capsys)
    assert out.startswith("[✗]"), out
    for word in words:
        assert word in out, out
    return out


def test_biases_left_out(capsys):
    checks.check_load_into_torch(wrong_copy(biases=False))
    rejected(capsys, "bias", "nothing was copied")


def test_float32_parameters(capsys):
    checks.check_load_into_torch(wrong_copy(dtype=torch.float32, replace=True))
    rejected(capsys, "float32", "float64")


def test_numbers_rounded_through_float32(capsys):
    checks.check_load_into_torch(wrong_copy(dtype=torch.float32))  # copied into float64 tensors, but via float32
    rejected(capsys, "rounded to float32", "dtype=torch.float64")


def test_the_last_layer_forgotten(capsys):
    checks.check_load_into_torch(wrong_copy(skip_last=True))
    rejected(capsys, "weight", "nothing was copied")


def test_rows_and_columns_swapped(capsys):
    def swapped(state, network):
        with torch.no_grad():
            for k, linear in enumerate(linears(network), start=1):
                n_out, n_in = linear.weight.shape
                flat = [state[f"L{k}n{j + 1} w{i + 1}"] for j in range(n_out) for i in range(n_in)]
                linear.weight.copy_(torch.tensor(flat, dtype=torch.float64).reshape(n_in, n_out).T)
                linear.bias.copy_(torch.tensor([state[f"L{k}n{j + 1} b"] for j in range(n_out)], dtype=torch.float64))

    checks.check_load_into_torch(swapped)
    rejected(capsys, "layer 2's weight", "transposed")


def test_neurons_shifted_by_one(capsys):
    def shifted(state, network):
        load_into_torch(state, network)
        with torch.no_grad():
            for linear in linears(network):
                linear.weight.copy_(linear.weight.roll(1, dims=0))

    checks.check_load_into_torch(shifted)
    out = rejected(capsys, "weight", "wrong at [0, 0]", "should hold our 'L1n1 w1'", "counted from 1")
    assert "0." not in out  # places are indices; no weight's value is shown


def test_labels_counted_from_zero_crash_with_the_case(capsys):
    def from_zero(state, network):
        with torch.no_grad():
            for k, linear in enumerate(linears(network)):
                linear.bias[0] = state[f"L{k}n0 b"]

    checks.check_load_into_torch(from_zero)
    rejected(capsys, "KeyError", "MLP(")


def test_in_place_copy_without_no_grad_is_reported(capsys):
    def no_no_grad(state, network):
        linears(network)[0].weight[0, 0] = state["L1n1 w1"]

    checks.check_load_into_torch(no_no_grad)
    rejected(capsys, "RuntimeError")


def test_layers_replaced_instead_of_filled(capsys):
    def replaced(state, network):
        load_into_torch(state, network)
        network.append(torch.nn.Tanh())

    checks.check_load_into_torch(replaced)
    rejected(capsys, "outputs differ")


def test_a_copy_outside_no_grad_is_told_to_use_it(capsys):
    def outside_no_grad(state, network):
        for k, linear in enumerate(linears(network), start=1):
            linear.weight[0, 0] = state[f"L{k}n1 w1"]

    checks.check_load_into_torch(outside_no_grad)
    rejected(capsys, "RuntimeError", "with torch.no_grad():")


def test_labels_counted_from_0_are_told_they_count_from_1(capsys):
    def from_zero(state, network):
        with torch.no_grad():
            for k, linear in enumerate(linears(network)):
                linear.bias[0] = state[f"L{k}n0 b"]

    checks.check_load_into_torch(from_zero)
    rejected(capsys, "KeyError", "counted from 1")
