"""The lessons as a learner meets them: JupyterLab in headless Chromium.

Each lesson is opened from a fresh copy and run with Run > Run All Cells; it
must show no error and render every widget and figure. Then its panels are
driven with the keyboard and the mouse, and what the page shows is compared
with bp_helpers' own math for the slider values read back from the page.

The lessons and the panels each shows come from tests/lessons.py, the one
list of them: every lesson gets the checks every lesson gets, and each panel
is found by its PANELS marker. A new kind of panel also gets tests of its own.

    .venv/bin/python -m pytest tests/browser -m browser
"""

import itertools
import math
import re

import nbformat
import numpy as np
import pytest
from labrunner import (
    FIGURE,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    LessonPage,
    Slider,
    page_number,
    wait_until,
)
from lessons import LESSONS, PANELS
from matplotlib.figure import Figure

from bp_helpers.panels import (
    ChainPanel,
    ChainState,
    NudgePanel,
    NudgeState,
    chain_result,
    example_network,
    nudge_result,
)
from bp_helpers.panels.chain import PARAM_RANGE, RANGES
from bp_helpers.panels.nudge import RANGES as NUDGE_RANGES

pytestmark = pytest.mark.browser


# lesson -> the panels it shows, once each.
PANELS_OF = {lesson.stem: lesson.panels for lesson in LESSONS}

NOTEBOOK_PATHS = [ROOT / lesson.notebook for lesson in LESSONS]
UPDATE_TIMEOUT = 10  # seconds for a slider change to reach the kernel and come back


def lessons_showing(kind):
    return [pytest.param(path, id=path.stem) for path in NOTEBOOK_PATHS
            if kind in PANELS_OF[path.stem]]


def panel_output(lesson, kind):
    output = lesson.output_with(PANELS[kind].marker)
    output.first.wait_for()
    assert output.count() == 1, f"{lesson.name}: expected one {kind} panel, found {output.count()}"
    return output


def painted_since(root, since):
    """Has the figure image in `root` loaded a new picture after page time `since`?"""
    return root.locator(FIGURE).first.evaluate(
        "(img, since) => (img.__bpPainted || 0) > since", since)


def page_time(lesson):
    return lesson.page.evaluate("performance.now()")


def shows(text, value, digits, slack=0.0):
    """Does a readout's `text` show `value`, rounded to `digits` significant digits?

    To within one unit in the last digit shown (plus `slack`): the state read back
    from the page can differ from the kernel's by a rounding error, and so can
    what it computes. None is the dash a panel shows for "no value".
    """
    got = page_number(text) if text is not None else None
    if value is None or got is None:
        return value is None and text is not None and got is None
    if value == 0 or got == 0:
        return abs(got - value) <= max(slack, 1e-12)
    unit = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return abs(got - value) <= unit + slack


def mismatches(shown, expected):
    """[(key, shown text, expected value)] for readouts that do not show the expected number.

    expected: {key: (value, digits)} or {key: (value, digits, slack)}; see `shows`.
    """
    return [(key, shown.get(key), want[0]) for key, want in expected.items()
            if not shows(shown.get(key), *want)]


def wait_for_readouts(read, expect, what):
    """Poll until the page's readouts show what bp_helpers computes for the page's own state."""
    last = {}

    def agree():
        shown, expected = read(), expect()
        last.update(shown=shown, wrong=mismatches(shown, expected))
        return not last["wrong"]

    try:
        wait_until(agree, UPDATE_TIMEOUT, what, interval=0.1)
    except TimeoutError:
        pytest.fail(f"{what}: the page shows {last['shown']}; wrong (key, shown, expected): "
                    f"{last['wrong']}")


