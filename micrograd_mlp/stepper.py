"""Watch backpropagation one node at a time: ``BackwardStepper(L)`` steps through ``L.backward()``.

Two layers, so that the interesting part is plain data you can test and print:

- ``backward_trace(L)`` replays ``backward()`` on the side, without touching
  any Value: it walks the values in reverse topological order (the engine's
  ``topological_order``), and at each value it writes out the chain rule
  ``child.grad += d(value)/d(child) × value.grad`` for each of its inputs,
  with the numbers. It returns a ``BackwardTrace``: a list of ``Step``s, each
  with the gradients of every value after that step.
- ``BackwardStepper(L)`` is a widget (ipywidgets) that shows the graph with
  buttons (reset, ◀, ▶, play) and a slider over those steps. The graph is laid
  out once by Graphviz's ``dot``; then one run of ``neato -n2``, which only
  draws, pins every box at those positions and draws every step's picture
  (SVG). A click only swaps the picture.

Where there is no kernel (a notebook opened from a fresh clone, or the course
website), the widget's stored output also holds an animated GIF of every step,
and ``stepper.save("stepper.gif")`` writes that animation to a file.
"""

import base64
import html
import io
import json
import subprocess
import threading
from dataclasses import dataclass

import ipywidgets as widgets
from IPython.display import display

from .engine import Value
from .graph import INSTALL_DOT, GraphvizNotFound, escape_record, format_number

__all__ = ["BackwardStepper", "BackwardTrace", "Step", "Contribution", "backward_trace", "value_names", "lecture_neuron"]

MAX_VALUES = 100
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # the output a front end draws a live widget from

# Colours of a frame: the value passing its gradient on, and the inputs receiving it.
CURRENT = "#fdb863"
RECEIVING = "#c6dbef"
FLOW = "#e66101"


@dataclass(frozen=True)
class Contribution:
    """One use of the chain rule: ``values[child].grad += local × (the step's value).grad``."""

    child: int  # index into BackwardTrace.names
    local: float  # d(value)/d(child), the local derivative stored by the operation
    amount: float  # local × the value's gradient: what the child receives
    total: float  # the child's gradient after receiving it


@dataclass(frozen=True)
class Step:
    """One value passes its (now complete) gradient on to the values it was computed from."""

    node: int  # index into BackwardTrace.names
    contributions: tuple  # of Contribution, in the order of the value's children
    lines: tuple  # the chain rule of each contribution, written out with its numbers
    grads: tuple  # every value's gradient after this step; None where no gradient has arrived yet


@dataclass(frozen=True)
class BackwardTrace:
    """The backward pass of one output, as data: what ``backward()`` does, step by step.

    The values are numbered in topological order (the output is last);
    ``children[i]`` are the indices of the values value i was computed from.
    """

    names: tuple
    data: tuple
    ops: tuple
    children: tuple
    steps: tuple

    @property
    def root(self):
        return len(self.names) - 1

    def final_grads(self):
        """The gradient of every value once the pass is over (as ``backward()`` leaves them after ``zero_grad()``)."""
        return self.steps[-1].grads


def value_names(order):
    """A name for each value in ``order``: its label, else v1, v2, … (numbered in order, skipping labels in use).

    A label used by several values gets a suffix (a, a#2, …), so that every
    chain-rule line says which box it means.
    """
    taken = {str(value.label) for value in order if value.label != ""}
    seen, names, unnamed = {}, [], 0
    for value in order:
        if value.label != "":
            label = str(value.label)
            seen[label] = seen.get(label, 0) + 1
            names.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
            continue
        unnamed += 1
        while f"v{unnamed}" in taken:
            unnamed += 1
        names.append(f"v{unnamed}")
    return names


