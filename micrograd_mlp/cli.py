"""``python -m micrograd_mlp``: train an MLP on a 2-D dataset and write the pictures.

Writes into ``--out`` (default ``images/``):
  <dataset>_decision_boundary.png   the trained model's score over the plane, with the data
  <dataset>_loss.png                loss and accuracy at each step
  network.svg, computation_graph.png  the lecture's tanh neuron with its data and gradients
"""

import argparse
import math
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window, works without a display

import matplotlib.pyplot as plt  # noqa: E402

from . import data, graph, losses, nn, plots, train  # noqa: E402
from .engine import Value  # noqa: E402

DEFAULTS = {
    "toy": dict(hidden="4,4", activation="tanh", loss="mse", steps=50, lr=0.05),
    "moons": dict(hidden="16,16", activation="relu", loss="hinge", steps=100, lr=None),
    "circles": dict(hidden="16,16", activation="relu", loss="hinge", steps=100, lr=None),
    "xor": dict(hidden="16,16", activation="relu", loss="hinge", steps=100, lr=None),
    "spirals": dict(hidden="32,32", activation="relu", loss="hinge", steps=300, lr=None),
}


def _number(convert, what, accept, requirement):
    """An argparse type: ``convert(text)``, which ``accept`` must approve; errors name ``what`` was expected."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {requirement}, got {text}")
        return value

    return parse


_positive_int = _number(int, "a whole number", lambda v: v >= 1, "a whole number of at least 1")
_positive_float = _number(float, "a number", lambda v: 0 < v < math.inf, "a finite number greater than 0")
_non_negative_float = _number(float, "a number", lambda v: 0 <= v < math.inf, "a number of at least 0")


def _widths(text):
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated layer widths such as 16,16, got {text!r}") from None
    if any(width < 1 for width in widths):
        raise argparse.ArgumentTypeError(f"every layer needs at least one neuron, got {text!r}")
    return widths


def build_parser():
    parser = argparse.ArgumentParser(
        prog="micrograd-mlp",
        description="Train a small MLP with the micrograd_mlp scalar autograd and draw what it learned.",
        epilog="Example: python -m micrograd_mlp --dataset circles --steps 150 --out images",
    )
    parser.add_argument("--dataset", choices=list(data.DATASETS), default="moons", help="which data to learn (default: moons)")
    parser.add_argument("--samples", type=_positive_int, default=100, help="number of points (default: 100; not for toy)")
    parser.add_argument("--noise", type=_non_negative_float, default=0.1, help="noise of the points (default: 0.1)")
    parser.add_argument("--hidden", type=_widths, help="hidden layer widths, e.g. 16,16 (default depends on the dataset)")
    parser.add_argument("--activation", choices=["relu", "tanh", "sigmoid"], help="hidden-layer activation")
    parser.add_argument("--loss", choices=list(losses.LOSSES),
                        help="hinge (max-margin), mse, bce (cross-entropy on one output) or cross_entropy (softmax over --classes outputs)")
    parser.add_argument("--classes", type=_number(int, "a whole number", lambda v: v >= 2, "a whole number of at least 2"),
                        default=2, help="number of classes: more than 2 for spirals only, with --loss cross_entropy (default: 2)")
    parser.add_argument("--steps", type=_positive_int, help="training steps (default: 100 for moons)")
    parser.add_argument("--lr", type=_positive_float, help="learning rate (default: decays from 1.0 to 0.1)")
    parser.add_argument("--momentum", type=_non_negative_float, default=0.0, help="SGD momentum in [0, 1) (default: 0)")
    parser.add_argument("--alpha", type=_non_negative_float, default=1e-4, help="L2 penalty weight (default: 1e-4)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the data and the initial weights (default: 1)")
    parser.add_argument("--log-every", type=_positive_int, help="print the loss every k steps (default: every step up to 100 steps, else every steps/20)")
    parser.add_argument("--out", type=Path, default=Path("images"), help="folder for the pictures (default: images)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def lecture_neuron():
    """The tanh neuron of the lecture, backpropagated: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.dataset == "digits":  # 64 inputs and 10 classes: no plane to draw, and full batches of 1,797 images are slow
        build_parser().error("argument --dataset: digits (8×8 images, 10 classes) are not 2-D points: train them "
                             "with fit(), as notebook 16 does")
    settings = {**DEFAULTS[args.dataset], **{k: v for k, v in vars(args).items() if v is not None and k in DEFAULTS["moons"]}}
    if args.momentum >= 1.0:
        build_parser().error(f"argument --momentum: must be below 1, got {args.momentum}")
    if args.samples < 2:
        build_parser().error(f"argument --samples: expected at least 2 points, got {args.samples}")
    if not 0 <= args.seed < 2**32:
        build_parser().error(f"argument --seed: expected a whole number from 0 to 2**32 - 1, got {args.seed}")
    if args.classes > 2 and args.dataset != "spirals":
        build_parser().error(f"argument --classes: only spirals has more than 2 classes, {args.dataset} has 2")
    if args.classes > 2 and settings["loss"] != "cross_entropy":
        build_parser().error(f"argument --classes: {args.classes} classes need --loss cross_entropy (one output per class)")
    problem = _cannot_write_to(args.out)
    if problem:  # found before training, not after it
        print(f"error: cannot write the pictures to {args.out}: {problem}; choose another --out", file=sys.stderr)
        return 2
    X, y = data.load(args.dataset, n_samples=args.samples, noise=args.noise, seed=args.seed, classes=args.classes)
    outputs = 1
    if settings["loss"] == "cross_entropy":  # one output per class, and labels 0 … K−1 (the toy set's ±1 become 0/1)
        outputs = args.classes
        y = y if args.classes > 2 else losses.convert_labels(y, "01")
    widths = settings["hidden"] if isinstance(settings["hidden"], list) else _widths(settings["hidden"])
    model = nn.MLP(len(X[0]), [*widths, outputs], activation=settings["activation"], seed=args.seed)
    steps = settings["steps"]
    log_every = args.log_every or (1 if steps <= 100 else max(1, steps // 20))
    print(f"dataset {args.dataset}: {len(X)} points, {args.classes} classes; model {model}")
    try:
        history = train.fit(
            model, X, y, loss=settings["loss"], steps=steps, lr=settings["lr"], momentum=args.momentum,
            alpha=args.alpha, seed=args.seed, progress=not args.no_progress, log_every=log_every,
        )
    except train.TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"final loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}")
    return _write_pictures(args, model, X, y, history)


def _cannot_write_to(folder):
    """Why files cannot be written into ``folder`` (creating it if need be), or None if they can."""
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()  # a folder may exist and still refuse new files
    except OSError as error:
        return error.strerror or str(error)
    return None


def _write_pictures(args, model, X, y, history):
    out = args.out
    written = []
    if model.nin == 2:
        ax = plots.plot_decision_boundary(model, X, y, title=f"{args.dataset}: accuracy {history.accuracy[-1]:.0%}")
        written.append(_save(ax.figure, out / f"{args.dataset}_decision_boundary.png"))
    axes = plots.plot_history(history, title=f"training on {args.dataset}")
    written.append(_save(axes[0].figure, out / f"{args.dataset}_loss.png"))
    neuron = graph.draw_dot(lecture_neuron())
    try:
        written += [neuron.export(out / "network.svg"), neuron.export(out / "computation_graph.png")]
    except graph.GraphvizNotFound as error:
        print(f"error: could not draw the computation graph.\n{error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def _save(figure, path):
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path
