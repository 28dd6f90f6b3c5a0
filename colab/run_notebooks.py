"""Execute every notebook in this environment (make test-colab: Colab's versions) and check what it shows.

Each notebooks/NN_topic.ipynb is copied to a temporary folder and run there with nbclient (the committed
notebooks are never touched). A notebook passes when no cell raises (except cells tagged raises-exception)
and every widget it displays comes with a picture of itself beside the live view, as a notebook opened
without a kernel needs. Notebook 14 needs PyTorch: without it, it is reported as skipped, and a failure
with --require-torch.

    python colab/run_notebooks.py                 # every notebook
    python colab/run_notebooks.py --only 03 --only 10
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.util import find_spec
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
TORCH_NOTEBOOKS = {"14_pytorch.ipynb"}  # as in notebooks/conftest.py
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PICTURES = ("image/gif", "image/png", "image/svg+xml", "image/jpeg")


def widget_outputs(notebook):
    """(cell index, has a picture) for every output that shows a live widget."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                yield index, any(mime in data for mime in PICTURES)


def run(path, folder, timeout):
    """Problems found running ``path`` in ``folder`` (an empty list: it passed), how many widgets it showed, seconds."""
    start = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellExecutionError as error:
        last_line = re.sub(r"\x1b\[[0-9;]*m", "", str(error).strip().splitlines()[-1])  # without the terminal's colours
        return [last_line], 0, time.perf_counter() - start
    widgets = list(widget_outputs(notebook))
    problems = [f"cell {index}: a widget without its picture" for index, has_picture in widgets if not has_picture]
    return problems, len(widgets), time.perf_counter() - start


def main(argv=None):
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger warning from every kernel
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="only notebooks whose name contains this (repeatable)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks run at once (default: 2)")
    parser.add_argument("--require-torch", action="store_true", help="fail, rather than skip, notebook 14 without PyTorch")
    args = parser.parse_args(argv)

    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    paths = [path for path in paths if not args.only or any(part in path.name for part in args.only)]
    torch = find_spec("torch") is not None
    missing = [path.name for path in paths if path.name in TORCH_NOTEBOOKS] if not torch else []
    for name in missing:
        print(f"{'FAIL' if args.require_torch else 'SKIP'} {name}: PyTorch is not installed here", flush=True)
    paths = [path for path in paths if path.name not in missing]
    failed = []
    with tempfile.TemporaryDirectory(prefix="micrograd-colab-") as temp, ProcessPoolExecutor(args.jobs) as pool:
        copies = [shutil.copy2(path, Path(temp) / path.name) for path in paths]
        runs = pool.map(run, copies, [Path(temp)] * len(copies), [args.timeout] * len(copies))
        for path, (problems, widgets, seconds) in zip(paths, runs):  # in order, each as soon as it and those before are done
            shown = f", {widgets} widget(s) with their picture" if widgets and not problems else ""
            print(f"{'FAIL' if problems else 'PASS'} {path.name} in {seconds:.1f} s{shown}", flush=True)
            for problem in problems:
                print(f"     - {problem}", flush=True)
            if problems:
                failed.append(path.name)
    summary = f"notebooks: {len(paths) - len(failed)} of {len(paths)} ran without an error"
    if missing:
        summary += f"; {'failed' if args.require_torch else 'skipped'} without PyTorch: {', '.join(missing)}"
    print(summary)
    return 1 if failed or (missing and args.require_torch) else 0


if __name__ == "__main__":
    sys.exit(main())