def backward_trace(root, max_values=MAX_VALUES):
    """The steps of ``root.backward()``, computed on the side: no Value's ``grad`` is read or changed.

    Step 0 seeds d(root)/d(root) = 1 and passes it on; each later step takes the
    next value in reverse topological order, whose gradient is complete by then
    (every value that used it came before it), and adds
    ``d(value)/d(child) × value.grad`` to each child's gradient. Values computed
    from nothing (inputs and parameters) pass nothing on, so they get no step.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"BackwardStepper needs the Value at the end of a computation (e.g. a loss), got {type(root).__name__}"
        )
    if not root.children:
        raise ValueError(
            "this Value was computed from nothing (a leaf), so its backward pass has no steps: "
            "give the output of an expression, e.g. L = a * b + c"
        )
    order = root.topological_order()
    if len(order) > max_values:
        raise ValueError(
            f"this graph has {len(order):,} values, more than max_values={max_values}: too many to follow step by step. "
            f"Step through a smaller expression (one example's loss, a smaller network), "
            f"or pass max_values={len(order)} to try anyway."
        )
    index = {value: i for i, value in enumerate(order)}
    names = value_names(order)
    grads = [None] * len(order)
    grads[index[root]] = 1.0
    steps = []
    for value in reversed(root.topological_order(leaves=False)):  # the order backward() uses
        node = index[value]
        lines = [f"{names[node]}.grad = 1  (d{names[node]}/d{names[node]}: where the backward pass starts)"] if not steps else []
        contributions = []
        passes_on = any(value.local_grads)  # as in backward(): an off ReLU passes nothing on, not even NaN or inf
        for position, (child, local) in enumerate(zip(value.children, value.local_grads)):
            amount = local * grads[node] if passes_on else 0.0
            before = 0.0 if grads[index[child]] is None else grads[index[child]]  # nothing yet: 0, as after zero_grad()
            grads[index[child]] = before + amount
            contributions.append(Contribution(index[child], local, amount, grads[index[child]]))
            lines.append(_chain_rule_line(value, position, names, index, local, grads[node], amount))
        steps.append(Step(node, tuple(contributions), tuple(lines), tuple(grads)))
    return BackwardTrace(
        names=tuple(names),
        data=tuple(value.data for value in order),
        ops=tuple(value.op for value in order),
        children=tuple(tuple(index[child] for child in value.children) for value in order),
        steps=tuple(steps),
    )


def _chain_rule_line(value, position, names, index, local, grad, amount):
    """``x1.grad += w1.data × n.grad = −3.0 × 0.5 = −1.5``: the symbol of the local derivative, then the numbers."""
    child = names[index[value.children[position]]]
    node = names[index[value]]
    symbol = _local_symbol(value, position, names, index)
    return f"{child}.grad += {symbol} × {node}.grad = {_short(local)} × {_short(grad)} = {_short(amount)}"


def _local_symbol(value, position, names, index):
    """d(value)/d(child) in words of the graph's names, for the operations of engine.py."""
    op = value.op
    node = names[index[value]]
    inputs = [names[index[child]] for child in value.children]
    if op in ("+", "sum"):
        return "1"
    if op == "-":
        return "1" if position == 0 else "(−1)"
    if op == "neg":
        return "(−1)"
    if op == "*":
        return f"{inputs[1 - position]}.data"
    if op == "/":
        return f"(1/{inputs[1]}.data)" if position == 0 else f"(−{inputs[0]}.data/{inputs[1]}.data²)"
    if op.startswith("**") and len(inputs) == 1:
        k = op[2:]
        return f"({k}·{inputs[0]}.data^({k}−1))"
    if op == "**":
        base, exponent = inputs
        return f"({exponent}.data·{base}.data^({exponent}.data−1))" if position == 0 else f"({node}.data·ln {base}.data)"
    if op == "exp":
        return f"{node}.data"  # (e^x)' = e^x, the output itself
    if op == "log":
        return f"(1/{inputs[0]}.data)"
    if op == "tanh":
        return f"(1 − {node}.data²)"
    if op == "sigmoid":
        return f"{node}.data·(1 − {node}.data)"
    if op == "relu":
        return f"(1 if {inputs[0]}.data > 0 else 0)"
    if op == "abs":
        return f"sign({inputs[0]}.data)"
    return f"∂{node}/∂{inputs[position]}"  # a fused neuron, softplus, or anything newer


def _short(number):
    """−3.0, 0.5, 0.7071, 2.5e-06: the fewest digits (up to 4 decimals), with a real minus sign."""
    text = format_number(number)
    if "e" not in text and "." in text:
        text = text.rstrip("0")
        text += "0" if text.endswith(".") else ""
    return text.replace("-", "−")


# ---------------------------------------------------------------- pictures


