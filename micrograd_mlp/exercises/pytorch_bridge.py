"""Checks for notebook 14, the same network in PyTorch: copying our ``state_dict()`` into ``torch.nn`` layers.

The check builds MLPs of sizes and activations the notebook has not shown (and the
notebook's own, one with two-digit labels, one of eleven layers, the smallest), with
random weights and biases, and compares the torch model after the student's copy with
our model (``micrograd_mlp.torch_bridge.torch_mlp`` builds the torch networks). The
numbers must land in the model's own parameters, still requiring grad; our state must
come back unchanged; the package's ``load_into_torch`` is what the student writes, so
calling it is refused. PyTorch is imported when a check runs, so this module can be
imported without it.
"""

import random

from ..engine import no_grad
from ..nn import MLP
from ..torch_bridge import load_into_torch as package_load_into_torch
from ..torch_bridge import torch_mlp
from . import Mistake, call, exercise

__all__ = ["check_load_into_torch"]

# (inputs, layer sizes, activation), then random ones: the notebook's MLP(2, [16, 16, 3]), one with labels of two
# digits for inputs and neurons (w10, n12), one of eleven layers (L10, L11), and the smallest, MLP(1, [1]).
_SHAPES = [(2, [16, 16, 3], "relu"), (11, [12, 2], "tanh"), (2, [2] * 10 + [1], "sigmoid"), (1, [1], "tanh")]


def _cases(count=3, seed=14):
    """MLPs of the shapes above and random ones, with random weights and biases (ours start with biases 0).

    The first one comes again at the end: nothing may carry over from one call to the next.
    """
    rng = random.Random(seed)
    shapes = []
    for _ in range(count):
        nouts = [rng.randint(1, 5) for _ in range(rng.randint(1, 2))] + [rng.randint(1, 3)]
        shapes.append((rng.randint(1, 4), nouts, rng.choice(["relu", "tanh", "sigmoid"])))
    shapes = shapes[:1] + _SHAPES + shapes[1:] + shapes[:1]
    for nin, nouts, activation in shapes:
        model = MLP(nin, nouts, activation=activation, seed=rng.randrange(1000))
        model.load_state_dict({label: rng.uniform(-2.0, 2.0) for label in model.state_dict()})
        where = f"MLP({nin}, {nouts}, activation={activation!r})"
        yield model, activation, where, rng


@exercise("our state_dict copied into torch.nn")
def check_load_into_torch(load_into_torch):
    """``load_into_torch(state, torch_model)`` copies our ``state_dict()`` into the model's ``nn.Linear`` layers."""
    import torch

    for model, activation, where, rng in _cases():
        sizes = [len(layer.neurons) for layer in model.layers]
        before = MLP(model.nin, sizes, activation=activation, seed=rng.randrange(1000))
        network = torch_mlp(before)  # the right shape, holding other weights
        with torch.no_grad():  # and other biases than 0 (ours start at 0): a bias set to 0 is not "left as it was"
            for linear in _linears(network, torch):
                linear.bias.copy_(torch.tensor([rng.uniform(-1.0, 1.0) for _ in range(len(linear.bias))],
                                               dtype=torch.float64))
        old = [(linear.weight.detach().clone(), linear.bias.detach().clone()) for linear in _linears(network, torch)]
        parameters = list(network.parameters())
        _copy(load_into_torch, model.state_dict(), network, where)
        linears = _linears(network, torch)
        if len(linears) != len(model.layers):
            raise Mistake(
                f"the torch model of {where} has {len(linears)} nn.Linear layers now: copy into its layers, keep them"
            )
        for k, (linear, layer, (old_weight, old_bias)) in enumerate(zip(linears, model.layers, old), start=1):
            weight = torch.tensor([[w.data for w in neuron.w] for neuron in layer.neurons], dtype=torch.float64)
            bias = torch.tensor([neuron.b.data for neuron in layer.neurons], dtype=torch.float64)
            _compare(linear.weight, weight, old_weight, f"layer {k}'s weight in {where}", k, torch)
            _compare(linear.bias, bias, old_bias, f"layer {k}'s bias in {where}", k, torch)
        _same_parameters(network, parameters, where)
        points = [[rng.uniform(-2.0, 2.0) for _ in range(model.nin)] for _ in range(5)]
        with torch.no_grad(), no_grad():
            theirs = network(torch.tensor(points, dtype=torch.float64))
            ours = torch.tensor([_outputs(model(x)) for x in points], dtype=torch.float64)
        if not torch.allclose(theirs, ours, rtol=0.0, atol=1e-12):
            raise Mistake(
                f"the parameters of {where} are right, but the torch model's outputs differ from ours: "
                "change only the numbers in its layers, not the layers themselves"
            )


