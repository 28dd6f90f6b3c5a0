"""Issue 18, "Reliability, third round": one test (or a few, sharing its number) per numbered defect.

Each test states the behaviour the issue asks for and failed on the package as it was at
commit b83c930. The defects' numbers are the issue's.
"""

import math
import subprocess
import sys

import numpy as np
import pytest

from micrograd_mlp import MLP, Value, load_dataset, predict
from micrograd_mlp import cli, losses

NAN, INF = math.nan, math.inf


# --- 5. every choice the CLI's --help offers works, or is a usage error ------------------------------------


def test_defect_05_the_cli_trains_cross_entropy_on_k_spirals(tmp_path, capsys):
    code = cli.main(["--dataset", "spirals", "--classes", "3", "--loss", "cross_entropy", "--samples", "30",
                     "--hidden", "8", "--steps", "3", "--no-progress", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "spirals_decision_boundary.png").exists()
    assert "3 classes" in out


def test_defect_05_cross_entropy_on_two_classes_trains_two_outputs(tmp_path, capsys):
    assert cli.main(["--dataset", "moons", "--loss", "cross_entropy", "--samples", "20", "--hidden", "4",
                     "--steps", "2", "--no-progress", "--out", str(tmp_path)]) == 0
    assert "2 classes" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--dataset", "moons", "--classes", "3"], "only spirals"),
        (["--dataset", "spirals", "--classes", "3", "--loss", "hinge"], "cross_entropy"),
        (["--classes", "1"], "at least 2"),
    ],
)
def test_defect_05_what_cannot_work_is_a_one_line_usage_error(arguments, words, tmp_path):
    result = subprocess.run([sys.executable, "-m", "micrograd_mlp", *arguments, "--steps", "1", "--no-progress",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert words in result.stderr.strip().splitlines()[-1]


def test_defect_05_every_loss_help_offers_runs(tmp_path):
    for loss in losses.LOSSES:
        arguments = ["--dataset", "spirals", "--samples", "12", "--hidden", "4", "--steps", "1", "--no-progress",
                     "--loss", loss, "--out", str(tmp_path / loss)]
        assert cli.main(arguments) == 0, loss


# --- 7. NaN and inf labels, plain-number logits, numpy scores ------------------------------------------------


@pytest.mark.parametrize("label", [NAN, INF, -INF])
def test_defect_07_cross_entropy_refuses_a_non_finite_label_by_name(label):
    logits = [[Value(0.0), Value(1.0)], [Value(1.0), Value(0.0)]]
    with pytest.raises(ValueError, match=r"label 1 is .*each label must be one of 0 … 1"):
        losses.cross_entropy(logits, [0, label])


@pytest.mark.parametrize("label", [NAN, INF])
@pytest.mark.parametrize("outputs", [1, 3])
def test_defect_07_accuracy_refuses_a_non_finite_label_by_name(label, outputs):
    scores = [[0.1] * outputs if outputs > 1 else 0.1, [0.2] * outputs if outputs > 1 else -0.2]
    with pytest.raises(ValueError, match="label 1 is"):
        losses.accuracy(scores, [0, label])


def test_defect_07_cross_entropy_on_plain_numbers_is_computed():
    plain = losses.cross_entropy([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], [1, 2])
    values = losses.cross_entropy([[Value(1.0), Value(2.0), Value(0.5)], [Value(0.0), Value(-1.0), Value(3.0)]], [1, 2])
    assert plain.data == values.data


def test_defect_07_accuracy_takes_what_predict_returns():
    X, y = load_dataset("spirals", n_samples=30, classes=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    scores = predict(model, X)
    assert isinstance(scores, np.ndarray)
    assert losses.accuracy(scores, np.array(y)) == losses.accuracy(scores.tolist(), y)
    binary = MLP(2, [4, 1], seed=0)
    X2, y2 = load_dataset("moons", n_samples=20)
    assert losses.accuracy(predict(binary, X2), y2) == losses.accuracy(predict(binary, X2).tolist(), y2)


# --- 2. points of the wrong length are refused before the first step -----------------------------------------


def test_defect_02_a_training_point_of_the_wrong_length_is_refused_before_any_update():
    from micrograd_mlp import fit

    X, y = load_dataset("moons", n_samples=40)
    X[33] = [0.5, 0.1, 2.0]
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"point 33 has 3 coordinates, but point 0 has 2"):
        fit(model, X, y, steps=50, batch_size=4, progress=False)
    assert model.state_dict() == before


def test_defect_02_a_validation_point_of_the_wrong_length_is_refused_by_name():
    from micrograd_mlp import fit

    X, y = load_dataset("moons", n_samples=20)
    X_val, y_val = [list(x) for x in X[:5]], y[:5]
    X_val[2] = [1.0]
    with pytest.raises(ValueError, match=r"validation: point 2 has 1 coordinate, but the training points have 2"):
        fit(MLP(2, [4, 1], seed=0), X, y, steps=2, progress=False, validation=(X_val, y_val))


# --- 3. an option the chosen optimiser does not take is refused ---------------------------------------------


@pytest.mark.parametrize("momentum", [0.9, NAN])
def test_defect_03_momentum_with_adam_is_refused_by_name(momentum):
    from micrograd_mlp import fit

    X, y = load_dataset("moons", n_samples=20)
    with pytest.raises(ValueError, match="momentum is an option of SGD"):
        fit(MLP(2, [4, 1], seed=0), X, y, optimizer="adam", momentum=momentum, steps=1, progress=False)


# --- 8. a Layer of one neuron trains with a binary loss (logistic regression) ----------------------------------


def test_defect_08_a_layer_of_one_neuron_trains_like_an_mlp_of_one_layer():
    from micrograd_mlp import fit
    from micrograd_mlp.nn import Layer

    X, y = load_dataset("moons", n_samples=30)
    layer, mlp = Layer(2, 1, activation="linear"), MLP(2, [1])
    mlp.load_state_dict({name: p.data for name, p in zip(mlp.state_dict(), layer.parameters())})  # the same order
    a = fit(layer, X, y, loss="bce", steps=5, progress=False, validation=(X, y))
    b = fit(mlp, X, y, loss="bce", steps=5, progress=False, validation=(X, y))
    assert a.loss == b.loss
    assert a.val_loss == pytest.approx(b.val_loss, rel=1e-12)  # the MLP is measured by numpy, the layer point by point


# --- 4. diagnostics on no points, and on a model that is not an MLP --------------------------------------------


def test_defect_04_diagnostics_on_no_points():
    from micrograd_mlp.diagnostics import dead_relus, layer_outputs

    model = MLP(2, [3, 4, 1], activation="relu", seed=0)
    with pytest.raises(ValueError, match="at least one point"):
        dead_relus(model, [])
    assert [a.shape for a in layer_outputs(model, [])] == [(0, 3), (0, 4), (0, 1)]


@pytest.mark.parametrize("name", ["layer_gradient_sizes", "layer_outputs", "dead_relus"])
def test_defect_04_diagnostics_say_they_need_an_mlp(name):
    from micrograd_mlp import diagnostics
    from micrograd_mlp.nn import Layer

    arguments = (Layer(2, 3),) if name == "layer_gradient_sizes" else (Layer(2, 3), [[0.0, 1.0]])
    with pytest.raises(TypeError, match=f"{name} looks inside an MLP.*got Layer"):
        getattr(diagnostics, name)(*arguments)


# --- 1. backward_trace gives backward()'s gradients where an inf meets an off ReLU --------------------------------


@pytest.mark.parametrize("big", [INF, -INF, NAN])
def test_defect_01_the_trace_passes_nothing_through_an_off_relu(big):
    from micrograd_mlp.stepper import backward_trace

    x = Value(-1.0, label="x")
    out = x.relu() * big
    trace = backward_trace(out)
    out.backward()
    final = dict(zip(trace.names, trace.steps[-1].grads))
    assert final["x"] == x.grad == 0.0


# --- the house: training does not pull in pyplot -------------------------------------------------------------------


def test_importing_the_package_and_training_do_not_import_pyplot():
    code = ("import sys; import micrograd_mlp as m; X, y = m.load_dataset('moons', n_samples=10); "
            "m.fit(m.MLP(2, [3, 1]), X, y, steps=1, progress=False, validation=(X, y)); "
            "print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
    assert predict is __import__("micrograd_mlp.plots", fromlist=["predict"]).predict  # the old name still works


# --- 6. the playground: what its settings accept, it can run -------------------------------------------------------


def test_defect_06_settings_refuse_cross_entropy_by_name():
    from micrograd_mlp.playground import Settings

    with pytest.raises(ValueError, match="unknown loss 'cross_entropy'; choose one of hinge, mse, bce"):
        Settings(loss="cross_entropy")


def test_defect_06_settings_take_numpy_numbers_as_python_ones():
    from micrograd_mlp.playground import Settings

    numpy_made = Settings(n_samples=np.int64(60), seed=np.int32(3), lr=np.float32(0.5), hidden=[np.int64(4)],
                          batch_size=np.int64(8), noise=np.float64(0.2))
    plain = Settings(n_samples=60, seed=3, lr=0.5, hidden=(4,), batch_size=8, noise=0.2)
    assert numpy_made == plain and hash(numpy_made) == hash(plain)


def test_defect_06_every_seed_of_a_tiny_xor_makes_an_experiment_or_says_why():
    from micrograd_mlp.playground import Experiment

    made = 0
    for seed in range(30):
        try:
            Experiment(dataset="xor", n_samples=4, test_fraction=0.5, seed=seed, hidden=(2,))
            made += 1
        except ValueError as error:
            assert "each class needs at least 2" in str(error) and f"seed {seed}" in str(error)
    assert made > 0


def test_defect_06_the_widget_shows_why_an_experiment_cannot_be_made():
    from micrograd_mlp.playground import Playground, Settings

    playground = Playground()
    before = playground.experiment
    bad = next(Settings(dataset="xor", n_samples=4, test_fraction=0.5, seed=seed) for seed in range(30)
               if _fails(Settings(dataset="xor", n_samples=4, test_fraction=0.5, seed=seed)))
    playground._start(bad)
    assert "each class needs at least 2" in playground._error.value
    assert playground.experiment is before and playground._buttons["play"].disabled


def _fails(settings):
    from micrograd_mlp.playground import Experiment

    try:
        Experiment(settings)
    except ValueError:
        return True
    return False
