"""End-to-end: every notebook in a real JupyterLab, and the built site, driven by a real Chromium.

`make e2e` runs this after `make site`. For each notebooks/NN_topic.ipynb it

1. opens the notebook as stored, without running it, in a new browser tab of
   a JupyterLab started for the run (on a copy of the notebooks in a
   temporary folder, with fresh Jupyter config, data, runtime and settings
   folders: nothing of the user's leaks in, the repository is never modified,
   and the notebook is untrusted as in a fresh clone) and checks that every
   stored picture shows as a loaded <img> (as many as the .ipynb stores), that
   no `<... at 0x...>` text stands where a picture belongs, and that every
   stored widget output carries a picture of itself (without a kernel the live
   widget cannot show, so the picture is what a fresh clone displays);
2. runs it with Run > Run All Cells from the menu, waits until every code cell
   has run and the kernel is idle, and checks that no cell shows an error
   (except cells tagged raises-exception) and that the pictures are there;
3. drives its live widgets: every tests/e2e/drive_*.py module whose
   `NOTEBOOKS` (a list of notebook file names) holds this notebook's name has
   its `drive(page, notebook, screenshot_dir)` called, with the page showing
   the notebook after Run All, the notebook's file name and the screenshot
   folder; it clicks and checks, and raises AssertionError to fail;

then opens build/site through a local web server and checks that the index
lists every lesson and that each lesson page shows its pictures and typeset
maths, with every request answered from the site itself (no CDN, no web font);
then opens each slide deck (build/site/slides, tests/e2e/decks.py) the same way:
ready, one slide per slide/subslide cell, pictures, maths, no overflowing slide,
the arrow keys and the speaker view; and the first notebook presented live in
JupyterLab by jupyterlab-rise.

Full-page screenshots go to build/e2e/. One line per notebook and per site
check; exits non-zero on any failure. Chromium is the system one
(Debian/Ubuntu: apt-get install chromium chromium-driver); Playwright only
drives it and needs no browser download.

    python tests/e2e/run.py                      # all notebooks, then the site
    python tests/e2e/run.py --only 03 --no-site --no-slides  # one notebook
    python tests/e2e/run.py --only 03 --no-notebooks --no-site  # one deck (after make site)
    python tests/e2e/run.py --check-browser      # only say whether Chromium is there
"""

import argparse
import contextlib
import functools
import http.server
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import classic
import decks

ROOT = Path(__file__).resolve().parents[2]