def layout(trace):
    """Positions of every box, oval and arrow, from one run of ``dot -Tjson``.

    The boxes are laid out with the widest text they will ever show, so every
    frame fits in the same place. Returns what ``render_frames`` needs.
    """
    widest = [max((_grad_text(step.grads[i]) for step in trace.steps), key=len) for i in range(len(trace.names))]
    laid_out = json.loads(_graphviz(["dot", "-Tjson"], _dot_source(trace, grad_text=lambda i: widest[i])))
    objects = laid_out["objects"]
    shapes = {obj["name"]: {key: obj[key] for key in ("pos", "width", "height")} for obj in objects}
    edges = [(objects[edge["tail"]]["name"], objects[edge["head"]]["name"], edge["pos"]) for edge in laid_out["edges"]]
    return {"bb": laid_out["bb"], "shapes": shapes, "edges": edges}


def render_frames(trace, positions, fmt="svg", dpi=96):
    """Every frame (0 is before the pass, k ≥ 1 is after step k) drawn at the laid-out positions: a list of bytes.

    One Graphviz run draws them all (one process instead of one per frame).
    ``fmt`` is "svg" (what the widget shows; the browser scales it) or "png" at
    ``dpi`` (the animation's frames; painting pixels takes Graphviz far longer).
    """
    sources = [frame_source(trace, positions, frame) for frame in range(len(trace.steps) + 1)]
    resolution = [f"-Gdpi={dpi}"] if fmt == "png" else []
    drawn = _graphviz(["neato", "-n2", f"-T{fmt}", *resolution], "\n".join(sources))
    start = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n"}[fmt]  # how each picture's file begins
    pictures = [start + part for part in drawn.split(start)[1:]]
    if len(pictures) != len(sources):
        raise RuntimeError(f"Graphviz drew {len(pictures)} pictures for {len(sources)} frames")
    return pictures


def frame_source(trace, positions, frame):
    """The DOT of frame ``frame``: the gradients that have arrived, the step's value and arrows highlighted."""
    step = trace.steps[frame - 1] if frame else None
    grads = step.grads if step else (None,) * len(trace.names)
    receiving = {contribution.child for contribution in step.contributions} if step else set()
    flowing = {f"v{step.node}op", f"v{step.node}"} if step else set()  # the arrows into the step's oval and box

    def fill(i):  # the value passing its gradient on, and the values receiving it
        if step and i == step.node:
            return {"style": "filled", "fillcolor": CURRENT}
        if i in receiving:
            return {"style": "filled", "fillcolor": RECEIVING}
        return {}

    def op_fill(i):  # the operation whose local derivatives are used
        return {"style": "filled", "fillcolor": CURRENT} if step and i == step.node else {}

    def edge(tail, head):
        return {"color": FLOW, "penwidth": "2.5"} if head in flowing else {}

    return _dot_source(trace, lambda i: _grad_text(grads[i]), fill, op_fill, edge, positions)


def _grad_text(grad):
    return "grad" if grad is None else f"grad {format_number(grad)}"


