"""Lesson 1's levers panel in JupyterLab + Chromium: the learner's controls drive the ranking.

    .venv/bin/python -m pytest tests/browser/test_levers.py -m browser
"""

import math
import re

import pytest
from labrunner import NOTEBOOKS, Slider, page_number, wait_until

from bp_helpers.panels.levers import N_PREV, LeversState, levers_result

pytestmark = pytest.mark.browser

LESSON = NOTEBOOKS / "01_the_last_link.ipynb"
MARKER = 'td[data-key="effect_bias"]'
UPDATE_TIMEOUT = 10  # seconds for a change to reach the kernel and come back


class LeversView:
    """The levers panel as the page shows it: controls in, readouts out."""

    def __init__(self, lesson):
        self.lesson = lesson
        output = lesson.output_with(MARKER)
        output.first.wait_for()
        assert output.count() == 1, f"expected one levers panel, found {output.count()}"
        self.root = output
        self.a_sliders = [Slider(self.root, f"a{k}(L-1)") for k in range(N_PREV)]
        self.step = Slider(self.root, "nudge size")

    def choose_j(self, j):
        self.root.locator(".widget-toggle-buttons button", has_text=re.compile(f"^{j}$")).click()

    def state(self):
        active = self.root.locator(".widget-toggle-buttons button.mod-active").text_content()
        return LeversState(a_prev=tuple(s.value() for s in self.a_sliders), j=int(active),
                           step=self.step.value())

    def readouts(self):
        """{key: text} in the order the rows appear (the ranking)."""
        return self.root.locator("td[data-key]").evaluate_all(
            "tds => tds.map(td => [td.dataset.key, td.textContent.trim()])")

    def check(self, what):
        """Wait until every readout shows what levers_result computes for the page's state."""
        last = {}

        def agree():
            r = levers_result(self.state())
            shown = self.readouts()
            order = [key.removeprefix("effect_") for key, _ in shown if key.startswith("effect_")]
            expected = {"a": r.a, **{f"effect_{k}": v for k, v in r.effect.items()},
                        **{f"new_a_{k}": v for k, v in r.new_a.items()}}
            wrong = [(key, text, expected[key]) for key, text in shown
                     if not math.isclose(page_number(text), expected[key], rel_tol=1e-3,
                                         abs_tol=1e-12)]
            last.update(shown=shown, wrong=wrong, order=order, ranking=r.ranking)
            return not wrong and tuple(order) == r.ranking

        try:
            wait_until(agree, UPDATE_TIMEOUT, what, interval=0.1)
        except TimeoutError:
            pytest.fail(f"{what}: the page shows {last}")
        return last


def test_levers_panel_ranks_the_levers_as_the_learner_moves_it(open_lesson):
    lesson = open_lesson(LESSON)
    panel = LeversView(lesson)
    assert panel.state() == LeversState()
    first = panel.check("as the lesson opens")
    assert first["ranking"] == ("weights", "bias")
    lesson.screenshot("levers_panel", panel.root)

    panel.choose_j(1)
    panel.check("after choosing j = 1")
    for k in (0, 5):  # the two brightest inputs down to 0.5: |a| < 1, and the bias leads
        panel.a_sliders[k].type_value("0.5")
    wait_until(lambda: panel.state().a_prev[5] == 0.5, 5, "a0 and a5 to read 0.5")
    assert panel.check("after dimming a0 and a5")["ranking"] == ("bias", "weights")

    before = panel.a_sliders[3].value()
    panel.a_sliders[3].press("ArrowRight", 20)
    wait_until(lambda: math.isclose(panel.a_sliders[3].value(), before + 0.2, abs_tol=1e-9),
               5, "the a3 slider to move 20 steps")
    panel.check("after raising a3 by 0.2")

    for slider in panel.a_sliders:  # every input silent: the weight lever does nothing
        slider.type_value("0")
    wait_until(lambda: panel.state().a_prev == (0.0,) * N_PREV, 5, "every a_k to read 0")
    shown = dict(panel.check("with every a_k at 0")["shown"])
    assert page_number(shown["effect_weights"]) == 0
    assert page_number(shown["effect_bias"]) > 0
