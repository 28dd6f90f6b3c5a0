"""Pictures of computation graphs: DOT source, determinism, size limit, export, missing Graphviz."""

import base64
import os
import subprocess
import sys

import pytest

from micrograd_mlp import stepper
from micrograd_mlp.engine import Value
from micrograd_mlp.graph import INSTALL_DOT, ComputationGraph, GradScale, GraphvizNotFound, draw_dot, format_number
from micrograd_mlp.nn import MLP

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Built the same way in this process and in the subprocess below.
EXPRESSION = """
from micrograd_mlp.engine import Value
from micrograd_mlp.nn import MLP
a, b = Value(2.0, label="a"), Value(-3.0, label="b")
c = a * b
c.label = "c"
e = (c + a).tanh() * c + b.exp() - a / b + 2 ** a
e.label = "e"
out = e + MLP(2, [2, 1], fused=False)([a, b]) + MLP(2, [3, 1])([c, e])
out.backward()
"""


def build_expression():
    namespace = {}
    exec(EXPRESSION, namespace)
    return namespace["out"]


def lecture_neuron():
    """The stepper's lecture neuron (the README's example), backpropagated."""
    o = stepper.lecture_neuron()
    o.backward()
    return o


def test_records_show_label_data_and_grad_and_operations_are_ovals():
    a = Value(2.0, label="a")
    b = a * a
    b.label = "b"
    b.backward()
    graph = draw_dot(b)
    assert isinstance(graph, ComputationGraph)
    source = graph.source
    assert '[label="a | data 2.0000 | grad 4.0000" shape=record]' in source
    assert '[label="b | data 4.0000 | grad 1.0000" shape=record]' in source
    assert '[label="*" shape=ellipse]' in source
    assert source.count("->") == 3  # a → *, a → * (used twice), * → b
    assert (graph.values, graph.operations) == (2, 1)
    assert repr(graph) == "<ComputationGraph: 2 values, 1 operations>"


def test_the_lecture_neuron():
    graph = draw_dot(lecture_neuron())
    source = graph.source
    assert '"o | data 0.7071 | grad 1.0000"' in source
    assert '"x1 | data 2.0000 | grad -1.5000"' in source
    assert '"w1 | data -3.0000 | grad 1.0000"' in source
    assert '"x2 | data 0.0000 | grad 0.5000"' in source
    for op in ('"*"', '"+"', "tanh"):
        assert f"[label={op} shape=ellipse]" in source
    assert (graph.values, graph.operations) == (10, 5)


def test_unlabelled_values_and_fused_neurons():
    out = MLP(2, [1], output_activation="tanh")([Value(1.0), Value(2.0)])
    source = draw_dot(out).source
    assert 'label="data ' in source  # no label: just data and grad
    assert '[label="tanh(w·x+b)" shape=ellipse]' in source


def test_record_characters_in_labels_are_escaped():
    a = Value(1.0, label="a|b{c}<d>")
    source = draw_dot(a + 1).source
    assert r"a\|b\{c\}\<d\>" in source


def test_each_operation_points_at_its_inputs_in_order():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    source = draw_dot(a - b).source
    lines = [line.strip() for line in source.splitlines() if "->" in line]
    names = {label: line.split()[0] for line in source.splitlines() for label in "ab" if f'"{label} |' in line}
    assert lines.index(f"{names['a']} -> v2op") < lines.index(f"{names['b']} -> v2op")


def test_same_expression_same_source():
    first, second = draw_dot(build_expression()), draw_dot(build_expression())
    assert first.source == second.source
    assert first.values > 20