def _notebook_settings():
    """notebooks/conftest.py, where the notebooks that need the optional PyTorch are named (one list for nbval and e2e)."""
    spec = importlib.util.spec_from_file_location("notebook_settings", ROOT / "notebooks" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NOTEBOOK_SETTINGS = _notebook_settings()
HAS_TORCH = NOTEBOOK_SETTINGS.torch_importable()  # the lab's kernel runs in this same Python
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
INSTALL_CHROMIUM = """\
make e2e needs Chromium, which was not found (looked for {where}).
Install it with the system's package manager:
  Debian/Ubuntu:  sudo apt-get install chromium chromium-driver
or point E2E_CHROMIUM at a Chromium or Chrome executable. (Playwright's own
browser download, `playwright install`, is not used.)"""
FALLBACK_REPR = re.compile(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>")
# the badges of a notebook's first cell, answered with the site's copies (the machine is offline here)
LOCAL_BADGES = {
    "https://colab.research.google.com/assets/colab-badge.svg": ROOT / "site" / "_static" / "colab-badge.svg",
    "https://mybinder.org/badge_logo.svg": ROOT / "site" / "_static" / "binder-badge.svg",
}
PICTURE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 30000
JUPYTERLAB_SETTINGS = {
    # every cell in the DOM, so a full-page screenshot shows every cell
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none", "scrollPastEnd": False},
    # no "Would you like to get notified about official Jupyter news?" toast, no update check
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def find_chromium():
    """The Chromium executable: $E2E_CHROMIUM, else the first of CHROMIUM_CANDIDATES found."""
    wanted = os.environ.get("E2E_CHROMIUM")
    for name in [wanted] if wanted else CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium():
    chromium = find_chromium()
    if chromium is None:
        where = os.environ.get("E2E_CHROMIUM") or ", ".join(CHROMIUM_CANDIDATES)
        print(INSTALL_CHROMIUM.format(where=where), file=sys.stderr)
        sys.exit(2)
    return chromium


# ---------------------------------------------------------------- notebooks as stored

def facts(cells):
    """What a notebook's cells (nbformat JSON) hold: pictures, runnable cells, errors outside raises-exception."""
    pictures, runnable, shown, counted, errors, fallbacks, bare_widgets = 0, 0, 0, 0, [], [], []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        metadata = cell.get("metadata", {})
        if source.strip():
            runnable += 1
            shown += not metadata.get("jupyter", {}).get("source_hidden", False)
            counted += cell.get("execution_count") is not None
        tags = metadata.get("tags", [])
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if any(mime in data for mime in PICTURE_MIMES):
                pictures += 1
            if output.get("output_type") == "error" and "raises-exception" not in tags:
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            text = data.get("text/plain", "") if data else output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            if FALLBACK_REPR.search(text) and not any(mime in data for mime in PICTURE_MIMES):
                fallbacks.append(f"cell {index}: {FALLBACK_REPR.search(text).group(0)}")
            if WIDGET_MIME in data and not any(mime in data for mime in PICTURE_MIMES):
                bare_widgets.append(f"cell {index}: {text[:60]!r}")
    return {"pictures": pictures, "runnable": runnable, "shown": shown, "counted": counted, "errors": errors,
            "fallbacks": fallbacks, "bare_widgets": bare_widgets}  # fmt: skip


def load_drivers(folder=Path(__file__).parent):
    """The modules tests/e2e/drive_*.py, each with NOTEBOOKS (file names) and drive(page, notebook, screenshot_dir)."""
    drivers = []
    for path in sorted(folder.glob("drive_*.py")):
        spec = importlib.util.spec_from_file_location(f"e2e_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not isinstance(getattr(module, "NOTEBOOKS", None), (list, tuple)) or not callable(getattr(module, "drive", None)):
            raise SystemExit(f"{path}: a driver needs NOTEBOOKS (a list of notebook file names) and drive(page, notebook, screenshot_dir)")
        drivers.append(module)
    return drivers


# ---------------------------------------------------------------- JupyterLab server

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """JupyterLab on 127.0.0.1 with a random port and token, in its own process group and temporary folders."""

    def __init__(self, root_dir, home, command=None):
        self.root_dir = root_dir
        self.command = command or jupyterlab_command  # (server, root_dir) -> the command that starts the server
        self.home = home
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.process = None
        self.log_path = home / "jupyterlab.log"
        home.mkdir(parents=True, exist_ok=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def environment(self):
        env = dict(os.environ)
        folders = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
            "IPYTHONDIR": "ipython",
        }
        for variable, name in folders.items():
            (self.home / name).mkdir(parents=True, exist_ok=True)
            env[variable] = str(self.home / name)
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        for name, settings in JUPYTERLAB_SETTINGS.items():
            path = self.home / "lab-settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings), encoding="utf-8")
        return env

    def start(self, timeout=90):
        command = self.command(self, self.root_dir)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            command, env=self.environment(), cwd=self.root_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                self.api("GET", "/api/status")
                return self
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.log_tail()}")

    def api(self, method, path):
        request = urllib.request.Request(self.url + path, method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """End every session and kernel (the notebook's kernel once its check is over)."""
        with contextlib.suppress(OSError, ValueError):
            for session in self.api("GET", "/api/sessions") or []:
                with contextlib.suppress(OSError):
                    self.api("DELETE", f"/api/sessions/{session['id']}")
            for kernel in self.api("GET", "/api/kernels") or []:
                with contextlib.suppress(OSError):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self):
        """Stop JupyterLab by its own process group: SIGTERM (kernels shut down with it), then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        self.shut_down_kernels()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def log_tail(self, lines=40):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        return ""


def jupyterlab_command(server, root_dir):
    return [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={server.port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip


# ---------------------------------------------------------------- in the browser

PANEL_JS = """(name) => {
    const app = window.jupyterapp;
    if (!app) return null;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context && widget.context.path === name && widget.content && widget.content.model) return widget;
    }
    return null;
}"""

LOADED_JS = """([name, cells]) => {
    const find = %s;
    const panel = find(name);
    if (!panel || !panel.context.isReady) return false;
    return panel.node.querySelectorAll('.jp-Notebook .jp-Cell').length === cells;
}""" % PANEL_JS

KERNEL_READY_JS = """async (name) => {
    const panel = (%s)(name);
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel) return 'no kernel';
    window.__e2e = {inputs: 0};
    panel.sessionContext.iopubMessage.connect((_, message) => {
        if (message.header.msg_type === 'execute_input') window.__e2e.inputs += 1;
    });
    window.jupyterapp.shell.collapseLeft();
    return kernel.name;
}""" % PANEL_JS

STATE_JS = """(name) => {
    const panel = (%s)(name);
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim());
    const images = [...panel.node.querySelectorAll('.jp-OutputArea-output img')];
    const outputs = [...panel.node.querySelectorAll('.jp-OutputArea-output')];
    return {
        kernel: kernel ? kernel.status : 'none',
        indicator: (panel.node.querySelector('.jp-Notebook-ExecutionIndicator') || {dataset: {}}).dataset.status || null,
        inputs: window.__e2e ? window.__e2e.inputs : 0,
        running: prompts.filter(text => text.includes('*')).length,
        numbered: [...panel.node.querySelectorAll('.jp-CodeCell')]
            .filter(cell => !cell.querySelector('.jp-InputPlaceholder'))  // a hidden source hides its prompt too
            .filter(cell => /^\\[\\d+\\]:?$/.test((cell.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim())).length,
        images: images.length,
        loaded: images.filter(image => image.complete && image.naturalWidth > 0).length,
        pending: images.filter(image => !image.complete).length,
        texts: outputs.map(e => e.innerText).filter(text => /<[\\w.]+ (object )?at 0x[0-9a-fA-F]+>/.test(text)),
        maths: panel.node.querySelectorAll('.jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax').length,
    };
}""" % PANEL_JS

MODEL_JS = """(name) => (%s)(name).content.model.toJSON().cells""" % PANEL_JS

SCROLL_HEIGHT_JS = """(name) => {
    const panel = (%s)(name);
    const scroller = panel.node.querySelector('.jp-WindowedPanel-outer') || panel.content.node;
    scroller.scrollTop = 0;
    return scroller.scrollHeight - scroller.clientHeight;
}""" % PANEL_JS


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def left_ms(self, at_most=None):
        left = max(1.0, self.end - time.monotonic())
        return int(1000 * (min(left, at_most) if at_most else left))

    def passed(self):
        return time.monotonic() > self.end


def wait_for_pictures(page, name, deadline, settle=0.3):
    """Wait until no <img> in an output area is still loading; return the last state."""
    while True:
        state = page.evaluate(STATE_JS, name)
        if state["pending"] == 0 or deadline.passed():
            time.sleep(settle)
            return page.evaluate(STATE_JS, name)
        time.sleep(0.2)


def screenshot_notebook(page, name, path):
    """The whole notebook in one picture: the viewport made as tall as the notebook (JupyterLab scrolls inside)."""
    extra = page.evaluate(SCROLL_HEIGHT_JS, name)
    height = min(VIEWPORT["height"] + max(0, extra), MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    try:
        time.sleep(0.5)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)


def run_all_from_menu(page):
    """Run > Run All Cells, clicked in JupyterLab's main menu."""
    page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(r"^\s*Run\s*$")).click()
    item = page.locator(".lm-Menu-item[data-command='runmenu:run-all']")
    item.wait_for(state="visible", timeout=10_000)
    if "lm-mod-disabled" in (item.get_attribute("class") or ""):
        raise RuntimeError("Run > Run All Cells is disabled")
    item.click()


