"""micrograd_mlp: a scalar autograd engine and a small neural-network library, built to be read.

engine   Value, reverse-mode autodiff over scalars, no_grad
nn       Neuron, Layer, MLP (init uniform/xavier/he), state_dict / load_state_dict
losses   mse, hinge, binary_cross_entropy, cross_entropy, l2_penalty, accuracy, convert_labels
optim    SGD (momentum, schedules), Adam
data     toy, moons, circles, xor, spirals (2 or more classes), digits (scikit-learn's 8×8 handwriting)
train    fit, Trainer (one step at a time), History
graph    draw_dot: pictures of computation graphs
inference predict: an MLP's scores at many points, as numpy matrices
plots    plot_decision_boundary, plot_history, plot_dataset
"""

from .data import load as load_dataset
from .engine import Value, no_grad
from .graph import draw_dot
from .losses import accuracy, binary_cross_entropy, convert_labels, cross_entropy, hinge, l2_penalty, mse
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, Adam, linear_decay
from .inference import predict
from .plots import plot_dataset, plot_decision_boundary, plot_history
from .train import History, Trainer, TrainingDiverged, fit

__version__ = "0.1.0"

__all__ = [
    "Value", "no_grad", "Module", "Neuron", "Layer", "MLP",
    "mse", "hinge", "binary_cross_entropy", "cross_entropy", "l2_penalty", "accuracy", "convert_labels",
    "SGD", "Adam", "linear_decay", "load_dataset", "fit", "Trainer", "History", "TrainingDiverged",
    "draw_dot", "predict", "plot_dataset", "plot_decision_boundary", "plot_history",
]
