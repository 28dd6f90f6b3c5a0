"""The notebooks' structure and the rules of their exercises.

nbval (in `make test`) re-executes them as shipped and compares outputs: that
run is a student's who skips every exercise, and the stored outputs hold no
[✓] (tested here), so Run All never answers for the student. These tests check
what nbval cannot: how they look when a fresh clone is opened without running,
that no check call carries its answer as a number, that the worked solutions
are shown but never run, and that each worked solution, pasted into the
notebook, passes its check.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPOSITORY = "VisvaV/micrograd-mlp"
FALLBACK_REPR = re.compile(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>")


def load(path):
    return nbformat.read(path, as_version=4)


def test_the_series_is_numbered_from_01_without_gaps():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1))
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_colab_and_binder_badges_linking_to_its_own_path(path):
    first = load(path).cells[0]
    assert first.cell_type == "markdown"
    links = re.findall(r"https://colab\.research\.google\.com/github/([^)\s\"]+)", first.source)
    assert links == [f"{REPOSITORY}/blob/main/notebooks/{path.name}"]
    binder = re.findall(r"https://mybinder\.org/v2/gh/([^)\s\"]+)", first.source)  # and Binder's, beside it
    assert binder == [f"{REPOSITORY}/main?labpath=notebooks%2F{path.name}"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_installs_the_package_only_on_colab(path):
    code = [cell for cell in load(path).cells if cell.cell_type == "code"]
    setup = code[0].source
    assert 'if "google.colab" in sys.modules:' in setup
    assert f"pip install --quiet git+https://github.com/{REPOSITORY}" in setup


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_is_committed_executed_in_order(path):
    counts = [cell.execution_count for cell in load(path).cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stores_no_errors_except_in_cells_meant_to_raise(path):
    for cell in load(path).cells:
        if cell.cell_type != "code":
            continue
        errors = [output for output in cell.outputs if output.output_type == "error"]
        if "raises-exception" in cell.metadata.get("tags", []):
            assert errors, f"cell tagged raises-exception raised nothing:\n{cell.source}"
        else:
            assert not errors, f"error stored in:\n{cell.source}\n{errors[0].ename}: {errors[0].evalue}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_picture_shows_in_an_untrusted_notebook(path):
    # JupyterLab renders image/png in an untrusted notebook but not image/svg+xml;
    # a rich output without a PNG falls back to its text/plain, e.g. "<... at 0x7f...>".
    for cell in load(path).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/svg+xml" in data or "text/html" in data:
                assert "image/png" in data, f"output without a PNG in:\n{cell.source}"
            text = data.get("text/plain", "") if data else output.get("text", "")
            assert not FALLBACK_REPR.search(text), f"text fallback {text!r} stored in:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_worked_solutions_are_shown_collapsed_and_never_run(path):
    cells = load(path).cells
    solutions = [cell for cell in cells if is_solution(cell)]
    assert solutions, "no cell tagged solution"
    for cell in solutions:
        assert cell.cell_type == "markdown", f"a worked solution in a code cell would run with Run All:\n{cell.source}"
        assert cell.source.startswith("<details>") and cell.source.rstrip().endswith("</details>")  # collapsed
        assert solution_code(cell).strip(), f"no ```python block in:\n{cell.source}"
    assert any(CHECK_CALL.search(cell.source) for cell in cells if cell.cell_type == "code"), "no check call"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_running_every_cell_answers_no_exercise(path):
    """The stored outputs are what Run All prints (nbval proves it): no check says [✓], none is left unrun."""
    for cell in load(path).cells:
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            texts = list(output_texts(cell))
            assert texts, f"a check cell stored no verdict:\n{cell.source}"
            assert not any("[✓]" in text for text in texts), f"a check passed without the student's code:\n{cell.source}"


SOLUTION_BLOCK = re.compile(r"```python\n(.*?)\n```", re.S)


def solution_code(cell):
    """The code of a worked solution: the ```python block inside its Markdown."""
    return "\n\n".join(SOLUTION_BLOCK.findall(cell.source))


CHECK_CALL = re.compile(r"\bcheck\w*\(")
TORCH_NOTEBOOKS = {"14_pytorch.ipynb"}  # as in notebooks/conftest.py: PyTorch is an optional extra
TORCH_TAG = "needs-torch"


def is_solution(cell):
    return "solution" in cell.metadata.get("tags", [])


def python_source(cell):
    """A code cell's source as plain Python: IPython's %magic and !shell lines become `pass`, indented as they were."""
    lines = cell.source.splitlines()
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def number_literals_in_check_calls(source):
    """The number literals written inside a check call's parentheses (outside strings) that give a value away.

    A check call is a call of a function whose name starts with ``check``. A literal gives a value
    away when it has a decimal point or two or more digits (``0.5``, ``12``, ``1e-4``); a single digit
    (an index, a count such as 3) does not.
    """
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if not name.startswith("check"):
            continue
        inside_strings = {id(node) for part in ast.walk(call) if isinstance(part, ast.JoinedStr) for node in ast.walk(part)}
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            for node in ast.walk(argument):
                if id(node) in inside_strings or not isinstance(node, ast.Constant):
                    continue
                if isinstance(node.value, bool) or not isinstance(node.value, (int, float, complex)):
                    continue
                text = ast.get_source_segment(source, node)
                if "." in text or sum(character.isdigit() for character in text) >= 2:
                    found.append(f"{name}(... {text} ...)")
    return found


@pytest.mark.parametrize(
    "source, literals",
    [
        ("check_x(answer)", []),
        ("checks.check_x(answer, 0.5)", ["check_x(... 0.5 ...)"]),
        ("check('name', answer, 2 / 3, hint='x = 0.5 and 12')", []),
        ("check('name', answer, 200_001)", ["check(... 200_001 ...)"]),
        ("checks.check_x(answer, tolerance=1e-4)", ["check_x(... 1e-4 ...)"]),
        ("checks.check_x(model, data[3], -12)", ["check_x(... 12 ...)"]),
        ("checks.check_x(f(x, 0.25))", ["check_x(... 0.25 ...)"]),
        ("checks.check_x(answer, f'{x:.4f} and 12')", []),
        ("print(0.5); check_x(answer)", []),
    ],
)
def test_the_literal_rule_itself(source, literals):
    assert number_literals_in_check_calls(source) == literals


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_check_call_carries_a_number(path):
    for cell in load(path).cells:
        if cell.cell_type == "code" and not is_solution(cell):
            literals = number_literals_in_check_calls(python_source(cell))
            assert not literals, f"a check call carries a number ({', '.join(literals)}) in:\n{cell.source}"


def torch_importable():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def output_texts(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            yield output.text
        elif output.output_type in ("execute_result", "display_data"):
            yield output.get("data", {}).get("text/plain", "")


def with_solutions_run(notebook):
    """The notebook as a student who pasted every worked solution would run it, up to the last exercise.

    Each solution becomes a code cell followed by its exercise's check cell (the last check before it).
    Returns the notebook and the check cells that must then say [✓].
    """
    cells, proofs, last_check = [], [], None
    for cell in notebook.cells:
        if is_solution(cell):
            proof = nbformat.v4.new_code_cell(last_check.source)
            cells += [nbformat.v4.new_code_cell(solution_code(cell)), proof]
            proofs.append(proof)
        else:
            cells.append(cell)
            if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
                last_check = cell
    notebook.cells = cells[: cells.index(proofs[-1]) + 1]  # nothing after the last exercise can change a verdict
    return notebook, proofs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_worked_solution_passes_its_check(path, tmp_path):
    if path.name in TORCH_NOTEBOOKS and not torch_importable():
        pytest.skip(f"{path.name} needs PyTorch, which is not installed: pip install -e '.[torch]'")
    notebook, proofs = with_solutions_run(load(path))
    if not torch_importable():
        notebook.cells = [cell for cell in notebook.cells if TORCH_TAG not in cell.metadata.get("tags", [])]
    # Run in an empty folder, so that a notebook that writes files cannot touch the repository.
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for proof in proofs:
        lines = [line for line in "".join(output_texts(proof)).splitlines() if line.strip()]
        assert lines and all(line.startswith("[✓]") for line in lines), (
            f"a worked solution does not pass its check:\n{proof.source}\n{lines}"
        )


SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_slide_type_for_the_decks_and_the_live_slides(path):
    # make slides and jupyterlab-rise read the same metadata; e2e measures that no slide overflows
    cells = load(path).cells
    missing = [i for i, cell in enumerate(cells) if cell.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"cells without a slide type: {missing[:10]}"
    assert cells[0].metadata.slideshow.slide_type == "slide", "the title cell must start the first slide"
    solutions = [i for i, cell in enumerate(cells) if "solution" in cell.metadata.get("tags", [])]
    assert all(cells[i].metadata.slideshow.slide_type == "skip" for i in solutions), "worked solutions are not for slides"
    starts = sum(cell.metadata.slideshow.slide_type in ("slide", "subslide") for cell in cells)
    assert starts >= 8, f"only {starts} slides: one idea per slide"
