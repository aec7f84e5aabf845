"""Lesson 2's chain panel: backprop beside nudges, for every slider."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.panels import ChainPanel, ChainState, chain_result
from bp_helpers.panels.chain import PARAM_RANGE, RANGES, readout_rows

params = st.tuples(*[st.floats(*PARAM_RANGE)] * 3)


@settings(max_examples=100, deadline=None)
@given(st.builds(ChainState, w=params, b=params, x=st.floats(*RANGES["x"]),
                 y=st.floats(*RANGES["y"]), activation=st.sampled_from(["sigmoid", "tanh",
                                                                        "relu"])))
def test_backprop_and_nudges_agree_for_any_sliders(state):
    r = chain_result(state)
    for analytic, nudged in ((r.gradients.dC_dw, r.nudged_dw), (r.gradients.dC_db, r.nudged_db)):
        assert np.all(np.isfinite(analytic)) and np.all(np.isfinite(nudged))
        # Central differences with h = 1e-6: error far below 1e-7 in absolute terms,
        # except across a ReLU kink, where a nudge straddles two slopes.
        if state.activation != "relu":
            np.testing.assert_allclose(analytic, nudged, rtol=1e-6, atol=1e-8)


def test_default_table_shows_six_matching_rows():
    rows = readout_rows(chain_result(ChainState()))
    assert len(rows) == 6
    assert all(float(error) < 1e-8 for *_, error in rows)
    assert rows[0][:2] == ("w1", "∂C<sub>0</sub>/∂w<sup>(1)</sup>")


def test_target_equal_to_output_silences_every_derivative():
    output = chain_result(ChainState()).gradients.forward.a[-1]
    r = chain_result(ChainState(y=float(output)))
    assert np.all(np.abs(r.gradients.dC_dw) < 1e-15)


def test_view_follows_its_sliders():
    panel = ChainPanel()
    panel.w_sliders[0].value = 6.0
    assert panel.state.w[0] == 6.0
    expected = chain_result(panel.state).gradients
    heights = [bar.get_height() for bar in panel.w_bars]
    np.testing.assert_allclose(heights, np.abs(expected.dC_dw))
    assert f"{expected.dC_dw[0]:+.6g}" in panel.table.value
    panel.set_state(activation="relu", b=(0.0, -6.0, 0.0))
    assert np.all(chain_result(panel.state).gradients.dC_dw[:2] == 0)


def test_bad_state_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"every w must lie in \[-6.0, 6.0\]"):
        chain_result(ChainState(w=(1.0, 9.0, 1.0)))
    with pytest.raises(ValueError, match="got 3 weights and 2 biases"):
        chain_result(ChainState(b=(1.0, 2.0)))


def test_view_refuses_a_chain_of_another_length_and_changes_nothing():
    panel = ChainPanel()
    before, table = panel.state, panel.table.value
    with pytest.raises(ValueError, match=r"w must hold 3 values, one per layer of the panel's "
                                         r"chain, got 2: \(1, 2\)"):
        panel.set_state(w=(1, 2), b=(0.1, 0.2))
    assert panel.state == before and panel.table.value == table
