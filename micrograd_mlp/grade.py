"""Grade students' notebooks: ``python -m micrograd_mlp.grade SUBMISSION.ipynb [...] --csv grades.csv``.

For each submission the grader

1. finds its lesson: the course notebook whose name is in the file's name (``alice_01_derivatives.ipynb``),
   or else the one whose checks it imports (``from micrograd_mlp.exercises import derivatives as checks``);
2. removes every cell tagged ``solution`` (a worked solution turned back into a code cell does not run: the
   student is graded on what their own cells define);
3. rewrites each check call, ``checks.check_zero_slope(answer)``, found by parsing the cell, into a call of
   the grader's own copy of that check, so that the check runs where the student's check cell stands, on
   what the cells above it defined (``answer`` is reused by several exercises of a notebook);
4. runs the notebook in a fresh kernel, in an empty temporary folder, under a time limit per cell and for
   the whole notebook, and a memory limit where the system has one; a cell that raises does not stop it;
5. reads the verdicts the grader's checks wrote to a file whose name is drawn at random for this run.

The grade never comes from what a notebook prints: a student who prints ``[✓]``, redefines ``checks`` or
patches its module changes nothing, because the grader's copy of the checks is loaded privately, before
any of the student's code runs. An exercise whose check cell was deleted is checked after the last cell
when nothing after its check cell assigns what it checks again (``central_difference``); otherwise
(``answer``, reused by the next exercise) the value it had there cannot be known, and it is reported blank.

A check called twice counts its last call. A verdict other than right is replaced by the cause when a
cell between the previous check and this one raised (``error``) or was stopped (``timeout``): a crash
above the check is why it could not pass.

Python has no private memory, so code that patches what the checks rely on (a builtin, the package's
Value) or digs the grader's copy out of the kernel could still fool it; the grader lists such lines under
its table for a person to read (``tampering``), and a container keeps a submission from the files.

The grader writes one row per submission and exercise (``submission,notebook,exercise,result,message``),
prints a table, and exits 0; 2 when it cannot do its job (a bad path, a file that is not a notebook).
"""

import argparse
import ast
import csv
import functools
import hashlib
import importlib
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# nbformat and nbclient are imported where they are used: the kernel imports this module too, for
# install_private_checks, and needs neither (they cost seconds to import on a busy machine).

PACKAGE = Path(__file__).resolve().parent
COURSE = PACKAGE.parent / "notebooks"
RESULTS = ("right", "wrong", "blank", "error", "timeout")
CELL_SECONDS = 120  # far above any cell of the course (the slowest notebook runs in about 20 s)
NOTEBOOK_SECONDS = 600
MEMORY_MB = 4096  # address space, not resident memory: numpy and torch reserve far more than they use


class GraderError(Exception):
    """The grader cannot do its job (a bad path, a file that is not a course notebook): it stops with exit 2."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson, as the course notebook checks it: ``checks.<check>(<arguments>)``."""

    check: str  # the check's name in the lesson's module: "check_zero_slope"
    title: str  # as the check prints it: "zero slope"
    arguments: str  # the course's arguments, used when a student deleted the check cell: "answer"
    names: frozenset  # the names the arguments read: {"answer"}
    rebound_later: frozenset  # those of them that cells after the check cell assign again: {"answer"}


@dataclass(frozen=True)
class Lesson:
    """A course notebook: its name, the module of its checks, and its exercises in order."""

    notebook: str  # "01_derivatives"
    module: str  # "derivatives"
    exercises: tuple


@dataclass(frozen=True)
class Grade:
    """One row of the gradebook."""

    submission: str
    notebook: str
    exercise: str
    result: str
    message: str = ""


@dataclass(frozen=True)
class Trouble:
    """A cell that raised (``error``) or was stopped (``timeout``), or the end of a run cut short."""

    result: str
    message: str


# Reading notebooks and lessons (in the grader's own process: no student code runs here)


def is_solution(cell):
    """A worked solution is a cell tagged ``solution`` (in the course, a Markdown cell that is never run)."""
    return "solution" in cell.metadata.get("tags", [])


def without_solutions(notebook):
    """``notebook`` with every worked solution removed (the notebook is changed and returned)."""
    notebook.cells = [cell for cell in notebook.cells if not is_solution(cell)]
    return notebook


