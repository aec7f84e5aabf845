"""Lesson 5's "2" view in Chromium: pick a digit, step through its examples, find a mistake.

The panel is driven as a learner drives it (the "show me a" dropdown, the "next" and
"next mistake" buttons, the hidden-neuron dropdown), and what the page shows is
checked against bp_helpers' own numbers for the example the page names.

    BP_MNIST_DIR=/path/to/mnist .venv/bin/python -m pytest tests/browser/test_wishes.py
"""

import re

import numpy as np
import pytest
from labrunner import NOTEBOOKS, wait_until

from bp_helpers.data import load_mnist
from bp_helpers.panels.wishes import WishesState, next_example, next_mistake, wishes_result
from bp_helpers.recipes import RECIPES, train_or_load

pytestmark = pytest.mark.browser

LESSON = NOTEBOOKS / "05_mnist.ipynb"
UPDATE_TIMEOUT = 20


@pytest.fixture(scope="module")
def lesson_network():
    """The network and test set the lesson uses (the same data, the same saved weights)."""
    mnist = load_mnist()
    network, _ = train_or_load(RECIPES["sigmoid"], mnist)
    return network, mnist.X_test, mnist.y_test


def readout(panel, key):
    return panel.locator(f"td[data-key='{key}']").text_content().strip()


def shown_index(panel):
    """The test example the page names, from its readout '#38: a 2'."""
    match = re.fullmatch(r"#(\d+): a (\d)", readout(panel, "index"))
    assert match, readout(panel, "index")
    return int(match[1]), int(match[2])


def wait_for_index(panel, index, what):
    wait_until(lambda: shown_index(panel)[0] == index, UPDATE_TIMEOUT, what)


def page_time(lesson):
    return lesson.page.evaluate("performance.now()")


def wait_for_paint(panel, since, what):
    """Wait until the panel's plot canvas has been painted after page time `since`."""
    canvas = panel.locator("img.widget-image").first
    wait_until(lambda: canvas.evaluate("(c, since) => (c.__bpPainted || 0) > since", since),
               UPDATE_TIMEOUT, f"the plot to redraw for {what}")


def test_the_2_view_follows_its_buttons(open_lesson, lesson_network):
    network, X, labels = lesson_network
    lesson = open_lesson(LESSON)
    panel = lesson.output_with("td[data-key='hidden_wish']").first
    panel.wait_for()
    panel.scroll_into_view_if_needed()

    first = next_example(labels, 2, -1)
    wait_for_index(panel, first, "the first 2")
    assert shown_index(panel) == (first, 2)
    canvas = panel.locator("img.widget-image").first
    assert canvas.bounding_box()["height"] > 200
    lesson.screenshot("wishes_first_2", panel)

    panel.get_by_role("button", name="next 2").click()
    second = next_example(labels, 2, first)
    wait_for_index(panel, second, "the next 2")

    since = page_time(lesson)
    panel.get_by_role("button", name="next mistake").click()
    mistake = next_mistake(network, X, labels, 2, second)
    wait_for_index(panel, mistake, "the next 2 the network gets wrong")
    wait_for_paint(panel, since, "the mistake")
    expected = wishes_result(WishesState(index=mistake, neuron=0), network, X, labels)
    assert readout(panel, "predicted") == f"{expected.predicted} (wrong)"
    assert readout(panel, "hidden_wish") == f"{expected.hidden_wish:+.4f}"
    lesson.screenshot("wishes_mistake", panel)

    # another hidden neuron, picked by keyboard (the arrows change the menu, not the
    # cell): its wish, as the kernel computes it
    menu = panel.locator(".widget-dropdown", has_text="hidden neuron k").locator("select")
    menu.focus()
    cell = lesson.active_cell()
    for _ in range(5):
        lesson.page.keyboard.press("ArrowDown")
    wait_until(lambda: menu.input_value() == "5", 5, "five ArrowDowns to pick neuron 5")
    assert lesson.active_cell() == cell and menu.evaluate("m => m === document.activeElement")
    expected = wishes_result(WishesState(index=mistake, neuron=5), network, X, labels)
    wait_until(lambda: readout(panel, "hidden_wish") == f"{expected.hidden_wish:+.4f}",
               UPDATE_TIMEOUT, "hidden neuron 5's wish")
    assert readout(panel, "batch_hidden_wish") == f"{expected.batch_hidden_wish:+.4f}"

    # show me a 7
    panel.locator(".widget-dropdown", has_text="show me a").locator("select").select_option("7")
    seven = next_example(labels, 7, -1)
    wait_for_index(panel, seven, "the first 7")
    assert panel.get_by_role("button", name="next 7").count() == 1
    assert np.isfinite(float(readout(panel, "hidden_wish")))
