"""Pictures of computation graphs: one box per Value (label, data, grad), one oval per operation.

``draw_dot`` only builds the DOT source, which needs nothing installed; turning
it into a picture needs Graphviz's ``dot`` program. In a notebook the graph
shows as a PNG, which JupyterLab displays even in a notebook it does not
trust (it refuses to render SVG there); ``export`` writes .svg or .png files.
"""

import base64
import math
from pathlib import Path

import graphviz

__all__ = ["draw_dot", "ComputationGraph", "GraphvizNotFound", "format_number", "escape_record"]

INSTALL_DOT = (
    "Graphviz's `dot` program, which turns graphs into pictures, was not found on PATH. Install it:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz\n"
    "  Windows:       winget install graphviz (then open a new terminal)\n"
    "The graph's DOT source is still available as graph.source."
)


class GraphvizNotFound(RuntimeError):
    """Raised when a graph must become a picture but Graphviz's ``dot`` is not installed."""


class ComputationGraph(graphviz.Digraph):
    """A graphviz Digraph that shows as a picture in notebooks and exports to .svg/.png."""

    def __init__(self, values, operations, **kwargs):
        super().__init__(**kwargs)
        self.values = values
        self.operations = operations

    def __repr__(self):
        return f"<ComputationGraph: {self.values} values, {self.operations} operations>"

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        try:
            png = self._render("png")
        except GraphvizNotFound as error:
            return {"text/plain": f"{error}\n\n{self.source}"}
        return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": repr(self)}

    def export(self, path):
        """Write the picture to ``path``; its suffix (.svg, .png or .pdf) picks the format. Returns the path."""
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("svg", "png", "pdf"):
            raise ValueError(f"cannot tell the picture format from {path.name!r}: end the name in .svg, .png or .pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self._render(fmt))
        return path

    def _render(self, fmt):
        try:
            return self.pipe(format=fmt)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_DOT) from None


