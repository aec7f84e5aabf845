"""The step-through computation graph: its numbers are chain.forward's and chain.backward's."""

import re

import numpy as np
import pytest

from bp_helpers import chain
from bp_helpers.panels.graph import (
    ADDITION,
    MULTIPLICATION,
    GraphPanel,
    GraphState,
    graph_result,
    judge_next,
    next_number,
    render_svg,
)

LESSON1 = GraphState()  # w = 1.5, b = -0.5, a(L-1) = 0.8, y = 0 as in lesson 1
LESSON2 = GraphState(w=(1.5, -2.0, 2.5), b=(0.5, 1.0, -1.0), x=1.0, y=1.0)


@pytest.mark.parametrize("state", [LESSON1, LESSON2,
                                   GraphState(w=(2.0, -1.0), b=(-3.0, 0.5), x=0.5, y=1.0,
                                              activation="relu")])
def test_forward_fills_values_left_to_right_then_backward_fills_gradients(state):
    L = len(state.w)
    n = graph_result(state).n_steps
    assert n == 6 * L + 3
    g = chain.backward(state.w, state.b, state.x, state.y, state.activation)
    start = graph_result(state)
    assert set(start.values) == {"a0", "y"} | {f"{p}{l}" for l in range(1, L + 1) for p in "wb"}
    assert start.grads == {} and start.step is None
    order = [f"{p}{l}" for l in range(1, L + 1) for p in "za"] + ["C0"]
    for i, node in enumerate(order, start=1):
        result = graph_result(GraphState(**{**state.__dict__, "step": i}))
        assert result.step.direction == "forward" and result.step.node == node
        assert node in result.values and result.grads == {}
        later = order[i:]
        assert not any(n in result.values for n in later)
    final = graph_result(GraphState(**{**state.__dict__, "step": n}))
    f = g.forward
    for l in range(1, L + 1):
        assert final.values[f"z{l}"] == pytest.approx(f.z[l - 1], abs=0)
        assert final.values[f"a{l}"] == pytest.approx(f.a[l], abs=0)
        assert final.grads[f"z{l}"] == g.delta[l - 1]
        assert final.grads[f"w{l}"] == g.dC_dw[l - 1]
        assert final.grads[f"b{l}"] == g.dC_db[l - 1]
        assert final.grads[f"a{l}"] == g.dC_da[l]
    assert final.grads["a0"] == g.dC_da[0] and final.grads["C0"] == 1.0
    assert final.values["C0"] == f.C0
    # Backward goes right to left: a node's gradient is filled after its head's.
    backward = [graph_result(GraphState(**{**state.__dict__, "step": s})).step
                for s in range(len(order) + 1, n + 1)]
    nodes = [step.node for step in backward]
    assert nodes[:2] == ["C0", f"a{L}"] and nodes[-1] == "a0" and len(set(nodes)) == len(nodes)
    for i, step in enumerate(backward[1:], start=1):
        assert step.edge[1] in nodes[:i]


def test_each_backward_step_is_local_derivative_times_the_heads_gradient():
    state = LESSON2
    n = graph_result(state).n_steps
    for s in range(1, n + 1):
        result = graph_result(GraphState(**{**state.__dict__, "step": s}))
        step = result.step
        if step.edge is None:
            continue
        source, head = step.edge
        local = result.local[step.edge]
        assert result.grads[source] == pytest.approx(local * result.grads[head], rel=1e-12)
        numbers = [float(x) for x in re.findall(r"\(?(-?\d+\.?\d*(?:e-?\d+)?)\)?",
                                                step.formula.split("=")[-1])]
        assert numbers[-1] == pytest.approx(result.grads[source], rel=1e-3)


def test_the_patterns_are_named_as_they_happen():
    state = LESSON1
    steps = [graph_result(GraphState(**{**state.__dict__, "step": s})).step
             for s in range(1, graph_result(state).n_steps + 1)]
    by_node = {s.node: s for s in steps if s.direction == "backward"}
    assert by_node["b1"].pattern == ADDITION
    assert by_node["w1"].pattern == MULTIPLICATION and by_node["a0"].pattern == MULTIPLICATION
    # the multiplication hands w the other input's value, a(L-1) = 0.8, and a(L-1) w = 1.5
    result = graph_result(GraphState(step=len(steps)))
    assert result.local[("w1", "z1")] == 0.8 and result.local[("a0", "z1")] == 1.5
    assert result.local[("b1", "z1")] == 1.0
    assert "∂z(L)/∂w(L)" in by_node["w1"].formula and "0.8 ×" in by_node["w1"].formula


def test_svg_shows_only_what_is_filled_in():
    mid = graph_result(GraphState(step=2))  # z and a computed, C0 not yet
    svg = render_svg(mid)
    assert re.search(r"data-key='value-z1'>= 0.7<", svg)
    assert re.search(r"data-key='value-a1'>= 0.6682<", svg)
    assert re.search(r"data-key='value-C0'>= \?<", svg)
    assert re.search(r"data-key='grad-w1'>∂C0/∂· = \?<", svg)
    done = render_svg(graph_result(GraphState(step=9)))
    g = chain.backward([1.5], [-0.5], 0.8, 0.0)
    assert f"data-key='grad-w1'>∂C0/∂· = {g.dC_dw[0]:.4g}<" in done
    assert f"σ′(z(L)) = {g.sigma_prime[0]:.4g}" in done


@pytest.mark.parametrize("step", [-1, 10, 1.5, True, "2"])
def test_steps_out_of_range_are_refused(step):
    with pytest.raises(ValueError, match="step must be a whole number from 0 to 9"):
        graph_result(GraphState(step=step))