def _graphviz(command, source):
    try:
        return subprocess.run(command, input=source.encode(), capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise GraphvizNotFound(INSTALL_DOT) from None


def _dot_source(trace, grad_text, fill=lambda i: {}, op_fill=lambda i: {}, edge_attributes=lambda tail, head: {}, positions=None):
    """DOT of the graph in draw_dot's style, left to right; with ``positions``, every shape is pinned in place."""
    graph = "rankdir=LR" + (f' bb="{positions["bb"]}"' if positions else "")
    lines = ["digraph {", f"  graph [{graph}]", "  node [fontname=Helvetica fontsize=11]"]

    def node(name, attributes):
        if positions:
            shape = positions["shapes"][name]
            attributes = {**attributes, "pos": shape["pos"] + "!", "width": shape["width"], "height": shape["height"],
                          "fixedsize": "true"}  # fmt: skip
        return f"  {name} [{_attributes(attributes)}]"

    for i, name in enumerate(trace.names):
        fields = f"{escape_record(name)} | data {format_number(trace.data[i])} | {grad_text(i)}"
        lines.append(node(f"v{i}", {"label": fields, "shape": "record", **fill(i)}))
        if trace.ops[i]:
            lines.append(node(f"v{i}op", {"label": escape_record(trace.ops[i]), "shape": "ellipse", **op_fill(i)}))
    if positions:
        edges = positions["edges"]
    else:
        edges = [(f"v{i}op", f"v{i}", None) for i in range(len(trace.names)) if trace.ops[i]]
        edges += [(f"v{child}", f"v{i}op", None) for i in range(len(trace.names)) for child in trace.children[i]]
    for tail, head, pos in edges:
        attributes = {**edge_attributes(tail, head), **({"pos": pos} if pos else {})}
        lines.append(f"  {tail} -> {head} [{_attributes(attributes)}]")
    lines.append("}")
    return "\n".join(lines)


def _attributes(attributes):
    return " ".join(f'{key}="{str(value).replace(chr(34), chr(92) + chr(34))}"' for key, value in attributes.items())


# ---------------------------------------------------------------- the widget


class BackwardStepper(widgets.VBox):
    """The backward pass of ``root``, one step at a time: the graph, the chain rule, buttons and a slider.

    Frame 0 shows the graph before the pass (no gradients); frame k shows it
    after step k: the value passing its gradient on in orange, the values
    receiving it in blue, every gradient that has arrived so far in its box,
    and below the picture the chain rule of the step with its numbers.
    ``root``'s own graph is only read: its gradients stay as they were.

    ``max_values`` refuses larger graphs, ``dpi`` is the resolution of the
    animation's frames and ``interval`` the milliseconds per step of play.
    """

    def __init__(self, root, max_values=MAX_VALUES, dpi=96, interval=1200):
        self.trace = backward_trace(root, max_values)
        self.dpi = dpi
        self.positions = layout(self.trace)  # once: every frame is drawn at these positions
        self.pictures = render_frames(self.trace, self.positions)  # once: a click only swaps the picture
        last = len(self.trace.steps)
        self.interval = interval
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="step", continuous_update=True)
        self.reset_button = widgets.Button(description="reset", tooltip="back to before the backward pass")
        self.back_button = widgets.Button(description="◀", tooltip="previous step", layout=widgets.Layout(width="3em"))
        self.next_button = widgets.Button(description="▶", tooltip="next step", layout=widgets.Layout(width="3em"))
        self.play_button = widgets.Button(description="play", tooltip="one step after another, by itself")
        self.pause_button = widgets.Button(description="pause", tooltip="stop playing")
        self.reset_button.on_click(lambda _: self.show(0))
        self.back_button.on_click(lambda _: self.show(self.slider.value - 1))
        self.next_button.on_click(lambda _: self.show(self.slider.value + 1))
        self.play_button.on_click(lambda _: self.play())
        self.pause_button.on_click(lambda _: self.pause())
        self.picture = widgets.Image(format="svg+xml", layout=widgets.Layout(max_width="100%"))
        self.text = widgets.HTML()
        # The slider is the one place the step lives; play moves it from the kernel (a timer in the browser,
        # such as ipywidgets' Play, would send its value back, and a late copy could undo the next click).
        self.slider.observe(lambda change: self._draw(change["new"]), names="value")
        self._stop = threading.Event()
        self._player = None
        controls = widgets.HBox(
            [self.reset_button, self.back_button, self.next_button, self.play_button, self.pause_button, self.slider]
        )
        super().__init__([controls, self.picture, self.text])
        self.add_class("micrograd-backward-stepper")
        self._draw(0)

    def __repr__(self):
        return f"BackwardStepper({len(self.trace.steps)} steps over {len(self.trace.names)} values)"

    @property
    def frames(self):
        """How many pictures there are: one before the pass and one after each step."""
        return len(self.trace.steps) + 1

    def show(self, frame):
        """Go to ``frame`` (0 = before the pass, k = after step k), clipped to the first and last."""
        self.slider.value = min(max(frame, 0), self.frames - 1)

    def play(self):
        """Show the next step every ``interval`` milliseconds, in the background, until the last step or ``pause()``.

        From the last step, play starts again from the first.
        """
        if self._player is not None and self._player.is_alive():
            return
        if self.slider.value == self.frames - 1:
            self.show(0)
        self._stop.clear()
        self._player = threading.Thread(target=self._play, name="backward stepper", daemon=True)
        self._player.start()

    def _play(self):
        while not self._stop.wait(self.interval / 1000) and self.slider.value < self.frames - 1:
            self.show(self.slider.value + 1)

    def pause(self):
        """Stop playing (the step shown stays)."""
        self._stop.set()
        if self._player is not None and self._player is not threading.current_thread():
            self._player.join()

    def caption(self, frame):
        """What frame ``frame`` shows, in words, then the chain rule of its step."""
        if frame == 0:
            return [
                f"Before backward(): no gradient has arrived yet. {len(self.trace.steps)} values will pass their "
                "gradient on, in reverse topological order (the output first). Press ▶."
            ]
        step = self.trace.steps[frame - 1]
        name = self.trace.names[step.node]
        where = "the output" if step.node == self.trace.root else "its gradient is complete"
        header = f"Step {frame} of {len(self.trace.steps)}: {name} ({where}) passes its gradient to its inputs"
        return [header, *step.lines]

    def _draw(self, frame):
        self.picture.value = self.pictures[frame]
        header, *lines = self.caption(frame)
        body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
        self.text.value = f'<b>{html.escape(header)}</b><div style="font-family: monospace; line-height: 1.5">{body}</div>'
        self.back_button.disabled = frame == 0
        self.next_button.disabled = frame == self.frames - 1

    # --- the animation: for a notebook without a kernel, the website and the README

    def animation(self, seconds_per_step=1.5):
        """Every frame, with its caption under the picture, as the bytes of a looping animated GIF."""
        from PIL import Image

        pngs = render_frames(self.trace, self.positions, "png", self.dpi)
        pictures = [_with_caption(Image.open(io.BytesIO(png)), self.caption(frame)) for frame, png in enumerate(pngs)]
        width = max(picture.width for picture in pictures)
        height = max(picture.height for picture in pictures)
        canvases = []
        for picture in pictures:
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(picture, (0, 0))
            canvases.append(canvas)
        # One palette of 64 colours for every frame, taken from the first step (it has every colour of the picture):
        # frames do not flicker, and mapping onto a given palette is fast.
        palette = canvases[1].quantize(colors=64, method=Image.Quantize.FASTOCTREE)
        frames = [canvas.quantize(palette=palette, dither=Image.Dither.NONE) for canvas in canvases]
        durations = [int(1000 * seconds_per_step)] * len(frames)
        durations[-1] *= 3  # linger on the finished pass before starting again
        buffer = io.BytesIO()
        frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
        return buffer.getvalue()

    def save(self, path, seconds_per_step=1.5):
        """Write the animation to ``path`` (a .gif file) and return the path."""
        from pathlib import Path

        path = Path(path)
        if path.suffix.lower() != ".gif":
            raise ValueError(f"the animation is a GIF: end the file name in .gif, got {path.name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.animation(seconds_per_step))
        return path

    def _ipython_display_(self):
        # The live widget where a kernel runs it; the animation where none does (a fresh clone, the website).
        display(with_picture(self, "image/gif", self.animation()), raw=True)


def with_picture(widget, mime, picture):
    """What displaying ``widget`` sends: its live view, beside ``picture`` (bytes of type ``mime``) and its repr.

    Built here rather than by ipywidgets, the same bundle for ipywidgets 7 (Colab's, which displays through
    ``_ipython_display_``) and 8 (which uses ``_repr_mimebundle_``): a front end draws the live widget where
    its kernel is running, and the picture where it is not.
    """
    return {
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": widget.model_id},
        mime: base64.b64encode(picture).decode("ascii"),
        "text/plain": repr(widget),
    }


def _with_caption(picture, lines, font_size=15, margin=10):
    """``picture`` with ``lines`` of text under it (the first in bold), in matplotlib's DejaVu fonts."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    regular = ImageFont.truetype(font_manager.findfont("DejaVu Sans Mono"), font_size)
    bold = ImageFont.truetype(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold")), font_size)
    line_height = int(font_size * 1.5)
    fonts = [bold] + [regular] * (len(lines) - 1)
    text_width = max(int(font.getlength(line)) for font, line in zip(fonts, lines)) + 2 * margin
    width = max(picture.width, text_width)
    canvas = Image.new("RGB", (width, picture.height + margin + line_height * len(lines) + margin), "white")
    canvas.paste(picture.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(canvas)
    for row, (font, line) in enumerate(zip(fonts, lines)):
        draw.text((margin, picture.height + margin + row * line_height), line, fill="black", font=font)
    return canvas


def lecture_neuron():
    """The tanh neuron of the lecture, o = tanh(x1·w1 + x2·w2 + b), with every input labelled: the README's example."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


if __name__ == "__main__":  # python -m micrograd_mlp.stepper images/stepper.gif (make images)
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m micrograd_mlp.stepper PATH.gif  (the lecture neuron's backward pass, animated)")
    print(f"wrote {BackwardStepper(lecture_neuron()).save(sys.argv[1])}")