def draw_dot(root, rankdir="LR", max_nodes=300, dpi=110, color=None):
    """The computation graph that produced ``root``, as a ``ComputationGraph``.

    Each Value is a box with its label, data and grad; each operation an oval
    pointing at the Value it produced. Inputs come first (left with
    ``rankdir="LR"``, top with ``"TB"``). Node names follow a fixed traversal,
    so the same expression gives the same DOT source on every run and machine.
    Graphs of more than ``max_nodes`` values are refused rather than left to
    take minutes to lay out.

    ``color="grad"`` fills each box by the size of its gradient, |grad|, on a
    logarithmic scale (pale: small, dark red: large, white: exactly 0), with a
    legend under the graph: where gradients vanish, the picture fades.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(
            "rankdir must be 'LR' (left to right), 'TB' (top to bottom), 'RL' (right to left) "
            f"or 'BT' (bottom to top), got {rankdir!r}"
        )
    if color not in (None, "grad"):
        raise ValueError(f"color must be None (plain boxes) or 'grad' (boxes coloured by |grad|), got {color!r}")
    order = root.topological_order()
    if len(order) > max_nodes:
        raise ValueError(
            f"this graph has {len(order):,} values, more than max_nodes={max_nodes}: it would take long to lay out "
            f"and be unreadable. Draw a smaller expression (one example's loss, or a model built with fused=True, "
            f"which draws each neuron as one node), or pass max_nodes={len(order)} to draw it anyway."
        )
    names = {value: f"v{i}" for i, value in enumerate(order)}
    operations = sum(1 for value in order if value.op)
    graph_attr = {"rankdir": rankdir, "dpi": str(dpi)}
    fills = {}
    if color == "grad":
        scale = GradScale([value.grad for value in order])
        fills = {value: scale.fill(value.grad) for value in order}
        graph_attr.update(label=scale.legend(), labelloc="b", labeljust="l", fontname="Helvetica", fontsize="11")
    graph = ComputationGraph(
        len(order),
        operations,
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
    )
    # A record's fields stack across the rank direction, so left-to-right graphs get tall, narrow boxes
    # and top-to-bottom ones need braces to do the same.
    stacked = "{}" if rankdir in ("LR", "RL") else "{{ {} }}"
    for value in order:
        name = names[value]
        label = f"{escape_record(value.label)} | " if value.label != "" else ""
        fields = f"{label}data {format_number(value.data)} | grad {format_number(value.grad)}"
        graph.node(name, label=stacked.format(fields), shape="record", **fills.get(value, {}))
        if value.op:
            graph.node(name + "op", label=escape_record(value.op), shape="ellipse")
            graph.edge(name + "op", name)
            for child in value.children:
                graph.edge(names[child], name + "op")
    return graph


def format_number(number):
    """4 decimals (0.7071), or scientific notation (2.500e-06) where 4 decimals would hide the number.

    Below 5e-5 a number would show as 0.0000, and from a million on its digits
    would widen the box without saying more.
    """
    if number != 0.0 and not 5e-5 <= abs(number) < 1e6 and abs(number) != float("inf"):
        return f"{number:.3e}"
    return f"{number:.4f}"


def escape_record(text):
    """``text`` (a label of any type, made a string) as it must be written inside a Graphviz record label.

    Record characters get a backslash; a newline becomes Graphviz's line break (\\n) and a tab
    four spaces (a record would silently drop both).
    """
    text = str(text)
    for char in "\\{}|<>":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n").replace("\t", "    ")


class GradScale:
    """Colours for |grad| on a log scale: six steps of ColorBrewer's YlOrRd between the smallest and largest."""

    COLORS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")

    def __init__(self, grads):
        sizes = [abs(g) for g in grads if g != 0.0 and math.isfinite(g)]
        self.empty = not sizes
        self.low = math.log10(min(sizes)) if sizes else 0.0
        self.high = math.log10(max(sizes)) if sizes else 0.0

    def step(self, grad):
        """Which of the six colours |grad| gets (0 = smallest); None for 0."""
        if grad == 0.0:
            return None
        if not abs(grad) < float("inf"):  # inf or nan: off the scale, darkest
            return len(self.COLORS) - 1
        if self.high == self.low:
            return len(self.COLORS) - 1
        position = (math.log10(abs(grad)) - self.low) / (self.high - self.low)
        return min(int(position * len(self.COLORS)), len(self.COLORS) - 1)

    def fill(self, grad):
        """Graphviz attributes of a box whose value has gradient ``grad`` (white text on the two darkest colours)."""
        step = self.step(grad)
        if step is None:
            return {"style": "filled", "fillcolor": "white"}
        dark = step >= len(self.COLORS) - 2
        return {"style": "filled", "fillcolor": self.COLORS[step], **({"fontcolor": "white"} if dark else {})}

    def edges(self):
        """The |grad| where each colour starts (10 ** evenly spaced exponents)."""
        width = (self.high - self.low) / len(self.COLORS)
        return [10 ** (self.low + k * width) for k in range(len(self.COLORS))]

    def legend(self):
        """An HTML-like Graphviz label: a row of swatches, each with the |grad| where it starts."""
        if self.empty:
            return "every gradient is 0 (or not finite): call backward() first to colour the boxes by |grad|"
        if self.high == self.low:
            return f"box colour = |grad|: every gradient that is not 0 has the size {10 ** self.high:.1e} (dark red)"
        cells = ['<td border="1" bgcolor="white">0</td>']
        for color, start in zip(self.COLORS, self.edges()):
            font = ' color="white"' if color in self.COLORS[-2:] else ""
            cells.append(f'<td border="1" bgcolor="{color}"><font{font}>≥ {start:.1e}</font></td>')
        return (
            '<<table border="0" cellspacing="0" cellpadding="4"><tr><td>box colour = |grad| (log scale):</td>'
            + "".join(cells)
            + "</tr></table>>"
        )
