"""Our MLP in PyTorch: the same network as ``torch.nn`` layers, holding the same weights, in float64.

PyTorch is optional (``pip install -e ".[torch]"``); it is imported when a function
here is called. Notebook 14 uses this module to compare our engine with PyTorch:
the same loss, the same gradients (to 1e-12) and the same training curve.

Our layer k computes act(W x + b), row j of W holding the weights of neuron j; in
``state_dict()`` weight i of neuron j of layer k is labelled f"L{k}n{j} w{i}" ("L1n2 w1")
and its bias f"L{k}n{j} b", counting from 1. ``torch.nn.Linear`` stores the same matrix,
counting from 0: that weight is ``weight[j - 1, i - 1]`` and the bias ``bias[j - 1]``.
"""

from .nn import MLP

__all__ = ["torch_mlp", "load_into_torch"]

INSTALL = "PyTorch is not installed: pip install torch (or pip install -e \".[torch]\" in a clone of the course)"


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError(INSTALL) from None
    return torch


def torch_mlp(model):
    """A ``torch.nn.Sequential`` that computes what our ``model`` computes: same layers, same weights, float64.

    Each of our layers becomes an ``nn.Linear`` followed by its activation (none for "linear").
    For a whole batch X of shape (n, nin) it returns the scores, shape (n, nout).
    """
    torch = _torch()
    if not isinstance(model, MLP):
        raise TypeError(f"torch_mlp copies an MLP, got {type(model).__name__}")
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    modules = []
    for layer in model.layers:
        neuron = layer.neurons[0]
        modules.append(torch.nn.Linear(len(neuron.w), len(layer.neurons), dtype=torch.float64))
        if neuron.activation != "linear":
            modules.append(activations[neuron.activation]())
    network = torch.nn.Sequential(*modules)
    load_into_torch(model.state_dict(), network)
    return network


def load_into_torch(state, torch_model):
    """Copy our ``state_dict()`` (labels such as "L1n2 w1") into the ``nn.Linear`` layers of ``torch_model``, in order.

    Raises a ``KeyError`` naming the first label the state lacks, and a ``ValueError``
    when the state holds more parameters than the torch model.
    """
    torch = _torch()
    linears = [module for module in torch_model.modules() if isinstance(module, torch.nn.Linear)]
    copied = 0
    with torch.no_grad():  # copying weights is not part of any computation to differentiate
        for k, linear in enumerate(linears, start=1):
            n_out, n_in = linear.weight.shape
            for j in range(n_out):
                for i in range(n_in):
                    linear.weight[j, i] = _entry(state, f"L{k}n{j + 1} w{i + 1}")
                linear.bias[j] = _entry(state, f"L{k}n{j + 1} b")
            copied += linear.weight.numel() + linear.bias.numel()
    if copied != len(state):
        raise ValueError(
            f"the state has {len(state)} parameters but the torch model only {copied}: is it a copy of another network?"
        )


def _entry(state, label):
    if label not in state:
        raise KeyError(f"the state has no parameter {label!r}: does the torch model have the shape of our MLP?")
    return state[label]
