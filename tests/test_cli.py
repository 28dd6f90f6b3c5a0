"""The command line: `python -m micrograd_mlp` trains, writes its pictures, and explains bad options."""

import subprocess
import sys

import pytest

from micrograd_mlp import cli

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    assert path.read_bytes().startswith(PNG_SIGNATURE), path


def assert_svg(path):
    text = path.read_text()
    assert "<svg" in text and "</svg>" in text, path


def test_trains_and_writes_every_picture(tmp_path, capsys):
    out = tmp_path / "pictures"
    code = cli.main(["--dataset", "moons", "--samples", "30", "--steps", "3", "--no-progress", "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "computation_graph.png", "moons_decision_boundary.png", "moons_loss.png", "network.svg",
    ]  # fmt: skip
    for name in ("computation_graph.png", "moons_decision_boundary.png", "moons_loss.png"):
        assert_png(out / name)
    assert_svg(out / "network.svg")
    stdout = capsys.readouterr().out
    assert "dataset moons: 30 points, 2 classes; model MLP(2 → 16 relu → 16 relu → 1 linear; 337 parameters)" in stdout
    assert [line.split()[1] for line in stdout.splitlines() if line.startswith("step")] == ["0", "1", "2"]
    assert "final loss" in stdout
    assert f"wrote {out / 'moons_loss.png'}" in stdout


def test_options_reach_the_model_and_the_training(tmp_path, capsys):
    args = ["--dataset", "circles", "--samples", "20", "--hidden", "5,3", "--activation", "tanh", "--loss", "bce",
            "--steps", "4", "--lr", "0.2", "--momentum", "0.5", "--alpha", "0", "--seed", "3", "--log-every", "2",
            "--no-progress", "--out", str(tmp_path)]  # fmt: skip
    assert cli.main(args) == 0
    stdout = capsys.readouterr().out
    assert "dataset circles: 20 points, 2 classes; model MLP(2 → 5 tanh → 3 tanh → 1 linear; 37 parameters)" in stdout
    assert [line.split()[1] for line in stdout.splitlines() if line.startswith("step")] == ["0", "2", "3"]
    assert_png(tmp_path / "circles_decision_boundary.png")


def test_toy_dataset_has_three_inputs_so_no_decision_boundary(tmp_path):
    assert cli.main(["--dataset", "toy", "--steps", "2", "--no-progress", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["computation_graph.png", "network.svg", "toy_loss.png"]


def test_the_lecture_neuron_is_backpropagated():
    o = cli.lecture_neuron()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    leaves = {v.label: v.grad for v in o.topological_order() if not v.children}
    assert leaves == pytest.approx({"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}, abs=1e-6)


def test_python_dash_m(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "micrograd_mlp", "--dataset", "xor", "--samples", "20", "--steps", "2",
         "--no-progress", "--out", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "final loss" in run.stdout
    assert_png(tmp_path / "xor_decision_boundary.png")
    assert_svg(tmp_path / "network.svg")


def test_help_mentions_every_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    help_text = capsys.readouterr().out
    options = [s for action in cli.build_parser()._actions for s in action.option_strings if s.startswith("--")]
    assert len(options) >= 14
    for option in options:
        assert option in help_text
    for dataset in ("toy", "moons", "circles", "xor", "spirals"):
        assert dataset in help_text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--steps", "0"], "argument --steps: expected a whole number of at least 1, got 0"),
        (["--steps", "x"], "argument --steps: expected a whole number, got 'x'"),
        (["--steps", "2.5"], "argument --steps: expected a whole number, got '2.5'"),
        (["--dataset", "nope"], "argument --dataset: invalid choice: 'nope'"),
        (["--lr", "-1"], "argument --lr: expected a finite number greater than 0, got -1"),
        (["--lr", "0"], "argument --lr: expected a finite number greater than 0"),
        (["--lr", "nan"], "argument --lr"),
        (["--lr", "inf"], "argument --lr: expected a finite number greater than 0, got inf"),
        (["--hidden", "16,a"], "argument --hidden: expected comma-separated layer widths such as 16,16, got '16,a'"),
        (["--hidden", "16,0"], "argument --hidden: every layer needs at least one neuron"),
        (["--hidden", ""], "argument --hidden"),
        (["--activation", "softmax"], "argument --activation: invalid choice"),
        (["--loss", "l1"], "argument --loss: invalid choice"),
        (["--momentum", "1"], "argument --momentum: must be below 1"),
        (["--momentum", "-0.5"], "argument --momentum: expected a number of at least 0"),
        (["--noise", "-1"], "argument --noise: expected a number of at least 0"),
        (["--alpha", "x"], "argument --alpha: expected a number, got 'x'"),
        (["--samples", "1"], "argument --samples"),
        (["--seed", "-1"], "argument --seed"),
        (["--seed", "one"], "argument --seed"),
        (["--log-every", "0"], "argument --log-every"),
        (["--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_bad_option_values_exit_2_with_a_clear_message(args, message, capsys, tmp_path):
    quick = [] if "--steps" in args else ["--steps", "1"]  # if an option were wrongly accepted, stay fast
    with pytest.raises(SystemExit) as exit_:
        cli.main([*args, *quick, "--no-progress", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("usage: micrograd-mlp")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing was trained or written


def test_a_diverging_run_exits_1_with_advice(tmp_path, capsys):
    code = cli.main(["--samples", "20", "--steps", "20", "--lr", "1e100", "--no-progress", "--out", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the loss became")
    assert "smaller learning rate" in err
    assert list(tmp_path.iterdir()) == []


def test_without_graphviz_it_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "out"
    assert cli.main(["--samples", "20", "--steps", "1", "--no-progress", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "could not draw the computation graph" in err and "apt-get install graphviz" in err
    assert_png(out / "moons_loss.png")  # the matplotlib pictures need no Graphviz


def test_digits_are_refused_as_a_usage_error_not_a_traceback(capsys, tmp_path):
    # data.DATASETS lists digits, so --dataset offers it; 8×8 images with 10 classes are for fit() and notebook 16
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--dataset", "digits", "--steps", "1", "--no-progress", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: micrograd-mlp") and "Traceback" not in err
    assert "argument --dataset: digits (8×8 images, 10 classes) are not 2-D points" in err
    assert list(tmp_path.iterdir()) == []