def read_notebook(path):
    """The notebook at ``path``, or a GraderError saying in one line why it cannot be read."""
    import nbformat

    path = Path(path)
    if not path.exists():
        raise GraderError(f"{path}: no such file")
    if not path.is_file():
        raise GraderError(f"{path}: not a file")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook, not text: the reason matters less than the file
        raise GraderError(f"{path}: not a Jupyter notebook ({type(error).__name__})") from None


def python_of(source):
    """A cell's code parsed as Python (IPython's ``%magic`` and ``!shell`` lines translated), or None."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None  # the kernel reports it when the cell runs


def imported_modules(notebook):
    """``{alias: module}`` for each ``from micrograd_mlp.exercises import <module> as <alias>`` in the notebook."""
    modules = {}
    for cell in notebook.cells:
        tree = python_of(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and node.module == "micrograd_mlp.exercises":
                modules.update({name.asname or name.name: name.name for name in node.names})
    return modules


def check_calls(tree, aliases):
    """The calls ``<alias>.check_…(…)`` in a parsed cell, whatever ``<alias>`` holds when the cell runs."""
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id in aliases
            and node.func.attr.startswith("check_")]


@functools.cache
def read_lesson(path):
    """The lesson of a course notebook: its checks' module and each check call, in order."""
    notebook = read_notebook(path)
    modules = imported_modules(notebook)
    if "checks" not in modules:
        raise GraderError(f"{path}: no 'from micrograd_mlp.exercises import … as checks' line")
    module = importlib.import_module(f"micrograd_mlp.exercises.{modules['checks']}")
    trees = [python_of(cell.source) for cell in notebook.cells if cell.cell_type == "code" and not is_solution(cell)]
    trees = [tree for tree in trees if tree]
    exercises = []
    for index, tree in enumerate(trees):
        bound_later = frozenset().union(*(bound_names(later) for later in trees[index + 1:]))
        for call in check_calls(tree, {"checks"}):
            arguments = ", ".join(ast.unparse(argument) for argument in call.args + call.keywords)
            names = frozenset(node.id for node in ast.walk(call) if isinstance(node, ast.Name)) - {"checks"}
            exercises.append(Exercise(call.func.attr, getattr(module, call.func.attr).title, arguments, names,
                                      names & bound_later))
    return Lesson(Path(path).stem, modules["checks"], tuple(exercises))


def bound_names(tree):
    """The names a parsed cell assigns: ``answer = …``, ``def central_difference``, ``class Value``, imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def course_notebooks(folder=COURSE):
    """The course's notebooks, by name (``"01_derivatives"``)."""
    paths = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise GraderError(f"{folder}: no course notebooks (NN_name.ipynb) here; give the folder with --course")
    return {path.stem: path for path in paths}


def find_lesson(path, notebook, course):
    """The course notebook a submission belongs to: named in its file name, or else the one whose checks it imports."""
    named = [name for name in course if name in Path(path).name]
    if named:
        return course[max(named, key=len)]
    imported = set(imported_modules(notebook).values())
    for course_path in course.values():
        if imported & set(imported_modules(read_notebook(course_path)).values()):
            return course_path
    raise GraderError(f"{path}: cannot tell which lesson this is: name the file like the course's notebook "
                      "(01_derivatives.ipynb) or keep its 'from micrograd_mlp.exercises import …' line")


INTERNALS = {"__builtins__", "__closure__", "__globals__", "f_globals", "f_back", "get_referrers", "get_objects"}


