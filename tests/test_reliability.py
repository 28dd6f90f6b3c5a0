"""Issue 11, "Reliability, second round": one test (or a few, sharing its number) per numbered defect.

Each test states the behaviour the issue asks for and failed on the package as it was at
commit 1d633f2. The defects' numbers are the issue's.
"""

import copy
import json
import math
import pickle
import re
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from micrograd_mlp import MLP, Adam, Value, draw_dot, fit, linear_decay, load_dataset, no_grad, predict
from micrograd_mlp import cli, losses
from micrograd_mlp.exercises import Mistake, exercise, expect_close, expect_exact
from micrograd_mlp.train import TrainingDiverged

NAN, INF = math.nan, math.inf


def same_float(a, b):
    """Equal as IEEE floats, where NaN equals NaN."""
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=20)


# --- 1. relu turns NaN into 0 ----------------------------------------------------------------------


def test_defect_01_relu_keeps_nan():
    x = Value(NAN)
    out = x.relu()
    assert math.isnan(out.data)
    out.backward()
    assert x.grad == 1.0  # PyTorch's gradient of relu at NaN: the NaN passes through, slope 1
    fused = Value.neuron([Value(1.0)], [NAN], Value(0.0), "relu")
    assert math.isnan(fused.data)


# (operation, input, expected value, expected local derivative), as torch computes them in float64
NAN_AND_INF = [
    ("relu", NAN, NAN, 1.0), ("relu", INF, INF, 1.0), ("relu", -INF, 0.0, 0.0),
    ("tanh", NAN, NAN, NAN), ("tanh", INF, 1.0, 0.0), ("tanh", -INF, -1.0, 0.0),
    ("sigmoid", NAN, NAN, NAN), ("sigmoid", INF, 1.0, 0.0), ("sigmoid", -INF, 0.0, 0.0),
    ("softplus", NAN, NAN, NAN), ("softplus", INF, INF, 1.0), ("softplus", -INF, 0.0, 0.0),
    ("exp", NAN, NAN, NAN), ("exp", INF, INF, INF), ("exp", -INF, 0.0, 0.0),
    ("log", NAN, NAN, NAN), ("log", INF, INF, 0.0),
]  # fmt: skip


@pytest.mark.parametrize("op, x, value, slope", NAN_AND_INF)
def test_defect_01_every_activation_propagates_nan_and_inf(op, x, value, slope):
    leaf = Value(x)
    out = getattr(leaf, op)()
    out.backward()
    assert same_float(out.data, value), f"{op}({x}) = {out.data}"
    assert same_float(leaf.grad, slope), f"{op}'({x}) = {leaf.grad}"


