"""Write the student edition of the course, as `make student` does: the notebooks without their worked solutions.

Every notebook in notebooks/ is copied to build/student/ (or the folder given as
the first argument) with each cell tagged `solution` removed, and nothing else
changed: the outputs stay as stored, so a student reads the course before running
anything, and the check cells show "not answered yet". Hand out this folder when
the exercises are homework, and grade what comes back with `python -m
micrograd_mlp.grade` (TEACHING.md, "Marking").
"""

import sys
from pathlib import Path

import nbformat

from micrograd_mlp.grade import without_solutions  # the grader removes the same cells before it runs a notebook

COURSE = Path(__file__).resolve().parent.parent / "notebooks"


def write_student_edition(destination):
    """Write each course notebook, without its solutions, into ``destination``; return the paths written."""
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(COURSE.glob("[0-9][0-9]_*.ipynb")):
        notebook = without_solutions(nbformat.read(source, as_version=4))
        target = destination / source.name
        nbformat.write(notebook, target)
        written.append(target)
    return written


def main(arguments):
    destination = Path(arguments[0]) if arguments else Path("build/student")
    written = write_student_edition(destination)
    print(f"wrote {len(written)} notebooks without their worked solutions to {destination}/")


if __name__ == "__main__":
    main(sys.argv[1:])
