"""The grader (micrograd_mlp.grade) on submissions made for the purpose.

Each submission is notebook 01 without its plots (they cost seconds and grade nothing), changed the way a
student might: answered right or wrong, with code that crashes or loops, with the checks tampered with,
with the worked solutions turned into code cells (and nothing answered), or with check cells deleted and
moved. One run of the command line grades them all (a kernel each: 20-30 s on two quiet cores, about 70 s
on busy ones), and each test reads its rows.
"""

import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from micrograd_mlp import grade
from micrograd_mlp.exercises import derivatives

COURSE_NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_derivatives.ipynb"
TITLES = [check.title for check in (derivatives.check_zero_slope, derivatives.check_central_difference,
                                    derivatives.check_predicted_d, derivatives.check_product_gradient)]
CELL_SECONDS = 4  # the looping submission's cell is stopped after this long


def course():
    """Notebook 01 without the cells that draw, and without matplotlib."""
    notebook = nbformat.read(COURSE_NOTEBOOK, as_version=4)
    notebook.cells = [cell for cell in notebook.cells if not (cell.cell_type == "code" and "plt." in cell.source)]
    for cell in notebook.cells:
        cell.source = cell.source.replace("import matplotlib.pyplot as plt\n", "")
    return notebook


def exercises(notebook):
    """``[(stub cell, check cell, solution cell)]``: each exercise's three cells, in order."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if grade.is_solution(cell):
            code = [c for c in notebook.cells[:index] if c.cell_type == "code"]
            found.append((code[-2], code[-1], cell))
    return found


def solution_code(cell):
    return re.search(r"```python\n(.*?)```", cell.source, re.S).group(1)


def answered(notebook, answers):
    """``notebook`` with each stub replaced by the code in ``answers`` (by check name) or by its worked solution."""
    for stub, check, solution in exercises(notebook):
        name = re.search(r"checks\.(check_\w+)", check.source).group(1)
        stub.source = answers.get(name, solution_code(solution))
    return notebook


def cell_calling(notebook, check_name):
    return next(cell for cell in notebook.cells if f"checks.{check_name}(" in cell.source)


def submissions():
    """The submissions, by file name: what a class of six might hand in."""
    made = {"right_01_derivatives.ipynb": answered(course(), {})}

    made["wrong_01_derivatives.ipynb"] = answered(course(), {
        "check_zero_slope": "answer = 4 / 3",
        "check_central_difference": "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h",
    })

    made["crash_loop_01_derivatives.ipynb"] = answered(course(), {
        "check_central_difference": "def central_difference(f, x, h=1e-5):\n    return 1 / 0",
        "check_predicted_d": "answer = {}['d']",
        "check_product_gradient": "answer = [1.0, 2.0, 3.0]\nwhile True:\n    pass",
    })

    tampered = course()  # not one answer, and the usual ways to make the checks say [✓] without one
    tampered.cells.insert(3, nbformat.v4.new_code_cell(
        "import micrograd_mlp.exercises as core\n"
        "import micrograd_mlp.exercises.derivatives as lesson\n"
        "core.Check.grade = lambda self, *a, **k: core.Verdict(self.title, 'right')\n"
        "lesson.check_central_difference = lambda *a: print('[✓] central difference: correct!')\n"
        "import json\n"
        "real_dumps = json.dumps\n"
        "json.dumps = lambda thing, **options: real_dumps(\n"
        "    {**thing, 'result': 'right'} if isinstance(thing, dict) and 'check' in thing else thing, **options)\n"
        "class checks:\n"
        "    check_zero_slope = staticmethod(lambda answer: print('[✓] zero slope: correct!'))\n"
        "print('[✓] predicted d: correct!')\n"
        "import os\n"
        "os.write(1, b'tampered.ipynb  right  right  right  right  4/4\\n')  # into the grader's own table?"))
    made["tampered.ipynb"] = tampered  # no lesson in its name: found by its import line

    pasted = course()  # the worked solutions turned into code cells, the stubs left as they were
    for *_, solution in exercises(pasted):
        solution.cell_type, solution.source = "code", solution_code(solution)
        solution.outputs, solution.execution_count = [], None
    made["pasted_01_derivatives.ipynb"] = pasted

    moved = answered(course(), {})  # check cells deleted, one exercise moved above the one before it
    moved.cells.remove(cell_calling(moved, "check_zero_slope"))
    moved.cells.remove(cell_calling(moved, "check_central_difference"))
    product_stub, product_check, _ = exercises(moved)[-1]
    moved.cells.remove(product_stub)
    moved.cells.remove(product_check)
    predicted_stub = moved.cells.index(cell_calling(moved, "check_predicted_d")) - 1
    moved.cells[predicted_stub:predicted_stub] = [product_stub, product_check]
    made["moved_01_derivatives.ipynb"] = moved
    return made


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every submission graded by one run of the command line: ``(rows by submission, exit code, output)``."""
    folder = tmp_path_factory.mktemp("submissions")
    for name, notebook in submissions().items():
        nbformat.write(notebook, folder / name)
    names = sorted(path.name for path in folder.glob("*.ipynb"))
    finished = subprocess.run([sys.executable, "-m", "micrograd_mlp.grade", *names, "--csv", "grades.csv",
                               "--cell-seconds", str(CELL_SECONDS)],
                              cwd=folder, capture_output=True, text=True, timeout=600)
    rows = {}
    with open(folder / "grades.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            rows.setdefault(row["submission"], {})[row["exercise"]] = row
    return rows, finished.returncode, finished.stdout


def results(graded, submission):
    return [graded[0][submission][title]["result"] for title in TITLES]


def message(graded, submission, title):
    return graded[0][submission][title]["message"]


def test_every_submission_gets_one_row_per_exercise_and_the_grader_exits_0(graded):
    rows, code, _ = graded
    assert code == 0
    assert len(rows) == 6
    for submission, by_title in rows.items():
        assert list(by_title) == TITLES, submission
        assert {row["notebook"] for row in by_title.values()} == {"01_derivatives"}
        assert {row["result"] for row in by_title.values()} <= set(grade.RESULTS)


def test_worked_solutions_are_right(graded):
    assert results(graded, "right_01_derivatives.ipynb") == ["right"] * 4


def test_a_wrong_answer_is_wrong_with_the_checks_message(graded):
    assert results(graded, "wrong_01_derivatives.ipynb") == ["wrong", "wrong", "right", "right"]
    assert "6x" in message(graded, "wrong_01_derivatives.ipynb", "zero slope")
    assert "forward difference" in message(graded, "wrong_01_derivatives.ipynb", "central difference")


def test_crashes_are_errors_and_a_loop_a_timeout_and_the_rest_is_still_graded(graded):
    submission = "crash_loop_01_derivatives.ipynb"
    assert results(graded, submission) == ["right", "error", "error", "timeout"]
    assert "ZeroDivisionError" in message(graded, submission, "central difference")
    assert "raised KeyError" in message(graded, submission, "predicted d")  # the answer cell crashed, not the check
    assert f"more than {CELL_SECONDS} s" in message(graded, submission, TITLES[3])


def test_tampering_with_the_checks_or_printing_ticks_gains_nothing_and_is_pointed_at(graded):
    assert results(graded, "tampered.ipynb") == ["blank"] * 4
    *_, output = graded
    pointed_at = next(line for line in output.splitlines() if line.strip().startswith("tampered.ipynb:"))
    for what in ["changes core.Check.grade", "changes lesson.check_central_difference", "changes json.dumps",
                 "redefines checks"]:
        assert what in pointed_at
    assert sum(":" in line and line.startswith("  ") for line in output.splitlines()) == 1  # no one else
    assert "4/4" not in next(line for line in output.splitlines() if line.startswith("tampered.ipynb"))
    assert output.count("tampered.ipynb ") == 1


@pytest.mark.parametrize("code, found", [
    ("import builtins\nbuiltins.abs = lambda x: 0", "cell 1 changes builtins.abs"),
    ("__builtins__.abs = lambda x: 0", "cell 1 uses __builtins__"),
    ("import sys\nsetattr(sys.modules['micrograd_mlp.exercises'], 'call', None)",
     "cell 1 changes sys.modules['micrograd_mlp.exercises']"),
    ("import gc\nfor thing in gc.get_objects():\n    pass", "cell 1 uses gc.get_objects"),
    ("def check(f):\n    return f.__closure__", "cell 1 uses f.__closure__"),
])
def test_code_that_reaches_into_python_is_pointed_at(code, found):
    assert grade.tampering(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])) == [found]


