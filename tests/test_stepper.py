"""The backward stepper: its trace (order, each value once, final gradients, chain-rule lines), its pictures, its widget."""

import base64
import io
import math
import random
import subprocess

import pytest
from PIL import Image

from micrograd_mlp import stepper
from micrograd_mlp.engine import Value
from micrograd_mlp.graph import GraphvizNotFound
from micrograd_mlp.nn import MLP
from micrograd_mlp.stepper import BackwardStepper, backward_trace, lecture_neuron, value_names

GIF_SIGNATURE = b"GIF89a"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def reuse():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    return b


def diamond():
    # a feeds two branches that meet again: a's gradient is the sum of both paths
    a = Value(0.5, label="a")
    left, right = a * 2.0, a.exp()
    top = left * right
    top.label = "top"
    return top


def random_graph(seed, size=25):
    """A random expression DAG: each new value combines one or two earlier ones (so values are reused)."""
    rng = random.Random(seed)
    values = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(rng.randint(1, 4))]
    for _ in range(size):
        a, b = rng.choice(values), rng.choice(values)
        op = rng.choice(["+", "-", "*", "tanh", "sigmoid", "relu", "neg", "sum", "**2", "exp"])
        if op == "+":
            out = a + b
        elif op == "-":
            out = a - b
        elif op == "*":
            out = a * b
        elif op == "sum":
            out = Value.sum([a, b, rng.choice(values)])
        elif op == "**2":
            out = a**2
        elif op == "exp":
            out = a.tanh().exp()  # tanh first: exp stays small
        elif op == "neg":
            out = -a
        else:
            out = getattr(a, op)()
        values.append(out)
    return Value.sum(values[-3:]) if len(values) > 3 else values[-1] * 1.0


GRAPHS = [lecture_neuron, reuse, diamond] + [lambda seed=seed: random_graph(seed) for seed in range(30)]


# ---------------------------------------------------------------- the trace


@pytest.mark.parametrize("build", GRAPHS)
def test_steps_follow_the_reverse_topological_order_each_value_once(build):
    root = build()
    trace = backward_trace(root)
    order = root.topological_order()
    visited = [order[step.node] for step in trace.steps]
    assert visited == list(reversed(root.topological_order(leaves=False)))
    assert len({id(value) for value in visited}) == len(visited)  # each value once
    assert all(value.children for value in visited)  # leaves pass nothing on: no step
    assert {id(v) for v in visited} == {id(v) for v in order if v.children}  # and every other value has one


@pytest.mark.parametrize("build", GRAPHS)
def test_a_value_passes_its_gradient_on_only_once_it_is_complete(build):
    trace = backward_trace(build())
    final = trace.final_grads()
    for number, step in enumerate(trace.steps):
        assert step.grads[step.node] == final[step.node]
        for later in trace.steps[number + 1 :]:
            assert step.node not in [contribution.child for contribution in later.contributions]


@pytest.mark.parametrize("build", GRAPHS)
def test_final_gradients_equal_backward(build):
    root = build()
    trace = backward_trace(root)
    root.zero_grad()
    root.backward()
    assert list(trace.final_grads()) == [value.grad for value in root.topological_order()]


@pytest.mark.parametrize("build", GRAPHS)
def test_contributions_are_local_derivative_times_gradient_and_add_up(build):
    root = build()
    trace = backward_trace(root)
    order = root.topological_order()
    running = [0.0] * len(order)
    running[trace.root] = 1.0
    for step in trace.steps:
        value = order[step.node]
        assert [c.child for c in step.contributions] == [order.index(child) for child in value.children]
        assert [c.local for c in step.contributions] == list(value.local_grads)
        for contribution in step.contributions:
            assert contribution.amount == contribution.local * step.grads[step.node]
            running[contribution.child] += contribution.amount
            assert contribution.total == running[contribution.child]
        assert [g if g is not None else 0.0 for g in step.grads] == running


def test_the_trace_leaves_the_values_untouched():
    root = lecture_neuron()
    order = root.topological_order()
    for number, value in enumerate(order):
        value.grad = 100.0 + number  # whatever the user had there
    before = [(value.data, value.grad) for value in order]
    trace = backward_trace(root)
    assert [(value.data, value.grad) for value in order] == before
    assert trace.data == tuple(value.data for value in order)