def wait_until_run(page, name, runnable, deadline):
    """Until every runnable cell has been sent to the kernel and finished, or the run stopped (an error)."""
    idle_since, state = None, {"inputs": 0}
    while not deadline.passed():
        state = page.evaluate(STATE_JS, name)
        if state["kernel"] in ("dead", "unknown", "none"):
            return state
        quiet = state["running"] == 0 and state["kernel"] == "idle" and state["indicator"] in (None, "idle")
        if quiet and state["inputs"] >= runnable:
            return state
        if quiet and state["inputs"] > 0:
            # stopped early (an unexpected error ends Run All): stays quiet
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 3:
                return state
        else:
            idle_since = None
        time.sleep(0.25)
    raise TimeoutError(f"the run did not finish within {deadline.seconds:.0f} s: {state['inputs']} of {runnable} code cells had started")


class Result:
    def __init__(self, name):
        self.name = name
        self.problems = []
        self.notes = []
        self.start = time.perf_counter()
        self.seconds = 0.0

    def check(self, ok, problem):
        if not ok:
            self.problems.append(problem)
        return ok

    def finish(self):
        self.seconds = time.perf_counter() - self.start
        status = "PASS" if not self.problems else "FAIL"
        line = f"{status} {self.name:<28} {'; '.join(self.notes)}  {self.seconds:.1f} s"
        print(line, flush=True)
        for problem in self.problems:
            print(f"     - {problem}", flush=True)
        return self