def test_the_course_itself_is_not_pointed_at():
    """Reading sys.modules (the Colab cell), plt.rcParams[...] = and the like are no tampering."""
    for path in sorted(COURSE_NOTEBOOK.parent.glob("[0-9][0-9]_*.ipynb")):
        assert grade.tampering(nbformat.read(path, as_version=4)) == [], path.name


def test_worked_solutions_turned_into_code_cells_are_not_run_so_the_stubs_are_blank(graded):
    assert results(graded, "pasted_01_derivatives.ipynb") == ["blank"] * 4
    assert "not answered yet" in message(graded, "pasted_01_derivatives.ipynb", "zero slope")


def test_deleted_and_moved_check_cells(graded):
    submission = "moved_01_derivatives.ipynb"
    # nothing after its check cell assigns central_difference again: checked after the last cell.
    # The next exercise assigns answer again: which value zero slope meant cannot be known, so blank.
    assert results(graded, submission) == ["blank", "right", "right", "right"]
    assert "check cell was deleted, and the notebook assigns answer again" in message(graded, submission, "zero slope")


def test_the_summary_has_a_row_per_submission_with_its_count_of_right_answers(graded):
    *_, output = graded
    lines = output.splitlines()
    assert lines[0].split()[0] == "01_derivatives"
    assert any(line.startswith("right_01_derivatives.ipynb") and line.endswith("4/4") for line in lines)
    assert any(line.startswith("tampered.ipynb") and line.endswith("0/4") for line in lines)


