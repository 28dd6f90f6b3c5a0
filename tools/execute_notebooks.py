"""Re-execute notebooks in place, top to bottom, as `make notebooks` does.

Each runs in its own folder with the current environment's kernel; cells
tagged `raises-exception` may fail, any other error stops with the cell shown.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def main(paths):
    for name in paths:
        start = time.perf_counter()
        execute(Path(name))
        print(f"executed {name} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