def assert_same_picture(lesson, root, figure, name):
    """The page's figure shows exactly `figure` as drawn here: no stale blit pixels.

    The kernel and this process draw with the same matplotlib, so for the same
    state the pixels agree exactly; a frame the browser lost leaves pixels of an
    older state behind (a blit paints only what moved). On failure the
    differing pixels are painted magenta into screenshots/<name>.png.
    """
    expected = np.asarray(figure.canvas.buffer_rgba())
    seen = {}

    def same():
        width, height, data = lesson.pixels(root)
        seen["page"] = np.frombuffer(data, np.uint8).reshape(height, width, 4) \
            if width else np.zeros((0, 0, 4), np.uint8)
        return seen["page"].shape == expected.shape and np.array_equal(seen["page"], expected)

    if settled(same, UPDATE_TIMEOUT):
        return
    page = seen["page"]
    if page.shape != expected.shape:
        pytest.fail(f"the page's canvas is {page.shape[1]}x{page.shape[0]} px, the figure "
                    f"{expected.shape[1]}x{expected.shape[0]}")
    wrong = np.any(page != expected, axis=2)
    marked = page.copy()
    marked[wrong] = (255, 0, 255, 255)
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    figure_from_pixels(marked).savefig(path)
    pytest.fail(f"{wrong.sum()} pixels of the plot differ from a fresh drawing of the same "
                f"state (left over from earlier frames?); marked in magenta in {path}")


def figure_from_pixels(pixels):
    figure = Figure(figsize=(pixels.shape[1] / 100, pixels.shape[0] / 100), dpi=100)
    figure.figimage(pixels)
    return figure


# --- every lesson -------------------------------------------------------------------------


def settled(condition, timeout):
    """Wait up to `timeout` s for condition(); True if it came true (never raises)."""
    try:
        return bool(wait_until(condition, timeout, "the page to settle", interval=0.2))
    except TimeoutError:
        return False


def listing(items):
    return "".join(f"\n  - {item}" for item in items)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_lesson_runs_clean_and_renders(open_lesson, path):
    lesson = open_lesson(path)
    kinds = PANELS_OF[path.stem]
    markers = [PANELS[kind].marker for kind in kinds]

    # Widget views and figure frames arrive after the kernel goes idle: let them.
    settled(lambda: all(lesson.output_with(m).count() for m in markers)
            and all(view["rendered"] for view in lesson.widgets())
            and all(c["width"] and c["inked"] for c in lesson.canvases()), 20)
    outputs = {kind: lesson.output_with(PANELS[kind].marker) for kind in kinds}
    for kind, output in outputs.items():  # before any assertion: a picture of what went wrong
        if output.count() == 1:
            lesson.screenshot(f"{kind}_panel", output)
    if outputs and next(iter(outputs.values())).count():
        next(iter(outputs.values())).first.scroll_into_view_if_needed()
    lesson.screenshot(lesson.name)

    problems = lesson.problems()
    assert not problems, f"{lesson.name}: errors on the page:{listing(problems)}"
    unrun = lesson.unrun_cells()
    assert not unrun, (f"{lesson.name}: code cells {unrun} (0-based) did not run; their "
                       f"prompts read {[lesson.prompts()[i] for i in unrun]}")
    broken = [view["text"] for view in lesson.widgets() if not view["rendered"]]
    assert not broken, f"{lesson.name}: widgets that did not render:{listing(broken)}"
    for kind, output in outputs.items():
        assert output.count() == 1, f"{lesson.name}: expected one {kind} panel, found " \
            f"{output.count()}"
        assert lesson.canvases(output), f"{lesson.name}: the {kind} panel shows no figure"
    blank = [c for c in lesson.canvases() if not (c["width"] and c["height"] and c["inked"])]
    assert not blank, (
        f"{lesson.name}: figures not drawn (width, height, inked pixels):"
        f"{listing(blank)}\nbrowser console errors:{listing(lesson.console_errors)}")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_lesson_figures_fit_in_the_notebook(open_lesson, path):
    """No live figure sticks out of its cell (cut off) in a laptop-sized window."""
    lesson = open_lesson(path)
    cut = [c for c in lesson.canvases() if c["cut"] > 2]
    assert not cut, (
        f"{lesson.name}: figures cut off on the right in a {VIEWPORT['width']} px wide window "
        f"with the file browser open (cut = CSS px beyond the cell):{listing(cut)}")