def _same_parameters(network, parameters, where):
    """The numbers must go into the model's own parameters: an optimiser made before the copy holds those."""
    now = list(network.parameters())
    if len(now) != len(parameters) or any(p is not q for p, q in zip(now, parameters)):
        raise Mistake(f"the numbers of {where} are right, but in new tensors: an optimiser made before the copy "
                      "still holds the old ones. Write into the existing weight and bias (inside torch.no_grad(): "
                      "linear.weight[j, i] = ..., or linear.weight.copy_(...))")
    if not all(p.requires_grad for p in now):
        raise Mistake(f"the numbers of {where} are right, but a parameter no longer requires grad: PyTorch could not "
                      "train it. Leave requires_grad as it was and copy inside torch.no_grad()")


def _copy(load_into_torch, state, network, where):
    """The student's copy; the two crashes a first attempt meets most often get a hint on what to change."""
    try:
        call(load_into_torch, state, network, case=where, forbid=(package_load_into_torch, torch_mlp),
             unchanged={0: "our state_dict"})
    except Mistake as mistake:
        message = str(mistake).rstrip(".")
        if "requires grad" in message:
            raise Mistake(f"{message}. To change a parameter in place, copy inside with torch.no_grad():") from None
        if "KeyError" in message:
            raise Mistake(
                f"{message}. Our labels read 'L{{k}}n{{j}} w{{i}}' (layer k, neuron j, input i) and 'L{{k}}n{{j}} b', "
                "all counted from 1: print(list(state)[:5]) to see some"
            ) from None
        raise


def _linears(network, torch):
    return [module for module in network.modules() if isinstance(module, torch.nn.Linear)]


def _label(k, place):
    """Our state_dict label of the entry at ``place`` (indices from 0) of layer k's weight [j, i] or bias [j]."""
    if len(place) == 2:
        return f"L{k}n{place[0] + 1} w{place[1] + 1}"
    return f"L{k}n{place[0] + 1} b"


def _compare(got, expected, old, what, k, torch):
    if got.dtype != torch.float64:
        raise Mistake(
            f"{what} became {got.dtype}: keep float64 (copy into the existing tensors, "
            "or make new ones with dtype=torch.float64)"
        )
    if got.shape != expected.shape:
        raise Mistake(f"{what} has shape {tuple(got.shape)}, but the layer needs {tuple(expected.shape)}")
    got = got.detach()
    if torch.equal(got, expected):
        return
    if torch.equal(got, expected.float().double()):
        raise Mistake(
            f"{what} was rounded to float32 on the way: torch.tensor(...) of Python floats makes float32 "
            "unless you pass dtype=torch.float64"
        )
    if torch.equal(got, old):
        raise Mistake(f"{what} still holds the torch model's own numbers: nothing was copied into it")
    # a square matrix transposed, or any matrix filled column by column (reshape(n_in, n_out).T)
    if got.dim() == 2 and torch.equal(got, expected.reshape(got.shape[1], got.shape[0]).T):
        raise Mistake(
            f"{what} is transposed: row j - 1 holds the weights of neuron j, entry L{k}n{{j}} w{{i}} at [j - 1, i - 1]"
        )
    wrong = (got != expected).nonzero()[0].tolist()
    place = ", ".join(str(index) for index in wrong)
    raise Mistake(
        f"{what} is wrong at [{place}] (and maybe elsewhere): that entry should hold our {_label(k, wrong)!r} "
        "(labels have j and i counted from 1, tensor indices from 0)"
    )


def _outputs(out):
    return [o.data for o in out] if isinstance(out, list) else [out.data]
