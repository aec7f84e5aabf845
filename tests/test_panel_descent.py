"""Lesson 4's descent panel: its logic over every slider state, and its view driven by sliders."""

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.descent import lesson_setup
from bp_helpers.panels import DescentPanel, DescentState, descent_result
from bp_helpers.panels.descent import (
    BATCH_SIZES,
    EPOCHS,
    LR_RANGE,
    diagnose,
    readout_html,
    readout_rows,
)


@pytest.fixture(scope="module")
def setup():
    return lesson_setup()


@pytest.fixture(scope="module")
def panel():
    return DescentPanel()


def test_default_state_shows_many_noisy_steps_beating_a_few_exact_ones(setup):
    r = descent_result(DescentState())
    assert r.sgd_path.steps == EPOCHS * math.ceil(setup.n / 10) == r.sgd_run.steps[-1]
    assert r.gd_path.steps == EPOCHS == r.gd_run.steps[-1]
    assert r.sgd_path.examples[-1] == r.gd_path.examples[-1] == EPOCHS * setup.n
    assert r.sgd_path.final_cost < r.gd_path.final_cost
    assert r.sgd_run.final_cost < r.gd_run.final_cost
    assert r.sgd_run.test_accuracy[-1] > r.gd_run.test_accuracy[-1]
    # Full batch's five steps leave the network on the plateau, and the diagnosis says so
    # (on old main it said "No sign of trouble").
    assert len(r.messages) == 1
    assert r.messages[0].startswith("full-batch GD: stuck on the plateau. After 5 steps ")
    run = r.gd_run
    assert run.plateau_cost == pytest.approx(0.9, abs=0.001)
    assert f"C = {run.final_cost:.4f}, about the {run.plateau_cost:.4f}" in r.messages[0]
    assert f"{100 * run.test_accuracy[-1]:.1f}% of the test digits" in r.messages[0]
    assert (f"{run.final_cost:.4f}", "16.9%") == (
        readout_value(r, "gd:network_cost"), readout_value(r, "gd:accuracy"))


def readout_value(result, key):
    """The value the readout table shows for key, e.g. "sgd:saturated"."""
    column, name = key.split(":")
    row = next(row for row in readout_rows(result) if row[0] == name)
    return row[2] if column == "sgd" else row[3]


def test_no_trouble_is_said_only_when_there_is_none():
    r = descent_result(DescentState(lr=1.0, batch_size=1))
    assert [m.split(":")[0] for m in r.messages] == ["full-batch GD"]  # B = 1 trains well
    fine = replace(r, gd_run=r.sgd_run, gd_path=r.sgd_path)
    assert diagnose(fine) == ("No sign of trouble at lr = 1.",)


def test_full_batch_state_runs_one_kind_of_descent(setup):
    r = descent_result(DescentState(lr=3.0, batch_size=setup.n))
    assert r.full_batch and r.sgd_path is r.gd_path and r.sgd_run is r.gd_run
    rows = readout_rows(r)
    assert all(sgd == gd for _, _, sgd, gd in rows)


def test_too_large_a_learning_rate_is_diagnosed_not_raised():
    r = descent_result(DescentState(lr=30.0, batch_size=10))
    assert len(r.messages) == 2
    assert r.messages[0].startswith("mini-batch SGD: ")
    assert r.messages[1].startswith("full-batch GD: ")
    assert all("saturated" in m and "too large" in m for m in r.messages)


