"""Lesson 6 in JupyterLab + Chromium: it runs clean, and a learner's first step works.

The lesson is seen after Run All (test_lessons.py sees it fresh, as stored,
with every other lesson); then, as a learner would, the first exercise is
typed into its cell and run, and the button that its answer now offers shows
the worked solution. A zoo quiz is answered too.

    .venv/bin/python -m pytest tests/browser/test_lesson6.py -m browser
"""

import re

import pytest
from labrunner import NOTEBOOKS, wait_until

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
                       ("specimen", "delta = 2 * (activations[L] - Y)"),
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
    lesson.page.keyboard.type('\ncheck_step("output_error", output_error)')
    lesson.page.keyboard.press("Shift+Enter")
    wait_until(lambda: "output_error matches bp_helpers" in cell.text_content(), TIMEOUT,
               "step 1's check to pass")

    # Now the answer has the button, as in lessons 1-5, and it shows the worked solution.
    button = cell.get_by_role("button", name="Show a worked solution")
    button.click()
    wait_until(lambda: "def output_error(a_L, y, z_L):" in cell.text_content(),
               TIMEOUT, "the worked solution to show")
    assert "numpy's *, not @" in cell.text_content()  # the reasoning comes with the code
    lesson.screenshot("06_your_backprop_solution", cell)

    # The first zoo quiz: pick the right answer and check it.
    quiz = lesson.output_with(".widget-radio-box").filter(
        has_text=re.compile("Which mistake is it")).first
    quiz.scroll_into_view_if_needed()
    quiz.locator("label", has_text="σ′(z(L)) left out of the output error").click()
    quiz.locator("button", has_text="Check my answer").click()
    wait_until(lambda: "Right." in quiz.text_content(), TIMEOUT, "the quiz to answer")
    lesson.screenshot("06_your_backprop_quiz", quiz)
