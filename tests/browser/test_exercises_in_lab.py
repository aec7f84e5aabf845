"""An exercise as a learner does it, in JupyterLab in headless Chromium.

Lesson 1 is run with Run All; then the learner's cell of exercise 1 is edited
in the page and run again: first a wrong answer, then a right one, and then
the worked solution is revealed with its button. Its quiz is answered too.

    .venv/bin/python -m pytest tests/browser/test_exercises_in_lab.py -m browser
"""

import re

import pytest
from labrunner import NOTEBOOKS

from bp_helpers.questions import lesson1

pytestmark = pytest.mark.browser

LESSON = NOTEBOOKS / "01_the_last_link.ipynb"
WRONG = "def my_sigmoid_prime(z):\n    return sigmoid(z)\n"
RIGHT = "def my_sigmoid_prime(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"
CHECK = ('\n\ncases = [{"z": 0.0}, {"z": 2.0}, {"z": np.array([-1.0, 3.0])}]\n'
         'lesson1.exercise("sigmoid_prime").grade(my_sigmoid_prime, cases)')
SOLUTION_LINE = "return s * (1 - s)"


@pytest.fixture
def lesson(open_lesson):
    """Lesson 1, opened and run once for every browser test on it; these edit its cells."""
    return open_lesson(LESSON)


def code_cell(lesson, text):
    return lesson.notebook.locator(".jp-CodeCell").filter(has_text=text).first


def run_with(lesson, cell, source):
    """Replace the cell's code with `source`, as typed by the learner, and run it."""
    editor = cell.locator(".jp-InputArea-editor .cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    lesson.page.keyboard.press("Control+A")
    lesson.page.keyboard.insert_text(source)
    lesson.page.keyboard.press("Shift+Enter")


def test_a_wrong_answer_then_a_right_one_then_the_worked_solution(lesson):
    assert lesson.unrun_cells() == [] and lesson.problems() == []
    cell = code_cell(lesson, "def my_sigmoid_prime")
    output = cell.locator(".jp-OutputArea-output")
    # As stored and after Run All: not written yet, no button, no solution.
    output.get_by_text("is not written yet").wait_for()
    assert output.get_by_text("after your first attempt").is_visible()
    assert output.get_by_role("button").count() == 0
    lesson.screenshot("exercise-1-fresh", cell)

    run_with(lesson, cell, WRONG + CHECK)
    output.get_by_text(re.compile(r"should be 0\.25, but your function gives 0\.5")).wait_for()
    button = output.get_by_role("button", name="Show a worked solution")
    assert button.is_visible()
    assert SOLUTION_LINE not in output.first.text_content()
    lesson.screenshot("exercise-1-wrong", cell)

    run_with(lesson, cell, RIGHT + CHECK)
    output.get_by_text("matches bp_helpers on all 3 checks. Well done!").wait_for()
    assert SOLUTION_LINE not in output.first.text_content()
    button.click()
    output.get_by_text("A worked solution", exact=True).wait_for()
    shown = output.first.text_content()
    assert SOLUTION_LINE in shown
    assert "the sigmoid's steepest slope" in shown  # the reasoning, not only the code
    assert not button.is_visible()
    lesson.screenshot("exercise-1-solution", cell)
    assert lesson.problems() == []


def test_a_quiz_answered_wrong_then_right(lesson):
    quiz = lesson1.questions.quizzes["zero_input"]
    cell = code_cell(lesson, 'lesson1.quiz("zero_input")')
    output = cell.locator(".jp-OutputArea-output")
    output.scroll_into_view_if_needed()
    check = output.get_by_role("button", name="Check my answer")
    wrong = next(i for i in range(len(quiz["options"])) if i != quiz["answer"])
    output.get_by_text(quiz["options"][wrong], exact=True).click()
    check.click()
    output.get_by_text("Not quite. " + quiz["explanations"][wrong]).wait_for()
    output.get_by_text(quiz["options"][quiz["answer"]], exact=True).click()
    check.click()
    output.get_by_text("Right. " + quiz["explanations"][quiz["answer"]]).wait_for()
    assert "Right. Right" not in output.first.text_content()
    lesson.screenshot("quiz-right", cell)