def test_a_stopped_run_agrees_with_its_readouts():
    """lr = 30, B = 10: sgd undoes epoch 1. On old main the diagnosis said "its neurons
    saturated" beside a table showing 0 of 26 saturated and the initial weights' cost."""
    r = descent_result(DescentState(lr=30.0, batch_size=10))
    run, message = r.sgd_run, r.messages[0]
    assert run.stopped and run.epochs_kept == 0
    assert readout_value(r, "sgd:kept") == "0 of 5 (stopped)"
    assert readout_value(r, "gd:kept") == "5 of 5"
    # The readouts show the kept weights, and the diagnosis quotes exactly those...
    kept = (f"the readouts show the weights it kept, from before training "
            f"(C = {readout_value(r, 'sgd:network_cost')}, "
            f"{readout_value(r, 'sgd:saturated').split()[0]} saturated)")
    assert kept in message
    assert readout_value(r, "sgd:saturated") == "0 of 26"
    # ... and says what the undone epoch did, as sgd recorded it.
    undone = run.undone
    assert undone.epoch == 1 and undone.saturated == 15 and undone.cost == pytest.approx(1.0)
    assert message.startswith("mini-batch SGD: epoch 1 went wrong: after it C was 1.0000 "
                              "and 15 of the 26 neurons were saturated on every training "
                              "digit.")
    # The full batch was not stopped: its saturated count is the table's.
    gd_saturated = readout_value(r, "gd:saturated").split()[0]
    assert r.messages[1].startswith(f"full-batch GD: {gd_saturated} of the network's 26 neurons")


def test_every_number_in_a_diagnosis_is_one_the_readouts_show_or_is_labelled():
    for state in (DescentState(lr=100.0, batch_size=10), DescentState(lr=300.0, batch_size=1),
                  DescentState(lr=3.0, batch_size=1), DescentState(lr=0.1, batch_size=10)):
        r = descent_result(state)
        for name, key, run in (("mini-batch SGD", "sgd", r.sgd_run),
                               ("full-batch GD", "gd", r.gd_run)):
            for m in (m for m in r.messages if m.startswith(f"{name}: ")):
                if run.stopped:
                    assert f"(C = {readout_value(r, key + ':network_cost')}, " in m
                elif "saturated" in m or "plateau" in m:
                    assert f"C = {readout_value(r, key + ':network_cost')}" in m


def test_a_wild_step_off_the_slice_is_diagnosed():
    r = descent_result(DescentState(lr=300.0, batch_size=1))
    assert any("on the slice: a step threw (w, b) out of the picture" in m for m in r.messages)


def test_overshooting_costs_are_diagnosed():
    r = descent_result(DescentState(lr=3.0, batch_size=1))
    assert any("cost went up in epoch" in m and "overshoot" in m for m in r.messages)


def test_an_epoch_that_overflowed_is_said_so():
    r = descent_result(DescentState(lr=30.0, batch_size=10))
    overflowed = replace(r.sgd_run.undone, cost=float("nan"), saturated=None)
    messages = diagnose(replace(r, sgd_run=replace(r.sgd_run, undone=overflowed)))
    assert messages[0].startswith("mini-batch SGD: epoch 1 went wrong: its steps overflowed "
                                  "the weights. training.sgd stopped and undid it")


def test_readout_table_has_both_columns_and_keys():
    html = readout_html(descent_result(DescentState(lr=3.0, batch_size=30)))
    assert "mini-batch SGD, B = 30" in html and "full-batch GD, B = 1347" in html
    assert "data-key='sgd:steps'" in html and "data-key='gd:accuracy'" in html
    assert ">225<" in html  # 5 epochs of ceil(1347 / 30) = 45 steps


def slider_batch_sizes(n):
    return [B for B in BATCH_SIZES if B < n] + [n]


log_lrs = st.floats(math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1]))
states = st.builds(
    DescentState,
    lr=st.one_of(st.sampled_from(LR_RANGE), log_lrs.map(lambda x: min(max(10**x, 0.1), 300))),
    batch_size=st.one_of(st.sampled_from(slider_batch_sizes(1347)), st.integers(1, 1347)),
)