# Per slider readout (the number beside a slider): its text, and how many CSS px of that
# text are hidden by the readout itself or by any box around it that clips (overflow).
READOUTS_JS = """
(notebook) => [...notebook.querySelectorAll('.widget-readout')].map(readout => {
  const range = document.createRange();
  range.selectNodeContents(readout);
  const text = range.getBoundingClientRect();
  let left = -Infinity, right = Infinity;
  for (let box = readout; box && box !== notebook; box = box.parentElement) {
    if (getComputedStyle(box).overflowX !== 'visible') {
      const edges = box.getBoundingClientRect();
      left = Math.max(left, edges.left);
      right = Math.min(right, edges.right);
    }
  }
  const label = readout.closest('.widget-slider').querySelector('.widget-label');
  return {slider: label ? label.textContent : '?', text: readout.textContent,
          hidden: Math.max(0, Math.round(text.right - right), Math.round(left - text.left))};
})
"""


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_slider_readout_shows_its_whole_number(open_lesson, path):
    """A readout cut to "1." where the slider stands at 1.50 hides what the learner set."""
    lesson = open_lesson(path)
    readouts = lesson.notebook.evaluate(READOUTS_JS)
    cut = [r for r in readouts if r["hidden"] > 1]
    assert not cut, f"{lesson.name}: slider readouts cut off (hidden = CSS px):{listing(cut)}"


# --- lesson 1's nudge panel ---------------------------------------------------------------


NUDGE_SLIDERS = {"w": "w(L)", "b": "b(L)", "a_prev": "a(L-1)", "y": "y"}  # name: label
NUDGE_WRT = {"w": "w", "b": "b", "a(L-1)": "a_prev"}  # toggle button: NudgeState.wrt
DELTA_EXPONENTS = [-12 + 0.25 * i for i in range(49)]  # the Δ slider's steps, 1e-12 to 1


