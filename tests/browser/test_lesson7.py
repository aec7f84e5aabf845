"""Lesson 7 in Chromium: the value-graph panel steps through lesson 1's chain, and a
prediction and a check work as a learner meets them.

    .venv/bin/python -m pytest tests/browser/test_lesson7.py -m browser
"""

import pytest
from labrunner import NOTEBOOKS, wait_until

from bp_helpers.autodiff import Value
from bp_helpers.panels.value_graph import describe, value_graph_frames

LESSON = NOTEBOOKS / "07_backprop_on_any_graph.ipynb"

pytestmark = pytest.mark.browser


def lesson1_graph():
    w, b, a_prev = Value(1.5, name="w"), Value(-0.5, name="b"), Value(0.8, name="a(L-1)")
    return value_graph_frames(((w * a_prev + b).sigmoid() - Value(0.0, name="y")) ** 2)


def test_the_value_graph_steps_forward_and_back_and_shows_alt_text(open_lesson):
    lesson = open_lesson(LESSON)
    assert lesson.problems() == []
    panel = lesson.notebook.locator(".bp-value-graph").first
    panel.scroll_into_view_if_needed()
    message = panel.locator("[data-key='value-graph-message']")
    wait_until(lambda: "Nothing computed yet" in message.text_content(), 20, "step 0")
    graph = lesson1_graph()
    for step in range(1, 3):
        panel.locator("button", has_text="step ▶").click()
        wait_until(lambda s=step: graph.frames[s].message in message.text_content(), 20,
                   f"step {step}")
    picture = panel.locator("img")
    assert picture.get_attribute("alt") == describe(graph, 2)
    assert picture.evaluate("img => img.naturalWidth") > 300
    lesson.screenshot("07_value_graph_step2", panel)
    panel.locator("button", has_text="◀ step back").click()
    wait_until(lambda: graph.frames[1].message in message.text_content(), 20, "back to step 1")


def test_a_gate_prediction_reveals_and_a_check_judges_the_learners_code(open_lesson):
    lesson = open_lesson(LESSON)
    prediction = lesson.notebook.locator(".bp-prediction").filter(has_text="x.grad?").first
    prediction.scroll_into_view_if_needed()
    prediction.locator("input[type='text']").fill("-4")
    prediction.locator("button", has_text="Commit my prediction").click()
    verdict = prediction.locator("[data-key='verdict']")
    verdict.wait_for(timeout=20_000)
    assert verdict.text_content() == "Right."
    assert prediction.locator("[data-key='answer']").text_content() == "x.grad = -4"
    lesson.screenshot("07_add_gate_revealed", prediction)
