"""pytest settings for the notebooks when nbval runs them (``make test``): PyTorch is optional.

Without PyTorch (``pip install -e ".[torch]"`` adds it), notebook 14 cannot run, nor can a
cell tagged ``needs-torch`` in another notebook. Their nbval items are then reported as
skipped, with the reason, and a line at the end of the run says how many and why, instead
of failing on outputs that need PyTorch. With PyTorch installed (CI installs it), they run
and are compared like every other cell. With the environment variable REQUIRE_TORCH=1
(for CI), a missing PyTorch stops the run instead, so it cannot be skipped unnoticed.
"""

import os
from collections import Counter

import pytest

TORCH_NOTEBOOKS = {"14_pytorch.ipynb"}  # notebooks whose every cell needs PyTorch
TORCH_TAG = "needs-torch"  # a single cell that needs PyTorch, in any other notebook
REASON = "PyTorch is not installed: pip install -e '.[torch]' (CI installs torch==2.13.0)"


def torch_importable():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def needs_torch(item):
    if item.path.suffix != ".ipynb" or not hasattr(item, "cell"):  # not a notebook cell run by nbval
        return False
    return item.path.name in TORCH_NOTEBOOKS or TORCH_TAG in item.cell.metadata.get("tags", [])


def pytest_collectstart(collector):
    # nbval compares every stored output but PNG and JPEG pictures and widget ids; a widget's stored
    # animation (image/gif) is a picture too, drawn by Graphviz and matplotlib whose versions vary by machine.
    if hasattr(collector, "skip_compare") and "image/gif" not in collector.skip_compare:
        collector.skip_compare = (*collector.skip_compare, "image/gif")


def pytest_collection_modifyitems(config, items):
    if torch_importable():
        return
    if os.environ.get("REQUIRE_TORCH") == "1":
        raise pytest.UsageError(f"REQUIRE_TORCH=1, but {REASON}")
    for item in filter(needs_torch, items):
        item.add_marker(pytest.mark.skip(reason=REASON))


def pytest_terminal_summary(terminalreporter, config):
    # counted from the reports, which reach the main process also when pytest-xdist runs the notebooks in workers
    skipped = Counter(report.nodeid.split("::")[0].rsplit("/", 1)[-1]
                      for report in terminalreporter.stats.get("skipped", []) if REASON in str(report.longrepr))
    for name, count in skipped.items():
        cells = "cell" if count == 1 else "cells"
        terminalreporter.write_line(f"notebooks/{name}: {count} {cells} skipped: {REASON}", yellow=True)