class NudgeView:
    """The nudge panel on the page: sliders, toggles, readouts, and its state read back."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.root = panel_output(lesson, "nudge")
        self.sliders = {name: Slider(self.root, label) for name, label in NUDGE_SLIDERS.items()}
        self.delta = Slider(self.root, "Δ")

    def toggle(self, description):
        return self.root.locator(".widget-toggle-buttons").filter(
            has=self.lesson.page.locator(".widget-label", has_text=re.compile(
                f"^{re.escape(description)}$")))

    def choose(self, description, option):
        self.toggle(description).locator("button", has_text=re.compile(
            f"^{re.escape(option)}$")).click()

    def chosen(self, description):
        return self.toggle(description).locator("button.mod-active").text_content().strip()

    def delta_value(self):
        """Δ exactly: the slider step (10 to a multiple of 1/4) that its 2-digit readout names."""
        shown = math.log10(self.delta.value())
        exponent = min(DELTA_EXPONENTS, key=lambda e: abs(e - shown))
        assert abs(exponent - shown) < 0.05, f"Δ = {self.delta.text()} is not a slider step"
        return 10.0**exponent

    def state(self):
        values = {name: slider.value() for name, slider in self.sliders.items()}
        return NudgeState(**values, delta=self.delta_value(), wrt=NUDGE_WRT[self.chosen("nudge")],
                          activation=self.chosen("σ"))

    def readouts(self):
        return self.root.locator("td[data-key]").evaluate_all(
            "tds => Object.fromEntries(tds.map(td => [td.dataset.key, td.textContent.trim()]))")

    def expected(self):
        r = nudge_result(self.state())
        factors = {f"factor{i}": (value, 4) for i, (_, value) in enumerate(r.factors)}
        return {"z": (r.z, 4), "a": (r.a, 4), "C0": (r.C0, 4), "dC_dx": (r.dC_dx, 4),
                "measured": (r.measured, 4), "predicted": (r.predicted, 4),
                "ratio": (r.ratio, 8), **factors}

    def shown(self):
        shown = self.readouts()
        for i, text in enumerate(shown.pop("factors", "").split("×")):
            shown[f"factor{i}"] = text
        return shown

    def wait_until_consistent(self, what):
        wait_for_readouts(self.shown, self.expected, what)


def press_and_wait(slider, name, key, presses, before):
    """Press an arrow key `presses` times on a slider (step 0.01); wait until it has moved."""
    slider.press(key, presses)
    step = 0.01 * presses * (1 if key == "ArrowRight" else -1)
    wait_until(lambda: math.isclose(slider.value(), before + step, abs_tol=1e-9),
               5, f"the {name} slider to move {presses} steps")


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_nudge_panel_follows_the_keyboard(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    for name, key, presses in [("w", "ArrowRight", 3), ("b", "ArrowLeft", 2),
                               ("a_prev", "ArrowRight", 5), ("y", "ArrowRight", 10)]:
        slider = panel.sliders[name]
        before, since = slider.value(), page_time(panel.lesson)
        press_and_wait(slider, name, key, presses, before)
        panel.wait_until_consistent(f"after {presses} × {key} on {name}")
        wait_until(lambda t=since: painted_since(panel.root, t), UPDATE_TIMEOUT,
                   f"the nudge panel's plot to redraw after moving {name}")
    # The readout that just changed is a polite live region: a screen reader reads it.
    assert panel.root.locator("td[data-key='C0']").evaluate(
        "td => td.closest('[aria-live]').getAttribute('aria-live')") == "polite"


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_nudge_panel_toggles_recompute(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    for description, option in [("nudge", "b"), ("σ", "relu"), ("nudge", "a(L-1)"),
                                ("σ", "sigmoid"), ("nudge", "w")]:
        panel.choose(description, option)
        assert panel.chosen(description) == option
        panel.wait_until_consistent(f"after choosing {description} = {option}")


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_nudge_panel_follows_a_mouse_drag(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    for name, dx in [("w", -30), ("a_prev", 25)]:
        slider = panel.sliders[name]
        before, pixels = slider.value(), panel.lesson.canvases(panel.root)[0]["hash"]
        slider.drag(dx)
        moved = slider.value() - before
        assert moved * dx > 0 and abs(moved) >= 0.1, (
            f"dragging {name} by {dx} px moved it from {before} by {moved}")
        panel.wait_until_consistent(f"after dragging {name} by {dx} px")
        wait_until(lambda h=pixels: panel.lesson.canvases(panel.root)[0]["hash"] != h,
                   UPDATE_TIMEOUT, f"the plot to change after dragging {name}")


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_nudge_ratio_goes_to_one_as_delta_shrinks(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    panel.choose("nudge", "w")
    panel.choose("σ", "sigmoid")
    for name, value in (("w", "1.5"), ("b", "-0.5"), ("a_prev", "0.8"), ("y", "0")):
        panel.sliders[name].type_value(value)  # the lesson's example, typed in
        wait_until(lambda s=panel.sliders[name], v=float(value): s.value() == v, 5,
                   f"{name} to take the typed value {value}")
    panel.delta.press("End")  # Δ = 1, the slider's top
    gaps = []
    for decade in range(7):  # Δ = 1, 0.1, ..., 1e-6: four key presses a decade
        if decade:
            panel.delta.press("ArrowLeft", 4)
        wait_until(lambda d=decade: math.isclose(panel.delta_value(), 10.0**-d), 5,
                   f"Δ to reach 1e-{decade}")
        panel.wait_until_consistent(f"at Δ = 1e-{decade}")
        shown = panel.shown()
        measured, predicted = page_number(shown["measured"]), page_number(shown["predicted"])
        gaps.append(abs(page_number(shown["ratio"]) - 1))
        if decade >= 2:
            assert measured == pytest.approx(predicted, rel=10.0 ** (1 - decade)), shown
    # The gap is the curvature's share, about |C''/2C'| Δ: a tenth per decade.
    assert gaps[-1] < 1e-5, f"measured/predicted at Δ = 1e-6 is {gaps[-1]:.1e} away from 1"
    assert all(later < earlier / 5 for earlier, later in itertools.pairwise(gaps[1:])
               if earlier > 1e-6), (  # the ratio shows 8 digits
        f"|measured/predicted - 1| should shrink tenfold a decade from Δ = 0.1: {gaps}")


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_nudge_panel_plot_has_no_blit_artifacts(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    panel.choose("nudge", "w")
    panel.choose("σ", "sigmoid")
    for slider in [*panel.sliders.values(), panel.delta]:  # fast, as a learner holding a key
        slider.handle.focus()
        for _ in range(12):
            slider.handle.page.keyboard.press("ArrowLeft" if slider is panel.delta
                                              else "ArrowRight")
    panel.sliders["w"].drag(-40)
    state = NudgeState()  # then back to the lesson's example, typed in exactly
    for name, slider in panel.sliders.items():
        slider.type_value(repr(getattr(state, name)))
    panel.delta.type_value(repr(state.delta))
    wait_until(lambda: panel.state() == state, 5, f"the panel to show {state}")
    panel.wait_until_consistent("back at the lesson's example")
    assert_same_picture(panel.lesson, panel.root, NudgePanel(state).fig,
                        "nudge_panel_artifacts")


# --- lesson 2's chain panel ---------------------------------------------------------------


CHAIN_SLIDERS = {"x": "x = a(0)", "y": "y",  # name: label; w1 is w(1), the table's row w1
                 **{f"{p}{l}": f"{p}({l})" for p in "wb" for l in (1, 2, 3)}}


class ChainView:
    """The chain panel on the page: its eight sliders, σ toggle and derivative table."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.root = panel_output(lesson, "chain")
        self.sliders = {name: Slider(self.root, label) for name, label in CHAIN_SLIDERS.items()}

    def choose(self, option):
        self.root.locator(".widget-toggle-buttons button", has_text=re.compile(
            f"^{re.escape(option)}$")).click()

    def state(self):
        v = {name: slider.value() for name, slider in self.sliders.items()}
        activation = self.root.locator(".widget-toggle-buttons button.mod-active").text_content()
        return ChainState(w=(v["w1"], v["w2"], v["w3"]), b=(v["b1"], v["b2"], v["b3"]),
                          x=v["x"], y=v["y"], activation=activation.strip())

    def table(self):
        """{'w1:backprop': text, 'w1:nudged': text, 'w1:error': text, ...}"""
        return self.root.locator("tr[data-key] td[data-column]").evaluate_all(
            "tds => Object.fromEntries(tds.map(td => "
            "[td.parentElement.dataset.key + ':' + td.dataset.column, td.textContent.trim()]))")

    def expected(self):
        r = chain_result(self.state())
        g = r.gradients
        rows = {}
        for name, backprop, nudged in (("w", g.dC_dw, r.nudged_dw), ("b", g.dC_db, r.nudged_db)):
            for l in (1, 2, 3):
                rows[f"{name}{l}:backprop"] = (float(backprop[l - 1]), 6)
                # central differences carry ~1e-10 of round-off (h = 1e-6)
                rows[f"{name}{l}:nudged"] = (float(nudged[l - 1]), 6, 1e-9)
        return rows

    def check(self, what):
        wait_for_readouts(self.table, self.expected, what)
        table = self.table()
        for key in CHAIN_SLIDERS:
            if key[0] in "wb":
                backprop = page_number(table[f"{key}:backprop"])
                nudged = page_number(table[f"{key}:nudged"])
                assert nudged == pytest.approx(backprop, rel=1e-5, abs=1e-9), (
                    f"{what}: backprop and nudging disagree on {key}: {table}")
                assert page_number(table[f"{key}:error"]) < 1e-5, table


