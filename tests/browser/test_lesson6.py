"""Lesson 6 in JupyterLab + Chromium: it runs clean, and a learner's first step works.

The lesson is seen after Run All (test_lessons.py sees it fresh, as stored,
with every other lesson); then, as a learner would, the first exercise is
typed into its cell and run, and the button that its answer now offers shows
the worked solution. Then specimen 1 of the zoo is done from guess to reveal
to fix: its check alone, a committed diagnosis, its code, the line named,
and a corrected body pasted into its fix cell.

    .venv/bin/python -m pytest tests/browser/test_lesson6.py -m browser
"""

import re

import pytest
from labrunner import NOTEBOOKS, wait_until

from bp_helpers.zoo import BUGS

pytestmark = pytest.mark.browser

LESSON = NOTEBOOKS / "06_your_backprop.ipynb"
TIMEOUT = 60  # seconds for a cell's output to come back, on a busy 2-core machine


def test_lesson6_runs_clean_and_a_learner_can_solve_step_one(open_lesson):
    lesson = open_lesson(LESSON)
    assert lesson.unrun_cells() == []
    assert lesson.problems() == []
    wait_until(lambda: all(view["rendered"] for view in lesson.widgets()), 20,
               "every widget to render")
    text = lesson.notebook.text_content()
    assert "the cells below use the worked solution" in text
    assert "gradient check passed (threshold 1e-06). layer 3: ok" in text
    assert "at least 90%: True" in text
    lesson.screenshot("06_your_backprop")
    for name, text in [("training", "at least 90%"),
                       ("monitor", re.compile(r"epoch (\d+)/\1: cost")),
                       ("fingerprints", re.compile(r"mistake\s+layer 3"))]:
        cell = lesson.notebook.locator(".jp-CodeCell").filter(
            has=lesson.page.locator(".jp-OutputArea", has_text=text)).first
        lesson.screenshot(f"06_your_backprop_{name}", cell)

    # Step 1, as stored and after Run All: not written yet, so no solution button.
    cell = lesson.notebook.locator(".jp-CodeCell").filter(
        has=lesson.page.locator(".jp-InputArea", has_text="def output_error")).first
    output = cell.locator(".jp-OutputArea-output").first
    output.get_by_text("after your first attempt").wait_for()
    assert output.get_by_role("button").count() == 0

    # Type a correct output_error into step 1's cell and run it.
    editor = cell.locator(".cm-content")
    editor.click()
    lesson.page.keyboard.press("Control+A")
    lesson.page.keyboard.type(
        "def output_error(a_L, y, z_L): return 2 * (a_L - y) * sigmoid_prime(z_L)\n")
    lesson.page.keyboard.press("Escape")  # leave the line's automatic indentation, if any
    editor.click()
    lesson.page.keyboard.press("Control+End")
    lesson.page.keyboard.type('\nlesson6.grade_step("output_error", output_error)')
    lesson.page.keyboard.press("Shift+Enter")
    wait_until(lambda: "output_error matches bp_helpers" in cell.text_content(), TIMEOUT,
               "step 1's check to pass")

    # Now the answer has the button, as in lessons 1-5, and it shows the worked solution.
    button = cell.get_by_role("button", name="Show a worked solution")
    button.click()
    # The learner's own code above says "def output_error" too: wait for the output's.
    answer = cell.locator(".jp-OutputArea")
    wait_until(lambda: "numpy's *, not @" in answer.text_content(), TIMEOUT,
               "the worked solution to show, with its reasoning")
    assert "def output_error(a_L, y, z_L):" in answer.text_content()
    lesson.screenshot("06_your_backprop_solution", cell)

    # Specimen 1: only its check shows, and no line of its code.
    panel = lesson.output_with(".widget-radio-box").filter(has_text="Specimen 1 (").first
    panel.scroll_into_view_if_needed()
    assert "gradient check FAILED" in panel.text_content()
    assert "activations" not in panel.text_content()
    lesson.screenshot("06_your_backprop_specimen_check", panel)

    # The learner commits a diagnosis; then the code appears and the learner names the line.
    panel.locator("label", has_text="In the output error δ(L)").click()
    panel.get_by_role("button", name="Commit my diagnosis").click()
    wait_until(lambda: "Which line holds the mistake?" in panel.text_content(), TIMEOUT,
               "the code to show after the diagnosis")
    assert "✅ Right." in panel.text_content()
    panel.locator("label", has_text="line 5: delta = 2 * (activations[L] - Y)").click()
    panel.get_by_role("button", name="Check this line").click()
    wait_until(lambda: panel.text_content().count("✅ Right.") == 2, TIMEOUT,
               "the line to be graded")
    lesson.screenshot("06_your_backprop_specimen_revealed", panel)

    # The learner pastes the corrected body into the fix cell below and runs it.
    cell = lesson.notebook.locator(".jp-CodeCell").filter(
        has=lesson.page.locator(".jp-InputArea", has_text="grade_fix(1, fix)")).first
    body = BUGS[0].source().split("\n", 1)[1].replace(
        "delta = 2 * (activations[L] - Y)", "delta = output_error(activations[L], Y, zs[L - 1])")
    editor = cell.locator(".cm-content")
    editor.click()
    lesson.page.keyboard.press("Control+A")
    lesson.page.keyboard.insert_text(
        f"def fix(network, X, Y):\n{body}\n\nlesson6.grade_fix(1, fix)\n")
    lesson.page.keyboard.press("Shift+Enter")
    wait_until(lambda: "Fixed: specimen 1's gradient check passes" in cell.text_content(),
               TIMEOUT, "the fix to be checked")
    lesson.screenshot("06_your_backprop_fixed", cell)
