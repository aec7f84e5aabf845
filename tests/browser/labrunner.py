"""JupyterLab in headless Chromium, driven as a learner would: the browser tests' engine.

`LabServer` starts `jupyter lab` from this Python's environment on fresh
copies of the lessons, with every Jupyter directory in a temporary folder;
`Chromium` starts Debian's Chromium through Playwright with an empty
profile. Both are stopped by process id (and process group), also when a
test fails. `LessonPage` is one lesson open in JupyterLab: run every cell
from the Run menu, find what went wrong in the outputs, and reach the
panels' sliders and readouts.

Used by tests/browser/ and benchmarks/bench_browser_latency.py. Playwright
is imported only when a browser starts, so this module imports anywhere.
"""

import base64
import concurrent.futures
import contextlib
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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 1000}
LAB_SETTINGS = {
    # No "Jupyter news" toast over the lessons.
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false", "checkForUpdates": False,
    },
    # Every cell in the DOM: by default JupyterLab may leave cells far from the view
    # unattached, and then a count of prompts (has every cell run?) comes up short.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
INSTALL_HINT = "apt-get install -y chromium; pip install playwright; never `playwright install`"

# Installed before any page script runs: remember when the last key went down, when
# each image finished loading a new picture (a panel's new frame), and when each
# <canvas> was painted with drawImage.
INSTRUMENT_JS = """
window.__bp = {keydown: 0};
document.addEventListener('keydown', () => { window.__bp.keydown = performance.now(); }, true);
document.addEventListener('load', (event) => {
  const img = event.target, now = performance.now();
  if (img.tagName !== 'IMG') return;
  img.__bpPainted = now;
  (img.__bpPaints = img.__bpPaints || []).push(now);
  if (img.__bpPaints.length > 100) img.__bpPaints.shift();
}, true);
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (...args) {
  const canvas = this.canvas, now = performance.now();
  canvas.__bpPainted = now;
  (canvas.__bpPaints = canvas.__bpPaints || []).push(now);
  if (canvas.__bpPaints.length > 100) canvas.__bpPaints.shift();
  return drawImage.apply(this, args);
};
"""


def missing_requirement():
    """Why the browser tests cannot run on this machine, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return f"the playwright package is not installed ({INSTALL_HINT})"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} ({INSTALL_HINT})"
    return None


def wait_until(condition, timeout, what, interval=0.1):
    """Poll condition() until it returns something truthy; return that, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pids_mentioning(marker):
    """Ids of the running processes whose command line contains `marker` (a unique path)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(entry.name))
    return pids


def _kill_group_then_stragglers(pgids, marker):
    """SIGKILL the process groups we started, then any process still naming our temp dir."""
    for pgid in pgids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    for pid in _pids_mentioning(marker) if marker else []:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


class _Process:
    """A context manager for a process we start: stopped on exit, and if starting fails."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