@pytest.mark.parametrize("path", lessons_showing("chain"))
def test_chain_panel_follows_keyboard_and_mouse(open_lesson, path):
    panel = ChainView(open_lesson(path))
    panel.check("as the lesson opens")
    for name, key, presses in [("w1", "ArrowRight", 5), ("b3", "ArrowLeft", 3),
                               ("x", "ArrowLeft", 2), ("y", "ArrowLeft", 20)]:
        slider = panel.sliders[name]
        before = slider.value()
        press_and_wait(slider, name, key, presses, before)
        panel.check(f"after {presses} × {key} on {name}")

    pixels = panel.lesson.canvases(panel.root)[0]["hash"]
    for name, dx in [("w2", 30), ("b1", -20)]:
        slider = panel.sliders[name]
        before = slider.value()
        slider.drag(dx)
        moved = slider.value() - before
        assert moved * dx > 0 and abs(moved) >= 0.1, (
            f"dragging {name} by {dx} px moved it from {before} by {moved}")
        panel.check(f"after dragging {name} by {dx} px")
    wait_until(lambda: panel.lesson.canvases(panel.root)[0]["hash"] != pixels,
               UPDATE_TIMEOUT, "the gradient bars to change after dragging w2 and b1")

    for option in ("tanh", "relu", "sigmoid"):
        panel.choose(option)
        panel.check(f"after choosing σ = {option}")