def tampering(notebook):
    """Lines of the student's cells that reach into the checks or into Python itself, to be read by a person.

    The grader cannot stop code that patches what its own checks rely on (a builtin, a module's function,
    the package's Value) or digs its copy out of memory, but it can point at it: ``["cell 4 changes
    builtins.abs", …]``. The course's own notebooks give none (tested).
    """
    trees = [(number, python_of(cell.source)) for number, cell in enumerate(notebook.cells, start=1)
             if cell.cell_type == "code" and not is_solution(cell)]
    trees = [(number, tree) for number, tree in trees if tree]
    imported = {(alias.asname or alias.name).split(".")[0] for _, tree in trees for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    checks = set(imported_modules(notebook))  # "checks": rebinding it changes nothing, but says what was tried
    found = [f"cell {number} {what}" for number, tree in trees for node in ast.walk(tree)
             for what in [tampered_with(node, imported, checks)] if what]
    return list(dict.fromkeys(found))


def tampered_with(node, imported, checks):
    """What ``node`` does to the checks or to Python (``"changes builtins.abs"``), or None."""
    if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in checks:
        return f"redefines {node.name}"
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in checks:
        return f"redefines {node.id}"
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)) and root_name(node) in imported:
        return f"changes {ast.unparse(node)}"  # checks.check_x = …, builtins.abs = …, Value.__add__ = …
    if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"setattr", "delattr"} and node.args
            and root_name(node.args[0]) in imported):
        return f"changes {ast.unparse(node.args[0])}"
    if getattr(node, "attr", None) in INTERNALS or getattr(node, "id", None) in INTERNALS:
        return f"uses {ast.unparse(node)}"
    return None


