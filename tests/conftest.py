"""Fixtures shared by the package's tests."""

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config


@pytest.fixture
def notebook_cell():
    """Run a cell ending in a widget in an IPython shell, as a notebook's kernel does; return what it displayed.

    The same for ipywidgets 7 and 8: each displays widgets through a method the other lacks, so the
    test goes through IPython's own display, not a method of the widget.
    """
    config = Config()
    config.HistoryManager.enabled = False  # no history file written by the tests
    shell = InteractiveShell.instance(config=config)

    def run(widget):
        shell.user_ns["widget"] = widget
        with capture_output() as captured:
            result = shell.run_cell("widget")
        result.raise_error()
        return [output.data for output in captured.outputs]

    yield run
    InteractiveShell.clear_instance()