@pytest.mark.parametrize("path", lessons_showing("chain"))
def test_the_chain_sliders_are_long_enough_for_the_mouse(open_lesson, path):
    panel = ChainView(open_lesson(path))
    for name, slider in panel.sliders.items():
        width = slider.widget.locator(".noUi-target").bounding_box()["width"]
        low, high = RANGES.get(name, PARAM_RANGE)
        assert (high - low) / width <= 0.04, (
            f"the {name} slider moves {(high - low) / width:.3f} per pixel ({width:.0f} px)")


@pytest.mark.parametrize("path", lessons_showing("chain"))
def test_chain_panel_plot_has_no_blit_artifacts(open_lesson, path):
    panel = ChainView(open_lesson(path))
    for slider in panel.sliders.values():  # fast, as a learner holding a key
        slider.handle.focus()
        for _ in range(12):
            slider.handle.page.keyboard.press("ArrowLeft")
    state = ChainState()  # then back to the lesson's example, typed in exactly
    panel.choose(state.activation)
    values = {"x": state.x, "y": state.y, **{f"w{l}": v for l, v in enumerate(state.w, 1)},
              **{f"b{l}": v for l, v in enumerate(state.b, 1)}}
    for name, value in values.items():
        panel.sliders[name].type_value(repr(value))
    wait_until(lambda: panel.state() == state, 5, f"the panel to show {state}")
    panel.check("back at the lesson's example")
    assert_same_picture(panel.lesson, panel.root, ChainPanel(state).fig, "chain_panel_artifacts")


