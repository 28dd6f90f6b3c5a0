"""The widgets in the classic Notebook with ipywidgets 7: Google Colab's generation, run from .venv-colab.

`make test-colab` (colab/check.sh) builds .venv-colab with Colab's versions: Notebook 6.5.7,
ipywidgets 7.7.1 and widgetsnbextension 3.6.10. tests/e2e/run.py starts that Notebook server (the
kernel is the same environment's) and, for the notebooks of CLASSIC_NOTEBOOKS, opens each in Chromium,
runs it with Cell > Run All, checks that no cell shows an error or a widget that could not be drawn,
and drives the stepper and the playground with the same drivers as in JupyterLab
(tests/e2e/drive_stepper.py, drive_playground.py). Screenshots go to build/e2e/classic/.

Opened as stored (untrusted, as a fresh clone), a widget's output must show its picture: widgetsnbextension 3
draws only trusted outputs, so the classic Notebook falls back to the GIF beside the widget view instead of
writing that the widget could not be displayed (<notebook>-stored.png).
"""

import json
import re
import time
import urllib.parse
from pathlib import Path

COLAB_VENV = Path(__file__).resolve().parents[2] / ".venv-colab"
CLASSIC_NOTEBOOKS = ["03_backprop_by_hand.ipynb", "10_playground.ipynb"]
# what widgetsnbextension 3 writes where it cannot draw a widget
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_FAILURES = re.compile(r"A Jupyter widget could not be displayed|Error rendering Jupyter widget|Error displaying widget")

VERSIONS = """import importlib.metadata as m, json
print(json.dumps({name: m.version(name) for name in ("notebook", "ipywidgets", "widgetsnbextension", "ipykernel")}))"""

READY_JS = """() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded
    && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())"""

# counts the code cells that finish running (the stored notebook already shows execution counts)
COUNT_JS = """() => {
    window.__e2e = {done: 0};
    Jupyter.notebook.events.on('finished_execute.CodeCell', () => { window.__e2e.done += 1; });
}"""

STATE_JS = """() => {
    const cells = Jupyter.notebook.get_cells().filter(cell => cell.cell_type === 'code' && cell.get_text().trim());
    const outputs = [...document.querySelectorAll('.output_area')];
    return {
        runnable: cells.length,
        done: window.__e2e ? window.__e2e.done : 0,
        numbered: cells.filter(cell => Number.isInteger(cell.input_prompt_number)).length,
        running: cells.filter(cell => cell.input_prompt_number === '*').length,
        busy: Jupyter.notebook.kernel_busy,
        texts: outputs.map(e => e.innerText),
        pictures: [...document.querySelectorAll('.output_area img')].filter(i => i.complete && i.naturalWidth > 0).length,
        images: [...document.querySelectorAll('.output_area img')].filter(i => !(i.complete && i.naturalWidth > 0)).length,
    };
}"""


def server_command(server, root_dir):
    """The classic Notebook server of .venv-colab, for run.JupyterLab to start in place of JupyterLab."""
    return [
        str(COLAB_VENV / "bin" / "python"), "-m", "notebook",
        "--no-browser",
        "--NotebookApp.ip=127.0.0.1",
        f"--NotebookApp.port={server.port}",
        "--NotebookApp.port_retries=0",
        f"--NotebookApp.token={server.token}",
        f"--NotebookApp.notebook_dir={root_dir}",
    ]  # fmt: skip


def versions():
    """Notebook, ipywidgets, widgetsnbextension and ipykernel in .venv-colab, or None when it is not there."""
    import subprocess

    python = COLAB_VENV / "bin" / "python"
    if not python.exists():
        return None
    return json.loads(subprocess.run([str(python), "-c", VERSIONS], capture_output=True, text=True, check=True).stdout)


def check(context, server, path, shots, timeout, drivers, result, notebook_page, drive_widgets):
    """Open ``path`` in the classic Notebook, as stored and after Run All; drive its widgets; record problems in ``result``.

    ``notebook_page`` and ``drive_widgets`` are run.py's, shared with the JupyterLab check."""
    name = path.name
    stem = path.stem
    with notebook_page(context, server, result, stem, shots) as page:
        page.goto(f"{server.url}/notebooks/{urllib.parse.quote(name)}?token={server.token}", timeout=60_000)
        page.wait_for_function(READY_JS, timeout=timeout * 1000, polling=200)
        time.sleep(1.0)  # the stored pictures load
        stored = page.evaluate(STATE_JS)
        widgets = sum(WIDGET_VIEW in output.get("data", {}) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                      for output in cell.get("outputs", []))  # fmt: skip
        failures = [text.strip()[:80] for text in stored["texts"] if WIDGET_FAILURES.search(text)]
        result.notes.append(f"stored: {stored['pictures']} pictures loaded, {widgets} widget(s)")
        result.check(not failures, f"stored: a widget shown as text instead of its picture: {failures[:1]}")
        screenshot(page, shots / f"{stem}-stored.png")

        started = time.perf_counter()
        page.evaluate(COUNT_JS)
        page.locator("#menubar a.dropdown-toggle", has_text=re.compile(r"^\s*Cell\s*$")).click()
        page.locator("#run_all_cells a").click()
        state = wait_until_run(page, timeout)
        cells = page.evaluate("() => Jupyter.notebook.toJSON().cells")
        errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, cell in enumerate(cells)
                  for o in cell.get("outputs", []) if o.get("output_type") == "error"]  # fmt: skip
        failures = [text.strip()[:80] for text in state["texts"] if WIDGET_FAILURES.search(text)]
        fallbacks = [text.strip()[:80] for text in state["texts"] if re.search(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>", text)]
        result.notes.append(f"run: {state['done']}/{state['runnable']} cells in {time.perf_counter() - started:.1f} s, {len(errors)} errors")
        result.check(state["done"] == state["runnable"], f"run: {state['done']} of {state['runnable']} code cells ran")
        result.check(not errors, f"run: errors {errors[:3]}")
        result.check(not failures, f"run: a widget shown as text: {failures[:1]}")
        result.check(not fallbacks, f"run: text instead of a picture: {fallbacks[:1]}")
        result.check(state["images"] == 0, f"run: {state['images']} pictures did not load")
        screenshot(page, shots / f"{stem}-run.png")

        drive_widgets(page, name, stem, shots, drivers, result)
    return result.finish()


def wait_until_run(page, timeout):
    """Until every code cell has run and the kernel is idle (or an error stopped Run All)."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS)
        quiet = not state["busy"] and state["running"] == 0
        if quiet and state["done"] >= state["runnable"]:
            return state
        quiet_since = (quiet_since or time.monotonic()) if quiet else None
        if quiet_since and time.monotonic() - quiet_since > 5:  # stopped early: an error ends Run All
            return state
        time.sleep(0.25)
    raise TimeoutError(f"the run did not finish within {timeout:.0f} s")


def screenshot(page, path):
    """The whole notebook: the classic Notebook scrolls inside #site, so the viewport is made as tall as its content."""
    height = page.evaluate("() => document.querySelector('#notebook').scrollHeight + document.querySelector('#header').offsetHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height), 30000)})
    try:
        time.sleep(0.5)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
