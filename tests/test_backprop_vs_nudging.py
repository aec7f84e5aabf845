"""Why backprop: counted and measured work of both ways to get every derivative."""

import numpy as np

from bp_helpers.backprop_vs_nudging import layer_evaluations, time_gradients


def test_counts_grow_linearly_and_quadratically():
    assert layer_evaluations(1) == (2, 4)
    assert layer_evaluations(10) == (20, 400)


def test_timings_come_one_per_length_and_positive():
    # Which way is faster is a timing: benchmarks/bench_backprop_vs_nudging.py measures it.
    backprop, nudging = time_gradients(np.array([2, 32]), repeats=2)
    assert backprop.shape == nudging.shape == (2,)
    assert np.all(backprop > 0) and np.all(nudging > 0)