def test_a_bad_path_or_a_file_that_is_not_a_notebook_stops_the_grader_with_exit_2(tmp_path, capsys):
    assert grade.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "missing.ipynb: no such file" in capsys.readouterr().err
    (tmp_path / "essay_01_derivatives.ipynb").write_text("Dear professor, ...")
    assert grade.main([str(tmp_path / "essay_01_derivatives.ipynb")]) == 2
    error = capsys.readouterr().err
    assert "not a Jupyter notebook" in error
    assert len(error.strip().splitlines()) == 1


def test_a_deleted_check_is_run_at_the_end_only_if_nothing_after_it_assigns_what_it_checks():
    lesson = grade.read_lesson(COURSE_NOTEBOOK)
    assert [sorted(exercise.rebound_later) for exercise in lesson.exercises] == [["answer"], [], ["answer"], []]


def test_the_student_edition_is_the_course_without_its_worked_solutions(tmp_path):
    tool = Path(__file__).resolve().parent.parent / "tools" / "student_edition.py"
    subprocess.run([sys.executable, str(tool), str(tmp_path)], check=True, capture_output=True)
    course_paths = sorted(COURSE_NOTEBOOK.parent.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(path.name for path in tmp_path.glob("*.ipynb")) == [path.name for path in course_paths]
    for path in course_paths:
        original, handed_out = (nbformat.read(p, as_version=4) for p in (path, tmp_path / path.name))
        assert not any(grade.is_solution(cell) or "Worked solution" in cell.source for cell in handed_out.cells)
        assert handed_out.cells == [cell for cell in original.cells if not grade.is_solution(cell)], path.name


def test_a_check_call_becomes_a_call_of_the_graders_hook_with_its_arguments_unevaluated():
    lesson = grade.read_lesson(COURSE_NOTEBOOK)
    source = "x = 1\nchecks.check_predicted_d(answer, extra=2)"
    rewritten = grade.rewrite_check_calls(source, 7, lesson, {"checks"}, "_hook")
    assert rewritten == "x = 1\n_hook(7, 'check_predicted_d', lambda: ((answer,), {'extra': 2}))"
    assert grade.rewrite_check_calls("print(1)", 7, lesson, {"checks"}, "_hook") == "print(1)"
