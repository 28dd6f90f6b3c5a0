"""Pictures of computation graphs: one box per Value (label, data, grad), one oval per operation.

``draw_dot`` only builds the DOT source, which needs nothing installed; turning
it into a picture needs Graphviz's ``dot`` program. In a notebook the graph
shows as a PNG, which JupyterLab displays even in a notebook it does not
trust (it refuses to render SVG there); ``export`` writes .svg or .png files.
"""

import base64
from pathlib import Path

import graphviz

__all__ = ["draw_dot", "ComputationGraph", "GraphvizNotFound"]

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


def draw_dot(root, rankdir="LR", max_nodes=300, dpi=110):
    """The computation graph that produced ``root``, as a ``ComputationGraph``.

    Each Value is a box with its label, data and grad; each operation an oval
    pointing at the Value it produced. Inputs come first (left with
    ``rankdir="LR"``, top with ``"TB"``). Node names follow a fixed traversal,
    so the same expression gives the same DOT source on every run and machine.
    Graphs of more than ``max_nodes`` values are refused rather than left to
    take minutes to lay out.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' (left to right) or 'TB' (top to bottom), got {rankdir!r}")
    order = root.topological_order()
    if len(order) > max_nodes:
        raise ValueError(
            f"this graph has {len(order):,} values, more than max_nodes={max_nodes}: it would take long to lay out "
            f"and be unreadable. Draw a smaller expression (one example's loss, or a model built with fused=True, "
            f"which draws each neuron as one node), or pass max_nodes={len(order)} to draw it anyway."
        )
    names = {value: f"v{i}" for i, value in enumerate(order)}
    operations = sum(1 for value in order if value.op)
    graph = ComputationGraph(
        len(order),
        operations,
        graph_attr={"rankdir": rankdir, "dpi": str(dpi)},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
    )
    # A record's fields stack across the rank direction, so left-to-right graphs get tall, narrow boxes
    # and top-to-bottom ones need braces to do the same.
    stacked = "{}" if rankdir in ("LR", "RL") else "{{ {} }}"
    for value in order:
        name = names[value]
        label = f"{_escape(value.label)} | " if value.label else ""
        graph.node(name, label=stacked.format(f"{label}data {value.data:.4f} | grad {value.grad:.4f}"), shape="record")
        if value.op:
            graph.node(name + "op", label=_escape(value.op), shape="ellipse")
            graph.edge(name + "op", name)
            for child in value.children:
                graph.edge(names[child], name + "op")
    return graph


def _escape(text):
    # Characters that mean something inside a Graphviz record label.
    for char in "\\{}|<>":
        text = text.replace(char, "\\" + char)
    return text