def test_bad_chains_are_refused():
    with pytest.raises(ValueError, match="one weight and one bias"):
        graph_result(GraphState(w=(1.0, 2.0), b=(0.0,)))
    with pytest.raises(ValueError):
        graph_result(GraphState(activation="softplus"))


def test_panel_steps_forward_back_and_stays_in_range():
    panel = GraphPanel(LESSON1)
    assert "step 1" not in panel.message.value and "data-key='value-z1'>= ?" in panel.drawing.value
    panel.back_button.click()
    assert panel.slider.value == 0
    panel.next_button.click()
    assert panel.slider.value == 1
    assert "data-key='value-z1'>= 0.7<" in panel.drawing.value
    assert "forward step 1 of 9" in panel.message.value
    for _ in range(20):
        panel.next_button.click()
    assert panel.slider.value == 9
    assert "∂C0/∂a(L-1)" in panel.message.value and MULTIPLICATION in panel.message.value
    panel.back_button.click()
    assert "∂C0/∂w(L)" in panel.message.value
    panel.slider.value = 7  # the bias step
    assert ADDITION in panel.message.value
    assert panel.play.max == 9 and "interactive" in panel.plain_text()


def test_panel_numbers_match_chain_backward_for_the_lesson2_chain():
    panel = GraphPanel(LESSON2)
    panel.slider.value = panel.n_steps
    g = chain.backward(LESSON2.w, LESSON2.b, LESSON2.x, LESSON2.y)
    for l in range(1, 4):
        shown = re.search(rf"data-key='grad-w{l}'>∂C0/∂· = ([^<]+)<", panel.drawing.value)[1]
        assert float(shown) == pytest.approx(g.dC_dw[l - 1], rel=1e-3)
    assert np.isfinite(g.dC_dw).all()


def contrast(a, b):
    """WCAG contrast ratio of two '#rrggbb' colours."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("step", [0, 2, 5, 9])
def test_every_text_of_the_graph_reads_at_4_5_to_1_on_its_box(step):
    svg = render_svg(graph_result(GraphState(step=step)))
    fills = set(re.findall(r"<text [^>]*fill='(#[0-9a-f]{3,6})'", svg))
    full = {c if len(c) == 7 else "#" + "".join(2 * d for d in c[1:]) for c in fills}
    assert full and all(contrast(c, back) >= 4.5 for c in full for back in ("#eef4fb", "#fff3b0"))


def test_the_graph_keeps_its_size_in_a_box_that_scrolls_by_keyboard():
    panel = GraphPanel()
    assert re.search(r"<svg [^>]*width='\d+' height='310'", panel.drawing.value)
    assert "overflow-x:auto" in panel.drawing.value and "tabindex='0'" in panel.drawing.value


@pytest.mark.parametrize("state", [LESSON1, LESSON2])
def test_the_next_number_is_what_the_next_step_fills_in(state):
    n = graph_result(state).n_steps
    for step in range(n):
        here = graph_result(GraphState(**{**state.__dict__, "step": step}))
        after = graph_result(GraphState(**{**state.__dict__, "step": step + 1}))
        name, number = next_number(here.state)
        node = after.step.node
        shown = after.values[node] if after.step.direction == "forward" else after.grads[node]
        assert number == shown and name.endswith(after.labels[node])
        assert name.startswith("∂C0/∂") == (after.step.direction == "backward")
    assert next_number(GraphState(**{**state.__dict__, "step": n})) is None


def test_a_guess_is_right_within_a_percent_and_told_the_number_otherwise():
    assert next_number(LESSON1) == ("z(L)", pytest.approx(0.7))
    assert judge_next(LESSON1, 0.7) == (True, "Right: z(L) = 0.7.")
    assert judge_next(LESSON1, 0.705)[0] and not judge_next(LESSON1, 0.72)[0]
    assert judge_next(LESSON1, -0.7) == (
        False, "Not quite: you said -0.7, and z(L) = 0.7. See how below.")
    with pytest.raises(ValueError, match="every number is already filled in"):
        judge_next(GraphState(step=9), 0.0)


def test_the_panel_asks_for_each_number_then_shows_it():
    panel = GraphPanel(LESSON1)
    assert "Next: z(L) = ?" in panel.message.value
    panel.guess.value = 0.7
    panel.check_button.click()
    assert panel.slider.value == 1 and "✅ Right: z(L) = 0.7." in panel.verdict.value
    assert "data-key='value-z1'>= 0.7<" in panel.drawing.value
    assert "Next: a(L) = ?" in panel.message.value
    panel.guess.value = 0.0
    panel.check_button.click()  # wrong: told the number, and the step is shown all the same
    assert panel.slider.value == 2
    assert "❌ Not quite: you said 0, and a(L) = " in panel.verdict.value
    panel.next_button.click()
    assert panel.verdict.value == ""
    panel.slider.value = panel.n_steps
    assert "Next:" not in panel.message.value
    panel.check_button.click()
    assert panel.slider.value == panel.n_steps
    assert "Every number is filled in" in panel.verdict.value


def test_before_its_cell_runs_the_panel_pictures_the_graph_with_its_inputs_only():
    html = GraphPanel(LESSON1)._repr_mimebundle_()["text/html"]
    assert "<svg" in html and "data-key='value-a0'>= 0.8<" in html
    assert "data-key='value-z1'>= ?<" in html and "data-key='grad-w1'>∂C0/∂· = ?<" in html