def offline(page, external):
    """Offline here: the badges of a notebook's first cell are answered with the site's copies, the rest
    refused (and their addresses added to ``external``)."""

    def outside(route):
        if route.request.url in LOCAL_BADGES:
            route.fulfill(status=200, content_type="image/svg+xml", body=LOCAL_BADGES[route.request.url].read_bytes())
        else:
            external.append(route.request.url)
            route.abort()

    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:)"), outside)


@contextlib.contextmanager
def notebook_page(context, server, result, stem, shots):
    """A page for one notebook, with nothing leaving the machine (``offline``). A timeout or a broken page inside
    becomes one of this notebook's problems, with a screenshot, and the other notebooks still run; afterwards the
    page is closed and the server's kernels shut down."""
    page = context.new_page()
    external = []
    offline(page, external)
    try:
        yield page
    except Exception as error:  # a timeout or a broken page: this notebook fails, the others still run
        result.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shots / f"{stem}-failed.png"))
    finally:
        with contextlib.suppress(Exception):
            page.close()
        server.shut_down_kernels()
    if external:
        result.notes.append(f"{len(external)} outside requests blocked")


def drive_widgets(page, name, stem, shots, drivers, result):
    """The live widgets: each drive_*.py module that names this notebook drives it; a failed check is a problem."""
    for driver in drivers:
        if name not in driver.NOTEBOOKS:
            continue
        driver_name = driver.__name__.removeprefix("e2e_")
        try:
            driver.drive(page, name, shots)
            result.notes.append(f"{driver_name} passed")
        except AssertionError as failure:
            result.problems.append(f"{driver_name}: {failure}")
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shots / f"{stem}-{driver_name}-failed.png"))