def test_same_source_in_other_processes():
    # Different hash seeds: the source must not depend on set or dict order of anything hashed.
    code = EXPRESSION + "from micrograd_mlp.graph import draw_dot\nprint(draw_dot(out).source, end='')\n"
    runs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONHASHSEED": hash_seed})
        for hash_seed in ("1", "2")
    ]  # fmt: skip
    sources = [run.communicate()[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert sources[0] == sources[1] == draw_dot(build_expression()).source


def test_record_fields_stack_across_the_rank_direction():
    # A record's fields run across the rank direction: bare for LR/RL (tall boxes), in braces for TB/BT.
    a = Value(1.5, label="a")
    for rankdir in ("LR", "RL"):
        assert '[label="a | data 1.5000 | grad 0.0000" shape=record]' in draw_dot(a, rankdir=rankdir).source
    for rankdir in ("TB", "BT"):
        assert '[label="{ a | data 1.5000 | grad 0.0000 }" shape=record]' in draw_dot(a, rankdir=rankdir).source


def test_rankdir_and_dpi():
    source = draw_dot(Value(1.0) + 1, rankdir="TB", dpi=200).source
    assert "rankdir=TB" in source and "dpi=200" in source
    with pytest.raises(ValueError, match="rankdir must be 'LR'.*'TB'.*'RL'.*'BT'.*got 'UP'"):
        draw_dot(Value(1.0), rankdir="UP")


def test_refuses_graphs_over_max_nodes():
    x = Value(1.0)
    for _ in range(20):
        x = x * 1.5
    with pytest.raises(ValueError, match="this graph has 41 values, more than max_nodes=30") as error:
        draw_dot(x, max_nodes=30)
    assert "max_nodes=41" in str(error.value)  # and says how to draw it anyway
    assert draw_dot(x, max_nodes=41).values == 41


def test_default_limit_refuses_a_big_plain_network_but_not_the_fused_one():
    x = [Value(0.5), Value(-0.5)]
    with pytest.raises(ValueError, match="max_nodes=300"):
        draw_dot(MLP(2, [16, 16, 1], fused=False)(x))
    with pytest.raises(ValueError, match="max_nodes=300"):
        draw_dot(MLP(2, [16, 16, 1])(x))  # 337 parameters alone
    assert draw_dot(MLP(2, [4, 4, 1])(x)).operations == 9


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_export_writes_a_valid_file(tmp_path, suffix):
    path = draw_dot(lecture_neuron()).export(tmp_path / "sub" / f"neuron{suffix}")
    assert path == tmp_path / "sub" / f"neuron{suffix}"
    content = path.read_bytes()
    if suffix == ".svg":
        assert b"<svg" in content and b"</svg>" in content and b"tanh" in content
    elif suffix == ".png":
        assert content.startswith(PNG_SIGNATURE) and len(content) > 1000
    else:
        assert content.startswith(b"%PDF")


def test_export_needs_a_known_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        draw_dot(Value(1.0)).export(tmp_path / "graph.jpg")


def test_notebook_display_is_a_png():
    bundle = draw_dot(lecture_neuron())._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    assert bundle["text/plain"] == "<ComputationGraph: 10 values, 5 operations>"


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """A PATH on which Graphviz's `dot` cannot be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_graphviz_export_explains_how_to_install_it(no_dot, tmp_path):
    graph = draw_dot(lecture_neuron())
    with pytest.raises(GraphvizNotFound) as error:
        graph.export(tmp_path / "graph.svg")
    message = str(error.value)
    for installer in ("apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz"):
        assert installer in message
    assert "graph.source" in message
    assert not (tmp_path / "graph.svg").exists()
    assert "o | data 0.7071 | grad 1.0000" in graph.source  # the DOT source needs no Graphviz


def test_without_graphviz_the_notebook_shows_a_message_instead_of_an_error(no_dot):
    graph = draw_dot(lecture_neuron())
    bundle = graph._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    assert bundle["text/plain"].startswith(INSTALL_DOT)
    assert graph.source in bundle["text/plain"]


def test_the_no_dot_fixture_really_hides_dot(no_dot):
    import shutil

    assert shutil.which("dot") is None


def test_labels_of_any_type_are_drawn_as_text():
    a = Value(1.0)
    a.label = 7  # Value() takes only strings, but any object can be assigned afterwards
    b = Value(2.0)
    b.label = ("w", 1)
    source = draw_dot(a * b).source
    assert '"7 | data 1.0000' in source
    assert "('w', 1) | data 2.0000" in source


def test_a_newline_in_a_label_breaks_the_line_and_a_tab_is_spaces(tmp_path):
    a = Value(1.0, label="first\nsecond\tthird")
    source = draw_dot(a + 1).source
    assert r"first\nsecond    third | data" in source  # \n is Graphviz's line break inside a record
    svg = draw_dot(a + 1).export(tmp_path / "graph.svg").read_text()
    assert ">first<" in svg and "second" in svg and "third" in svg


@pytest.mark.parametrize(
    "number, text",
    [(0.0, "0.0000"), (0.5, "0.5000"), (-1.5, "-1.5000"), (5e-5, "0.0001"), (4.99e-5, "4.990e-05"), (-2.5e-9, "-2.500e-09"),
     (123456.0, "123456.0000"), (1e6, "1.000e+06"), (float("inf"), "inf"), (float("-inf"), "-inf"), (float("nan"), "nan")],
)  # fmt: skip
def test_numbers_too_small_for_four_decimals_switch_to_scientific_notation(number, text):
    assert format_number(number) == text


def test_tiny_data_and_gradients_stay_visible_in_the_boxes():
    a = Value(3e-7, label="a")
    b = a * 1e-6
    b.backward()
    source = draw_dot(b).source
    assert "a | data 3.000e-07 | grad 1.000e-06" in source
    assert "data 3.000e-13 | grad 1.0000" in source


def test_color_by_grad_fills_boxes_on_a_log_scale_with_a_legend():
    a, b = Value(2.0, label="a"), Value(0.0, label="b")
    c = Value(1.0, label="c")
    out = (a * 1e-3 + b * 1e-6 + c * 0.0).tanh()  # a.grad ~ 1e-3, b.grad ~ 1e-6, c.grad = 0
    out.label = "out"
    out.backward()
    graph = draw_dot(out, color="grad")
    lines = {label: line for line in graph.source.splitlines() for label in "abc" if f'"{label} | data' in line}
    assert f'fillcolor="{GradScale.COLORS[0]}"' in lines["b"]  # the smallest |grad|: the palest colour
    assert 'fillcolor=white' in lines["c"]  # exactly 0: white
    out_line = [line for line in graph.source.splitlines() if '"out | data' in line][0]
    assert f'fillcolor="{GradScale.COLORS[-1]}"' in out_line and "fontcolor=white" in out_line  # the largest: darkest
    assert "box colour = |grad| (log scale)" in graph.source  # the legend says what the colours mean
    assert graph.source.count("bgcolor=") == len(GradScale.COLORS) + 1
    assert draw_dot(out).source.count("fillcolor") == 0  # plain boxes by default
    assert graph._repr_mimebundle_()["image/png"]  # and Graphviz draws it


def test_grad_scale_steps_are_monotonic_and_cover_the_range():
    scale = GradScale([1e-6, -1e-3, 1.0, 0.0])
    steps = [scale.step(g) for g in (1e-6, 1e-5, 1e-4, -1e-3, 1e-2, 1e-1, 1.0)]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == len(GradScale.COLORS) - 1
    assert scale.step(0.0) is None and scale.step(float("nan")) == len(GradScale.COLORS) - 1
    assert GradScale([0.5, 0.5]).step(0.5) == len(GradScale.COLORS) - 1  # one size only: all the same colour
    assert scale.edges()[0] == pytest.approx(1e-6)


def test_color_by_grad_before_backward_says_there_is_nothing_to_colour():
    source = draw_dot(Value(2.0, label="a") * 3.0, color="grad").source
    assert "call backward() first" in source and "bgcolor" not in source
    a = Value(2.0, label="a")
    out = a + a
    out.backward()  # a.grad = 2, out.grad = 1: a range of sizes, a row of swatches
    assert "≥ 1.0e+00" in draw_dot(out, color="grad").source
    total = Value(2.0) + Value(3.0)
    total.backward()  # every gradient is 1
    assert "every gradient that is not 0 has the size 1.0e+00" in draw_dot(total, color="grad").source


def test_color_must_be_none_or_grad():
    with pytest.raises(ValueError, match="color must be None .* or 'grad'.*got 'data'"):
        draw_dot(Value(1.0) + 1, color="data")
