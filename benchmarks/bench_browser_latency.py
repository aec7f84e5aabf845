"""Slider to screen in a real browser: from a key press to the readout AND the plot updated.

Per lesson, JupyterLab runs the lesson in headless Chromium (the same
machinery as tests/browser), a panel slider is focused, and ArrowRight /
ArrowLeft are pressed one step at a time. Each step's latency is measured in
the page, on its own clock: from the keydown event to the later of the first
change of the panel's readout (a MutationObserver) and the first load of a new
picture into its figure image (tests/browser/labrunner's instrumentation).
Lesson 3's Δ slider changes no plot: there the readout alone is measured.

The reference, measured in the same run and the same browser: the same key
press on a plain ipywidgets FloatSlider whose observer sets a Label, i.e. the
widget protocol's round trip (browser -> kernel -> browser) with no panel
math and no plotting. Target: a median under 250 ms on the 2-core machine.

    BP_MNIST_DIR=/work/shared/mnist .venv/bin/python benchmarks/bench_browser_latency.py

(--steps N, default 20.) The lessons' kernels inherit the environment: BP_MNIST_DIR
gives lesson 5 the full MNIST files (see bp_helpers.data).
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from labrunner import (  # noqa: E402 (the support modules live with the tests)
    FIGURE,
    NOTEBOOKS,
    Chromium,
    LabServer,
    LessonPage,
    Slider,
    missing_requirement,
)
from lessons import LESSONS, PANELS  # noqa: E402

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported by missing_requirement() in main()
    PlaywrightTimeout = TimeoutError

TARGET_MS = 250.0

# Each lesson's first panel that has a timed slider (tests/lessons.py): the output it
# sits in, the slider to step, the readout element that must change, whether the plot
# repaints on that slider.
READOUT = ".widget-html-content"
ROWS = {
    lesson.stem: (panel.marker, panel.slider, READOUT, panel.repaints)
    for lesson in LESSONS
    for panel in [next((PANELS[kind] for kind in lesson.panels if PANELS[kind].slider), None)]
    if panel is not None
}

# Said under a lesson's result.
NOTES = {
    "03_many_neurons_per_layer": "readout only: Δ changes the table, not the plot",
}

# The reference, as a row of ROWS: the output with the slider, its Label.
REFERENCE = (".widget-hslider", "reference", ".widget-vbox > .widget-label", False)
REFERENCE_CELL = """\
import ipywidgets as widgets

slider = widgets.FloatSlider(value=0.5, min=0, max=1, step=0.01, description="reference")
label = widgets.Label()
slider.observe(lambda change: setattr(label, "value", f"{change.new:.2f}"), names="value")
widgets.VBox([slider, label])
"""

# Watch one element for changes; remember every change's time on the element.
WATCH_JS = """
(el) => {
  el.__bpChanges = [];
  new MutationObserver(() => {
    el.__bpChanges.push(performance.now());
    if (el.__bpChanges.length > 100) el.__bpChanges.shift();
  }).observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""

# After the last keydown: the first readout change and the first new figure frame, if any yet.
STEP_DONE_JS = """
([readout, canvas, since]) => {
  const key = window.__bp.keydown;
  if (key <= since) return null;
  const first = (times) => (times || []).find(t => t > key);
  const changed = first(readout.__bpChanges);
  const painted = canvas ? first(canvas.__bpPaints) : key;
  if (changed === undefined || painted === undefined) return null;
  return {readout: changed - key, paint: painted - key, total: Math.max(changed, painted) - key};
}
"""


def reference_notebook(folder):
    path = Path(folder) / "reference_label.ipynb"
    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "reference",
                   "metadata": {}, "outputs": [], "source": REFERENCE_CELL}],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                    "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))
    return path


def measure(lesson, output, slider_label, readout_selector, with_plot, steps):
    """Step the slider `steps` times (after 3 warm-ups); return per-step latencies in ms."""
    output.first.wait_for()
    output.scroll_into_view_if_needed()
    slider = Slider(output, slider_label)
    readout = output.locator(readout_selector).first
    readout.evaluate(WATCH_JS)
    canvas = (output.locator(FIGURE).first.element_handle()
              if with_plot else None)
    readout_handle = readout.element_handle()
    slider.handle.focus()
    results = []
    for i in range(steps + 3):
        since = lesson.page.evaluate("performance.now()")
        lesson.page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        try:
            handle = lesson.page.wait_for_function(
                STEP_DONE_JS, arg=[readout_handle, canvas, since], polling="raf",
                timeout=10_000)
        except PlaywrightTimeout:
            raise RuntimeError("no readout change and canvas paint within 10 s of a key "
                               "press (does the plot render? see tests/browser)") from None
        step = handle.json_value()
        handle.dispose()
        time.sleep(0.15)  # let the kernel settle, so that steps do not overlap
        if i >= 3:
            results.append(step)
    for handle in (canvas, readout_handle):
        if handle is not None:
            handle.dispose()
    return results


def summary(name, results, reference=None):
    totals = [r["total"] for r in results]
    median = statistics.median(totals)
    p90 = statistics.quantiles(totals, n=10, method="inclusive")[-1]
    readout = statistics.median(r["readout"] for r in results)
    plot = statistics.median(r["paint"] for r in results)
    parts = f"readout alone {readout:6.1f}" + (f", plot alone {plot:6.1f}" if plot else "")
    line = (f"{name:28s} median {median:6.1f} ms  (p90 {p90:6.1f}, min {min(totals):6.1f}, "
            f"max {max(totals):6.1f}; {parts})")
    if reference is not None:
        verdict = "meets" if median < TARGET_MS else "MISSES"
        line += (f"\n{'':28s} {median / reference:4.1f}x the reference; {verdict} the target "
                 f"\"median under {TARGET_MS:.0f} ms\"")
    print(line, flush=True)
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="measured steps per lesson")
    args = parser.parse_args()
    reason = missing_requirement()
    if reason:
        sys.exit(f"cannot measure: {reason}")
    print(f"key press -> readout and plot updated, in headless Chromium; {args.steps} steps, "
          f"target: median under {TARGET_MS:.0f} ms", flush=True)
    with tempfile.TemporaryDirectory() as folder, LabServer() as server, Chromium() as browser:
        reference = summary("reference: slider -> Label", run(
            server, browser, reference_notebook(folder), REFERENCE, args.steps))
        for name, row in ROWS.items():
            path = NOTEBOOKS / f"{name}.ipynb"
            try:
                results = run(server, browser, path, row, args.steps)
            except RuntimeError as error:
                print(f"{name:28s} NOT MEASURED: {error}", flush=True)
                continue
            summary(f"{name}: {row[1]}", results, reference)
            if name in NOTES:
                print(f"{'':28s} {NOTES[name]}", flush=True)


def run(server, browser, notebook, row, steps):
    """Open `notebook`, run it, measure its slider; close it (its kernel too)."""
    marker, slider_label, readout, with_plot = row
    lesson = LessonPage(server, browser, notebook)
    try:
        lesson.open()
        lesson.run_all()
        return measure(lesson, lesson.output_with(marker), slider_label, readout, with_plot,
                       steps)
    finally:
        lesson.close()


if __name__ == "__main__":
    main()