def test_gradients_not_yet_arrived_are_none():
    trace = backward_trace(lecture_neuron())
    names = trace.names
    first = dict(zip(names, trace.steps[0].grads))
    assert first["o"] == 1.0 and math.isclose(first["n"], 0.5)
    assert first["x1"] is None and first["w1"] is None
    assert None not in trace.final_grads()


def test_reuse_adds_both_uses():
    trace = backward_trace(reuse())
    (step,) = trace.steps
    assert [c.total for c in step.contributions] == [1.0, 2.0]
    assert step.lines == (
        "b.grad = 1  (db/db: where the backward pass starts)",
        "a.grad += 1 × b.grad = 1.0 × 1.0 = 1.0",
        "a.grad += 1 × b.grad = 1.0 × 1.0 = 1.0",
    )


def test_chain_rule_lines_of_the_lecture_neuron():
    trace = backward_trace(lecture_neuron())
    lines = [line for step in trace.steps for line in step.lines]
    assert lines[0] == "o.grad = 1  (do/do: where the backward pass starts)"
    assert lines[1] == "n.grad += (1 − o.data²) × o.grad = 0.5 × 1.0 = 0.5"
    assert "x1.grad += w1.data × v2.grad = −3.0 × 0.5 = −1.5" in lines
    assert "w1.grad += x1.data × v2.grad = 2.0 × 0.5 = 1.0" in lines
    assert "b.grad += 1 × n.grad = 1.0 × 0.5 = 0.5" in lines


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda a, b: a - b, ["a.grad += 1 × v1.grad", "b.grad += (−1) × v1.grad"]),
        (lambda a, b: a / b, ["a.grad += (1/b.data) × v1.grad", "b.grad += (−a.data/b.data²) × v1.grad"]),
        (lambda a, b: a**3, ["a.grad += (3·a.data^(3−1)) × v1.grad"]),
        (lambda a, b: a**b, ["a.grad += (b.data·a.data^(b.data−1)) × v1.grad", "b.grad += (v1.data·ln a.data) × v1.grad"]),
        (lambda a, b: -a, ["a.grad += (−1) × v1.grad"]),
        (lambda a, b: a.exp(), ["a.grad += v1.data × v1.grad"]),
        (lambda a, b: a.log(), ["a.grad += (1/a.data) × v1.grad"]),
        (lambda a, b: a.sigmoid(), ["a.grad += v1.data·(1 − v1.data) × v1.grad"]),
        (lambda a, b: a.relu(), ["a.grad += (1 if a.data > 0 else 0) × v1.grad"]),
        (lambda a, b: a.softplus(), ["a.grad += ∂v1/∂a × v1.grad"]),
        (lambda a, b: abs(-a), ["v1.grad += sign(v1.data) × v2.grad"]),
        (lambda a, b: Value.sum([a, b]), ["a.grad += 1 × v1.grad", "b.grad += 1 × v1.grad"]),
        (lambda a, b: Value.neuron([a], [b], Value(0.0, label="c"), "tanh"), ["a.grad += ∂v1/∂a × v1.grad"]),
    ],
)
def test_each_operation_names_its_local_derivative(build, expected):
    a, b = Value(1.5, label="a"), Value(2.0, label="b")
    trace = backward_trace(build(a, b))
    lines = trace.steps[0].lines[1:]
    for line, start in zip(lines, expected):
        assert line.startswith(start + " = ")
    # and the numbers that follow are the local derivative, the gradient and their product
    for line, contribution in zip(lines, trace.steps[0].contributions):
        numbers = line.split(" = ")[1:]
        assert numbers[0] == f"{stepper._short(contribution.local)} × 1.0"
        assert numbers[1] == stepper._short(contribution.amount)


def test_short_numbers():
    assert [stepper._short(x) for x in (-3.0, 0.5, 0.70710678, 2.5e-6, 0.0, 12.0)] == [
        "−3.0", "0.5", "0.7071", "2.500e−06", "0.0", "12.0"
    ]  # fmt: skip