class LabServer(_Process):
    """`jupyter lab` on a free port with a random token, serving a temp dir of fresh notebooks.

    Jupyter's config, data and runtime dirs, IPython's and matplotlib's, all live
    in the temp dir, and the lab's settings overrides (no news toast) come from a
    settings dir of our own, so nothing leaks in from or out to $HOME.
    """

    def __init__(self, startup_timeout=90):
        self.dir = Path(tempfile.mkdtemp(prefix="bp-lab-"))
        self.notebooks = self.dir / "notebooks"
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.process, self.log = None, None

    def start(self):
        settings = self.dir / "lab-settings"
        for folder in (self.notebooks, settings):
            folder.mkdir(parents=True)
        (settings / "overrides.json").write_text(json.dumps(LAB_SETTINGS, indent=2))
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.dir / "jupyter-config"),
            JUPYTER_DATA_DIR=str(self.dir / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(self.dir / "jupyter-runtime"),
            IPYTHONDIR=str(self.dir / "ipython"),
            MPLCONFIGDIR=str(self.dir / "matplotlib"),
            JUPYTER_PLATFORM_DIRS="1",
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip", "127.0.0.1",
            f"--port={self.port}", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.notebooks}", f"--LabApp.app_settings_dir={settings}",
            "--ServerApp.port_retries=0",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(self.dir / "server.log", "w")  # closed in stop()
        self.process = subprocess.Popen(
            command, cwd=self.dir, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_until(self._answers, self.startup_timeout, "JupyterLab to answer /api/status",
                       interval=0.2)
        except TimeoutError as error:
            raise RuntimeError(f"{error}\n{self.log_tail()}") from None
        return self

    def _answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {self.process.returncode}\n"
                               f"{self.log_tail()}")
        try:
            return self.api("status") is not None
        except OSError:
            return False

    def log_tail(self, lines=40):
        if self.log is None:
            return ""
        self.log.flush()
        text = (self.dir / "server.log").read_text(errors="replace").splitlines()[-lines:]
        return "jupyter lab's log ends with:\n    " + "\n    ".join(text)

    def api(self, path, method="GET"):
        """Call the server's REST API; return the decoded JSON (None for an empty reply)."""
        request = urllib.request.Request(
            f"{self.base}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def add_notebook(self, source):
        """Copy a notebook into the served dir, fresh; return its path relative to the root."""
        target = self.notebooks / Path(source).name
        shutil.copyfile(source, target)
        return target.name

    def url(self, path):
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"

    def kernel_of(self, path):
        """The kernel (a dict) of the session open on `path`, or None."""
        for session in self.api("sessions"):
            if session["path"] == path and session.get("kernel"):
                return session["kernel"]
        return None

    def wait_for_kernel(self, path, timeout=60):
        """Wait until `path` has a kernel that is idle with a browser connected."""

        def ready():
            kernel = self.kernel_of(path)
            return kernel if kernel and kernel["execution_state"] == "idle" \
                and kernel["connections"] > 0 else None

        return wait_until(ready, timeout, f"an idle, connected kernel for {path}", interval=0.2)

    def shut_down_kernel(self, path):
        for session in self.api("sessions"):
            if session["path"] == path:
                with contextlib.suppress(OSError):
                    self.api(f"sessions/{session['id']}", method="DELETE")

    def stop(self):
        """Stop the server by its process id: shut kernels down, SIGTERM, then SIGKILL."""
        if self.process is not None:
            with contextlib.suppress(OSError, ValueError):
                sessions = self.api("sessions")
                # All at once: each kernel takes about a second to shut down.
                with concurrent.futures.ThreadPoolExecutor(max(1, len(sessions))) as pool:
                    list(pool.map(lambda session: self.api(f"sessions/{session['id']}",
                                                           method="DELETE"), sessions))
            if self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.process.pid, signal.SIGTERM)
                # Its kernels are gone already; a server still shutting down after a
                # few seconds is killed below rather than waited for.
                try:
                    self.process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    pass
            # Kernels run in process groups of their own; their command lines name
            # a connection file in our runtime dir.
            _kill_group_then_stragglers([self.process.pid], str(self.dir))
            self.process.wait()
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None
        shutil.rmtree(self.dir, ignore_errors=True)


class Chromium(_Process):
    """Debian's Chromium, headless, through Playwright's sync API, with a new empty profile."""

    def __init__(self):
        self.profile = Path(tempfile.mkdtemp(prefix="bp-chromium-"))
        self.playwright, self.context, self.pgids = None, None, []

    def start(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT, device_scale_factor=1,
        )
        self.context.set_default_timeout(30_000)
        self.context.add_init_script(INSTRUMENT_JS)
        # Playwright starts the browser as a process group leader; remember the groups
        # so that stop() can end them by id even if Playwright cannot.
        groups = {_process_group(pid) for pid in _pids_mentioning(str(self.profile))}
        self.pgids = sorted(group for group in groups if group not in (None, os.getpgrp()))
        return self

    def new_page(self):
        return self.context.new_page()

    def stop(self):
        try:
            if self.context is not None:
                with contextlib.suppress(Exception):
                    self.context.close()
            if self.playwright is not None:
                self.playwright.stop()
        finally:
            self.context = self.playwright = None
            _kill_group_then_stragglers(self.pgids, str(self.profile))
            shutil.rmtree(self.profile, ignore_errors=True)