@pytest.mark.parametrize("activation", ["linear", "relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("x", [NAN, INF, -INF])
def test_defect_01_a_fused_neuron_agrees_with_its_explicit_graph_on_nan_and_inf(activation, x):
    def explicit(w, xs, b):
        z = w[0] * xs[0] + b
        return z if activation == "linear" else getattr(z, activation)()

    weights, bias = [Value(0.5)], Value(0.25)
    assert same_float(Value.neuron(weights, [x], bias, activation).data, explicit(weights, [Value(x)], bias).data)


@pytest.mark.parametrize("power, x, value", [(2, NAN, NAN), (0.5, INF, INF), (-1, INF, 0.0), (3, -INF, -INF)])
def test_defect_01_powers_propagate_nan_and_inf(power, x, value):
    assert same_float((Value(x) ** power).data, value)


@pytest.mark.parametrize("loss", ["hinge", "mse", "binary_cross_entropy"])
def test_defect_01_a_loss_of_a_nan_score_is_nan(loss):
    assert math.isnan(getattr(losses, loss)([Value(NAN)], [1.0]).data)


def test_defect_01_a_relu_mlp_agrees_with_predict_on_nan_input():
    model = MLP(2, [4, 4, 1], activation="relu", seed=3)
    scalar = model([NAN, 0.5]).data
    vectorised = predict(model, [[NAN, 0.5]])[0, 0]
    assert math.isnan(scalar) and math.isnan(vectorised)


def test_defect_01_fit_with_an_absurd_learning_rate_and_no_penalty_diverges(moons):
    X, y = moons
    model = MLP(2, [8, 8, 1], activation="relu", seed=1)
    with pytest.raises(TrainingDiverged, match="smaller learning rate"):
        fit(model, X, y, lr=1e300, alpha=0, steps=20, progress=False)


# --- 2. Value.neuron truncates mismatched lengths ---------------------------------------------------


@pytest.mark.parametrize("inputs", [[Value(1.0)], [1.0], [Value(1.0), Value(2.0), Value(3.0)], [1.0, 2.0, 3.0]])
def test_defect_02_neuron_with_mismatched_lengths_is_refused(inputs):
    weights = [Value(0.5), Value(-0.5)]
    with pytest.raises(ValueError, match=rf"2 weights.*{len(inputs)} input"):
        Value.neuron(weights, inputs, Value(0.0), "tanh")


# --- 3. a fused relu neuron that is off became a leaf ----------------------------------------------


def test_defect_03_an_off_relu_neuron_keeps_its_inputs_and_recomputes_its_gradient():
    w, x, b = [Value(1.0), Value(2.0)], [Value(-1.0), Value(-1.0)], Value(0.5)  # z = −2.5: the relu is off
    out = Value.neuron(w, x, b, "relu")
    assert out.data == 0.0
    assert out.children == (*w, *x, b)
    assert out.local_grads == (0.0,) * 5
    loss = out * 3.0
    loss.backward()
    loss.backward()
    assert out.grad == 3.0  # recomputed on each call, as the explicit graph's relu node is
    assert [v.grad for v in (*w, *x, b)] == [0.0] * 5

    explicit = (w[0] * x[0] + w[1] * x[1] + b).relu()
    (explicit * 3.0).backward()
    (explicit * 3.0).backward()
    assert explicit.grad == out.grad


def test_defect_03_an_off_relu_neuron_is_drawn_with_its_inputs():
    w, b = [Value(1.0, label="w")], Value(-1.0, label="b")
    x = Value(-1.0, label="x")
    graph = draw_dot(Value.neuron(w, [x], b, "relu"))
    assert graph.values == 4 and graph.operations == 1
    assert graph.source.count("->") == 4  # w, x and b into the operation, the operation into its result


# --- 4. Value.sum raised where + follows IEEE -------------------------------------------------------


@pytest.mark.parametrize(
    "numbers",
    [[INF, -INF], [1e308, 1e308], [-1e308, -1e308], [1e308, 1e308, -1e308], [NAN, 1.0], [INF, NAN], [INF, 1.0, INF]],
)
def test_defect_04_sum_follows_the_same_rules_as_plus(numbers):
    chained = Value(numbers[0])
    for number in numbers[1:]:
        chained = chained + number
    leaves = [Value(x) for x in numbers]
    total = Value.sum(leaves)
    assert same_float(total.data, chained.data)
    total.backward()
    assert [leaf.grad for leaf in leaves] == [1.0] * len(numbers)


def test_defect_04_sum_keeps_its_accuracy():
    assert Value.sum([1e16, 1.0, -1e16]).data == 1.0  # a chain of + gives 0.0
    assert Value.sum([0.1] * 10).data == 1.0


# --- 5. fit inside no_grad ------------------------------------------------------------------------


def test_defect_05_fit_inside_no_grad_is_refused(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        fit(model, X, y, steps=3, progress=False)
    assert [p.data for p in model.parameters()] == before


# --- 6. alpha checked late -----------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [-1.0, NAN, INF, "0.1"])
def test_defect_06_a_bad_alpha_is_refused_before_training(moons, alpha):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises((ValueError, TypeError), match="alpha"):
        fit(model, X, y, alpha=alpha, steps=3, progress=False)
    assert [p.data for p in model.parameters()] == before


# --- 7. numpy integers refused ----------------------------------------------------------------------


def test_defect_07_numpy_integers_are_accepted_wherever_ints_are(moons):
    model = MLP(np.int64(2), [np.int64(4), np.int32(1)], seed=0)
    assert model.parameters() and len(model([0.5, -0.5]).children) > 0
    X, y = load_dataset("moons", n_samples=np.int64(20))
    assert len(X) == 20
    history = fit(model, X, y, steps=np.int64(2), batch_size=np.int64(5), progress=False)
    assert len(history.loss) == 2


def test_defect_07_a_numpy_seed_is_accepted():
    # A seed read from a numpy array (np.int64) must give the same network as the same int.
    assert [p.data for p in MLP(2, [3, 1], seed=np.int64(5)).parameters()] == [
        p.data for p in MLP(2, [3, 1], seed=5).parameters()
    ]


@pytest.mark.parametrize("build", [lambda: MLP(True, [1]), lambda: MLP(2, [True]), lambda: MLP(2.0, [1])])
def test_defect_07_bools_and_floats_are_still_refused_as_sizes(build):
    with pytest.raises((ValueError, TypeError), match="nin|nout|neuron|input"):
        build()


# --- 8. fit on numpy arrays --------------------------------------------------------------------------


def test_defect_08_fit_accepts_numpy_arrays_and_tuples(moons):
    X, y = moons
    runs = [(X, y), (np.array(X), np.array(y)), ([tuple(x) for x in X], tuple(y))]
    histories = [fit(MLP(2, [4, 1], seed=0), Xs, ys, steps=3, progress=False) for Xs, ys in runs]
    assert histories[1].loss == histories[0].loss
    assert histories[2].loss == histories[0].loss


def test_defect_08_an_empty_numpy_array_gets_the_usual_message():
    with pytest.raises(ValueError, match="non-empty"):
        fit(MLP(2, [1]), np.zeros((0, 2)), np.zeros(0), steps=1, progress=False)


# --- 9. a model with several outputs -----------------------------------------------------------------


@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_defect_09_a_binary_loss_on_several_outputs_says_it_needs_one(moons, loss):
    X, y = moons
    with pytest.raises(ValueError, match=r"one output"):
        fit(MLP(2, [4, 3], seed=0), X, y, loss=loss, steps=1, progress=False)


def test_defect_09_several_outputs_train_with_cross_entropy():
    X, y = load_dataset("spirals", n_samples=30, classes=3, seed=0)
    history = fit(MLP(2, [8, 3], seed=0), X, y, loss="cross_entropy", steps=3, progress=False)
    assert len(history.loss) == 3 and all(math.isfinite(v) for v in history.loss)


# --- 10. batch_size checked late ----------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [2.5, "4", True, 0, 21])
def test_defect_10_a_bad_batch_size_is_refused_up_front(moons, batch_size):
    X, y = moons
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        fit(MLP(2, [4, 1]), X, y, batch_size=batch_size, steps=1, progress=False)


# --- 11. Adam's betas and eps --------------------------------------------------------------------------


@pytest.mark.parametrize("betas", [(1.0, 0.999), (0.9, 1.0), (-0.1, 0.999), (0.9, -0.5), (NAN, 0.999), (0.9, 1.5)])
def test_defect_11_adam_betas_must_be_in_zero_one(betas):
    with pytest.raises(ValueError, match=r"betas.*\[0, 1\)"):
        Adam([Value(1.0)], betas=betas)


@pytest.mark.parametrize("betas", [(0.9,), (0.9, 0.99, 0.999), 0.9])
def test_defect_11_adam_betas_must_be_a_pair(betas):
    with pytest.raises((ValueError, TypeError), match="betas"):
        Adam([Value(1.0)], betas=betas)


@pytest.mark.parametrize("eps", [0.0, -1e-8, NAN])
def test_defect_11_adam_eps_must_be_positive(eps):
    with pytest.raises(ValueError, match="eps"):
        Adam([Value(1.0)], eps=eps)


def test_defect_11_adam_accepts_a_beta_of_zero():
    p = Value(1.0)
    p.grad = 2.0
    Adam([p], lr=0.1, betas=(0.0, 0.0)).step()  # PyTorch allows 0: no averaging at all
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8))


# --- 12. any real exponent ----------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [Fraction(1, 3), np.float32(0.5), np.int64(3), np.float64(-1.5)])
def test_defect_12_any_real_exponent_works(exponent):
    x = Value(8.0)
    out = x**exponent
    out.backward()
    k = float(exponent)
    assert out.data == pytest.approx(8.0**k, rel=1e-12)
    assert x.grad == pytest.approx(k * 8.0 ** (k - 1), rel=1e-12)
    assert out.op.startswith("**")


# --- 13. a label that is not text ----------------------------------------------------------------------


@pytest.mark.parametrize("label", [7, None, 1.5, ["w"]])
def test_defect_13_a_label_that_is_not_a_string_is_refused_up_front(label):
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=label)


