"""Notebook 02's claims, compared with its outputs (it makes no claim about an experiment)."""

from notebook_text import printed, says


def test_the_graph_of_L_and_the_package_agree_node_by_node():
    says("02", "Every node has the same data, the same operation and the same children in both versions")
    out = printed("02", "def build_L(V):")
    rows = [line for line in out.splitlines()[1:] if line.strip()]
    assert len(rows) == 7 and all(line.rstrip().endswith("same") for line in rows)


def test_L_is_minus_8_and_the_graph_has_7_values_and_3_operations():
    says("02", "while this $L$ is $-8$")
    assert "Value(data=-8.0, label='L')" in printed("02", "L = d * g\nL.label")
    assert "7 values, 3 operations" in printed("02", "draw_dot(package_L)")


def test_boxes_are_inputs_plus_operations():
    says("02", "a graph has (number of inputs) + (number of operations)\nboxes")
    out = printed("02", "nodes, edges = trace(L)")
    inputs = out.count("(an input)")
    operations = sum(line.rstrip().endswith(("*", "+")) for line in out.splitlines())
    assert inputs + operations == 7