def _process_group(pid):
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


# What a broken output looks like in JupyterLab.
PROBLEMS_JS = """
(notebook) => {
  const problems = [];
  for (const out of notebook.querySelectorAll('.jp-OutputArea-output')) {
    const mime = out.getAttribute('data-mime-type') || '';
    const text = out.textContent.trim();
    if (mime === 'application/vnd.jupyter.stderr') problems.push('stderr or error: ' + text);
    else if (/Error displaying widget|model not found|Failed to load model/i.test(text))
      problems.push('widget: ' + text);
  }
  return problems;
}
"""

# Set window.__bpQueued as soon as any input prompt shows "[*]:".
WATCH_FOR_QUEUED_JS = """
(notebook) => {
  window.__bpQueued = false;
  const observer = new MutationObserver(() => {
    if ([...notebook.querySelectorAll('.jp-InputPrompt')]
        .some(p => p.textContent.includes('*'))) {
      window.__bpQueued = true;
      observer.disconnect();
    }
  });
  observer.observe(notebook, {subtree: true, childList: true, characterData: true});
}
"""

# A widget front end failing, as it reports in the browser console.
WIDGET_CONSOLE_ERROR = re.compile(
    r"Error setting state|Could not create|Error (creating|rendering|displaying) (widget|view)"
    r"|model not found", re.IGNORECASE)

# Every widget output (JupyterLab gives widget views no data-mime-type): rendered?
WIDGETS_JS = """
(notebook) => [...notebook.querySelectorAll('.jp-OutputArea-output:not([data-mime-type])')]
  .map(out => ({
    rendered: out.querySelector('.jupyter-widgets, .widget-box, .jupyter-matplotlib') !== null,
    text: out.textContent.trim().slice(0, 80),
  }))
"""

# A panel's figure: an image the kernel repaints (bp_helpers.panels.view.FigureImage).
FIGURE = "img.widget-image"

# Per figure image: its size, how many of its pixels are not background, a hash of
# them, and how many CSS pixels of it stick out to the right of its cell (cut off).
CANVASES_JS = """
(root) => [...root.querySelectorAll('img.widget-image')]
  .map(img => {
    const width = img.complete ? img.naturalWidth : 0, height = img.naturalHeight;
    const cell = img.closest('.jp-Cell');
    const cut = cell ? Math.max(0, Math.round(img.getBoundingClientRect().right
                                              - cell.getBoundingClientRect().right)) : 0;
    if (!width || !height) return {width, height, inked: 0, hash: 0, cut};
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, width, height).data;
    let inked = 0, hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) inked++;
      hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
    }
    return {width, height, inked, hash, cut};
  })
"""


# The first figure image in `root`: [width, height, its RGBA pixels as base64].
PIXELS_JS = """
(root) => {
  const img = root.querySelector('img.widget-image');
  if (!img || !img.complete || !img.naturalWidth) return [0, 0, ''];
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let text = '';
  for (let i = 0; i < data.length; i += 8192)
    text += String.fromCharCode.apply(null, data.subarray(i, i + 8192));
  return [canvas.width, canvas.height, btoa(text)];
}
"""


# What a lesson looks like before its cells run: images that did not load, widgets
# drawn as dead copies (ipywidgets' broken-link marker), the stored pictures with their
# hint, and whether the tab says the lesson was modified.
FRESH_JS = """
(notebook) => ({
  brokenImages: [...notebook.querySelectorAll('img')]
    .filter(img => img.complete && img.naturalWidth === 0)
    .map(img => (img.getAttribute('src') || '').slice(0, 60)),
  pendingImages: [...notebook.querySelectorAll('img')].filter(img => !img.complete).length,
  disconnected: notebook.querySelectorAll('.jupyter-widgets-disconnected').length,
  widgetViews: notebook.querySelectorAll('.jupyter-widgets.widget-container, .widget-slider')
    .length,
  pictures: [...notebook.querySelectorAll('.bp-static')].map(div => ({
    cell: (div.closest('[data-windowed-list-index]') || {dataset: {}}).dataset.windowedListIndex,
    image: div.querySelector('img') ? div.querySelector('img').naturalWidth : null,
    hint: (div.querySelector('.bp-static-hint') || {textContent: ''}).textContent.trim(),
    alt: (div.querySelector('img') || div).getAttribute('alt') || div.textContent.slice(0, 60),
  })),
  modified: document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty') !== null,
})
"""