def test_names_use_labels_number_the_rest_and_tell_duplicates_apart():
    v1 = Value(1.0, label="v1")  # a label that looks like a generated name
    twin_a, twin_b = Value(2.0, label="a"), Value(3.0, label="a")
    seven = Value(4.0)
    seven.label = 7  # Value() refuses labels that are not strings, but one can still be assigned
    out = (v1 * twin_a + twin_b) * seven
    order = out.topological_order()
    names = dict(zip(map(id, order), value_names(order)))
    assert names[id(v1)] == "v1"
    assert {names[id(twin_a)], names[id(twin_b)]} == {"a", "a#2"}
    assert names[id(seven)] == "7"
    generated = [names[id(value)] for value in order if value.label == ""]
    assert generated == ["v2", "v3", "v4"]


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="needs the Value at the end of a computation.*got float"):
        backward_trace(1.5)
    with pytest.raises(TypeError, match="got list"):
        BackwardStepper([Value(1.0)])
    with pytest.raises(ValueError, match="computed from nothing \\(a leaf\\)"):
        backward_trace(Value(2.0, label="a"))
    x = Value(1.0)
    for _ in range(60):
        x = x * 1.01
    with pytest.raises(ValueError, match="121 values, more than max_values=100.*max_values=121"):
        BackwardStepper(x)
    assert len(backward_trace(x, max_values=121).steps) == 60


# ---------------------------------------------------------------- pictures


@pytest.fixture
def lecture_stepper():
    return BackwardStepper(lecture_neuron())


def test_the_graph_is_laid_out_once_and_the_frames_drawn_once(monkeypatch):
    programs = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        programs.append(command[0])
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(stepper.subprocess, "run", counting_run)
    widget = BackwardStepper(lecture_neuron())
    shown = []
    for frame in [1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 5]:
        widget.show(frame)
        shown.append(bytes(widget.picture.value))
    assert programs == ["dot", "neato"]  # one layout, one run drawing every frame; clicks draw nothing
    assert shown[0] == widget.pictures[1] and shown[-2] == widget.pictures[0]
    assert len(widget.pictures) == widget.frames == 6
    assert all(picture.startswith(b"<?xml") and picture.rstrip().endswith(b"</svg>") for picture in widget.pictures)
    assert len(set(widget.pictures)) == widget.frames
    pngs = stepper.render_frames(widget.trace, widget.positions, "png", dpi=72)
    assert programs == ["dot", "neato", "neato"]
    assert len(pngs) == widget.frames and all(png.startswith(PNG_SIGNATURE) for png in pngs)
    assert len({Image.open(io.BytesIO(png)).size for png in pngs}) == 1  # every frame the same size


def test_every_frame_is_pinned_to_the_layout(lecture_stepper):
    positions = lecture_stepper.positions
    for frame in range(lecture_stepper.frames):
        source = stepper.frame_source(lecture_stepper.trace, positions, frame)
        for name, shape in positions["shapes"].items():
            assert f'{name} [' in source and f'pos="{shape["pos"]}!"' in source
        assert source.count("->") == len(positions["edges"]) == 5 + 9  # op → value, input → op


def test_a_frame_highlights_the_step_and_shows_the_gradients_so_far(lecture_stepper):
    trace = lecture_stepper.trace
    names = list(trace.names)

    def node_line(source, name):
        (line,) = [line for line in source.splitlines() if line.strip().startswith(f"v{names.index(name)} [")]
        return line

    before = stepper.frame_source(trace, lecture_stepper.positions, 0)
    assert "fillcolor" not in before and before.count('| grad"') == 10  # no gradient anywhere yet
    step = [s for s in trace.steps if names[s.node] == "v2"][0]  # the step of x1 * w1
    frame = trace.steps.index(step) + 1
    source = stepper.frame_source(trace, lecture_stepper.positions, frame)
    assert f'fillcolor="{stepper.CURRENT}"' in node_line(source, "v2")
    assert f'fillcolor="{stepper.RECEIVING}"' in node_line(source, "x1")
    assert f'fillcolor="{stepper.RECEIVING}"' in node_line(source, "w1")
    assert "grad -1.5000" in node_line(source, "x1") and "grad 0.5000" in node_line(source, "n")
    assert '| grad"' in node_line(source, "x2")  # not arrived yet
    flowing = [line for line in source.splitlines() if stepper.FLOW in line]
    assert len(flowing) == 3  # x1 → *, w1 → *, * → v2