# --- a lesson before it runs, after Run All, and reopened ---------------------------------


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_a_fresh_lesson_shows_pictures_and_a_hint_and_nothing_broken(open_lesson, path):
    view = open_lesson(path).first_look  # seen when it opened, before Run All
    pictures = [p for p in view["pictures"] if p["image"] is not None]
    # JupyterLab cancels its own API polls now and then (and all of them on close):
    # those are not broken resources.
    failed = [r for r in view["failedRequests"]
              if not (r.startswith("failed ") and "/api/" in r)]
    assert not view["brokenImages"], f"images that did not load: {view['brokenImages']}"
    assert not failed, f"failed requests: {failed}"
    assert view["disconnected"] == 0 and view["widgetViews"] == 0, (
        f"{view['disconnected']} dead widgets (broken-link marker), {view['widgetViews']} "
        "widget views before any cell ran")
    assert len(pictures) >= len(PANELS_OF[path.stem]), view["pictures"]
    assert all(p["image"] > 0 for p in pictures), view["pictures"]
    assert view["pictures"] and all("run the cells above" in p["hint"].lower()
                                    for p in view["pictures"]), view["pictures"]
    assert not view["modified"], "the tab says the lesson was modified, but it was only opened"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_after_run_all_every_stored_picture_is_replaced_by_a_live_widget(open_lesson, path):
    lesson = open_lesson(path)
    assert lesson.notebook.locator(".bp-static").count() == 0
    assert lesson.notebook.locator(".jupyter-widgets-disconnected").count() == 0


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_a_saved_lesson_reopened_while_its_kernel_runs_is_live(open_lesson, path):
    # The shared page: the tests on this lesson after this one use the reopened page.
    lesson = open_lesson.save_and_reopen(path)
    settled(lambda: lesson.output_with(PANELS["nudge"].marker).count() == 1
            and all(view["rendered"] for view in lesson.widgets()), 30)
    assert lesson.notebook.locator(".bp-static").count() == 0
    assert lesson.notebook.locator(".jupyter-widgets-disconnected").count() == 0
    panel = NudgeView(lesson)
    before = panel.sliders["w"].value()
    press_and_wait(panel.sliders["w"], "w", "ArrowRight", 2, before)
    panel.wait_until_consistent("the reopened nudge panel after two presses")
    lesson.screenshot(f"reopened_{path.stem}", panel.root)


# --- lesson 5's training monitor, while it trains ---------------------------------------

MONITOR_NOTEBOOK = [
    """from dataclasses import replace
import tempfile
import time
from IPython.display import display
from bp_helpers.data import load_mnist
from bp_helpers.recipes import RECIPES, train_or_load
from bp_helpers.panels import TrainingMonitor
mnist = load_mnist()
recipe = replace(RECIPES["sigmoid"], name="browser-monitor", epochs=4, lr_drops=())""",
    # Lesson 5's cell, training for real (an empty weights folder); each epoch lasts a
    # little longer, so that the browser can sample every frame while the cell runs.
    """monitor = TrainingMonitor(recipe.epochs, name=recipe.name)
display(monitor)
def slowly(record):
    monitor(record)
    time.sleep(0.5)
network, history = train_or_load(recipe, mnist, weights_dir=tempfile.mkdtemp(),
                                 callback=slowly)""",
]

# [is the training cell still running ("[*]:")?, how many pixels of the monitor's image
# have the colours of its two curves (-1: no image yet)], read in one go.
CURVE_PIXELS_JS = """
(notebook) => {
  const prompts = notebook.querySelectorAll('.jp-CodeCell .jp-InputPrompt');
  const running = prompts[prompts.length - 1].textContent.includes('*');
  const img = notebook.querySelector('img.widget-image');
  if (!img || !img.complete || !img.naturalWidth) return [running, -1];
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const near = (i, r, g, b) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g)
                               + Math.abs(data[i + 2] - b) < 60;
  let curves = 0;
  for (let i = 0; i < data.length; i += 4)
    if (near(i, 31, 119, 180) || near(i, 44, 160, 44)) curves++;
  return [running, curves];
}
"""


