"""The notebooks' structure: order, badges, Colab set-up, stored outputs that render in JupyterLab.

nbval (in `make test`) re-executes them and compares outputs; these tests check
what nbval cannot: how they look when a fresh clone is opened without running.
"""

import re
from pathlib import Path

import nbformat
import pytest

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
def test_starts_with_a_colab_badge_linking_to_its_own_path(path):
    first = load(path).cells[0]
    assert first.cell_type == "markdown"
    links = re.findall(r"https://colab\.research\.google\.com/github/([^)\s\"]+)", first.source)
    assert links == [f"{REPOSITORY}/blob/main/notebooks/{path.name}"]


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
def test_has_exercises_with_hidden_worked_solutions(path):
    cells = load(path).cells
    solutions = [cell for cell in cells if "solution" in cell.metadata.get("tags", [])]
    assert solutions, "no cell tagged solution"
    for cell in solutions:
        assert cell.cell_type == "code"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True  # collapsed in JupyterLab
        assert cell.metadata.get("cellView") == "form" and cell.source.startswith("#@title")  # hidden in Colab
    assert any("check(" in cell.source for cell in cells if cell.cell_type == "code")
