"""Lesson 6 in JupyterLab + Chromium: it runs clean, and a learner's first step works.

The lesson is seen after Run All (test_lessons.py sees it fresh, as stored,
with every other lesson); then, as a learner would, the first Solution
button is pressed before any attempt, the first exercise is typed into its
cell and run, and the button now shows the worked solution. A zoo quiz is
answered too.

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
    for name, text in [("training", "at least 90%"), ("specimen", "def no_sigma_prime"),
                       ("fingerprints", re.compile(r"mistake\s+layer 3"))]:
        cell = lesson.notebook.locator(".jp-CodeCell").filter(
            has=lesson.page.locator(".jp-OutputArea", has_text=text)).first
        lesson.screenshot(f"06_your_backprop_{name}", cell)

    # The first Solution button asks for a try first.
    button = lesson.notebook.locator("button", has_text="Show a worked solution").first
    button.scroll_into_view_if_needed()
    button.click()
    solution_output = lesson.output_with("button:has-text('Show a worked solution')").first
    wait_until(lambda: "try first" in solution_output.text_content(), TIMEOUT,
               "the solution button to ask for a try first")

    # Type a correct output_error into step 1's cell and run it.
    cell = lesson.notebook.locator(".jp-CodeCell").filter(
        has=lesson.page.locator(".jp-InputArea", has_text="def output_error")).first
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

    # Now the button shows the worked solution.
    button.click()
    wait_until(lambda: "def output_error(a_L, y, z_L):" in solution_output.text_content(),
               TIMEOUT, "the worked solution to show")
    lesson.screenshot("06_your_backprop_solution", solution_output)

    # The first zoo quiz: pick the right answer and check it.
    quiz = lesson.output_with(".widget-radio-box").filter(
        has_text=re.compile("Which mistake is it")).first
    quiz.scroll_into_view_if_needed()
    quiz.locator("label", has_text="σ′(z(L)) left out of the output error").click()
    quiz.locator("button", has_text="Check my answer").click()
    wait_until(lambda: "Right." in quiz.text_content(), TIMEOUT, "the quiz to answer")
    lesson.screenshot("06_your_backprop_quiz", quiz)
