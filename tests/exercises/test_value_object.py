"""Notebook 02's exercises: the Value class built by the student, the neuron's graph, the node count; the class we keep."""

import inspect
import re
from pathlib import Path

import nbformat
import pytest

from micrograd_mlp import Value as PackageValue
from micrograd_mlp.exercises.value_object import KeptValue, check_node_count, check_value_class, check_weighted_sum
from verdicts import assert_rejected, verdict


def make_class(add, mul):
    """A Value class as the notebook gives it, with the student's __add__ and __mul__."""

    class Value:
        def __init__(self, data, children=(), op="", label=""):
            self.data = data
            self.children = children
            self.op = op
            self.label = label

        __add__ = add
        __mul__ = mul

    return Value


def right_add(self, other):
    return type(self)(self.data + other.data, (self, other), "+")


def right_mul(self, other):
    return type(self)(self.data * other.data, (self, other), "*")


def stub(self, other):
    ...


def test_the_right_class_passes(capsys):
    check_value_class(make_class(right_add, right_mul))
    assert verdict(capsys) == "[✓] Value records its children and op: correct!"


@pytest.mark.parametrize("add, mul", [(stub, stub), (right_add, stub)])
def test_stubs_are_not_answered(add, mul, capsys):
    check_value_class(make_class(add, mul))
    assert verdict(capsys).startswith("[ ] Value records its children and op: not answered yet")


def return_forgotten(self, other):  # the right Value, built and dropped
    type(self)(self.data + other.data, (self, other), "+")


def test_a_forgotten_return_is_not_taken_for_a_stub(capsys):
    check_value_class(make_class(return_forgotten, right_mul))
    out = verdict(capsys)
    assert out.startswith("[✗]") and "a + b returned None: end __add__ with `return`" in out, out


def no_record(self, other):  # section 2's version: the result forgets where it came from
    return type(self)(self.data + other.data)


def plain_number(self, other):
    return self.data + other.data


def in_place(self, other):
    self.data = self.data + other.data
    return self


def swapped_op(self, other):
    return type(self)(self.data + other.data, (self, other), "*")


def adds_instead(self, other):
    return type(self)(self.data + other.data, (self, other), "*")


def as_set(self, other):
    return type(self)(self.data + other.data, {self, other}, "+")


def numbers_as_children(self, other):
    return type(self)(self.data + other.data, (self.data, other.data), "+")


def reversed_children(self, other):
    return type(self)(self.data + other.data, (other, self), "+")


def copies(self, other):
    return type(self)(self.data + other.data, (type(self)(self.data), type(self)(other.data)), "+")


def one_child(self, other):
    return type(self)(self.data + other.data, (self,), "+")


def crashes(self, other):
    return type(self)(self.value + other.value, (self, other), "+")


@pytest.mark.parametrize(
    "add, mul, words",
    [
        (no_record, right_mul, "a + b records op '': record the operation as the string '+'"),
        (plain_number, right_mul, "a + b returned a plain number"),
        (in_place, right_mul, "a + b returned one of its inputs"),
        (swapped_op, right_mul, "the ops of + and * are swapped"),
        (right_add, adds_instead, "the data of a * b is the sum"),
        (as_set, right_mul, "are a set: use the tuple (self, other)"),
        (numbers_as_children, right_mul, "are numbers: store the Value objects themselves"),
        (reversed_children, right_mul, "in the wrong order"),
        (copies, right_mul, "new copies?"),
        (one_child, right_mul, "a + b has 1 children"),
        (crashes, right_mul, "AttributeError on a + b"),
    ],
)
def test_typical_mistakes_are_named(add, mul, words, capsys):
    check_value_class(make_class(add, mul))
    out = verdict(capsys)
    assert out.startswith("[✗]") and words in out, out


def test_the_class_itself_is_needed(capsys):
    Value = make_class(right_add, right_mul)
    check_value_class(Value(1.0))
    assert "pass the class itself" in verdict(capsys)


# --- the neuron's weighted sum ---------------------------------------------------------------------------


def neuron(V=PackageValue, crossed=False, label_all=True, bias=6.8813735870195432):
    x1, x2 = V(2.0, label="x1"), V(0.0, label="x2")
    w1, w2 = V(-3.0, label="w1"), V(1.0, label="w2")
    b = V(bias, label="b")
    x1w1, x2w2 = (x1 * w2, x2 * w1) if crossed else (x1 * w1, x2 * w2)
    total = x1w1 + x2w2
    n = total + b
    if label_all:
        x1w1.label, x2w2.label, total.label, n.label = "x1·w1", "x2·w2", "x1·w1 + x2·w2", "n"
    return n


def test_the_right_graph_passes_with_either_class(capsys):
    check_weighted_sum(neuron())
    assert verdict(capsys) == "[✓] the graph of the neuron's weighted sum: correct!"
    NotebookValue = make_class(right_add, right_mul)
    check_weighted_sum(neuron(NotebookValue))
    assert verdict(capsys).startswith("[✓]")