@settings(max_examples=6, deadline=None)
@given(states)
def test_every_slider_state_gives_finite_numbers_and_no_warnings(state):
    """pytest turns any warning (overflow, invalid value) into a failure."""
    r = descent_result(state)
    for path in (r.sgd_path, r.gd_path):
        assert np.all(np.isfinite(path.w)) and np.all(np.isfinite(path.b))
        assert np.all(np.isfinite(path.cost))
    for run in (r.sgd_run, r.gd_run):
        assert np.all(np.isfinite(run.cost)) and np.all(np.isfinite(run.test_accuracy))
    assert r.messages and all(isinstance(m, str) and m for m in r.messages)
    assert "nan" not in readout_html(r) and "inf" not in readout_html(r)


@pytest.mark.parametrize("lr", LR_RANGE)
@pytest.mark.parametrize("batch_size", [1, 1347])
def test_slider_corners(lr, batch_size):
    r = descent_result(DescentState(lr=lr, batch_size=batch_size))
    assert np.isfinite(r.sgd_run.final_cost) and np.isfinite(r.sgd_path.final_cost)


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        (dict(lr=0.01), ValueError, r"lr must lie in \[0.1, 300.0\], got 0.01"),
        (dict(lr=float("nan")), ValueError, "lr must be finite"),
        (dict(lr="fast"), TypeError, "lr must be a number"),
        (dict(batch_size=0), ValueError, "batch_size must be 1 to 1347"),
        (dict(batch_size=5000), ValueError, "batch_size must be 1 to 1347, got 5000"),
        (dict(batch_size=2.5), TypeError, "batch_size must be a whole number, got 2.5"),
    ],
)
def test_bad_state_gets_a_clear_error(values, error, message):
    with pytest.raises(error, match=message):
        descent_result(DescentState(**values))


# The view


def test_view_follows_its_sliders(panel):
    before = panel.readout.value
    panel.lr.value = 10.0
    assert panel.state == DescentState(lr=10.0, batch_size=10)
    assert panel.readout.value != before
    expected = descent_result(panel.state)
    np.testing.assert_array_equal(panel.sgd_line.get_xdata(), expected.sgd_path.w)
    np.testing.assert_array_equal(panel.gd_line.get_ydata(), expected.gd_path.b)
    np.testing.assert_array_equal(panel.sgd_cost.get_ydata(), expected.sgd_run.cost)
    assert f"{expected.sgd_run.final_cost:.4f}" in panel.readout.value

    panel.batch_size.value = 100
    assert ">70<" in panel.readout.value  # 5 epochs of 14 steps
    assert panel.sgd_line.get_visible()
    panel.batch_size.value = 1347
    assert not panel.sgd_line.get_visible() and not panel.sgd_cost.get_visible()
    assert "mini-batch SGD, B = 1347" in panel.readout.value


def test_set_state_moves_both_sliders_and_shows_the_diagnosis(panel):
    panel.set_state(lr=30.0, batch_size=10)
    assert (panel.lr.value, panel.batch_size.value) == (30.0, 10)
    assert "saturated" in panel.messages.value and "data-key='message'" in panel.messages.value
    with pytest.raises(ValueError, match=r"the batch size slider offers \[1, 3, 10, 30, 100, "
                                         r"300, 1347\], got 7"):
        panel.set_state(batch_size=7)
    with pytest.raises(ValueError, match="lr must lie in"):
        panel.set_state(lr=1000.0)
    panel.set_state(lr=3.0, batch_size=10)
    assert "stuck on the plateau" in panel.messages.value
    assert panel.widget.children[1:] == (panel.fig.canvas, panel.messages)  # plots first


def test_view_reaches_every_slider_end_without_warnings(panel):
    for value in (panel.lr.min, panel.lr.max):
        panel.lr.value = 10**value
        for B in (1, 1347):
            panel.batch_size.value = B
            assert "nan" not in panel.readout.value
    panel.set_state(lr=3.0, batch_size=10)


def test_view_displays_as_widget_snapshot_and_text(panel):
    bundle = panel._repr_mimebundle_()
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Descent panel")