def test_defect_13_draw_dot_draws_a_label_assigned_later_as_a_number():
    v = Value(1.0)
    v.label = 7
    assert "7" in svg_lines(draw_dot(v))


# --- 14. no_grad refused values whose only problem is their gradient ------------------------------------


@pytest.mark.parametrize(
    "compute, value",
    [
        (lambda: Value(0.0) ** 0.5, 0.0),
        (lambda: Value(0.0) ** 0.25 + 1.0, 1.0),
        (lambda: Value(-2.0) ** Value(2.0), 4.0),
        (lambda: Value(-2.0) ** Value(3.0), -8.0),
        (lambda: Value(0.0) ** Value(2.0), 0.0),
        (lambda: 0.0 ** Value(0.5), 0.0),
    ],
)
def test_defect_14_no_grad_computes_values_that_only_lack_a_gradient(compute, value):
    with no_grad():
        assert compute().data == value
    with pytest.raises((ValueError, ZeroDivisionError)):
        compute()  # with gradients on, the missing gradient is still an error


@pytest.mark.parametrize(
    "compute, error",
    [
        (lambda: Value(-2.0) ** Value(0.5), ValueError),
        (lambda: Value(-8.0) ** 0.5, ValueError),
        (lambda: Value(0.0) ** -1, ZeroDivisionError),
        (lambda: Value(0.0) ** Value(-1.0), ZeroDivisionError),
    ],
)
def test_defect_14_no_grad_still_refuses_values_with_no_real_answer(compute, error):
    with no_grad(), pytest.raises(error):
        compute()


