"""Why backprop: counted and measured work of both ways to get every derivative."""

import numpy as np

from bp_helpers.gradient_cost import layer_evaluations, time_gradients


def test_counts_grow_linearly_and_quadratically():
    assert layer_evaluations(1) == (2, 4)
    assert layer_evaluations(10) == (20, 400)


def test_timings_are_positive_and_nudging_loses_on_long_chains():
    backprop, nudging = time_gradients(np.array([2, 32]), repeats=2)
    assert backprop.shape == nudging.shape == (2,)
    assert np.all(backprop > 0)
    assert nudging[1] > 5 * backprop[1]
