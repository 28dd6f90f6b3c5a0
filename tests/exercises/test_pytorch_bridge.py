"""Notebook 14's check: a right copy passes; the typical wrong copies are rejected with a message that shows no weight."""

import time

import pytest
from verdicts import assert_rejected, verdict

torch = pytest.importorskip("torch")

from micrograd_mlp import torch_bridge  # noqa: E402
from micrograd_mlp.exercises import pytorch_bridge as checks  # noqa: E402


def linears(network):
    return [module for module in network.modules() if isinstance(module, torch.nn.Linear)]


def load_into_torch(state, torch_model):
    """The notebook's worked solution."""
    with torch.no_grad():
        for k, linear in enumerate(linears(torch_model), start=1):
            n_out, n_in = linear.weight.shape
            for j in range(n_out):
                for i in range(n_in):
                    linear.weight[j, i] = state[f"L{k}n{j + 1} w{i + 1}"]
                linear.bias[j] = state[f"L{k}n{j + 1} b"]


def test_the_worked_solution_passes(capsys):
    checks.check_load_into_torch(load_into_torch)
    assert verdict(capsys) == "[✓] our state_dict copied into torch.nn: correct!"


def test_a_copy_by_parsing_the_labels_passes(capsys):
    def by_label(state, network):
        layers = linears(network)
        with torch.no_grad():
            for label, number in state.items():
                layer, rest = label[1:].split("n", 1)
                neuron, kind = rest.split(" ")
                linear = layers[int(layer) - 1]
                if kind == "b":
                    linear.bias[int(neuron) - 1] = number
                else:
                    linear.weight[int(neuron) - 1, int(kind[1:]) - 1] = number

    checks.check_load_into_torch(by_label)
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
    """The check's ``[✗]`` line, which names every word."""
    out = verdict(capsys)
    assert_rejected(out, *words)
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
    rejected(capsys, "layer 1's weight", "transposed")


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


def test_labels_read_by_character_position_are_refused(capsys):
    def by_position(state, network):  # "L1n2 w1": right while every number has one digit
        layers = linears(network)
        with torch.no_grad():
            for label, number in state.items():
                linear, neuron = layers[int(label[1]) - 1], int(label[3]) - 1
                if label.endswith("b"):
                    linear.bias[neuron] = number
                else:
                    linear.weight[neuron, int(label[-1]) - 1] = number

    checks.check_load_into_torch(by_position)
    rejected(capsys, "MLP(")


def test_new_parameters_are_refused(capsys):
    def new_parameters(state, network):
        for k, linear in enumerate(linears(network), start=1):
            n_out, n_in = linear.weight.shape
            rows = [[state[f"L{k}n{j + 1} w{i + 1}"] for i in range(n_in)] for j in range(n_out)]
            linear.weight = torch.nn.Parameter(torch.tensor(rows, dtype=torch.float64))
            linear.bias = torch.nn.Parameter(torch.tensor([state[f"L{k}n{j + 1} b"] for j in range(n_out)],
                                                          dtype=torch.float64))

    checks.check_load_into_torch(new_parameters)
    rejected(capsys, "in new tensors", "optimiser")


def test_parameters_that_stop_requiring_grad_are_refused(capsys):
    def no_grad_flag(state, network):
        for p in network.parameters():
            p.requires_grad_(False)
        load_into_torch(state, network)

    checks.check_load_into_torch(no_grad_flag)
    rejected(capsys, "no longer requires grad")


@pytest.mark.parametrize("package", [torch_bridge.load_into_torch, lambda s, n: torch_bridge.load_into_torch(s, n)])
def test_the_package_copy_is_refused(package, capsys):
    checks.check_load_into_torch(package)
    rejected(capsys, "calls the package's load_into_torch", "write that part yourself")


def test_our_state_must_come_back_unchanged(capsys):
    def pops(state, network):
        load_into_torch(state, network)
        state.clear()

    checks.check_load_into_torch(pops)
    rejected(capsys, "changed our state_dict")


def test_a_copy_that_remembers_the_first_network_is_refused(capsys):
    def remembers(state, network, kept=[]):  # noqa: B006 - the mistake under test: a default argument keeps a model
        kept.append(network)
        load_into_torch(state, kept[0])

    checks.check_load_into_torch(remembers)
    rejected(capsys, "nothing was copied")


def test_odd_returns_and_printing_do_not_matter(capsys):
    def chatty(state, network):
        print(state)
        load_into_torch(state, network)
        return {"done": set()}

    checks.check_load_into_torch(chatty)
    assert verdict(capsys) == "[✓] our state_dict copied into torch.nn: correct!"


def test_an_endless_loop_times_out(monkeypatch):
    monkeypatch.setattr(checks.check_load_into_torch, "seconds", 1)

    def endless(state, network):
        while network is not None:
            load_into_torch(state, network)

    start = time.perf_counter()
    assert checks.check_load_into_torch.grade(endless).result == "timeout"
    assert time.perf_counter() - start < 3


# --- issue 16, second adversarial round: right answers in other forms --------------------------------


def through_load_state_dict(state, torch_model):
    """torch's own load_state_dict, given a dict of tensors built from our labels: it copies in place."""
    tensors = {}
    named = [(name, module) for name, module in torch_model.named_modules() if isinstance(module, torch.nn.Linear)]
    for k, (name, linear) in enumerate(named, start=1):
        n_out, n_in = linear.weight.shape
        tensors[f"{name}.weight"] = torch.tensor(
            [[state[f"L{k}n{j + 1} w{i + 1}"] for i in range(n_in)] for j in range(n_out)], dtype=torch.float64)
        tensors[f"{name}.bias"] = torch.tensor([state[f"L{k}n{j + 1} b"] for j in range(n_out)], dtype=torch.float64)
    torch_model.load_state_dict(tensors)


def through_data(state, torch_model):
    """New numbers behind the same parameters (.data), which an optimiser made before still holds."""
    for k, linear in enumerate(linears(torch_model), start=1):
        n_out, n_in = linear.weight.shape
        linear.weight.data = torch.tensor(
            [[state[f"L{k}n{j + 1} w{i + 1}"] for i in range(n_in)] for j in range(n_out)], dtype=torch.float64)
        linear.bias.data = torch.tensor([state[f"L{k}n{j + 1} b"] for j in range(n_out)], dtype=torch.float64)


@pytest.mark.parametrize("copy", [through_load_state_dict, through_data])
def test_copies_in_other_right_forms_pass(copy, capsys):
    checks.check_load_into_torch(copy)
    assert verdict(capsys) == "[✓] our state_dict copied into torch.nn: correct!"


def test_biases_set_to_zero_are_not_taken_for_uncopied(capsys):
    def zeroes_the_biases(state, torch_model):
        load_into_torch(state, torch_model)
        with torch.no_grad():
            for linear in linears(torch_model):
                linear.bias.zero_()  # "biases start at 0"

    checks.check_load_into_torch(zeroes_the_biases)
    out = verdict(capsys)
    assert_rejected(out, "bias", "is wrong at", "should hold our 'L1n")
    assert "nothing was copied" not in out