# --- 15. the CLI's --out -------------------------------------------------------------------------------


def unwritable_outs(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    return {"below a file": a_file / "pictures", "a file": a_file, "a device": "/dev/null"}


@pytest.mark.parametrize("case", ["below a file", "a file", "a device"])
def test_defect_15_an_out_folder_that_cannot_be_created_is_one_line_and_exit_code_2(case, tmp_path, capsys):
    out = unwritable_outs(tmp_path)[case]
    assert cli.main(["--samples", "20", "--steps", "1", "--no-progress", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "dataset" not in captured.out  # refused before training
    err = captured.err.strip()
    assert "Traceback" not in err and "\n" not in err
    assert err.startswith("error: ") and str(out) in err


def test_defect_15_a_folder_without_permission(tmp_path, monkeypatch, capsys):
    # Root may write anywhere, so the refusal is simulated where the CLI asks the OS for the folder.
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(type(tmp_path), "mkdir", refuse)
    assert cli.main(["--samples", "20", "--steps", "1", "--no-progress", "--out", str(tmp_path / "locked")]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and "\n" not in err and "Permission denied" in err


def test_defect_15_python_dash_m_exits_2_without_a_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "micrograd_mlp", "--steps", "1", "--no-progress", "--out", "/dev/null"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


# --- 16. exercises and numpy numbers --------------------------------------------------------------------


@pytest.mark.parametrize("answer", [np.int64(3), np.int32(3), np.float32(3.0), np.float64(3.0), np.array(3)])
def test_defect_16_a_right_answer_given_as_a_numpy_number_is_accepted(answer, capsys):
    @exercise("three")
    def check_three(answer):
        expect_exact(answer, 3)

    check_three(answer)
    assert capsys.readouterr().out.startswith("[✓]")
    expect_close(np.float32(0.1), 0.1, decimals=4)
    with pytest.raises(Mistake):
        expect_exact(np.int64(4), 3)


# --- 17. smaller ones --------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["softmax", "ReLU", None, ["relu"]])
def test_defect_17_neuron_with_an_unknown_activation_names_the_choices(activation):
    with pytest.raises(ValueError, match=r"activation.*linear.*relu.*tanh.*sigmoid"):
        Value.neuron([Value(1.0)], [1.0], Value(0.0), activation)


@pytest.mark.parametrize("steps", [0, -3, 2.5, NAN, True])
def test_defect_17_linear_decay_refuses_a_bad_number_of_steps_up_front(steps):
    with pytest.raises(ValueError, match="steps"):
        linear_decay(1.0, 0.1, steps)


def svg_lines(graph):
    """The lines of text Graphviz draws, read from the SVG (what the reader sees)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", graph.pipe(format="svg").decode())


def test_defect_17_draw_dot_keeps_newlines_and_tabs_in_labels():
    lines = svg_lines(draw_dot(Value(1.0, label="first\nsecond\tthird")))
    assert "first" in lines
    assert any(re.fullmatch(r"second\s+third", line.replace("&#160;", " ")) for line in lines), lines


def test_defect_17_the_rankdir_message_lists_every_accepted_value():
    with pytest.raises(ValueError) as error:
        draw_dot(Value(1.0), rankdir="XY")
    assert all(direction in str(error.value) for direction in ("LR", "TB", "RL", "BT"))


def test_defect_17_small_values_stay_visible_in_graphs():
    v = Value(3e-5)
    v.grad = -2e-7
    source = draw_dot(v).source
    assert "0.0000" not in source
    assert re.search(r"data 3(\.0*)?e-05", source) and re.search(r"grad -2(\.0*)?e-07", source), source


# --- 18. saving and loading a model -------------------------------------------------------------------------


def test_defect_18_pickling_and_copying_a_model_keep_it_working():
    model = MLP(2, [4, 1], activation="relu", seed=2)
    for twin in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert [p.data for p in twin.parameters()] == [p.data for p in model.parameters()]
        assert twin([0.3, -0.7]).data == model([0.3, -0.7]).data
        assert twin.parameters()[0] is not model.parameters()[0]
    v = pickle.loads(pickle.dumps(Value(2.5, label="x")))
    assert (v.data, v.label) == (2.5, "x")


def test_defect_18_state_dict_round_trips_through_json():
    model = MLP(2, [4, 1], seed=2)
    state = json.loads(json.dumps(model.state_dict()))
    other = MLP(2, [4, 1], seed=9)
    other.load_state_dict(state)
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    broken = dict(state)
    missing = broken.popitem()[0]
    with pytest.raises((KeyError, ValueError), match=re.escape(missing)):
        other.load_state_dict(broken)


# --- 19. float() and abs() ----------------------------------------------------------------------------------


def test_defect_19_float_of_a_value_is_its_data():
    assert float(Value(2.5)) == 2.5
    assert type(float(Value(3))) is float


@pytest.mark.parametrize("x, slope", [(-2.0, -1.0), (3.0, 1.0), (0.0, 0.0), (-INF, -1.0)])
def test_defect_19_abs_is_an_operation_with_its_gradient(x, slope):
    leaf = Value(x)
    out = abs(leaf)
    assert out.data == abs(x) and out.op == "abs" and out.children == (leaf,)
    out.backward()
    assert leaf.grad == slope


def test_defect_19_equality_and_hashing_stay_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