def test_the_training_monitor_draws_its_curves_while_the_cell_still_runs(lab, chromium,
                                                                         tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                               for source in MONITOR_NOTEBOOK])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = tmp_path / "monitor_while_training.ipynb"
    nbformat.write(notebook, path)
    lesson = LessonPage(lab, chromium, path)
    samples = []  # (kernel busy?, curve pixels) while the cells run
    try:
        lesson.open()
        lesson.start_run_all()
        while not lesson.finished():
            running, curves = lesson.notebook.evaluate(CURVE_PIXELS_JS)
            samples.append((running, curves))
            if curves > 0 and len({c for busy, c in samples if busy and c > 0}) == 3:
                lesson.screenshot("monitor_while_training",
                                  lesson.output_with("img.widget-image"))
            lesson.page.wait_for_timeout(150)
        assert not lesson.problems(), lesson.problems()
    finally:
        lesson.close()
    while_busy = [curves for busy, curves in samples if busy]
    drawn = sorted({c for c in while_busy if c > 0})
    assert len(drawn) >= 2, (
        f"while the cell trained, the monitor showed curve pixels {while_busy}: "
        "its curves should appear and grow epoch by epoch")


# --- lesson 3's neuron toggle -------------------------------------------------------------


@pytest.mark.parametrize("path", lessons_showing("paths"))
def test_the_neuron_toggle_offers_exactly_the_neurons_of_the_chosen_layer(open_lesson, path):
    lesson = open_lesson(path)
    root = panel_output(lesson, "paths")
    network = example_network()[0]
    sizes = network.sizes

    def toggle(description):
        return root.locator(".widget-toggle-buttons").filter(
            has=lesson.page.locator(".widget-label", has_text=re.compile(
                f"^{re.escape(description)}$")))

    def neuron_buttons():
        return [b.strip() for b in toggle("neuron k").locator("button").all_text_contents()]

    layers = range(len(network.W))  # the layers whose activations reach C0 by paths
    assert len({sizes[l] for l in layers}) > 1, "the test needs layers of different sizes"
    for layer in [*layers, *reversed(layers)][1:]:
        toggle("layer").locator("button", has_text=re.compile(f"^layer {layer}$")).click()
        expected = [str(j) for j in range(sizes[layer])]
        settled(lambda expected=expected: neuron_buttons() == expected, UPDATE_TIMEOUT)
        assert neuron_buttons() == expected, f"layer {layer}"
        last = expected[-1]
        toggle("neuron k").locator("button", has_text=re.compile(f"^{last}$")).click()
        wait_until(lambda last=last, layer=layer: chosen_neuron(root) == (int(last), layer),
                   UPDATE_TIMEOUT, f"neuron {last} of layer {layer} to be chosen")
    lesson.screenshot("paths_toggle", root)


def chosen_neuron(root):
    """(k, layer) of the neuron the readout names, a<sub>k</sub><sup>(layer)</sup>, or None."""
    label = root.locator('td[data-key="a_k"]').locator("xpath=..").locator("td").first
    match = re.search(r"a<sub>(\d+)</sub><sup>\((\d+)\)</sup>", label.inner_html())
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- polish: readouts that keep their lines, sliders a mouse can set ----------------------


@pytest.mark.parametrize("path", lessons_showing("inside"))
def test_the_inside_readout_keeps_each_line_whole(open_lesson, path):
    lesson = open_lesson(path)
    root = panel_output(lesson, "inside")
    heights = root.locator("td").evaluate_all(
        "tds => tds.map(td => [td.textContent.trim(), td.getBoundingClientRect().height])")
    one_line = min(height for _, height in heights)
    wrapped = [text for text, height in heights if height > 1.5 * one_line]
    assert not wrapped, f"readout cells wrapped onto two lines: {wrapped}"


@pytest.mark.parametrize("path", lessons_showing("nudge"))
def test_the_nudge_sliders_are_long_enough_for_the_mouse(open_lesson, path):
    panel = NudgeView(open_lesson(path))
    for name, slider in panel.sliders.items():
        width = slider.widget.locator(".noUi-target").bounding_box()["width"]
        low, high = NUDGE_RANGES[name]
        assert (high - low) / width <= 0.04, (
            f"the {name} slider moves {(high - low) / width:.3f} per pixel ({width:.0f} px)")