def test_another_order_of_the_sums_passes(capsys):
    x1, x2 = PackageValue(2.0, label="x1"), PackageValue(0.0, label="x2")
    w1, w2 = PackageValue(-3.0, label="w1"), PackageValue(1.0, label="w2")
    b = PackageValue(6.8813735870195432, label="b")
    p1, p2 = w1 * x1, x2 * w2
    inner = p2 + b
    n = p1 + inner
    p1.label, p2.label, inner.label, n.label = "p1", "p2", "inner", "n"
    check_weighted_sum(n)
    assert verdict(capsys).startswith("[✓]")


def test_graph_mistakes_are_named(capsys):
    check_weighted_sum(0.8813735870195432)
    assert "plain number" in verdict(capsys)
    check_weighted_sum(neuron(label_all=False))
    assert "has no label: give every value a label" in verdict(capsys)
    x1, w1 = PackageValue(2.0), PackageValue(-3.0, label="w1")
    check_weighted_sum(x1 * w1 + PackageValue(0.0, label="x2") * PackageValue(1.0, label="w2"))
    assert "an input of n has no label: give each input its label when you create it" in verdict(capsys)
    check_weighted_sum(neuron(crossed=True))
    assert "the * of x1 and w2" in verdict(capsys)
    check_weighted_sum(neuron(bias=6.88))
    assert "the input labelled 'b' does not hold the number" in verdict(capsys)
    x = PackageValue(2.0, label="x1")
    check_weighted_sum(x * PackageValue(-3.0, label="w1"))
    assert "no input labelled 'x2'" in verdict(capsys)
    twice = neuron() + PackageValue(0.0, label="x1")
    check_weighted_sum(twice)
    assert "two different input Values are labelled 'x1'" in verdict(capsys)
    check_weighted_sum(...)
    assert verdict(capsys).startswith("[ ]")


def test_graph_messages_never_show_n(capsys):
    for n in (neuron(label_all=False), neuron(crossed=True), 0.5):
        check_weighted_sum(n)
        assert "0.881" not in verdict(capsys)


# --- boxes and ovals --------------------------------------------------------------------------------------


def test_the_right_count_passes(capsys):
    check_node_count([9, 4])
    assert verdict(capsys) == "[✓] boxes and ovals: correct!"


@pytest.mark.parametrize(
    "answer, words",
    [
        ([5, 4], "only the inputs"),
        ([8, 4], "n itself is a box too"),
        ([13, 4], "an oval is not a box"),
        ([4, 9], "swapped"),
        ([9, 9], "that counts the boxes"),
        ([9, 3], "count the operations"),
        ([10, 4], "the inputs, plus one box"),
        (9, "a list of two whole numbers"),
        ([9.5, 4], "not right"),
    ],
)
def test_count_mistakes(answer, words, capsys):
    check_node_count(answer)
    out = verdict(capsys)
    assert out.startswith("[✗]") and words in out, out
    assert "9" not in out.split("not yet:")[1].replace("9.5", "")


# --- inputs left alone, a new node at every call, odd answers, code that never ends ------------------------


def writes_op_onto_input(self, other):
    self.op = "+"
    return type(self)(self.data + other.data, (self, other), "+")


def overwrites_other_data(self, other):
    result = type(self)(self.data + other.data, (self, other), "+")
    other.data = 0.0
    return result


def cached_add(self, other, _cache={}):
    key = (id(self), id(other))
    if key not in _cache:
        _cache[key] = type(self)(self.data + other.data, (self, other), "+")
    return _cache[key]


@pytest.mark.parametrize(
    "add, words",
    [
        (writes_op_onto_input, "a + b changed one of its inputs (its data, children, op or label)"),
        (overwrites_other_data, "a + b changed one of its inputs"),
        (cached_add, "the same Value object twice"),
    ],
)
def test_an_operation_leaves_its_inputs_and_makes_a_new_node_each_time(add, words, capsys):
    check_value_class(make_class(add, right_mul))
    assert_rejected(verdict(capsys), words)


def test_an_endless_operation_times_out(monkeypatch):
    def endless(self, other):
        while True:
            pass

    monkeypatch.setattr(check_value_class, "seconds", 1)
    assert check_value_class.grade(make_class(endless, right_mul)).result == "timeout"