class LessonPage:
    """One lesson open in JupyterLab, in its own browser page."""

    def __init__(self, server, browser, notebook, copy=True):
        """`copy=False` opens the served notebook of that name again (see `reopen`)."""
        self.server, self.browser, self.name = server, browser, Path(notebook).stem
        self.path = server.add_notebook(notebook) if copy else Path(notebook).name
        self.code_cells = sum(
            cell["cell_type"] == "code" for cell in
            json.loads((Path(notebook) if copy else server.notebooks / self.path)
                       .read_text())["cells"])
        self.page = browser.new_page()
        self.notebook = self.page.locator(".jp-NotebookPanel .jp-Notebook")
        self.timings, self.console_errors, self.failed_requests = {}, [], []
        self.page.on("console", lambda message: message.type == "error"
                     and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(
            f"uncaught: {error}"))
        self.page.on("response", lambda response: response.status >= 400
                     and self.failed_requests.append(f"{response.status} {response.url[:100]}"))
        self.page.on("requestfailed", lambda request: self.failed_requests.append(
            f"failed {request.url[:100]}"))

    def reopen(self):
        """Close this page (the kernel keeps running) and open the lesson in a new one."""
        with contextlib.suppress(Exception):
            self.page.close()
        again = LessonPage(self.server, self.browser, self.server.notebooks / self.path,
                           copy=False)
        return again.open()

    def save(self, timeout=30):
        """File > Save (Ctrl+S); wait until the file on disk is the saved lesson, whole.

        The tab's "modified" mark can clear before the server has written the
        file, so the file itself is watched: a new version that parses, with
        every code cell.
        """
        file = self.server.notebooks / self.path
        before = file.stat().st_mtime_ns
        self.notebook.locator(".jp-Cell").first.click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')")

        def written():
            with contextlib.suppress(OSError, ValueError):
                cells = json.loads(file.read_text())["cells"]
                return (file.stat().st_mtime_ns != before
                        and sum(cell["cell_type"] == "code" for cell in cells) == self.code_cells)
            return False

        wait_until(written, timeout, f"{self.name} to be saved to {file}", interval=0.2)

    def fresh_view(self):
        """What the page shows before anything runs (see FRESH_JS), over the whole lesson.

        Every cell is in the page (LAB_SETTINGS turns JupyterLab's windowing off),
        so one look, once the images have loaded, sees the whole lesson.
        """
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: self.notebook.evaluate(FRESH_JS)["pendingImages"] == 0, 20,
                       "the lesson's images to load", interval=0.2)
        return self.notebook.evaluate(FRESH_JS)

    def open(self, timeout=90):
        """Load JupyterLab on the lesson and wait for its kernel (idle, connected)."""
        start = time.monotonic()
        self.page.goto(self.server.url(self.path))
        self.server.wait_for_kernel(self.path, timeout)
        self.notebook.locator(".jp-CodeCell").first.wait_for()
        self.timings["open"] = time.monotonic() - start
        return self

    def prompts(self):
        # textContent, not innerText: cells scrolled far away are not rendered.
        return self.notebook.locator(".jp-CodeCell .jp-InputPrompt").evaluate_all(
            "els => els.map(e => e.textContent.trim())")

    def run_all(self, timeout=300):
        """Run > Run All Cells; wait until no cell is queued or running and the kernel idles."""
        start = time.monotonic()
        self.start_run_all()
        wait_until(self.finished, timeout, f"{self.name} to finish running", interval=0.25)
        self.timings["run all"] = time.monotonic() - start

    def start_run_all(self):
        """Run > Run All Cells, and return as soon as the cells are queued."""
        # Run All queues every cell at once ("[*]:"); a DOM observer cannot miss that,
        # however fast the cells run. The lesson is done when no "[*]:" is left.
        self.notebook.evaluate(WATCH_FOR_QUEUED_JS)
        self.page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile("^Run$")) \
            .click()
        self.page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                          has_text=re.compile("^Run All Cells$")).click()
        self.page.wait_for_function("() => window.__bpQueued", timeout=30_000)

    def finished(self):
        """Has every cell run (none queued or running, the kernel idle)?"""
        kernel = self.server.kernel_of(self.path)
        if kernel is None or kernel["execution_state"] == "dead":
            raise RuntimeError(f"{self.name}: the kernel died ({kernel})\n"
                               f"{self.server.log_tail()}")
        return kernel["execution_state"] == "idle" and not any("*" in p for p in self.prompts())

    def unrun_cells(self):
        """Indices of code cells without an execution count after running all."""
        prompts = self.prompts()
        assert len(prompts) == self.code_cells, (
            f"{self.name}: the page shows {len(prompts)} code cells, the notebook has "
            f"{self.code_cells}")
        return [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]

    def problems(self):
        """Error, traceback, stderr and widget-error outputs, and widget errors in the console."""
        console = [f"console: {text}" for text in self.console_errors
                   if WIDGET_CONSOLE_ERROR.search(text) or text.startswith("uncaught")]
        return self.notebook.evaluate(PROBLEMS_JS) + console

    def widgets(self):
        return self.notebook.evaluate(WIDGETS_JS)

    def canvases(self, within=None):
        return (within or self.notebook).evaluate(CANVASES_JS)

    def pixels(self, within):
        """(width, height, RGBA bytes) of the first figure image in `within`."""
        width, height, data = within.evaluate(PIXELS_JS)
        return width, height, base64.b64decode(data)

    def active_cell(self):
        """The index of JupyterLab's active cell: arrow keys that reach JupyterLab move it."""
        return self.page.evaluate("() => [...document.querySelectorAll('.jp-Cell')]"
                                  ".findIndex(c => c.classList.contains('jp-mod-active'))")

    def output_with(self, selector):
        """The cell output that contains `selector` (a panel's output, say)."""
        return self.notebook.locator(".jp-OutputArea-output").filter(
            has=self.page.locator(selector))

    def screenshot(self, name, element=None):
        """Save screenshots/<name>.png: `element` alone, or the page with it in view."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if element is None:
            self.page.screenshot(path=path)
        else:
            element.scroll_into_view_if_needed()
            element.screenshot(path=path)
        return path

    def close(self):
        with contextlib.suppress(Exception):
            self.page.close()
        with contextlib.suppress(OSError):
            self.server.shut_down_kernel(self.path)


class Slider:
    """One ipywidgets slider on the page, found by its description's text."""

    def __init__(self, container, label):
        self.label = label
        self.widget = container.locator(".widget-hslider").filter(
            has=container.page.locator(".widget-label", has_text=re.compile(
                "^" + re.escape(label) + "$")))
        self.handle = self.widget.locator(".noUi-handle")
        self.readout = self.widget.locator(".widget-readout")

    def text(self):
        return self.readout.text_content().strip()

    def value(self):
        """The readout as a number (its unicode minus sign understood)."""
        value = page_number(self.text())
        if value is None:
            raise ValueError(f"slider {self.label}: cannot read {self.text()!r}")
        return value

    def press(self, key, times=1):
        """Focus the handle and press `key` (ArrowLeft, ArrowRight, ...) `times` times."""
        self.handle.focus()
        for _ in range(times):
            self.handle.press(key)

    def type_value(self, text):
        """Type a value into the slider's readout and press Enter, as a learner can."""
        self.readout.click()
        self.readout.press("Control+A")
        self.readout.press_sequentially(text)
        self.readout.press("Enter")

    def drag(self, dx):
        """Drag the handle `dx` pixels sideways with the mouse, in small moves."""
        self.handle.scroll_into_view_if_needed()
        box = self.handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse = self.handle.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=8)
        mouse.up()


def page_number(text):
    """A readout as a float: '+1.234e-05' -> 1.234e-05; '—' and the like -> None."""
    try:
        return float(text.strip().lstrip("= ").replace("−", "-"))
    except ValueError:
        return None