def root_name(node):
    """The name an expression such as ``a.b[0].c`` or ``f(x).y`` starts from (``a``, ``f``), or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


# Preparing a submission: its check calls pointed at the grader's checks


def rewrite_check_calls(source, cell_number, lesson, aliases, hook):
    """The cell's ``source`` with each of the lesson's check calls turned into ``hook(cell_number, name, arguments)``.

    The arguments are passed unevaluated, as ``lambda: ((answer,), {})``, so that an answer the student
    never defined becomes that exercise's error instead of stopping the cell. A cell without a check call
    is returned unchanged.
    """
    tree = python_of(source)
    checks = {exercise.check for exercise in lesson.exercises}
    calls = [call for call in check_calls(tree, aliases) if call.func.attr in checks] if tree else []
    if not calls:
        return source
    for call in calls:
        check = call.func.attr
        unevaluated = ast.Lambda(
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=ast.Tuple([ast.Tuple(call.args, ast.Load()),
                            ast.Dict([keyword.arg and ast.Constant(keyword.arg) for keyword in call.keywords],
                                     [keyword.value for keyword in call.keywords])], ast.Load()))
        call.func = ast.Name(hook, ast.Load())
        call.args = [ast.Constant(cell_number), ast.Constant(check), unevaluated]
        call.keywords = []
    return ast.unparse(ast.fix_missing_locations(tree))


def prepare(notebook, lesson, hook):
    """The submission as the grader runs it: ``[(cell number, source)]``, and the exercises left to the end.

    Cells are numbered as in the submitted file, from 1. An exercise whose check call is nowhere in the
    notebook gets a call after the last cell when no cell after its check cell (in the course) assigns
    what it checks again; the others are returned apart, to be reported blank.
    """
    aliases = {"checks"} | {alias for alias, module in imported_modules(notebook).items() if module == lesson.module}
    cells, called = [], set()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or is_solution(cell):
            continue
        tree = python_of(cell.source)
        called |= {call.func.attr for call in check_calls(tree, aliases)} if tree else set()
        cells.append((number, rewrite_check_calls(cell.source, number, lesson, aliases, hook)))
    deleted = [exercise for exercise in lesson.exercises if exercise.check not in called]
    at_the_end = [exercise for exercise in deleted if not exercise.rebound_later]
    if at_the_end:
        end = len(notebook.cells) + 1
        calls = "\n".join(f"checks.{exercise.check}({exercise.arguments})" for exercise in at_the_end)
        cells.append((end, rewrite_check_calls(calls, end, lesson, {"checks"}, hook)))
    unplaceable = [exercise for exercise in deleted if exercise not in at_the_end]
    return cells, unplaceable


# Inside the submission's kernel: the grader's checks, installed before any of the student's code runs


def install_private_checks(namespace, module, verdict_path, hook):
    """Put ``hook(cell_number, check, arguments)``, backed by a private copy of the checks, into ``namespace``.

    Runs first in the kernel. Each verdict is appended as one JSON line to ``verdict_path``, a file only the
    grader knows; the verdict line is printed too, so that the executed notebook reads as usual.
    """
    core, checks = load_private_copy(module)
    verdicts = open(verdict_path, "a", encoding="utf-8")
    as_json = json.dumps  # kept here: a student who patches json.dumps later cannot rewrite the verdicts

    def check_here(cell_number, check, arguments):
        title = getattr(checks, check).title
        try:
            args, kwargs = arguments()
        except NameError as error:  # the answer was never defined: its cell was deleted (or raised: see settle)
            verdict = core.Verdict(title, "blank", f"not answered: {error}")
        except Exception as error:
            verdict = core.Verdict(title, "error", f"its answer could not be read: {type(error).__name__}: {error}")
        else:
            verdict = getattr(checks, check).grade(*args, **kwargs)
        record = {"cell": cell_number, "check": check, "result": verdict.result, "message": verdict.message}
        verdicts.write(as_json(record) + "\n")
        verdicts.flush()
        print(verdict.line)

    namespace[hook] = check_here


def load_private_copy(module):
    """A fresh copy of the check core and of ``micrograd_mlp.exercises.<module>``, listed in no module table.

    The copy is imported under a random name beside ``micrograd_mlp.exercises`` (so that its ``..engine``
    is the package's own: the student's Values are the checks' Values), then dropped from ``sys.modules``.
    Whatever the student's code later does to ``micrograd_mlp.exercises``, these checks are not that module.
    """
    private = f"micrograd_mlp._grader_checks_{secrets.token_hex(8)}"
    folder = PACKAGE / "exercises"
    spec = importlib.util.spec_from_file_location(private, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    core = importlib.util.module_from_spec(spec)
    sys.modules[private] = core
    try:
        spec.loader.exec_module(core)
        checks = importlib.import_module(f"{private}.{module}")
    finally:
        for name in [name for name in sys.modules if name == private or name.startswith(private + ".")]:
            del sys.modules[name]
    return core, checks


# Running a submission


@dataclass(frozen=True)
class Limits:
    """How long a cell and a whole notebook may run, and how much memory a kernel may map (0: no limit)."""

    cell_seconds: int = CELL_SECONDS
    notebook_seconds: int = NOTEBOOK_SECONDS
    memory_mb: int = MEMORY_MB


@dataclass
class Run:
    """What happened when a submission ran: the verdicts in the order the checks ran, and what went wrong."""

    verdicts: list  # [{"cell", "check", "result", "message"}], as the grader's checks wrote them
    troubles: dict  # {cell number: Trouble} for each cell that raised or was stopped
    stop: Trouble = None  # why the run ended before the last cell, if it did


def memory_cap(megabytes):
    """A function for Popen's ``preexec_fn`` that caps the kernel's address space; None where it cannot (not Linux)."""
    if not megabytes or not sys.platform.startswith("linux"):
        return None
    import resource

    size = megabytes * 1024 * 1024

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return cap


def run_cells(cells, lesson, limits, folder, verdict_path, hook):
    """Run ``cells`` in a fresh kernel started in ``folder``, after the grader's checks are installed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    install = nbformat.v4.new_code_cell(f"from micrograd_mlp.grade import install_private_checks\n"
                                        f"install_private_checks(globals(), {lesson.module!r}, "
                                        f"{str(verdict_path)!r}, {hook!r})\ndel install_private_checks")
    notebook = nbformat.v4.new_notebook(cells=[install] + [nbformat.v4.new_code_cell(source) for _, source in cells])
    # A cell out of time is interrupted, and then not waited for (error_on_timeout), even if its code swallows
    # the interrupt: the cells after it wait behind it, and the notebook's own limit ends the run.
    client = NotebookClient(notebook, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, shutdown_kernel="immediate",
                            error_on_timeout={"ename": "Timeout", "evalue": "stopped", "traceback": []},
                            resources={"metadata": {"path": str(folder)}})
    # IPython's settings in the submission's own folder: no startup file one submission writes runs in another's kernel
    environment = {**os.environ, "IPYTHONDIR": str(folder / ".ipython")}
    run = Run([], {})
    number = 0
    try:
        # the kernel's own output goes nowhere: what the student's code writes to the terminal is not the grader's
        with client.setup_kernel(env=environment, preexec_fn=memory_cap(limits.memory_mb),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            client.execute_cell(install, 0, store_history=False)  # not in the kernel's history, In[…]
            if errors_in(install):
                raise GraderError(f"the grader's checks could not be installed in the kernel: {errors_in(install)}")
            deadline = time.monotonic() + limits.notebook_seconds  # from the first cell: a slow start is not theirs
            for index, (number, _) in enumerate(cells, start=1):
                seconds = int(min(limits.cell_seconds, deadline - time.monotonic()))
                if seconds < 1:
                    run.stop = Trouble("timeout", f"the notebook ran out of its {limits.notebook_seconds} s "
                                                  f"before cell {number}")
                    break
                trouble = run_cell(client, index, number, seconds)
                if trouble:
                    run.troubles[number] = trouble
    except DeadKernelError:
        run.stop = Trouble("error", f"Python stopped in cell {number} (the code ended it, or it used more "
                                    f"than {limits.memory_mb} MB of memory): nothing after it ran")
    except GraderError:
        raise
    except Exception as error:  # anything else is nbclient failing to start or reach the kernel: the grader's failure
        raise GraderError(f"could not run a Python kernel: {type(error).__name__}: {error}") from None
    run.verdicts = read_verdicts(verdict_path, lesson)
    return run


def run_cell(client, index, number, seconds):
    """Run the notebook's cell ``index`` (cell ``number`` of the submission) with a time limit; return its Trouble."""
    client.timeout = seconds
    cell = client.nb.cells[index]
    started = time.monotonic()
    client.execute_cell(cell, index)
    if time.monotonic() - started >= seconds:  # measured here: a student's exception cannot pass for a time-out
        return Trouble("timeout", f"cell {number} ran for more than {seconds} s and was stopped")
    if errors_in(cell):
        return Trouble("error", f"cell {number} raised {errors_in(cell)}")
    return None


def errors_in(cell):
    """The cell's first error as ``Name: message``, or an empty string."""
    errors = [output for output in cell.outputs if output.output_type == "error"]
    return f"{errors[0].ename}: {errors[0].evalue}" if errors else ""


def read_verdicts(path, lesson):
    """The verdicts the grader's checks wrote, in order; lines that are not the checks' own are skipped."""
    checks = {exercise.check for exercise in lesson.exercises}
    verdicts = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (isinstance(record, dict) and record.get("check") in checks and record.get("result") in RESULTS
                and isinstance(record.get("cell"), int) and isinstance(record.get("message"), str)):
            verdicts.append(record)
    return verdicts


# From a run to grades


def grade_run(submission, lesson, run, unplaceable):
    """One Grade per exercise of the lesson, in the course's order."""
    last = {}
    previous_cell = 0
    for record in run.verdicts:  # a check called twice: the last call counts
        last[record["check"]] = settle(record, run.troubles, previous_cell)
        previous_cell = record["cell"]
    grades = []
    for exercise in lesson.exercises:
        if exercise.check in last:
            result, message = last[exercise.check]
        elif exercise in unplaceable:
            result, message = "blank", (f"its check cell was deleted, and the notebook assigns "
                                        f"{', '.join(sorted(exercise.rebound_later))} again after it: put the "
                                        "check cell back where it was")
        elif run.stop:
            result, message = run.stop.result, run.stop.message
        else:
            result, message = "blank", "its check never ran (is its call inside a branch that was skipped?)"
        grades.append(Grade(str(submission), lesson.notebook, exercise.title, result, message))
    return grades


def settle(record, troubles, previous_cell):
    """A verdict's result and message; when it is not right, a cell that failed since the previous check is the cause.

    The check's own cell counts only when it was stopped: its time limit interrupted the check.
    """
    if record["result"] == "right":
        return "right", ""
    stopped_here = troubles.get(record["cell"], Trouble("", "")).result == "timeout"
    until = record["cell"] + 1 if stopped_here else record["cell"]
    since = [troubles[number] for number in sorted(troubles) if previous_cell < number < until]
    if since:
        return since[-1].result, since[-1].message
    return record["result"], record["message"]


def grade_submission(path, lesson, limits=Limits()):
    """Run one submission and grade it: a list of Grades, one per exercise of its lesson."""
    notebook = read_notebook(path)
    hook = f"_grader_{secrets.token_hex(8)}"  # a name no student's code can know before it runs
    cells, unplaceable = prepare(notebook, lesson, hook)
    with tempfile.TemporaryDirectory(prefix="grade-run-") as run_folder, \
            tempfile.TemporaryDirectory(prefix="grade-verdicts-") as verdict_folder:
        verdict_path = Path(verdict_folder) / f"{secrets.token_hex(16)}.jsonl"
        verdict_path.touch()
        run = run_cells(cells, lesson, limits, Path(run_folder), verdict_path, hook)
    return grade_run(path, lesson, run, unplaceable)


# The gradebook and the command line


def package_fingerprint():
    """A hash of every file of the package, to notice a submission that rewrites the checks on disk."""
    files = sorted(PACKAGE.rglob("*.py"))
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def write_csv(grades, path):
    """The gradebook: a header, then one row per submission and exercise."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["submission", "notebook", "exercise", "result", "message"])
        writer.writerows([grade.submission, grade.notebook, grade.exercise, grade.result, grade.message]
                         for grade in grades)


def summary(grades, notes):
    """A table per lesson (one row per submission, one column per exercise, the count of right answers),
    then the lines of code worth reading before trusting a grade (``notes``: {submission: [line]})."""
    lines = []
    for notebook in dict.fromkeys(grade.notebook for grade in grades):
        ours = [grade for grade in grades if grade.notebook == notebook]
        titles = list(dict.fromkeys(grade.exercise for grade in ours))
        submissions = list(dict.fromkeys(grade.submission for grade in ours))
        first = max(len(notebook), *(len(name) for name in submissions))
        widths = [max(len(title), len("timeout")) for title in titles]
        lines.append("  ".join([notebook.ljust(first), *(t.ljust(w) for t, w in zip(titles, widths)), "right"]))
        for submission in submissions:
            results = {grade.exercise: grade.result for grade in ours if grade.submission == submission}
            right = sum(result == "right" for result in results.values())
            lines.append("  ".join([submission.ljust(first), *(results[t].ljust(w) for t, w in zip(titles, widths)),
                                    f"{right}/{len(titles)}"]))
        lines.append("")
    if any(notes.values()):
        lines.append("Read these cells before trusting the grades above (they reach into the checks or into Python):")
        lines += [f"  {submission}: {'; '.join(found)}" for submission, found in notes.items() if found]
    return "\n".join(lines)


def parse_arguments(arguments):
    parser = argparse.ArgumentParser(prog="python -m micrograd_mlp.grade", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", nargs="+", type=Path, help="the students' notebooks (.ipynb)")
    parser.add_argument("--csv", type=Path,
                        help="write the gradebook here: submission,notebook,exercise,result,message")
    parser.add_argument("--course", type=Path, default=COURSE, help="the course's notebooks (default: %(default)s)")
    parser.add_argument("--cell-seconds", type=int, default=CELL_SECONDS, help="time limit of a cell (%(default)s)")
    parser.add_argument("--notebook-seconds", type=int, default=NOTEBOOK_SECONDS,
                        help="time limit of a whole notebook (%(default)s)")
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB,
                        help="address space of a kernel, on Linux; 0 for no limit (%(default)s)")
    return parser.parse_args(arguments)


def main(arguments=None):
    options = parse_arguments(arguments)
    limits = Limits(options.cell_seconds, options.notebook_seconds, options.memory_mb)
    try:
        if options.csv and not options.csv.resolve().parent.is_dir():
            raise GraderError(f"{options.csv}: its folder does not exist")
        course = course_notebooks(options.course)
        # every submission is read first: a bad path stops the grader before an hour of grading, not after
        work = [(path, find_lesson(path, read_notebook(path), course)) for path in options.submissions]
        before = package_fingerprint()
        grades, notes = [], {}
        for path, course_path in work:
            lesson = read_lesson(course_path)
            print(f"grading {path} ({lesson.notebook}) ...", file=sys.stderr, flush=True)
            grades += grade_submission(path, lesson, limits)
            notes[str(path)] = tampering(read_notebook(path))
            after = package_fingerprint()
            changed = [str(file) for file, digest in after.items() if before.get(file) != digest]
            if changed:  # the submission may have rewritten the checks that grade the next ones
                print(f"grade: warning: the course's files changed while {path} ran ({', '.join(changed)}): if it "
                      "changed them, restore them and grade again inside a container", file=sys.stderr)
            before = after
    except GraderError as error:
        print(f"grade: error: {error}", file=sys.stderr)
        return 2
    if options.csv:
        write_csv(grades, options.csv)
    print(summary(grades, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
