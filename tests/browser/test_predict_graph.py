"""In Chromium: a prediction from prompt to reveal, and the step-through graph both ways.

The numbers the page shows are compared with bp_helpers computed here, with
the lessons' own parameters.
"""

import re

import pytest
from labrunner import NOTEBOOKS, page_number, wait_until

from bp_helpers import chain
from bp_helpers.panels.graph import GraphState, graph_result

LESSON1 = NOTEBOOKS / "01_the_last_link.ipynb"
LESSON2 = NOTEBOOKS / "02_a_chain_of_layers.ipynb"

pytestmark = pytest.mark.browser


def prediction_widgets(lesson):
    return lesson.notebook.locator(".bp-prediction")


def test_a_prediction_from_prompt_to_reveal(open_lesson):
    lesson = open_lesson(LESSON1)
    assert lesson.problems() == []
    widgets = prediction_widgets(lesson)
    assert widgets.count() == 4  # the untrained 2, the mini-batch, the factors, the dead ReLU
    first = widgets.filter(has_text="which of the three factors")
    first.scroll_into_view_if_needed()
    result = first.locator(".bp-prediction-result")
    g = chain.backward([1.5], [-0.5], 0.8, 0.0)
    sigma_prime = f"{g.sigma_prime[0]:.4g}"
    # Before the commit: the prompt, and no trace of the answer.
    wait_until(lambda: "The computed answer appears only after" in result.text_content(), 20,
               "the prediction's prompt")
    assert sigma_prime not in first.text_content()
    assert "your prediction" not in result.text_content()
    assert result.locator("[data-key='answer']").count() == 0
    lesson.screenshot("predict_lesson1_prompt", first)

    # By keyboard alone: the arrows move the choice inside the question (not to the next
    # cell), Tab goes on to the button, Enter commits, and focus moves to the reveal.
    choose_by_arrows(lesson, first, "σ′(z(L))")
    lesson.page.keyboard.press("Tab")
    assert lesson.page.evaluate("document.activeElement.textContent") == "Commit my prediction"
    lesson.page.keyboard.press("Enter")
    answer = result.locator("[data-key='answer']")
    answer.wait_for(timeout=20_000)
    wait_until(lambda: result.evaluate("r => r.contains(document.activeElement)"), 5,
               "focus to move to the reveal")
    assert result.evaluate("r => r.closest('[aria-live]').getAttribute('aria-live')") == "polite"
    assert answer.text_content() == f"σ′(z(L)) = {sigma_prime}"
    assert result.locator("[data-key='guess']").text_content() == "σ′(z(L))"
    assert result.locator("[data-key='verdict']").text_content() == "Right."
    assert f"a(L-1) = 0.8, σ′(z(L)) = {sigma_prime}" in result.locator(
        "[data-key='why']").text_content()
    assert first.locator("button", has_text="Commit my prediction").is_disabled()
    lesson.screenshot("predict_lesson1_revealed", first)

    # A number typed in: the dead ReLU's slope, 0, within the tolerance of a wrong-ish guess.
    second = widgets.filter(has_text="ReLU")
    second.scroll_into_view_if_needed()
    second.locator("input[type='text']").fill("0.3")
    second.locator("button", has_text="Commit my prediction").click()
    verdict = second.locator("[data-key='verdict']")
    verdict.wait_for(timeout=20_000)
    assert verdict.text_content() == "Not quite (more than ±0.01 off)."
    assert second.locator("[data-key='answer']").text_content() == "∂C0/∂w = 0"
    assert lesson.problems() == []


def choose_by_arrows(lesson, prediction, option):
    """Pick `option` of a prediction's radio group with the arrow keys, checking each press.

    Each press must check the next radio and keep the focus on it, and JupyterLab's
    active cell must stay the same: arrows that reached JupyterLab would move to
    another cell instead.
    """
    radios = prediction.locator("input[type='radio']")
    labels = [label.text_content().strip()
              for label in prediction.locator(".widget-radio-box label").all()]
    target = labels.index(option)
    radios.nth(0).focus()
    cell = lesson.active_cell()
    at, keys = 0, ["ArrowDown"] + (["ArrowUp"] if target == 0 else ["ArrowDown"] * (target - 1))
    for key in keys:
        lesson.page.keyboard.press(key)
        at = (at + (1 if key == "ArrowDown" else -1)) % len(labels)
        wait_until(lambda i=at: radios.nth(i).is_checked(), 5, f"{key} to check {labels[at]}")
        assert radios.nth(at).evaluate("r => r === document.activeElement"), key
        assert lesson.active_cell() == cell, f"{key} moved JupyterLab to another cell"
    assert labels[at] == option


def graph_text(graph, key):
    return graph.locator(f"[data-key='{key}']").first.text_content()


def click_until(lesson, graph, label, step, n_steps):
    """Click `label` once and wait until the message shows `step` (or the start)."""
    graph.locator("button", has_text=label).click()
    message = graph.locator("[data-key='message']")
    expected = re.compile(rf"(forward|backward) step {step} of {n_steps}:" if step else
                          r"^The inputs are set")
    wait_until(lambda: expected.search(message.text_content()), 20,
               f"{lesson.name}: the graph to show step {step}")


@pytest.mark.parametrize("path, state", [
    (LESSON1, GraphState(w=(1.5,), b=(-0.5,), x=0.8, y=0.0)),
    (LESSON2, GraphState(w=(1.5, -2.0, 2.5), b=(0.5, 1.0, -1.0), x=1.0, y=1.0)),
])
def test_graph_steps_forward_and_backward(open_lesson, path, state):
    lesson = open_lesson(path)
    graph = lesson.notebook.locator(".jp-OutputArea-output").filter(
        has=lesson.page.locator(".bp-graph-drawing"))
    assert graph.count() == 1
    graph.scroll_into_view_if_needed()
    n_steps = graph_result(state).n_steps
    final = graph_result(GraphState(**{**state.__dict__, "step": n_steps}))
    L = len(state.w)
    assert graph_text(graph, "value-z1").strip() == "= ?"
    for step in range(1, n_steps + 1):
        click_until(lesson, graph, "step ▶", step, n_steps)
        node = graph_result(GraphState(**{**state.__dict__, "step": step})).step.node
        if step <= 2 * L + 1:  # forward: the node's value, left to right
            shown = page_number(graph_text(graph, f"value-{node}"))
            assert shown == pytest.approx(final.values[node], rel=1e-3), node
            assert graph_text(graph, f"grad-{node}").endswith("?")
        else:  # backward: the node's dC0/d(node), right to left
            shown = page_number(graph_text(graph, f"grad-{node}").split("=")[1])
            assert shown == pytest.approx(final.grads[node], rel=1e-3, abs=1e-12), node
        if step == 2 * L + 1:
            lesson.screenshot(f"graph_{lesson.name}_forward", graph)
    g = chain.backward(state.w, state.b, state.x, state.y)
    assert page_number(graph_text(graph, "grad-w1").split("=")[1]) == pytest.approx(
        g.dC_dw[0], rel=1e-3)
    message = graph.locator("[data-key='message']").text_content()
    assert "A multiplication hands each input the other one's value" in message
    lesson.screenshot(f"graph_{lesson.name}_backward", graph)
    # One step back hides the last gradient again.
    click_until(lesson, graph, "◀ step back", n_steps - 1, n_steps)
    assert graph_text(graph, "grad-a0").endswith("?")
    assert lesson.problems() == []
