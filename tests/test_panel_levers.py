"""Lesson 1's levers panel: three ways to raise one output neuron; the two parameters ranked."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.activations import sigmoid
from bp_helpers.panels.levers import (
    LEVERS,
    N_OUT,
    N_PREV,
    LeversPanel,
    LeversState,
    example_layer,
    levers_result,
    readout_rows,
)

states = st.builds(
    LeversState,
    a_prev=st.tuples(*[st.floats(0.0, 1.0)] * N_PREV),
    j=st.integers(0, N_OUT - 1),
    step=st.floats(0.0, 1.0),
)


@settings(max_examples=200, deadline=None)
@given(states)
def test_effects_are_the_derivatives_along_each_lever(state):
    r = levers_result(state)
    W, b = example_layer()
    a_prev = np.array(state.a_prev)

    def a_j(w=W[state.j], a=a_prev, bias=b[state.j]):
        return sigmoid(w @ a + bias)

    h = 1e-6
    measured = {
        "bias": (a_j(bias=b[state.j] + h) - a_j(bias=b[state.j] - h)) / (2 * h),
        "weights": (a_j(w=W[state.j] + h * r.w_direction)
                    - a_j(w=W[state.j] - h * r.w_direction)) / (2 * h),
        "activations": (a_j(a=a_prev + h * r.a_direction)
                        - a_j(a=a_prev - h * r.a_direction)) / (2 * h),
    }
    for lever in LEVERS:
        assert r.effect[lever] == pytest.approx(measured[lever], rel=1e-6, abs=1e-9)
        assert np.isfinite(r.new_a[lever]) and r.new_a[lever] >= r.a
    assert set(r.ranking) == {"bias", "weights"}  # the activations are not parameters
    assert r.effect[r.ranking[0]] >= r.effect[r.ranking[1]]
    # lever 3 keeps every activation a sigmoid's output could be, and says which it pinned
    assert np.all((r.a_prev_after >= 0) & (r.a_prev_after <= 1))
    asked = a_prev + r.da_prev
    assert r.pinned == tuple(k for k in range(N_PREV) if not 0 <= asked[k] <= 1)
    assert r.new_a["activations"] == pytest.approx(sigmoid(W[state.j] @ r.a_prev_after
                                                           + b[state.j]), rel=1e-12)
    # Hebbian: the weight lever shares out exactly like the inputs' activations
    assert np.all(np.diff(r.w_direction[np.argsort(a_prev)]) >= 0)
    np.testing.assert_allclose(r.dw, state.step * r.w_direction)


def test_no_lever_beats_the_steepest_direction():
    # The three levers together are the gradient of a_j in (b, w, a); its length bounds each.
    r = levers_result(LeversState())
    total = np.sqrt(sum(effect**2 for effect in r.effect.values()))
    assert all(effect <= total for effect in r.effect.values())


def test_readout_ranks_the_parameters_and_shows_the_request_apart():
    rows = readout_rows(levers_result(LeversState()))
    keys = [key for key, *_ in rows]
    assert keys == ["a", "effect_weights", "new_a_weights", "effect_bias", "new_a_bias",
                    "new_a_activations"]
    assert rows[1][1].startswith("1. raise each w<sub>jk</sub>")
    assert rows[-1][1].startswith("not a parameter, a request to layer L−1: a<sub>0</sub>")
    assert rows[-1][1].endswith("(a<sub>3</sub> at 0)")  # asked to fall below 0
    rows = readout_rows(levers_result(LeversState(j=1)))
    assert rows[-1][1].endswith("after a nudge of 0.1")


def test_pinned_activations_are_drawn_grey():
    panel = LeversPanel()
    greys = [k for k, bar in enumerate(panel.da_bars) if bar.get_facecolor()
             == panel.da_bars[3].get_facecolor()]
    assert greys == [3]
    panel.set_state(step=1.0)
    grey = panel.da_bars[3].get_facecolor()
    assert [k for k, bar in enumerate(panel.da_bars) if bar.get_facecolor() == grey] == [0, 3, 5]


def test_view_follows_its_controls():
    panel = LeversPanel()
    panel.j.value = 1
    panel.a_sliders[3].value = 1.0
    expected = levers_result(panel.state)
    assert expected.state.j == 1 and expected.state.a_prev[3] == 1.0
    np.testing.assert_allclose([bar.get_height() for bar in panel.w_bars], expected.w_direction)
    np.testing.assert_allclose([bar.get_height() for bar in panel.da_bars],
                               expected.a_direction)
    assert f"{expected.effect['weights']:+.4g}" in panel.readout.value
    panel.set_state(a_prev=(0.0,) * N_PREV)
    assert all(bar.get_height() == 0 for bar in panel.w_bars)
    assert "data-key='effect_weights'" in panel.readout.value


def test_bad_state_gets_a_clear_error():
    with pytest.raises(ValueError, match="a_prev must hold 6 activations, got shape"):
        levers_result(LeversState(a_prev=(1.0, 2.0)))
    with pytest.raises(ValueError, match=r"every a_prev must lie in \[0.0, 1.0\]"):
        levers_result(LeversState(a_prev=(2.0,) * N_PREV))
    with pytest.raises(ValueError, match="j must be an output neuron 0 to 2, got 3"):
        levers_result(LeversState(j=3))
    with pytest.raises(ValueError, match=r"step must lie in \[0.0, 1.0\], got -1"):
        levers_result(LeversState(step=-1.0))