def check_notebook(context, lab, path, shots, timeout, drivers=()):
    """Open one notebook as stored, check its pictures; Run All; check errors, counts and pictures; drive its widgets."""
    result = Result(path.stem)
    deadline = Deadline(timeout)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    stored = facts(cells)
    name = path.name
    with notebook_page(context, lab, result, path.stem, shots) as page:
        url = f"{lab.url}/lab/tree/{urllib.parse.quote(name)}?reset&token={lab.token}"
        page.goto(url, timeout=deadline.left_ms(60))
        page.wait_for_function(LOADED_JS, arg=[name, len(cells)], timeout=deadline.left_ms(), polling=200)
        kernel = page.evaluate(KERNEL_READY_JS, name)
        result.check(kernel != "no kernel", "no kernel started for the notebook")

        # (a) as stored, not run
        state = wait_for_pictures(page, name, deadline)
        result.notes.append(f"stored: {state['loaded']}/{stored['pictures']} pictures")
        result.check(state["images"] == stored["pictures"], f"stored: {state['images']} pictures shown, the .ipynb stores {stored['pictures']}")
        result.check(state["loaded"] == state["images"], f"stored: {state['images'] - state['loaded']} pictures did not load")
        result.check(not state["texts"] and not stored["fallbacks"], f"stored: text instead of a picture: {(state['texts'] or stored['fallbacks'])[:1]}")
        result.check(not stored["errors"], f"stored: error outputs {stored['errors'][:3]}")
        result.check(not stored["bare_widgets"], f"stored: widget outputs without a picture of themselves {stored['bare_widgets'][:2]}")
        screenshot_notebook(page, name, shots / f"{path.stem}-stored.png")
        if not HAS_TORCH and name in NOTEBOOK_SETTINGS.TORCH_NOTEBOOKS:  # as make test does: skipped, and said so
            result.notes.append(f"run: skipped: {NOTEBOOK_SETTINGS.REASON}")
            return result.finish()
        # cells tagged needs-torch print how to install PyTorch instead of drawing, when it is missing
        without_torch = set() if HAS_TORCH else {NOTEBOOK_SETTINGS.TORCH_TAG}
        expected_pictures = facts([cell for cell in cells if not without_torch & set(cell.get("metadata", {}).get("tags", []))])["pictures"]

        # (b) Run > Run All Cells
        started = time.perf_counter()
        run_all_from_menu(page)
        state = wait_until_run(page, name, stored["runnable"], deadline)
        ran = page.evaluate(MODEL_JS, name)
        after = facts(ran)
        state = wait_for_pictures(page, name, deadline)
        result.notes.append(
            f"run: {state['inputs']}/{stored['runnable']} cells in {time.perf_counter() - started:.1f} s, "
            f"{state['loaded']}/{after['pictures']} pictures, {len(after['errors'])} errors"
        )
        result.check(state["kernel"] == "idle", f"run: the kernel is {state['kernel']}, not idle")
        result.check(state["running"] == 0, f"run: {state['running']} cells still show [*]")
        result.check(state["inputs"] == stored["runnable"], f"run: {state['inputs']} of {stored['runnable']} code cells ran")
        result.check(after["counted"] == after["runnable"], f"run: {after['runnable'] - after['counted']} code cells have no execution count")
        result.check(state["numbered"] == stored["shown"], f"run: {state['numbered']} prompts show an execution count, of {stored['shown']} code cells shown")
        result.check(not after["errors"], f"run: errors {after['errors'][:3]}")
        result.check(state["images"] == after["pictures"], f"run: {state['images']} pictures shown, {after['pictures']} produced")
        result.check(state["loaded"] == state["images"], f"run: {state['images'] - state['loaded']} pictures did not load")
        result.check(after["pictures"] >= expected_pictures, f"run: {after['pictures']} pictures, fewer than the {expected_pictures} stored")
        result.check(not state["texts"] and not after["fallbacks"], f"run: text instead of a picture: {(state['texts'] or after['fallbacks'])[:1]}")
        screenshot_notebook(page, name, shots / f"{path.stem}-run.png")

        # (c) the live widgets, driven by the drive_*.py modules that name this notebook
        drive_widgets(page, name, path.stem, shots, drivers, result)
    return result.finish()


def check_classic(context, notebooks, work, home, shots, timeout):
    """The notebooks in the classic Notebook of .venv-colab (Colab's versions): tests/e2e/classic.py."""
    if not notebooks:
        return []
    versions = classic.versions()
    if versions is None:
        result = Result("classic Notebook")
        result.problems.append(f"no {classic.COLAB_VENV}: build it with `make test-colab` (make e2e does)")
        return [result.finish()]
    print(f"classic Notebook: {', '.join(f'{k} {v}' for k, v in versions.items())}; screenshots in {shots}", flush=True)
    shots.mkdir(parents=True, exist_ok=True)
    for stale in shots.glob("*-failed.png"):
        stale.unlink()
    server = JupyterLab(work, home, command=classic.server_command)
    results = []
    try:
        server.start()
        for path in notebooks:
            result = Result(f"classic {path.stem}")
            results.append(classic.check(context, server, work / path.name, shots, timeout, load_drivers(), result,
                                         notebook_page, drive_widgets))
    finally:
        server.stop()
    return results


# ---------------------------------------------------------------- the site

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