class Unlabelled:
    def __init__(self, data, children=(), op=""):
        self.data, self.children, self.op = data, children, op

    def __add__(self, other):
        return Unlabelled(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Unlabelled(self.data * other.data, (self, other), "*")


def test_a_class_without_labels_gets_a_verdict(capsys):
    x1, x2, w1, w2, b = (Unlabelled(v) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    check_weighted_sum(x1 * w1 + x2 * w2 + b)
    assert_rejected(verdict(capsys), "no label attribute")


@pytest.mark.parametrize("answer", [{9, 4}, {"boxes": 9, "ovals": 4}])
def test_a_count_without_order_gets_a_verdict(answer, capsys):
    check_node_count(answer)
    assert_rejected(verdict(capsys), "keeps no order")


@pytest.mark.parametrize("answer", [{1, 2}, {"n": 1.0}, [PackageValue(1.0)]])
def test_odd_graphs_get_a_verdict(answer, capsys):
    check_weighted_sum(answer)
    assert_rejected(verdict(capsys), "n should be a Value")


def test_the_package_value_or_its_operations_are_refused(capsys):
    class Subclass(PackageValue):
        pass

    check_value_class(PackageValue)
    assert_rejected(verdict(capsys), "package's Value")
    check_value_class(Subclass)
    assert_rejected(verdict(capsys), "package's Value")

    def wrapped_add(self, other):
        return type(self)(PackageValue.__add__(PackageValue(self.data), PackageValue(other.data)).data, (self, other), "+")

    check_value_class(make_class(wrapped_add, right_mul))
    assert_rejected(verdict(capsys), "package's Value.__add__", "yourself")


def test_data_that_is_not_a_plain_number_is_refused(capsys):
    from decimal import Decimal

    def decimal_add(self, other):
        return type(self)(Decimal(self.data) + Decimal(other.data), (self, other), "+")

    check_value_class(make_class(decimal_add, right_mul))
    out = verdict(capsys)
    assert_rejected(out, "plain number", "Decimal")
    check_value_class(make_class(right_add, right_mul))
    assert verdict(capsys).startswith("[✓]")


# --- the class we keep: notebook 02 imports the worked solution from the package, not from a cell of its own ----

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_value_object.ipynb"
KEEP = "from micrograd_mlp.exercises.value_object import KeptValue as Value"


def exercise_1_solution():
    """The code of the worked solution of notebook 02's exercise 1 (the first solution cell)."""
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    solution = next(cell for cell in cells if "solution" in cell.metadata.get("tags", []))
    (code,) = re.findall(r"```python\n(.*?)```", solution.source, re.S)
    return code


def solution_class():
    namespace = {}
    exec(exercise_1_solution(), namespace)
    return namespace["Value"]


def test_the_class_we_keep_is_the_worked_solution_word_for_word():
    assert inspect.getsource(KeptValue).strip() == exercise_1_solution().strip()


def fields(v, depth=6):
    """What the notebook can see of a Value: data, op, label, repr, and its children's fields, in order."""
    children = tuple(fields(child, depth - 1) for child in v.children) if depth else ()
    return (v.data, v.op, v.label, repr(v), type(v.children).__name__, children)


def test_the_class_we_keep_behaves_as_the_worked_solution():
    def build(V):
        a, b, c, g = V(2.0, label="a"), V(-3.0, label="b"), V(10.0, label="c"), V(-2.0, label="g")
        x = V(3.0, label="x")
        e = a * b
        e.label = "e"
        return [a, e, e + c, (e + c) * g, x * x + x, (a * b + c) * (a + c), V(1.5)]

    for ours, solutions in zip(build(KeptValue), build(solution_class())):
        assert fields(ours) == fields(solutions)
    x = KeptValue(3.0)
    square = x * x
    assert square.children[0] is x and square.children[1] is x and type(square) is KeptValue
    assert KeptValue(2.0, label="a").children == () and KeptValue(2.0).op == ""


def test_notebook_02_keeps_the_class_by_import_and_no_cell_outside_the_solutions_holds_the_answer():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    code = [cell.source for cell in cells if cell.cell_type == "code"]
    assert sum(KEEP in source for source in code) == 1
    answer_lines = ('return Value(self.data + other.data, (self, other), "+")',
                    'return Value(self.data * other.data, (self, other), "*")')
    shown = [cell.source for cell in cells if "solution" not in cell.metadata.get("tags", [])]
    assert not any(line in source for source in shown for line in answer_lines)
    # the import comes after exercise 1's check cell and before the first use of the recording class
    check = next(i for i, source in enumerate(code) if "checks.check_value_class(Value)" in source)
    keep = next(i for i, source in enumerate(code) if KEEP in source)
    first_use = next(i for i, source in enumerate(code) if 'label="a"' in source)
    assert check < keep < first_use


def test_the_class_we_keep_does_not_pass_for_the_students(capsys):
    class Subclass(KeptValue):
        pass

    for imported in (KeptValue, Subclass):
        check_value_class(imported)
        assert_rejected(verdict(capsys), "the class we keep, imported from the course package", "__add__ and __mul__")

    def borrowed_add(self, other):
        return KeptValue.__add__(self, other)

    check_value_class(make_class(borrowed_add, right_mul))
    assert_rejected(verdict(capsys), "Value.__add__", "yourself")
