"""Lesson 4's descent panel in Chromium: the plots stay put while the diagnosis changes.

Issue 10, item 5: the diagnosis used to sit between the readouts and the plots, so a
longer diagnosis pushed the plots down by 140-300 px while the learner watched them.
This test measures the plot canvas's position inside the panel's output before and
after a diagnosis of one, two and four sentences, and checks that what the readouts
show is what the diagnosis says.

    .venv/bin/python -m pytest tests/browser/test_descent_layout.py
"""

import pytest
from labrunner import NOTEBOOKS, Slider, wait_until

pytestmark = pytest.mark.browser

LESSON = NOTEBOOKS / "04_gradient_descent.ipynb"
UPDATE_TIMEOUT = 60  # both trainings rerun in the kernel; generous on a loaded machine

CANVAS_OFFSET_JS = """
out => {
  const canvas = out.querySelector('img.widget-image');
  const a = out.getBoundingClientRect(), b = canvas.getBoundingClientRect();
  return [Math.round(b.top - a.top), Math.round(b.left - a.left), Math.round(b.height)];
}
"""


def canvas_offset(output):
    """(top, left, height) of the plot canvas, in px from the top left of the panel."""
    return output.evaluate(CANVAS_OFFSET_JS)


def messages(output):
    return [m.strip() for m in output.locator("li[data-key='message']").all_text_contents()]


def readout(output, key):
    return output.locator(f"td[data-key='{key}']").text_content().strip()


def test_the_plots_do_not_move_when_a_diagnosis_appears(open_lesson):
    lesson = open_lesson(LESSON)
    output = lesson.output_with("td[data-key='sgd:steps']").first
    output.wait_for()
    output.scroll_into_view_if_needed()
    wait_until(lambda: len(messages(output)) == 1, UPDATE_TIMEOUT, "the first diagnosis")
    before = canvas_offset(output)
    assert before[2] > 200, f"the plot canvas is not drawn: {before}"
    assert messages(output)[0].startswith("full-batch GD: stuck on the plateau")
    lesson.screenshot("descent_layout_lr3", output)

    lr = Slider(output, "lr")
    lr.type_value("30")
    wait_until(lambda: any("went wrong" in m for m in messages(output)), UPDATE_TIMEOUT,
               "the diagnosis at lr = 30")
    assert len(messages(output)) == 2
    assert canvas_offset(output) == before
    # The readouts and the diagnosis agree: the table shows the kept weights.
    assert readout(output, "sgd:kept") == "0 of 5 (stopped)"
    kept = (f"(C = {readout(output, 'sgd:network_cost')}, "
            f"{readout(output, 'sgd:saturated').split()[0]} saturated)")
    assert kept in messages(output)[0]
    lesson.screenshot("descent_layout_lr30", output)

    lr.type_value("300")
    batch = Slider(output, "batch size B")
    batch.press("ArrowLeft", 2)  # 10 -> 3 -> 1
    wait_until(lambda: "B = 1<" in output.locator("table").first.inner_html()
               and len(messages(output)) == 4, UPDATE_TIMEOUT,
               "the four-sentence diagnosis at lr = 300, B = 1")
    assert readout(output, "sgd:steps") == "6,735"
    assert canvas_offset(output) == before
    lesson.screenshot("descent_layout_lr300_B1", output)