SITE_PAGE_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    const article = document.querySelector('article') || document.body;
    const images = [...article.querySelectorAll('img')];
    const outputs = [...article.querySelectorAll('.cell_output img')];
    return {
        images: images.length,
        broken: images.filter(image => !(image.complete && image.naturalWidth > 0)).map(image => image.getAttribute('src')),
        pictures: outputs.filter(image => image.complete && image.naturalWidth > 0).length,
        maths: article.querySelectorAll('.math').length,
        typeset: article.querySelectorAll('mjx-container').length,
        mathErrors: article.querySelectorAll('mjx-merror').length,
        mathjax: !!(window.MathJax && MathJax.version),
        next: !!document.querySelector('.prev-next-area a.right-next'),
        previous: !!document.querySelector('.prev-next-area a.left-prev'),
        texts: [...article.querySelectorAll('.cell_output')].map(e => e.innerText).filter(text => /<[\\w.]+ (object )?at 0x[0-9a-fA-F]+>/.test(text)),
    };
}"""


def watch_requests(page):
    """Block anything not served from 127.0.0.1 and collect failures: the site must work offline."""
    log = {"external": [], "failed": [], "errors": []}
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:)"), lambda route: (log["external"].append(route.request.url), route.abort()))
    page.on("response", lambda response: response.status >= 400 and log["failed"].append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: log["failed"].append(f"{request.failure} {request.url}"))
    page.on("pageerror", lambda error: log["errors"].append(str(error)))
    return log


def check_site(context, site, notebooks, shots, timeout):
    results = []
    with serve(site) as base:
        result = Result("site index")
        with site_page(context, result) as page:
            page.goto(f"{base}/index.html", timeout=timeout * 1000)
            page.wait_for_load_state("load")
            rows = page.locator("article table tbody tr").count()
            linked = [path.stem for path in notebooks if page.locator(f"article table a[href$='notebooks/{path.stem}.html']").count()]
            colab = page.locator("article table a[href^='https://colab.research.google.com/github/']").count()
            state = page.evaluate(SITE_PAGE_JS)
            result.notes.append(f"{len(linked)}/{len(notebooks)} lessons listed, {colab} Colab links")
            result.check(rows == len(notebooks), f"the course map has {rows} rows for {len(notebooks)} notebooks")
            result.check(len(linked) == len(notebooks), f"lessons missing from the index: {sorted(set(p.stem for p in notebooks) - set(linked))}")
            result.check(colab == len(notebooks), f"{colab} Colab links for {len(notebooks)} lessons")
            result.check(not state["broken"], f"pictures that did not load: {state['broken'][:3]}")
            page.screenshot(path=str(shots / "site-index.png"), full_page=True)
        results.append(result.finish())

        for index, path in enumerate(notebooks):
            result = Result(f"site {path.stem}")
            stored = facts(json.loads(path.read_text(encoding="utf-8"))["cells"])
            with site_page(context, result) as page:
                page.goto(f"{base}/notebooks/{path.stem}.html", timeout=timeout * 1000)
                page.wait_for_load_state("load")
                state = page.evaluate(SITE_PAGE_JS)
                result.notes.append(f"{state['pictures']}/{stored['pictures']} pictures, {state['typeset']}/{state['maths']} maths typeset")
                result.check(state["pictures"] == stored["pictures"], f"{state['pictures']} output pictures shown, the .ipynb stores {stored['pictures']}")
                result.check(not state["broken"], f"pictures that did not load: {state['broken'][:3]}")
                result.check(state["maths"] == 0 or state["mathjax"], "MathJax did not load")
                result.check(state["typeset"] >= state["maths"], f"only {state['typeset']} of {state['maths']} maths typeset by MathJax")
                result.check(state["mathErrors"] == 0, f"{state['mathErrors']} maths MathJax could not typeset")
                result.check(not state["texts"], f"text instead of a picture: {state['texts'][:1]}")
                result.check(state["previous"], "no link to the previous page")
                result.check(state["next"] or index == len(notebooks) - 1, "no link to the next lesson")
                page.screenshot(path=str(shots / f"site-{path.stem}.png"), full_page=True)
            results.append(result.finish())
    return results


@contextlib.contextmanager
def site_page(context, result):
    """A fresh page of the site; an error inside the block, an external or failed request, a script error: a problem."""
    page = context.new_page()
    log = watch_requests(page)
    try:
        yield page
    except Exception as error:
        result.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        page.close()
    result.check(not log["external"], f"requests outside the site (it must work offline): {log['external'][:3]}")
    result.check(not log["failed"], f"failed requests: {log['failed'][:3]}")
    result.check(not log["errors"], f"JavaScript errors: {log['errors'][:2]}")


# ---------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="folder of NN_topic.ipynb (default: notebooks/)")
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site", help="the built site (default: build/site, from make site)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e2e", help="where screenshots go (default: build/e2e)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("E2E_TIMEOUT", 180)), help="seconds per notebook (default 180, or $E2E_TIMEOUT)")
    parser.add_argument("--only", action="append", default=[], help="only notebooks whose name contains this (repeatable)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip the notebooks in JupyterLab")
    parser.add_argument("--no-classic", action="store_true", help="skip the classic Notebook with ipywidgets 7 (.venv-colab)")
    parser.add_argument("--no-site", action="store_true", help="skip the site")
    parser.add_argument("--slides", type=Path, default=None, help="the decks (default: the site's slides/ folder)")
    parser.add_argument("--no-slides", action="store_true", help="skip the slide decks and the live slides")
    parser.add_argument("--check-browser", action="store_true", help="only check that Chromium is installed")
    args = parser.parse_args(argv)
    # on SIGTERM (a CI time limit, a kill) still run the finally blocks that stop JupyterLab and Chromium
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    chromium = require_chromium()
    if args.check_browser:
        print(f"Chromium: {chromium}")
        return 0
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print('Playwright for Python is missing: pip install -e ".[e2e]" (make e2e does it)', file=sys.stderr)
        return 2

    notebooks = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        notebooks = [path for path in notebooks if any(part in path.name for part in args.only)]
    if not notebooks:
        print(f"no notebooks named NN_topic.ipynb in {args.notebooks}", file=sys.stderr)
        return 2
    if not args.no_slides and not ((args.slides or args.site / "slides") / "index.html").is_file():
        print("no slide decks: build them with `make site` (or `make slides` and --slides build/slides), or pass --no-slides", file=sys.stderr)
        return 2
    if not args.no_site and not (args.site / "index.html").is_file():
        print(f"no site in {args.site}: build it first with `make site` (or pass --no-site)", file=sys.stderr)
        return 2
    shots = args.out.resolve()
    if not (args.only or args.no_notebooks or args.no_site):
        shutil.rmtree(shots, ignore_errors=True)  # a full run starts from no screenshots; a partial one keeps the others
    shots.mkdir(parents=True, exist_ok=True)
    for stale in shots.glob("*-failed.png"):
        stale.unlink()

    begin = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="micrograd-e2e-") as temp:
        temp = Path(temp)
        work = temp / "notebooks"
        work.mkdir()
        for path in sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb")):
            shutil.copy2(path, work / path.name)  # a copy: a run never touches the repository
        lab = JupyterLab(work, temp / "jupyter")
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(temp / "chromium-profile"),
                executable_path=chromium,
                headless=True,
                chromium_sandbox=False,
                args=CHROMIUM_FLAGS,
                viewport=VIEWPORT,
            )
            try:
                if not args.no_notebooks:
                    print(f"JupyterLab: {len(notebooks)} notebooks, {args.timeout:.0f} s at most each; screenshots in {shots}", flush=True)
                    drivers = load_drivers()
                    try:
                        lab.start()
                        for path in notebooks:
                            results.append(check_notebook(context, lab, work / path.name, shots, args.timeout, drivers))
                        if not args.no_slides:  # presenting live in JupyterLab (jupyterlab-rise), shown on the first
                            results.append(decks.check_live_slides(context, lab, work / notebooks[0].name, shots, args.timeout, Result))
                    finally:
                        lab.stop()
                if not args.no_notebooks and not args.no_classic:
                    results.extend(check_classic(context, [p for p in notebooks if p.name in classic.CLASSIC_NOTEBOOKS],
                                                 work, temp / "classic", shots / "classic", args.timeout))
                if not args.no_site:
                    print(f"site: {args.site}", flush=True)
                    site_notebooks = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb"))
                    results.extend(check_site(context, args.site.resolve(), site_notebooks, shots, args.timeout))
                if not args.no_slides:
                    slides = (args.slides or args.site / "slides").resolve()
                    print(f"slides: {slides}", flush=True)
                    results.extend(decks.check_decks(context, slides, notebooks, shots, args.timeout, serve, site_page, Result))
            finally:
                context.close()
    failed = [result.name for result in results if result.problems]
    print(f"e2e took {time.perf_counter() - begin:.0f} s")
    print(f"e2e: {len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        print(f"failed: {', '.join(failed)}; screenshots in {shots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
