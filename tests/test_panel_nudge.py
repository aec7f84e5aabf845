"""Lesson 1's nudge panel: its logic over every slider, and its view driven by sliders."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.panels import NudgePanel, NudgeState, nudge_result
from bp_helpers.panels.nudge import DELTA_RANGE, NUDGEABLE, RANGES


@pytest.mark.parametrize("wrt", NUDGEABLE)
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_ratio_goes_to_one_as_the_nudge_shrinks(wrt, activation):
    state = NudgeState(w=1.2, b=0.3, a_prev=0.7, y=0.1, wrt=wrt, activation=activation)
    gaps = [abs(nudge_result(NudgeState(**{**state.__dict__, "delta": d})).ratio - 1)
            for d in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)]
    if activation == "relu":  # piecewise linear: C0 is a parabola, the gap is exactly linear
        assert gaps == pytest.approx([g * 10 ** -k for k, g in enumerate([gaps[0]] * 5)],
                                     rel=1e-5)
    assert all(later < earlier for earlier, later in itertools.pairwise(gaps))
    assert gaps[-1] < 1e-4


def test_factors_multiply_to_the_derivative_and_match_the_lesson():
    r = nudge_result(NudgeState(w=1.5, b=-0.5, a_prev=0.8, y=0.0, wrt="w"))
    assert math.prod(value for _, value in r.factors) == pytest.approx(r.dC_dx, rel=1e-14)
    assert r.factors[0] == ("∂z/∂w", 0.8)
    assert r.dC_dx == pytest.approx(0.237033, abs=1e-6)
    assert nudge_result(NudgeState(wrt="b")).factors[0][1] == 1.0
    assert nudge_result(NudgeState(w=-2.5, wrt="a_prev")).factors[0][1] == -2.5


def test_silent_input_means_no_learning_through_w():
    r = nudge_result(NudgeState(a_prev=0.0, wrt="w", delta=0.5))
    assert r.dC_dx == 0 and r.measured == 0 and r.ratio is None


def test_zero_nudge_divides_by_nothing():
    r = nudge_result(NudgeState(delta=0.0))
    assert r.measured == 0 and r.predicted == 0 and r.ratio is None


def test_error_curve_shrinks_like_delta_squared_then_hits_round_off():
    r = nudge_result(NudgeState())
    def error_at(delta):
        return r.errors[np.argmin(np.abs(np.log10(r.deltas / delta)))]

    assert error_at(1e-4) / error_at(1e-3) == pytest.approx(1e-2, rel=0.05)  # not 1e-1
    floor = np.nanmax(r.errors[r.deltas < 1e-9])
    assert floor < 1e-14


states = st.builds(
    NudgeState,
    **{name: st.floats(low, high) for name, (low, high) in RANGES.items()},
    delta=st.one_of(st.just(0.0), st.floats(*DELTA_RANGE)),
    wrt=st.sampled_from(NUDGEABLE),
    activation=st.sampled_from(["sigmoid", "relu"]),
)
corners = st.builds(
    NudgeState,
    **{name: st.sampled_from([low, high]) for name, (low, high) in RANGES.items()},
    delta=st.sampled_from([0.0, *DELTA_RANGE]),
    wrt=st.sampled_from(NUDGEABLE),
    activation=st.sampled_from(["sigmoid", "relu"]),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(states, corners))
def test_every_slider_state_gives_finite_numbers(state):
    """pytest turns any warning (overflow, division by zero) into a failure."""
    r = nudge_result(state)
    readouts = [r.z, r.a, r.C0, r.x, r.dC_dx, r.measured, r.predicted]
    readouts += [value for _, value in r.factors]
    assert all(math.isfinite(v) for v in readouts)
    assert r.ratio is None or math.isfinite(r.ratio)
    assert np.all(np.isfinite(r.curve_C)) and np.all(np.isfinite(r.tangent_C))
    assert np.all(np.isnan(r.errors) | (r.errors > 0))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (dict(w=7.0), r"w must lie in \[-6.0, 6.0\], got 7.0"),
        (dict(wrt="y"), "wrt must be one of"),
        (dict(delta=-1e-3), "delta must lie in"),
        (dict(b=float("nan")), "b must be finite"),
        (dict(activation="step"), "unknown activation 'step'"),
    ],
)
def test_bad_state_gets_a_clear_error(values, message):
    with pytest.raises(ValueError, match=message):
        nudge_result(NudgeState(**values))


def test_view_follows_its_sliders():
    panel = NudgePanel()
    before = panel.readout.value
    panel.sliders["w"].value = 2.0
    assert panel.state.w == 2.0
    assert panel.readout.value != before
    expected = nudge_result(panel.state)
    np.testing.assert_array_equal(panel.cost_line.get_ydata(), expected.curve_C)
    assert f"{expected.measured:+.4g}" in panel.readout.value

    panel.wrt.value = "a_prev"
    np.testing.assert_array_equal(panel.cost_line.get_xdata(), np.linspace(0.0, 2.0, 200))
    panel.activation.value = "relu"
    assert panel.state.activation == "relu"


def test_view_reaches_every_slider_end_without_warnings():
    panel = NudgePanel()
    for name, slider in panel.sliders.items():
        for value in (slider.min, slider.max):
            slider.value = 10 ** value if name == "delta" else value
            assert "nan" not in panel.readout.value
    panel.set_state(a_prev=0.0, wrt="w")
    assert "predicted change is 0" in panel.readout.value


def test_view_displays_as_widget_snapshot_and_text():
    bundle = NudgePanel()._repr_mimebundle_()
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Nudge panel")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        # tanh is an activation the logic knows, but the view's σ buttons do not offer it
        (dict(w=3.0, activation="tanh"),
         r"the activation buttons offer \['sigmoid', 'relu'\], got 'tanh'"),
        # the logic takes delta = 0; the log slider would have turned it into 1e-12
        (dict(delta=0.0), r"delta must lie in \[1e-12, 1\] \(the slider's range\), got 0.0"),
    ],
)
def test_view_refuses_a_state_it_cannot_show_and_changes_nothing(values, message):
    panel = NudgePanel()
    before, readout = panel.state, panel.readout.value
    with pytest.raises(ValueError, match=message):
        panel.set_state(**values)
    assert panel.state == before and panel.readout.value == readout


def test_set_state_moves_every_control_then_updates_once(monkeypatch):
    panel = NudgePanel()
    updates = []
    update = panel.update
    monkeypatch.setattr(panel, "update", lambda change=None: updates.append(update()))
    panel.set_state(w=2.0, b=0.5, wrt="b", activation="relu")
    assert panel.state == NudgeState(w=2.0, b=0.5, wrt="b", activation="relu")
    assert len(updates) == 1
    panel.set_state(w=2.0)  # nothing moves, nothing to update
    assert len(updates) == 1
    panel.sliders["w"].value = 1.0  # a learner's slider still updates at once
    assert len(updates) == 2