def test_caption_says_what_happens(lecture_stepper):
    assert "Press ▶" in lecture_stepper.caption(0)[0]
    header, *lines = lecture_stepper.caption(1)
    assert header == "Step 1 of 5: o (the output) passes its gradient to its inputs"
    assert lines == list(lecture_stepper.trace.steps[0].lines)


# ---------------------------------------------------------------- the widget


def test_buttons_and_slider_move_through_the_steps(lecture_stepper):
    widget = lecture_stepper
    assert widget.slider.value == 0 and widget.back_button.disabled and not widget.next_button.disabled
    shown = widget.picture.value
    widget.next_button.click()
    assert widget.slider.value == 1 and widget.picture.value != shown
    assert "o.grad = 1" in widget.text.value
    widget.slider.value = 5
    assert widget.next_button.disabled and "x2.grad" in widget.text.value
    widget.next_button.click()
    assert widget.slider.value == 5  # clipped at the last step
    widget.back_button.click()
    assert widget.slider.value == 4
    widget.reset_button.click()
    assert widget.slider.value == 0 and widget.picture.value == shown
    widget.slider.value = 3
    assert bytes(widget.picture.value) == widget.pictures[3]


def test_play_steps_on_by_itself_from_where_the_slider_is_until_the_last_step_or_pause(lecture_stepper):
    widget = lecture_stepper
    widget.interval = 1
    widget.show(2)
    widget.play_button.click()
    widget._player.join(timeout=10)
    assert widget.slider.value == widget.frames - 1 and bytes(widget.picture.value) == widget.pictures[-1]
    widget.play()  # from the last step, play starts again from the first
    widget.pause()
    assert 0 <= widget.slider.value < widget.frames - 1
    widget.interval = 60_000
    widget.play()
    widget.pause_button.click()  # pause stops it before its next step
    assert not widget._player.is_alive() and widget.slider.value == 0


def test_the_users_gradients_stay_as_they_were():
    root = lecture_neuron()
    root.backward()
    before = [value.grad for value in root.topological_order()]
    widget = BackwardStepper(root)
    widget.show(5)
    widget.animation()
    assert [value.grad for value in root.topological_order()] == before


def test_displayed_it_is_the_live_widget_beside_its_animation_and_a_plain_repr(lecture_stepper, notebook_cell):
    [bundle] = notebook_cell(lecture_stepper)
    assert bundle["text/plain"] == repr(lecture_stepper) == "BackwardStepper(5 steps over 10 values)"
    assert bundle[WIDGET_VIEW] == {"version_major": 2, "version_minor": 0, "model_id": lecture_stepper.model_id}
    gif = base64.b64decode(bundle["image/gif"])
    assert gif.startswith(GIF_SIGNATURE)
    animation = Image.open(io.BytesIO(gif))
    assert animation.n_frames == lecture_stepper.frames
    assert animation.info["loop"] == 0


def test_save_writes_the_animation(lecture_stepper, tmp_path):
    path = lecture_stepper.save(tmp_path / "images" / "stepper.gif")
    assert path.read_bytes().startswith(GIF_SIGNATURE)
    assert Image.open(path).n_frames == 6
    with pytest.raises(ValueError, match="end the file name in .gif"):
        lecture_stepper.save(tmp_path / "stepper.png")


def test_a_fused_network_steps_through():
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    loss = (MLP(2, [4, 4, 1], seed=0)(x) - 1.0) ** 2
    widget = BackwardStepper(loss)
    assert widget.frames == len(loss.topological_order(leaves=False)) + 1
    widget.show(widget.frames - 1)
    assert b"<svg" in bytes(widget.picture.value) and widget.picture.format == "svg+xml"


def test_without_graphviz_the_widget_says_how_to_install_it(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    root = lecture_neuron()
    assert len(backward_trace(root).steps) == 5  # the trace needs no Graphviz
    with pytest.raises(GraphvizNotFound, match="apt-get install graphviz"):
        BackwardStepper(root)
